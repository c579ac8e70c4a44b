"""``export_markdown --commit``: one commit of the files written, in a real temporary
git repository, with the editors who made the changes as its authors."""
from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from archive.content.publishing import Author, Note, choose_authors
from archive.models import Episode
from editorial.edits.front_matter import episode_update
from tests.factories import BILINGUAL

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="the git program is not installed")

OTHER = BILINGUAL.replace("title: 编辑测试", "title: 第二集")


def git(repo: Path, *arguments: str) -> str:
    return subprocess.run(
        ["git", *arguments], cwd=repo, check=True, capture_output=True, text=True,
        env={**os.environ, "LC_ALL": "C"},
    ).stdout


@pytest.fixture
def repo(db, tmp_path, monkeypatch):
    """A content repository with two episodes committed and imported."""
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-global-config"))
    root = tmp_path / "site"
    notes = root / "content" / "notes"
    notes.mkdir(parents=True)
    (notes / "one.md").write_text(BILINGUAL, encoding="utf-8")
    (notes / "two.md").write_text(OTHER, encoding="utf-8")
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "config", "user.name", "Site Robot")
    git(root, "config", "user.email", "robot@example.org")
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", "The site as it was")
    call_command("import_markdown", str(notes), stdout=open(os.devnull, "w"))
    return root


def editor(username: str, first: str, last: str) -> User:
    return User.objects.create_user(username, email=f"{username}@example.org", first_name=first, last_name=last)


def retitle(slug: str, title: str, by: User) -> None:
    episode = Episode.objects.get(slug=slug)
    episode_update(episode=episode, by=by, version=episode.version, columns={"title": title}, entities={})


def export(repo: Path, *extra: str) -> str:
    """Run ``export_markdown --commit`` into the repository's notes; its output."""
    out = io.StringIO()
    call_command("export_markdown", str(repo / "content" / "notes"), "--commit", *extra, stdout=out)
    return out.getvalue()


def commits(repo: Path) -> int:
    return int(git(repo, "rev-list", "--count", "HEAD"))


def test_the_written_files_are_one_commit_by_the_editor(repo):
    ann = editor("ann", "Ann", "Lee")
    retitle("one", "改过的标题", ann)

    output = export(repo)

    assert commits(repo) == 2 and "committed" in output
    assert git(repo, "log", "-1", "--format=%an <%ae>|%cn").strip() == "Ann Lee <ann@example.org>|Site Robot"
    assert git(repo, "show", "--name-only", "--format=", "HEAD").split() == ["content/notes/one.md"]
    message = git(repo, "log", "-1", "--format=%B")
    assert message.startswith("Export 1 episode from the CMS\n")
    assert "- content/notes/one.md: Edited title" in message
    assert git(repo, "status", "--porcelain") == ""
    diff = git(repo, "show", "--format=", "--unified=0", "HEAD")
    assert [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in {"+++", "---"}] == [
        "-title: 编辑测试", "+title: 改过的标题",
    ]


def test_several_editors_the_one_with_most_changes_is_the_author_the_others_co_authors(repo):
    ann, bo = editor("ann", "Ann", "Lee"), editor("bo", "Bo", "Chen")
    retitle("one", "一改", ann)
    retitle("two", "二改", ann)
    retitle("two", "三改", bo)      # Ann's title of two is not in the commit: one each
    episode = Episode.objects.get(slug="one")
    episode_update(episode=episode, by=ann, version=episode.version, columns={"summary": "新摘要"}, entities={})

    export(repo)

    assert git(repo, "log", "-1", "--format=%an").strip() == "Ann Lee"
    message = git(repo, "log", "-1", "--format=%B")
    assert "- content/notes/one.md: Edited title" in message
    assert "- content/notes/two.md: Edited title" in message
    assert message.rstrip().endswith("Co-authored-by: Bo Chen <bo@example.org>")
    assert message.count("Co-authored-by:") == 1
    trailers = git(repo, "log", "-1", "--format=%(trailers:key=Co-authored-by,valueonly)").split("\n")
    assert "Bo Chen <bo@example.org>" in trailers


