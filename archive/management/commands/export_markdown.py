import contextlib
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.content.exporting import (
    CONFLICT,
    DIFFERS,
    FAILED,
    UNCHANGED,
    WRITTEN,
    Export,
    FolderBusy,
    holding,
)
from archive.content.publishing import CommitRun, PublishError
from archive.content.sources import default_folder, no_default_folder
from archive.management.database import require_migrated
from archive.models import Episode


class Command(BaseCommand):
    help = "Write episodes back as markdown files under OUTDIR, only those that changed."

    def add_arguments(self, parser):
        parser.add_argument(
            "outdir", type=Path, nargs="?",
            help="Folder to write into (default: the content folder, ARCHIVE_ROOT).",
        )
        parser.add_argument(
            "--episode", action="append", default=[], metavar="SLUG",
            help="Export only this episode (repeatable).",
        )
        parser.add_argument(
            "--check", action="store_true",
            help="Write nothing; list each file that differs and exit 1 if any does.",
        )
        parser.add_argument(
            "--force", action="store_true",
            help="Overwrite files that changed on disk since the last import or export.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be written; write nothing."
        )
        parser.add_argument(
            "--commit", action="store_true",
            help="OUTDIR is in a git work tree: commit the files written, one commit, the "
            "editors as authors; refuse (writing nothing) if the work tree has other changes.",
        )

    def handle(self, *args, outdir, episode, check, force, dry_run, commit, **options):
        require_migrated()
        outdir = outdir or default_folder()
        if outdir is None:
            raise CommandError(no_default_folder("no folder given"))
        writes = not (check or dry_run)
        try:
            with holding(outdir) if writes else contextlib.nullcontext():
                self._export(outdir, episode, check, force, dry_run, commit)
        except FolderBusy as error:
            raise CommandError(str(error)) from None

    def _export(self, outdir, episode, check, force, dry_run, commit):
        if commit and (check or dry_run):
            raise CommandError("--commit writes files: it cannot go with --check or --dry-run")
        try:
            commit_run = CommitRun.start(outdir) if commit else None
        except PublishError as error:
            raise CommandError(str(error)) from None
        queryset = Episode.objects.all()
        if episode:
            queryset = queryset.filter(slug__in=episode)
            unknown = set(episode) - set(queryset.values_list("slug", flat=True))
            if unknown:
                raise CommandError(f"no episode with slug: {', '.join(sorted(unknown))}")
        counts = Counter()
        export = Export(outdir, check=check, force=force, dry_run=dry_run)
        for item, result in export.run(queryset):
            since = item.synced_at  # read before the export marks the file synced
            counts[result.outcome] += 1
            if commit_run and result.outcome == WRITTEN:
                commit_run.add(episode_id=item.pk, path=result.path, since=since)
            if result.outcome in (CONFLICT, FAILED):
                self.stdout.write(self.style.ERROR(f"{result.path}: {result.message}"))
            elif result.outcome == DIFFERS:
                self.stdout.write(f"{result.path}: {result.message}")
            elif result.outcome == WRITTEN and dry_run:
                self.stdout.write(f"{result.path}: would be written")
        written = "would be written" if dry_run else WRITTEN
        summary = (
            f"{counts[DIFFERS]} differ" if check
            else f"{counts[WRITTEN]} {written}, {counts[CONFLICT]} refused, {counts[FAILED]} failed"
        )
        self.stdout.write(f"{sum(counts.values())} episodes: {summary}, {counts[UNCHANGED]} unchanged")
        if commit_run:
            try:
                made = commit_run.finish()
            except PublishError as error:
                raise CommandError(f"{error}; the files are written but not committed") from None
            self.stdout.write(f"committed {made}" if made else "nothing to commit")
        if counts[CONFLICT] or counts[DIFFERS] or counts[FAILED]:
            raise CommandError("some episodes were not written", returncode=1)
