"""git, run on a repository whose remote is hostile input.

Every command has a time limit, never prompts, runs no hook (fetching, moving the
branch and pushing are the CMS's own steps; only ``export_markdown --commit``'s commit
honours the checkout's hooks, by design), refuses the ``ext::`` transport and
submodules, and takes names (remote, branch) only once they are checked to be plain
names, with ``--`` before paths, so nothing from outside can become an option.
"""
from __future__ import annotations

import dataclasses
import os
import re
import subprocess
from pathlib import Path

from django.conf import settings

_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,99}")
_SAFE = (
    "-c", "core.hooksPath=/dev/null", "-c", "protocol.ext.allow=never",
    "-c", "submodule.recurse=false", "-c", "core.fsmonitor=false",
)
SYMLINK, SUBMODULE = "120000", "160000"


class GitError(Exception):
    """A git command failed or took too long; the message says which and why."""


def checked_name(value: str, what: str) -> str:
    """``value`` if it is a plain remote or branch name, else :class:`GitError`."""
    if (
        not _NAME.fullmatch(value) or ".." in value or "//" in value
        or value.endswith((".lock", "/", ".")) or "@{" in value
    ):
        raise GitError(f"{what} {value!r} is not a plain name (letters, digits, . _ / -)")
    return value


@dataclasses.dataclass(frozen=True)
class Change:
    """A file that differs between two commits: its path and its mode afterwards
    (``000000`` when deleted)."""

    path: str
    mode: str


class Repository:
    def __init__(self, root: Path, *, timeout: int | None = None):
        self.root = Path(root)
        self.timeout = timeout or settings.SYNC_GIT_TIMEOUT

    def git(self, *arguments: str, stdin: str | None = None, check: bool = True) -> str:
        done = self._run(arguments, stdin)
        if check and done.returncode != 0:
            said = (done.stderr.strip() or done.stdout.strip()).splitlines()[-3:]
            raise GitError(f"git {arguments[0]} failed: {' / '.join(said)}")
        return done.stdout

    def _run(self, arguments, stdin: str | None = None, text: bool = True):
        environment = {
            **os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "GIT_ASKPASS": "true",
            "GIT_SSH_COMMAND": "ssh -o BatchMode=yes",
        }
        try:
            return subprocess.run(
                ["git", *_SAFE, *arguments], cwd=self.root, input=stdin, capture_output=True,
                text=text, env=environment, timeout=self.timeout,
            )
        except subprocess.TimeoutExpired:
            raise GitError(f"git {arguments[0]} took longer than {self.timeout} s; stopped") from None
        except FileNotFoundError:
            raise GitError("the git program is not installed") from None

    def top_level(self) -> Path:
        return Path(self.git("rev-parse", "--show-toplevel").strip())

    def head(self) -> str:
        return self.git("rev-parse", "--verify", "HEAD^{commit}").strip()

    def branch(self) -> str:
        return self.git("symbolic-ref", "--short", "HEAD").strip()

    def fetch(self, remote: str, branch: str) -> str:
        """Fetch ``branch`` of ``remote``; the commit it names there."""
        remote, branch = checked_name(remote, "remote"), checked_name(branch, "branch")
        self.git("fetch", "--no-tags", "--no-recurse-submodules", "--quiet", remote,
                 f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}")
        return self.git("rev-parse", "--verify", f"refs/remotes/{remote}/{branch}^{{commit}}").strip()

    def commits_between(self, start: str, end: str) -> list[str]:
        """The commits reachable from ``end`` but not from ``start``."""
        return self.git("rev-list", f"{start}..{end}", "--").split()

    def is_ancestor(self, older: str, newer: str) -> bool:
        return self._run(("merge-base", "--is-ancestor", older, newer)).returncode == 0

    def dirty_paths(self) -> list[str]:
        """Paths the work tree or index changes against HEAD, untracked ones too."""
        status = self.git("status", "--porcelain=v1", "-z", "--untracked-files=all")
        entries, paths = status.split("\0"), []
        index = 0
        while index < len(entries):
            entry = entries[index]
            if len(entry) > 3:
                paths.append(entry[3:])
                if entry[0] in "RC":  # a rename's source follows as its own entry
                    index += 1
            index += 1
        return paths

    def move_to(self, commit: str) -> None:
        """Make branch, index and work tree ``commit`` (the caller checked that
        nothing of anyone's is lost by it)."""
        self.git("reset", "--hard", "--quiet", commit)

    def changes(self, start: str, end: str) -> list[Change]:
        """Files that differ between two commits, no rename detection."""
        out = self.git("diff", "--raw", "-z", "--no-renames", "--no-ext-diff", start, end, "--")
        fields, found = out.split("\0"), []
        for index in range(0, len(fields) - 1, 2):
            meta, path = fields[index], fields[index + 1]
            if meta.startswith(":"):
                found.append(Change(path, meta[1:].split()[1]))
        return found

    def show(self, commit: str, path: str) -> bytes | None:
        """The bytes of ``path`` at ``commit``, or None where it does not exist."""
        done = self._run(("cat-file", "blob", f"{commit}:{path}"), text=False)
        return done.stdout if done.returncode == 0 else None

    def push(self, remote: str, branch: str) -> bool:
        """Push HEAD to ``branch`` (never forced, no hook); False when the remote
        refused because it moved on meanwhile."""
        remote, branch = checked_name(remote, "remote"), checked_name(branch, "branch")
        done = self._run(("push", "--porcelain", "--no-verify", remote, f"HEAD:refs/heads/{branch}"))
        if done.returncode == 0:
            return True
        said = done.stdout + done.stderr
        if "[rejected]" in said or "fetch first" in said or "non-fast-forward" in said:
            return False
        raise GitError(f"git push failed: {' / '.join(said.strip().splitlines()[-3:])}")
