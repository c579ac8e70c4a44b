import sys
import time
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from archive.content.importing import CREATED, FAILED, UNCHANGED, UPDATED, Importer
from archive.content.sources import (
    OutsideContentFolder,
    default_folder,
    folder_count,
    no_default_folder,
    sources,
)
from archive.management.database import require_migrated
from archive.search import write_index_if_used


class Command(BaseCommand):
    help = (
        "Import markdown episode files (or folders of them, recursively) into the archive; "
        "with no path, the content folder (ARCHIVE_ROOT)."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="Files or folders.")
        parser.add_argument(
            "--force", action="store_true",
            help="Take the file's version even where the episode was edited in the CMS "
            "or the file is older than the CMS's copy.",
        )
        parser.add_argument(
            "--jobs", type=int, default=None, metavar="N",
            help="Processes parsing files (default: one per core).",
        )

    def handle(self, *args, paths, force, jobs, **options):
        require_migrated()
        folders_before = folder_count()
        paths = paths or [self._default_folder()]
        missing = [str(path) for path in paths if not path.exists() and not path.is_symlink()]
        if missing:
            raise CommandError(f"no such file or folder: {', '.join(missing)}")
        importer = Importer(force=force, jobs=jobs)
        counts = Counter()
        started = time.perf_counter()
        listed = self._sources(paths)
        try:
            for result in tqdm(
                importer.run(listed), total=len(listed), unit="file",
                disable=not sys.stderr.isatty(), file=sys.stderr,
            ):
                counts[result.outcome] += 1
                if result.outcome == FAILED:
                    tqdm.write(self.style.ERROR(str(result)), file=self.stdout)
            summary = ", ".join(
                f"{counts[outcome]} {outcome}" for outcome in (CREATED, UPDATED, UNCHANGED, FAILED)
            )
            self.stdout.write(
                f"{sum(counts.values())} files: {summary} in {time.perf_counter() - started:.1f} s"
            )
        finally:
            importer.finish()  # also when stopped: what was committed is followed
        if importer.repaired:
            self.stdout.write(f"search index brought up to date for {importer.repaired} episodes")
        if counts[CREATED] or counts[UPDATED] or importer.repaired:
            written = write_index_if_used()
            if written:
                self.stdout.write(f"postings search index written: {written}")
        if counts[CREATED] and folder_count() > max(folders_before, 1):
            self.stdout.write(self.style.WARNING(
                "this database now holds episodes of several folders; "
                + no_default_folder("export_markdown will need a folder named")
            ))
        if counts[FAILED]:
            raise CommandError(f"{counts[FAILED]} files failed", returncode=1)

    @staticmethod
    def _default_folder() -> Path:
        folder = default_folder()
        if folder is None:
            raise CommandError(no_default_folder("no path given"))
        return folder

    @staticmethod
    def _sources(paths) -> list:
        try:
            return list(sources(paths))
        except OutsideContentFolder as error:
            raise CommandError(str(error)) from None
