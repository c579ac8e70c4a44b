"""sync_content against real git repositories made here: a bare repository as the
remote, a clone playing the pipeline, and the CMS's content folder, another clone."""
from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from archive.models import Episode
from editorial.edits import editing
from editorial.sync import syncing
from editorial.sync.gitrepo import GitError, Repository, checked_name
from editorial.sync.models import SyncConflict, SyncState
from editorial.sync.syncing import Sync, SyncRefused
from tests.factories import episode_markdown, user_in

pytestmark = pytest.mark.django_db


def git(folder: Path, *arguments: str) -> str:
    return subprocess.run(["git", *arguments], cwd=folder, check=True, capture_output=True,
                          text=True).stdout


def note(number: int, *, turns: list[str] | None = None) -> str:
    turns = turns or [f"第{number}期第{turn}句。" for turn in range(4)]
    return episode_markdown(
        title=f"第{number}期", draft=True, sections=[("一", [("Host", text, f"Turn {i}.") for i, text in enumerate(turns)])],
    )


@dataclasses.dataclass
class Repos:
    remote: Path
    pipeline: Path
    content: Path

    def pipeline_writes(self, files: dict[str, str], message: str = "Pipeline: new notes") -> None:
        git(self.pipeline, "pull", "--quiet", "--ff-only")
        for name, text in files.items():
            (self.pipeline / "notes" / name).write_text(text, encoding="utf-8")
        git(self.pipeline, "add", "-A")
        git(self.pipeline, "commit", "--quiet", "-m", message)
        git(self.pipeline, "push", "--quiet")

    def remote_file(self, name: str) -> str:
        return git(self.remote, "show", f"main:notes/{name}")

    def sync(self, **options) -> syncing.SyncReport:
        return Sync(self.content / "notes", remote="origin", branch="main", **options).run()


@pytest.fixture
def repos(tmp_path, settings) -> Repos:
    remote, pipeline, content = tmp_path / "remote.git", tmp_path / "pipeline", tmp_path / "content"
    git(tmp_path, "init", "--quiet", "--bare", "-b", "main", str(remote))
    git(tmp_path, "clone", "--quiet", str(remote), str(pipeline))
    git(pipeline, "config", "user.name", "Pipeline")
    git(pipeline, "config", "user.email", "pipeline@example.org")
    (pipeline / "notes").mkdir()
    for number in range(3):
        (pipeline / "notes" / f"n{number}.md").write_text(note(number), encoding="utf-8")
    git(pipeline, "add", "-A")
    git(pipeline, "commit", "--quiet", "-m", "First notes")
    git(pipeline, "push", "--quiet", "-u", "origin", "main")
    git(tmp_path, "clone", "--quiet", str(remote), str(content))
    git(content, "config", "user.name", "Archive CMS")
    git(content, "config", "user.email", "cms@example.org")
    settings.ARCHIVE_ROOT = str(content / "notes")
    repos = Repos(remote, pipeline, content)
    first = repos.sync()
    assert first.imported == [f"n{number}.md" for number in range(3)] and not first.commit
    return repos


def edit_turn(episode: Episode, index: int, text: str, *, by) -> None:
    """An editor's edit of one turn's Chinese, through the edit route."""
    def change(document):
        turns = [i for i, block in enumerate(document.blocks) if getattr(block, "label", "") == "Host"]
        blocks = list(document.blocks)
        blocks[turns[index]] = dataclasses.replace(blocks[turns[index]], text=text)
        return dataclasses.replace(document, blocks=tuple(blocks))

    editing.edit(episode.pk, change, by=by, summary=f"Fixed turn {index}")


@pytest.fixture
def editor_ann(db):
    user = user_in("Editor", "ann")
    user.first_name, user.last_name, user.email = "Ann", "Lee", "ann@example.org"
    user.save()
    return user


def test_new_and_changed_pipeline_notes_are_imported(repos):
    repos.pipeline_writes({"n3.md": note(3), "n1.md": note(1, turns=["重新翻译。", "第二句。"])})

    report = repos.sync()

    assert sorted(report.imported) == ["n1.md", "n3.md"] and not report.commit
    assert Episode.objects.get(source_path="n3.md").title == "第3期"
    assert "重新翻译。" in editing.render_episode(Episode.objects.get(source_path="n1.md").pk)
    assert SyncState.objects.get().base_commit == git(repos.remote, "rev-parse", "main").strip()
    assert repos.sync().imported == []  # nothing twice