def test_only_changes_since_the_last_export_are_listed(repo):
    ann = editor("ann", "Ann", "Lee")
    episode = Episode.objects.get(slug="one")
    episode_update(episode=episode, by=ann, version=episode.version, columns={"summary": "新的摘要"}, entities={})
    export(repo)
    retitle("one", "再改", ann)

    export(repo)

    message = git(repo, "log", "-1", "--format=%B")
    assert "- content/notes/one.md: Edited title" in message and "summary" not in message
    assert commits(repo) == 3


def test_changes_the_export_did_not_make_are_refused_before_anything_is_written(repo):
    ann = editor("ann", "Ann", "Lee")
    retitle("one", "改过的标题", ann)
    (repo / "stray.txt").write_text("someone's work\n", encoding="utf-8")

    with pytest.raises(CommandError, match=r"has changes this export did not make \(stray.txt\)"):
        export(repo)

    assert (repo / "content" / "notes" / "one.md").read_text(encoding="utf-8") == BILINGUAL
    assert commits(repo) == 1


def test_a_modified_tracked_file_is_refused_too(repo):
    (repo / "content" / "notes" / "two.md").write_text(OTHER + "\nhand edit\n", encoding="utf-8")
    with pytest.raises(CommandError, match="two.md"):
        export(repo)
    assert commits(repo) == 1


def test_nothing_written_makes_no_commit(repo):
    output = export(repo)
    assert "nothing to commit" in output and commits(repo) == 1


def test_a_folder_outside_any_work_tree_is_refused(db, tmp_path, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "one.md").write_text(BILINGUAL, encoding="utf-8")
    call_command("import_markdown", str(folder), stdout=open(os.devnull, "w"))
    with pytest.raises(CommandError, match="not inside a git work tree"):
        call_command("export_markdown", str(tmp_path / "out"), "--commit", stdout=open(os.devnull, "w"))
    assert not list((tmp_path / "out").glob("**/*.md"))


def test_commit_does_not_go_with_check_or_dry_run(repo):
    with pytest.raises(CommandError, match="cannot go with --check or --dry-run"):
        export(repo, "--dry-run")


def test_a_first_export_without_edits_is_committed_as_git_s_own_identity(db, tmp_path, monkeypatch, repo):
    target = repo / "mirror"
    monkeypatch.chdir(repo)

    call_command("export_markdown", str(target), "--commit", stdout=open(os.devnull, "w"))

    assert git(repo, "log", "-1", "--format=%an").strip() == "Site Robot"
    message = git(repo, "log", "-1", "--format=%B")
    assert message.startswith("Export 2 episodes from the CMS")
    assert "Written without an edit recorded since the file was last in step:" in message
    assert "- mirror/one.md" in message


def test_the_author_with_most_changes_wins_and_the_latest_breaks_a_tie():
    import datetime

    ann, bo = Author("Ann", "a@x"), Author("Bo", "b@x")
    at = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    later = at + datetime.timedelta(hours=1)
    assert choose_authors([Note(1, "s", ann, at), Note(2, "s", bo, later)]) == (bo, [ann])
    assert choose_authors([Note(1, "s", ann, at), Note(1, "t", ann, at), Note(2, "s", bo, later)]) == (ann, [bo])
    assert choose_authors([Note(1, "s", None, at)]) == (None, [])


def test_a_name_that_would_break_git_s_identity_is_cleaned(db):
    from editorial.revisions.credit import author_of

    user = User.objects.create_user("evil", first_name="Eve <x@y>\nCo-authored-by: z", email="")
    author = author_of(user)
    assert "<" not in author.name and "\n" not in author.name
    assert author.email == "evil@users.archive-cms.invalid"


