import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


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
