"""Publishing an export to the content repository: one git commit of the files written.

``export_markdown --commit`` opens a :class:`CommitRun` before writing anything (it
refuses a folder outside a git work tree, a work tree with changes of its own, and a
git that does not know who commits), tells it each file written, and finishes it with
one commit, or none when nothing changed.

The commit says who did the work it holds. Who edited what is not the archive's
knowledge, so the run asks for it with the ``collect_notes`` signal; the editors' side
answers with the revisions made since each file was last in step with the CMS, each
with the lines it took out of the file and put in. A revision is credited only when
the commit takes out or puts in one of those lines: an edit still held for review, or
one undone since, is not in the commit and earns no credit. The editor with the most
credited revisions is git's author (git holds one); the others are
``Co-authored-by:`` trailers, which GitHub and GitLab credit as authors too. The one
who runs the command stays git's committer.

What a file name or an editor wrote goes into the message through ``one_line``, so
it can never make a line of its own (a forged trailer, say).

A hook of the checkout that hangs cannot hang the export: ``git commit`` has
``ARCHIVE_GIT_TIME_LIMIT`` seconds, then it and every process it started are
stopped, and the run fails with what to do; git commits whole or not at all, so
nothing is half-committed (the files stay written and staged, the message kept).

It runs the ``git`` program rather than a library: the checkout is the static site's,
made and used with git itself, so its hooks, config, index format and identity rules
apply exactly; GitPython wraps the same program, and dulwich or pygit2 reimplement
git and follow its config and hooks only in part.
"""
from __future__ import annotations

import dataclasses
import datetime
import os
import shlex
import signal
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

from django.conf import settings
from django.dispatch import Signal

# Sent before the commit with ``files``: a list of :class:`WrittenFile`. Each receiver
# returns a list of :class:`Note` for those episodes.
collect_notes = Signal()

_MAX_LISTED_UNEDITED = 50


class PublishError(Exception):
    """The export cannot be committed; nothing was written when raised by ``start``."""


@dataclasses.dataclass(frozen=True)
class Author:
    name: str
    email: str

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


@dataclasses.dataclass(frozen=True)
class WrittenFile:
    episode_id: int
    path: str  # relative to the work tree, with forward slashes
    since: datetime.datetime | None  # when the file was last in step with the CMS


Change = frozenset[tuple[str, str]]    # ("-", line) taken out, ("+", line) put in


@dataclasses.dataclass(frozen=True)
class Note:
    """One change to an episode since its file was last written: a revision summary,
    with the lines the revision changed (``line_changes``)."""

    episode_id: int
    summary: str
    author: Author | None
    at: datetime.datetime
    change: Change = frozenset()


def line_changes(before: str, after: str) -> Change:
    """The lines ``after`` no longer has and the lines it has that ``before`` had not."""
    old, new = set(before.splitlines()), set(after.splitlines())
    return frozenset({("-", line) for line in old - new} | {("+", line) for line in new - old})


def one_line(text: str) -> str:
    """``text`` as one line of a commit message: line breaks and other control
    characters written as escapes (``\\n``, ``\\u2028``), so that nothing in it can
    start a line (a trailer) of its own."""
    return "".join(
        char.encode("unicode_escape").decode("ascii")
        if char == "\\" or unicodedata.category(char) in ("Cc", "Zl", "Zp") else char
        for char in text
    )


class TimedOut(PublishError):
    """git (a hook it ran) did not finish in time, and was stopped."""


def git(root: Path, *arguments: str, stdin: str | None = None, check: bool = True,
        time_limit: float | None = None):
    """Run git in ``root``; raise :class:`PublishError` with git's words on failure,
    :class:`TimedOut` when it runs past ``time_limit`` seconds (then git and whatever
    it started, a hook and its children, are stopped)."""
    environment = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        process = subprocess.Popen(
            ["git", *arguments], cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env=environment, start_new_session=True,
        )
    except FileNotFoundError:
        raise PublishError("the git program is not installed") from None
    try:
        stdout, stderr = process.communicate(stdin, timeout=time_limit)
    except subprocess.TimeoutExpired:
        _stop(process)
        raise TimedOut(f"git {arguments[0]} did not finish within {time_limit:g} s "
                       "(a hook that hangs?) and was stopped") from None
    done = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
    if check and done.returncode != 0:
        raise PublishError(f"git {arguments[0]} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done


def _stop(process: subprocess.Popen) -> None:
    """Stop ``process`` and its process group: politely first, so that git removes
    its lock files, then for good."""
    for sent in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sent)
        except ProcessLookupError:
            break
        try:
            process.communicate(timeout=5)
            break
        except subprocess.TimeoutExpired:
            continue


