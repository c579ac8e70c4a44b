import resource
import time

from django.core.management.base import BaseCommand

from archive.search.postings.writer import index_dir, write_index


class Command(BaseCommand):
    help = (
        "Write the postings search index (SEARCH_BACKEND=postings) from the search rows, "
        "into SEARCH_INDEX_DIR, and make it the one searches read."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        path = write_index(index_dir())
        size = sum(part.stat().st_size for part in path.iterdir())
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        self.stdout.write(f"wrote {path} ({size / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s; "
                          f"peak memory {peak} MB")