def test_an_editors_edit_reaches_the_remote_with_the_editor_as_author(repos, editor_ann):
    episode = Episode.objects.get(source_path="n2.md")
    edit_turn(episode, 1, "编辑改过的第一句。", by=editor_ann)

    report = repos.sync()

    assert report.exported == ["n2.md"] and report.pushed, report
    assert "编辑改过的第一句。" in repos.remote_file("n2.md")
    assert git(repos.remote, "log", "-1", "--format=%an <%ae>|%cn", "main").strip() == \
        "Ann Lee <ann@example.org>|Archive CMS"
    diff = git(repos.remote, "diff", "main~1", "main", "--", "notes/n2.md")
    assert [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")] == [
        "-**Host**: 第2期第1句。", "+**Host**: 编辑改过的第一句。",
    ]
    assert not git(repos.content, "status", "--porcelain")


def test_different_turns_changed_on_each_side_merge_and_the_diff_is_both_edits(repos, editor_ann):
    before = repos.remote_file("n0.md")
    edit_turn(Episode.objects.get(source_path="n0.md"), 3, "编辑改了第三句。", by=editor_ann)
    repos.pipeline_writes({"n0.md": before.replace("第0期第0句。", "管线重译第零句。")}, "Re-translation")

    report = repos.sync()

    assert report.merged == ["n0.md"] and report.conflicts == [] and report.pushed
    after = repos.remote_file("n0.md")
    assert after == before.replace("第0期第0句。", "管线重译第零句。").replace("第0期第3句。", "编辑改了第三句。")
    assert editing.render_episode(Episode.objects.get(source_path="n0.md").pk) == after


def test_the_same_turn_changed_on_both_sides_is_a_conflict_an_editor_resolves(repos, editor_ann, client):
    before = repos.remote_file("n1.md")
    edit_turn(Episode.objects.get(source_path="n1.md"), 2, "编辑的版本。", by=editor_ann)
    ours = editing.render_episode(Episode.objects.get(source_path="n1.md").pk)
    theirs = before.replace("第1期第2句。", "管线的版本。").replace("第1期第0句。", "管线改了开头。")
    repos.pipeline_writes({"n1.md": theirs}, "Re-translation")

    report = repos.sync()

    assert report.conflicts == ["n1.md"] and not report.commit
    # Neither side is written over.
    assert repos.remote_file("n1.md") == theirs
    assert editing.render_episode(Episode.objects.get(source_path="n1.md").pk) == ours
    conflict = SyncConflict.objects.get()
    assert repos.sync().conflicts == []  # reported once; it waits in the admin

    client.force_login(editor_ann)
    page = client.get(reverse("admin:sync_syncconflict_change", args=[conflict.pk])).content.decode()
    assert "编辑的版本。" in page and "管线的版本。" in page
    [index] = [index for index, hunk in enumerate(conflict_merge(conflict).hunks) if hunk.conflict]
    response = client.post(reverse("admin:sync_syncconflict_change", args=[conflict.pk]),
                           {f"hunk-{index}": "ours"})
    assert response.status_code == 302
    conflict.refresh_from_db()
    assert conflict.status == SyncConflict.Status.RESOLVED and conflict.resolved_by == editor_ann

    report = repos.sync()
    assert report.pushed and report.exported == ["n1.md"]
    # The pipeline's other change stays, the editor's turn wins where chosen.
    assert repos.remote_file("n1.md") == theirs.replace("管线的版本。", "编辑的版本。")


def conflict_merge(conflict):
    from editorial.sync.resolving import conflict_hunks

    return conflict_hunks(conflict)


def test_local_commits_that_are_not_the_cms_own_are_refused(repos):
    (repos.content / "notes" / "n0.md").write_text("hand edit\n", encoding="utf-8")
    git(repos.content, "commit", "--quiet", "-am", "By hand")
    head = git(repos.content, "rev-parse", "HEAD")

    with pytest.raises(SyncRefused, match="the CMS did not make"):
        repos.sync()
    assert git(repos.content, "rev-parse", "HEAD") == head


def test_a_work_tree_changed_by_hand_is_refused(repos):
    (repos.content / "notes" / "n0.md").write_text("hand edit\n", encoding="utf-8")
    with pytest.raises(SyncRefused, match="changes the CMS did not make"):
        repos.sync()
    assert (repos.content / "notes" / "n0.md").read_text() == "hand edit\n"