class CommitRun:
    """One export's commit. Use :meth:`start` before writing, :meth:`add` per file
    written, :meth:`finish` at the end."""

    def __init__(self, root: Path):
        self.root = root
        self.files: list[WrittenFile] = []

    @classmethod
    def start(cls, outdir: Path) -> CommitRun:
        """Check that ``outdir`` can receive a commit; raise :class:`PublishError` if not."""
        folder = Path(outdir).resolve()
        existing = next(parent for parent in (folder, *folder.parents) if parent.is_dir())
        found = git(existing, "rev-parse", "--show-toplevel", check=False)
        if found.returncode != 0 or not found.stdout.strip():
            raise PublishError(f"{outdir} is not inside a git work tree; nothing was written")
        run = cls(Path(found.stdout.strip()))
        run._check_ready(folder)
        return run

    def _check_ready(self, folder: Path) -> None:
        if git(self.root, "var", "GIT_COMMITTER_IDENT", check=False).returncode != 0:
            raise PublishError(
                "git does not know who commits here: set user.name and user.email "
                "(git config) first; nothing was written"
            )
        status = git(self.root, "status", "--porcelain=v1", "-z", "--untracked-files=all").stdout
        changed = [entry[3:] for entry in status.split("\0") if len(entry) > 3]
        if changed:
            listed = ", ".join(changed[:10]) + (f" and {len(changed) - 10} more" if len(changed) > 10 else "")
            raise PublishError(
                f"the work tree {self.root} has changes this export did not make ({listed}); "
                "commit or remove them first; nothing was written"
            )
        if git(self.root, "check-ignore", "-q", str(folder), check=False).returncode == 0:
            raise PublishError(f"{folder} is ignored by git (.gitignore); nothing was written")

    def add(self, *, episode_id: int, path: Path, since) -> None:
        """Note a file the export wrote, with when it was last in step before."""
        relative = Path(path).resolve().relative_to(self.root).as_posix()
        self.files.append(WrittenFile(episode_id, relative, since))

    def finish(self) -> str | None:
        """Commit the files written; return the commit's id, or None when git sees no
        change (files rewritten with the same bytes)."""
        if not self.files:
            return None
        git(self.root, "add", "--pathspec-from-file=-", "--pathspec-file-nul", "--",
            stdin="\0".join(f":(literal){file.path}" for file in self.files))
        if git(self.root, "diff", "--cached", "--quiet", check=False).returncode == 0:
            return None
        notes = [note for _, answer in collect_notes.send(sender=CommitRun, files=self.files)
                 for note in answer or ()]
        committed = self._staged_changes()
        notes = [note for note in notes if note.change & committed.get(note.episode_id, frozenset())]
        author, co_authors = choose_authors(notes)
        message = commit_message(self.files, notes, co_authors)
        arguments = ["commit", "--quiet", "--file=-"]
        if author is not None:
            arguments.append(f"--author={author}")
        head = git(self.root, "rev-parse", "--verify", "--quiet", "HEAD", check=False).stdout.strip()
        try:
            git(self.root, *arguments, stdin=message, time_limit=settings.ARCHIVE_GIT_TIME_LIMIT)
        except TimedOut as error:
            raise self._explained(error, head, arguments, message) from None
        return git(self.root, "rev-parse", "HEAD").stdout.strip()

    def _explained(self, error: TimedOut, head: str, arguments: list[str], message: str) -> TimedOut:
        """What a stopped commit left, and what to do: git commits whole or not at all."""
        now = git(self.root, "rev-parse", "--verify", "--quiet", "HEAD", check=False).stdout.strip()
        if now and now != head:
            return TimedOut(f"{error}; the commit {now} was made, only its hooks did not finish")
        kept = Path(git(self.root, "rev-parse", "--absolute-git-dir").stdout.strip()) / "ARCHIVE_EXPORT_MSG"
        kept.write_text(message, encoding="utf-8")
        command = ["git", *[f"--file={kept}" if part == "--file=-" else part for part in arguments
                            if part != "--quiet"]]
        return TimedOut(
            f"{error}; nothing was committed, the files written are staged in {self.root}: "
            f"once the hook is fixed, commit them with `{shlex.join(command)}`"
        )

    def _staged_changes(self) -> dict[int, Change]:
        """Episode id -> the lines the commit takes out of its file and puts in: the
        files as written against their blobs at HEAD (none for a new file), read by
        two git processes whatever the number of files."""
        paths = [file.path for file in self.files]
        listed = git(self.root, "--literal-pathspecs", "ls-tree", "-r", "-z", "HEAD", "--", *paths,
                     check=False)    # fails before the first commit: every file is new
        blobs = {}
        for entry in listed.stdout.split("\0") if listed.returncode == 0 else ():
            meta, _, path = entry.partition("\t")
            if meta.split()[1:2] == ["blob"]:
                blobs[path] = meta.split()[2]
        before = dict(zip(blobs, _blob_texts(self.root, list(blobs.values()))))
        return {
            file.episode_id: line_changes(
                before.get(file.path, ""),
                (self.root / file.path).read_bytes().decode("utf-8", "surrogateescape"),
            )
            for file in self.files
        }


