import sys
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

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
        for path, relative in progress:
            result = importer.import_file(path, relative)
            counts[result.outcome] += 1
            if result.outcome in (CREATED, UPDATED):
                changed.append(result.episode_id)
            if result.outcome == FAILED:
                progress.write(self.style.ERROR(str(result)), file=self.stdout)
        if changed:
            episodes_changed.send(sender=self.__class__, episode_ids=changed)
        summary = ", ".join(
            f"{counts[outcome]} {outcome}" for outcome in (CREATED, UPDATED, UNCHANGED, FAILED)
        )
        self.stdout.write(f"{len(files)} files: {summary}")
        if counts[FAILED]:
            sys.exit(1)
