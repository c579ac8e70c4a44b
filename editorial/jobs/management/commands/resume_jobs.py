from datetime import timedelta

from django.core.management.base import BaseCommand

from editorial.jobs.running import resume_job, stalled_jobs


class Command(BaseCommand):
    help = (
        "Queue again the jobs whose worker died (no sign of life for JOBS_STALLED_AFTER "
        "seconds, or their task ended without them); each carries on where it stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument("--stalled-after", type=float, default=None, metavar="SECONDS",
                            help="Instead of JOBS_STALLED_AFTER.")

    def handle(self, *args, stalled_after, **options):
        older_than = None if stalled_after is None else timedelta(seconds=stalled_after)
        for job in stalled_jobs(older_than):
            if resume_job(job):
                self.stdout.write(f"resumed {job} ({job.done} of {job.total} done)")