def test_a_push_refused_because_the_remote_moved_goes_round_again(repos, editor_ann, monkeypatch):
    edit_turn(Episode.objects.get(source_path="n2.md"), 0, "编辑的句子。", by=editor_ann)
    real_push = Repository.push
    calls = []

    def push_after_the_pipeline(self, remote, branch):
        if not calls:
            repos.pipeline_writes({"n9.md": note(9)})
        calls.append(1)
        return real_push(self, remote, branch)

    monkeypatch.setattr(Repository, "push", push_after_the_pipeline)
    report = repos.sync()

    assert report.rounds == 2 and report.pushed and "n9.md" in report.imported
    assert "编辑的句子。" in repos.remote_file("n2.md")
    assert git(repos.remote, "log", "--format=%s", "main").splitlines()[1] == "Pipeline: new notes"


class Killed(BaseException):
    """Stands for SIGKILL: no handler of the sync's catches it."""


def killed_after(real, *, run_it: bool):
    """``real`` (run to its end when ``run_it``), then death."""
    def dies(self, *args, **kwargs):
        if run_it:
            result = real(self, *args, **kwargs)
            if result is not None and hasattr(result, "__next__"):
                list(result)  # a generator: all its work done
        raise Killed
    return dies


# (what dies, whether its work was done first)
STEPS = {
    "after the import": (Sync, "_import", True),
    "after writing the files": (syncing.Export, "run", True),
    "after the commit": (Repository, "push", False),
    "after the push": (Repository, "push", True),
}


@pytest.mark.parametrize("step", list(STEPS))
def test_a_kill_at_any_step_is_finished_by_the_next_sync(repos, editor_ann, monkeypatch, step):
    edit_turn(Episode.objects.get(source_path="n2.md"), 0, "编辑的句子。", by=editor_ann)
    repos.pipeline_writes({"n5.md": note(5), "n6.md": note(6)})
    owner, name, run_it = STEPS[step]
    real = getattr(owner, name)
    monkeypatch.setattr(owner, name, killed_after(real, run_it=run_it))
    with pytest.raises(Killed):
        repos.sync()
    monkeypatch.setattr(owner, name, real)

    report = repos.sync()

    assert report.failures == [] and report.conflicts == []
    assert "编辑的句子。" in repos.remote_file("n2.md")
    assert Episode.objects.filter(source_path__in=["n5.md", "n6.md"]).count() == 2
    assert git(repos.remote, "log", "--format=%s", "main").count("Export") == 1
    assert git(repos.content, "rev-parse", "HEAD") == git(repos.remote, "rev-parse", "main")
    assert not git(repos.content, "status", "--porcelain")
    assert SyncState.objects.get().base_commit == git(repos.remote, "rev-parse", "main").strip()
    assert repos.sync().exported == []  # and nothing is left to do


def test_names_from_outside_cannot_become_options():
    for name in ("--upload-pack=touch /tmp/x", "-x", "a..b", "main.lock", "x@{1}", "a b", ""):
        with pytest.raises(GitError):
            checked_name(name, "branch")
    assert checked_name("release/2026.1", "branch") == "release/2026.1"


def test_the_command_reports_and_refuses_a_second_sync_meanwhile(repos):
    repos.pipeline_writes({"n7.md": note(7)})
    out = __import__("io").StringIO()
    call_command("sync_content", str(repos.content / "notes"), stdout=out)
    assert "1 imported, 0 exported, 0 merged, 0 conflicts, 0 failed, in 1 round(s)" in out.getvalue()
    from editorial.sync.job import start_sync

    start_sync(repos.content / "notes", queue=False)
    with pytest.raises(CommandError, match="not finished yet"):
        call_command("sync_content", str(repos.content / "notes"))


def test_a_symbolic_link_from_the_remote_is_reported_not_imported(repos):
    git(repos.pipeline, "pull", "--quiet", "--ff-only")
    (repos.pipeline / "notes" / "evil.md").symlink_to("/etc/passwd")
    git(repos.pipeline, "add", "-A")
    git(repos.pipeline, "commit", "--quiet", "-m", "A link")
    git(repos.pipeline, "push", "--quiet")

    report = repos.sync()

    assert report.failures == ["notes/evil.md: a symbolic link or submodule; not imported"]
    assert not Episode.objects.filter(source_path="evil.md").exists()


def test_a_remote_that_would_run_a_command_is_refused(repos, tmp_path):
    marker = tmp_path / "ran"
    git(repos.content, "remote", "set-url", "origin", f"ext::sh -c touch% {marker}")

    with pytest.raises(GitError, match="git fetch failed"):
        repos.sync()
    assert not marker.exists()