def _blob_texts(root: Path, blobs: list[str]) -> list[str]:
    """The contents of these blobs, in order, by one ``git cat-file --batch``."""
    if not blobs:
        return []
    done = subprocess.run(
        ["git", "cat-file", "--batch"], cwd=root, input="\n".join(blobs).encode() + b"\n",
        capture_output=True, check=True, env={**os.environ, "LC_ALL": "C"},
    )
    texts, at, output = [], 0, done.stdout
    for _ in blobs:
        header_end = output.index(b"\n", at)
        size = int(output[at:header_end].split()[2])
        texts.append(output[header_end + 1:header_end + 1 + size].decode("utf-8", "surrogateescape"))
        at = header_end + 1 + size + 1
    return texts


def choose_authors(notes: list[Note]) -> tuple[Author | None, list[Author]]:
    """The editor with the most changes (the latest breaks a tie) and the others, most
    changes first; (None, []) when no change has an author (git's own identity)."""
    counts: Counter[Author] = Counter()
    latest: dict[Author, datetime.datetime] = {}
    for note in notes:
        if note.author is not None:
            counts[note.author] += 1
            latest[note.author] = max(note.at, latest.get(note.author, note.at))
    ranked = sorted(counts, key=lambda author: (-counts[author], -latest[author].timestamp(), author.name))
    return (ranked[0], ranked[1:]) if ranked else (None, [])


def commit_message(files: list[WrittenFile], notes: list[Note], co_authors: list[Author]) -> str:
    """Subject, one line per episode with its revision summaries, then the trailers."""
    by_episode: dict[int, list[Note]] = {}
    for note in sorted(notes, key=lambda note: note.at):
        by_episode.setdefault(note.episode_id, []).append(note)
    edited = [file for file in files if file.episode_id in by_episode]
    unedited = [file for file in files if file.episode_id not in by_episode]
    count = len(files)
    lines = [f"Export {count} episode{'s' if count != 1 else ''} from the CMS", ""]
    for file in edited:
        summaries = "; ".join(dict.fromkeys(
            one_line(note.summary) or "(no summary)" for note in by_episode[file.episode_id]
        ))
        lines.append(f"- {one_line(file.path)}: {summaries}")
    if unedited:
        if edited:
            lines.append("")
        lines.append("Written without an edit recorded since the file was last in step:")
        lines.extend(f"- {one_line(file.path)}" for file in unedited[:_MAX_LISTED_UNEDITED])
        if len(unedited) > _MAX_LISTED_UNEDITED:
            lines.append(f"- … and {len(unedited) - _MAX_LISTED_UNEDITED} more")
    if co_authors:
        lines.append("")
        lines.extend(f"Co-authored-by: {one_line(str(author))}" for author in co_authors)
    return "\n".join(lines) + "\n"
