"""The test run's settings: the project's own, read as a development setup.

``editorial.project.settings`` has DEBUG off by default and then requires SECRET_KEY; the
tests run as development does, with ``DEBUG=1`` unless the environment sets DEBUG.
pytest-django imports this module (pytest.ini) before any conftest, so this is where
the default must be set; the commands the tests start inherit it through the
environment. Production's settings are untouched.
"""
import os

os.environ.setdefault("DEBUG", "1")

from editorial.project.settings import *  # noqa: E402,F403
