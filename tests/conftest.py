import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def nothing_waits_for_a_commit():
    """What an earlier test announced inside its transaction, which never commits,
    is not followed at this test's first commit."""
    from archive.signals import AfterCommit

    for follower in AfterCommit.instances:
        follower.discard()


def shared_folder(variable: str, default: Path, what: str) -> Path:
    """A shared folder of real files: ``$variable``, else ``default``.

    Missing, it skips the test locally and fails it in CI, where it must be present.
    """
    path = Path(os.environ.get(variable) or default)
    if not path.is_dir():
        message = f"{what} not found at {path}; set {variable}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def corpus_dir():
    """The shared corpus of real markdown files."""
    return shared_folder("ARCHIVE_CORPUS", REPO.parent / "shared" / "corpus", "shared corpus")


@pytest.fixture(scope="session")
def corpus_files(corpus_dir):
    return sorted(corpus_dir.rglob("*.md"))


@pytest.fixture(scope="session")
def archive_notes_dir():
    """The shared half of the real archive."""
    return shared_folder(
        "ARCHIVE_NOTES", REPO.parent / "shared" / "archive" / "notes", "shared archive"
    )
