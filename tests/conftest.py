import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def corpus_dir():
    """The shared corpus of real markdown files: $ARCHIVE_CORPUS, else ../shared/corpus.

    Missing, it skips the test locally and fails it in CI, where it must be present.
    """
    path = Path(os.environ.get("ARCHIVE_CORPUS") or REPO.parent / "shared" / "corpus")
    if not path.is_dir():
        message = f"shared corpus not found at {path}; set ARCHIVE_CORPUS"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def corpus_files(corpus_dir):
    return sorted(corpus_dir.rglob("*.md"))


@pytest.fixture(scope="session")
def archive_notes_dir():
    """The shared half of the real archive: $ARCHIVE_NOTES, else ../shared/archive/notes.

    Missing, it skips the test locally and fails it in CI, where it must be present.
    """
    path = Path(os.environ.get("ARCHIVE_NOTES") or REPO.parent / "shared" / "archive" / "notes")
    if not path.is_dir():
        message = f"shared archive not found at {path}; set ARCHIVE_NOTES"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path