def test_credit_follows_what_the_commit_contains(repo, settings):
    """Three held summary edits by an Editor, then a Publisher's maturity change: the
    commit holds only the maturity, so the Publisher alone is its author."""
    from editorial.review import workflow
    from tests.factories import user_in

    notes = repo / "content" / "notes"
    (notes / "one.md").write_text(BILINGUAL.replace("draft: true", "draft: false").replace(
        "status: evergreen", "status: seedling"), encoding="utf-8")
    git(repo, "commit", "--quiet", "-am", "Reviewed, a seedling")
    call_command("import_markdown", str(notes), stdout=open(os.devnull, "w"))
    eddie, pat = user_in("Editor", "eddie"), user_in("Publisher", "pat")
    eddie.first_name, pat.first_name = "Eddie", "Pat"
    eddie.save(), pat.save()
    for summary in ("摘要一", "摘要二", "摘要三"):
        episode = Episode.objects.get(slug="one")
        episode_update(episode=episode, by=eddie, version=episode.version, columns={"summary": summary}, entities={})
    workflow.episode_set_maturity(episode=Episode.objects.get(slug="one"), by=pat, status="evergreen")

    export(repo)

    assert git(repo, "log", "-1", "--format=%an").strip() == "Pat"
    message = git(repo, "log", "-1", "--format=%B")
    assert "Co-authored-by" not in message and "Eddie" not in message
    diff = git(repo, "show", "--format=", "--unified=0", "HEAD")
    assert [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in {"+++", "---"}] == [
        "-status: seedling", "+status: evergreen",
    ]


def test_a_file_name_cannot_add_a_line_to_the_commit_message(repo):
    """Nor a trailer: a name holding a line break is written escaped, on its line."""
    notes = repo / "content" / "notes"
    name = "x\nCo-authored-by: Mallory <mallory@evil.example>.md"
    (notes / name).write_text(OTHER.replace("第二集", "第三集"), encoding="utf-8")
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "An odd name")
    call_command("import_markdown", str(notes), stdout=open(os.devnull, "w"))
    ann = editor("ann", "Ann", "Lee")
    episode = Episode.objects.get(source_path=name)
    episode_update(episode=episode, by=ann, version=episode.version,
                   columns={"summary": "摘要\nCo-authored-by: Eve <eve@evil.example>"}, entities={})

    export(repo)

    message = git(repo, "log", "-1", "--format=%B")
    trailers = git(repo, "log", "-1", "--format=%(trailers:key=Co-authored-by,valueonly)")
    assert "evil.example" not in trailers
    assert not any(line.startswith("Co-authored-by") for line in message.splitlines())
    assert "- content/notes/x\\nCo-authored-by: Mallory <mallory@evil.example>.md: " in message


@pytest.mark.parametrize("hook", ["pre-commit", "commit-msg"])
def test_a_hanging_hook_is_stopped_and_nothing_is_committed(repo, settings, hook):
    settings.ARCHIVE_GIT_TIME_LIMIT = 1
    hooks = repo / ".git" / "hooks"
    (hooks / hook).write_text("#!/bin/sh\nsleep 300 &\nsleep 300\n", encoding="utf-8")
    (hooks / hook).chmod(0o755)
    ann = editor("ann", "Ann", "Lee")
    retitle("one", "改过的标题", ann)

    with pytest.raises(CommandError, match="did not finish within 1 s") as refused:
        export(repo)

    assert commits(repo) == 1
    assert not (repo / ".git" / "index.lock").exists()
    assert git(repo, "diff", "--cached", "--name-only").split() == ["content/notes/one.md"]
    (hooks / hook).unlink()
    command = re.search(r"commit them with `([^`]+)`", str(refused.value)).group(1)
    subprocess.run(command, shell=True, cwd=repo, check=True, env={**os.environ, "LC_ALL": "C"})
    assert commits(repo) == 2
    assert git(repo, "log", "-1", "--format=%an").strip() == "Ann Lee"
    assert "- content/notes/one.md: Edited title" in git(repo, "log", "-1", "--format=%B")
