"""The test run's settings: the project's own, read as a development setup.

``editorial.project.settings`` has DEBUG off by default and then requires SECRET_KEY; the
tests run as development does, with ``DEBUG=1`` unless the environment sets DEBUG.
pytest-django imports this module (pytest.ini) before any conftest, so this is where
the default must be set; the commands the tests start inherit it through the
environment. Production's settings are untouched.
"""
import atexit
import os
import shutil
import tempfile

os.environ.setdefault("DEBUG", "1")
if "SEARCH_INDEX_DIR" not in os.environ:
    # The search indexes the tests write stay out of the checkout's var/search, which
    # a development server on the same checkout reads; the commands the tests start
    # inherit the folder.
    os.environ["SEARCH_INDEX_DIR"] = tempfile.mkdtemp(prefix="archive-test-search-")
    atexit.register(shutil.rmtree, os.environ["SEARCH_INDEX_DIR"], True)

from editorial.project.settings import *  # noqa: E402,F403
