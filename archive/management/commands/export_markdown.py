import sys
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.exporting import (
    CONFLICT, DIFFERS, FAILED, UNCHANGED, WRITTEN, documents, export_episode,
)
from archive.models import Episode


class Command(BaseCommand):
    help = "Write episodes back as markdown files under OUTDIR, only those that changed."

    def add_arguments(self, parser):
        parser.add_argument("outdir", type=Path)
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

    def handle(self, *args, outdir, episode, check, force, dry_run, **options):
        queryset = Episode.objects.all()
        if episode:
            queryset = queryset.filter(slug__in=episode)
            unknown = set(episode) - set(queryset.values_list("slug", flat=True))
            if unknown:
                raise CommandError(f"no episode with slug: {', '.join(sorted(unknown))}")
        counts = Counter()
        for item, document in documents(queryset):
            result = export_episode(
                item, document, outdir, check=check, force=force, dry_run=dry_run
            )
            counts[result.outcome] += 1
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
        if counts[CONFLICT] or counts[DIFFERS] or counts[FAILED]:
            sys.exit(1)
