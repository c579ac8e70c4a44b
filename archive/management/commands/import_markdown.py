import resource
import sys
import time
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from archive import search_index
from archive.importing import CREATED, FAILED, UNCHANGED, UPDATED, Importer, markdown_files
from archive.signals import episodes_changed


class Command(BaseCommand):
    help = "Import markdown episode files (or folders of them, recursively) into the archive."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="Files or folders.")
        parser.add_argument(
            "--force", action="store_true",
            help="Take the file's version even where the episode was edited in the CMS.",
        )

    def handle(self, *args, paths, force, **options):
        missing = [str(path) for path in paths if not path.exists()]
        if missing:
            raise CommandError(f"no such file or folder: {', '.join(missing)}")
        files = list(markdown_files(paths))
        importer = Importer(force=force)
        counts = Counter()
        changed = []
        progress = tqdm(
            files, unit="file", disable=not sys.stderr.isatty(), file=sys.stderr
        )
        started = time.perf_counter()
        try:
            # The search index and page cache follow the import once, for all files.
            with search_index.deferred(rebuild=False):
                for path, relative in progress:
                    result = importer.import_file(path, relative)
                    counts[result.outcome] += 1
                    if result.outcome in (CREATED, UPDATED):
                        changed.append(result.episode_id)
                    if result.outcome == FAILED:
                        progress.write(self.style.ERROR(str(result)), file=self.stdout)
            summary = ", ".join(
                f"{counts[outcome]} {outcome}" for outcome in (CREATED, UPDATED, UNCHANGED, FAILED)
            )
            self.stdout.write(
                f"{len(files)} files: {summary} in {time.perf_counter() - started:.1f} s "
                f"(peak memory {_peak_megabytes()} MB)"
            )
        finally:
            # Even when stopped halfway: the episodes imported so far are committed,
            # and a later import would see their files as unchanged.
            if changed:
                self._follow(changed)
        if counts[FAILED]:
            sys.exit(1)

    def _follow(self, changed: list[int]) -> None:
        started = time.perf_counter()
        episodes_changed.send(sender=self.__class__, episode_ids=changed)
        self.stdout.write(
            f"search index and page cache updated for {len(changed)} episodes in "
            f"{time.perf_counter() - started:.1f} s (peak memory {_peak_megabytes()} MB)"
        )


def _peak_megabytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
