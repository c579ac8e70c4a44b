from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from archive.checks.report import Summary, flagged_turns, recheck_episodes
from archive.checks.stored import format_message
from archive.content.sources import MARKDOWN_SUFFIX, default_folder
from archive.models import Episode


class Command(BaseCommand):
    help = (
        "Print the translation checks' flags of imported episodes (all, those whose files "
        "are named, or --episode SLUG): path:line: check-id: message per flagged turn, the "
        "line as the file is exported now; then a summary. --recheck runs the checks afresh "
        "first (with the archive's names as they are now) and stores what they find."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", type=Path, help="Episode files or folders of them.")
        parser.add_argument(
            "--episode", action="append", default=[], metavar="SLUG",
            help="Check only this episode (repeatable).",
        )
        parser.add_argument(
            "--recheck", action="store_true",
            help="Run the checks afresh and store their findings before printing (slower; "
            "needed once after the first import into an empty database, whose names the "
            "import's own checks could not know yet).",
        )

    def handle(self, *args, paths, episode, recheck, **options):
        if paths and episode:
            raise CommandError("name files or --episode slugs, not both")
        root = default_folder()
        if paths:
            named = self._episodes_of_files(paths, root)
        else:
            queryset = Episode.objects.order_by("source_path")
            if episode:
                queryset = queryset.filter(slug__in=episode)
                unknown = set(episode) - set(queryset.values_list("slug", flat=True))
                if unknown:
                    raise CommandError(f"no episode with slug: {', '.join(sorted(unknown))}")
            named = {
                episode.pk: str(root / episode.source_path) if root else episode.source_path
                for episode in queryset.only("pk", "source_path")
            }
        episodes = Episode.objects.filter(pk__in=list(named)) if paths or episode else Episode.objects.all()
        if recheck:
            recheck_episodes(episodes)
        summary = Summary()
        for flagged in flagged_turns(episodes, summary):
            message = format_message(flagged.check, flagged.params, gettext)
            self.stdout.write(f"{named[flagged.episode_id]}:{flagged.line}: {flagged.check}: {message}")
        checks = ", ".join(f"{check} {count}" for check, count in summary.per_check.most_common())
        self.stdout.write(
            f"{summary.episodes} episodes, {summary.turns} turns checked, {summary.flagged} flagged"
            + (f" ({checks})" if checks else "")
        )

    @staticmethod
    def _episodes_of_files(paths: list[Path], root: Path | None) -> dict[int, str]:
        """Episode id -> the path as named, for each markdown file under ``paths``."""
        if root is None:
            raise CommandError("no content folder: set ARCHIVE_ROOT or import a folder first")
        files = []
        for path in paths:
            if path.is_dir():
                files.extend(sorted(p for p in path.rglob(f"*{MARKDOWN_SUFFIX}") if p.is_file()))
            elif path.exists():
                files.append(path)
            else:
                raise CommandError(f"no such file or folder: {path}")
        relative = {}
        for file in files:
            try:
                relative[file.resolve().relative_to(root).as_posix()] = str(file)
            except ValueError:
                raise CommandError(f"{file}:1: not in the content folder {root}") from None
        found = dict(Episode.objects.filter(source_path__in=list(relative)).values_list("source_path", "pk"))
        missing = sorted(set(relative) - set(found))
        if missing:
            raise CommandError(f"{relative[missing[0]]}:1: not imported" + (
                f" (and {len(missing) - 1} more files)" if len(missing) > 1 else ""))
        return {pk: relative[path] for path, pk in found.items()}
