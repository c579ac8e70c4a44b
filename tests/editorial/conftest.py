import pytest

from tests.factories import episode_from_text, user_in


@pytest.fixture(autouse=True)
def english_admin(settings):
    """These tests read the admin's English; test_translation.py reads its Chinese
    (the site's default language)."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def editor(db):
    return user_in("Editor", "eddie")


@pytest.fixture
def publisher(db):
    return user_in("Publisher", "pat")


@pytest.fixture
def outsider(db):
    """Staff, but in neither role."""
    return user_in(None, "otto")


@pytest.fixture
def episode(db):
    return episode_from_text()
