from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.content.exporting import FolderBusy
from archive.content.sources import default_folder
from editorial.jobs.models import Job
from editorial.jobs.running import JobBusy, is_stalled, resume_job, run_here

from editorial.sync.gitrepo import GitError
from editorial.sync.job import start_sync
from editorial.sync.syncing import SyncRefused


class Command(BaseCommand):
    help = (
        "Bring the content folder (a git work tree) in step with its remote: fetch and "
        "fast-forward, import what changed there, export what editors changed, commit "
        "with the editors as authors, push. Files changed on both sides are merged turn "
        "by turn or left as conflicts for an editor."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, nargs="?",
                            help="The content folder (default: ARCHIVE_ROOT, or the one imported).")
        parser.add_argument("--queue", action="store_true",
                            help="Queue the sync as a job for a worker and return at once.")

    def handle(self, *args, folder, queue, **options):
        folder = folder or default_folder()
        if folder is None:
            raise CommandError("no folder given and no content folder: set ARCHIVE_ROOT or name one")
        try:
            job = start_sync(folder.resolve(), queue=queue)
        except JobBusy as busy:
            # A sync whose process was killed holds the lock until taken over.
            if busy.job.kind != Job.Kind.SYNC or not is_stalled(busy.job):
                raise CommandError(str(busy)) from None
            job = busy.job
            resume_job(job, queue=queue)
            self.stdout.write(f"taking over job {job.pk}, a sync that stopped")
        if queue:
            self.stdout.write(f"queued job {job.pk}")
            return
        try:
            job = run_here(job)
        except (SyncRefused, GitError, FolderBusy) as error:
            raise CommandError(str(error)) from None
        report = job.result
        self.stdout.write(
            f"{len(report['imported'])} imported, {len(report['exported'])} exported, "
            f"{len(report['merged'])} merged, {len(report['conflicts'])} conflicts, "
            f"{len(report['failures'])} failed, in {report['rounds']} round(s)"
        )
        for path in report["conflicts"]:
            self.stdout.write(self.style.WARNING(f"conflict: {path} (resolve it in the admin)"))
        for failure in report["failures"]:
            self.stdout.write(self.style.ERROR(f"failed: {failure}"))
        if report["commit"]:
            pushed = "pushed" if report["pushed"] else "not pushed"
            self.stdout.write(f"committed {report['commit']}, {pushed}")
        if report["failures"]:
            raise CommandError("some files were not synced", returncode=1)
