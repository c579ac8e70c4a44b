import time

from django.core.management.base import BaseCommand

from archive.search import rebuild_index, repair
from archive.search.index import stale_episodes


class Command(BaseCommand):
    help = (
        "Build the search index again from the episodes; with --lagging, only the "
        "episodes whose index is missing or older than their content (what repair() does)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--lagging", action="store_true", help="Only what lags (cheap when nothing does).")

    def handle(self, *args, lagging, **options):
        started = time.perf_counter()
        if lagging:
            self.stdout.write(f"indexing {len(stale_episodes())} lagging episodes")
            self.stdout.flush()
            count = repair()
        else:
            self.stdout.write("indexing every episode")
            self.stdout.flush()
            count = rebuild_index()
        self.stdout.write(f"indexed {count} episodes in {time.perf_counter() - started:.1f} s")
