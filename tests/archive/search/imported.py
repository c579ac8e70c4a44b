"""A folder of real notes imported and indexed for a module's searches, inside a
transaction rolled back afterwards."""
from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.management import CommandError, call_command
from django.db import transaction

from archive.search import image, rebuild_index
from tests.transactions import settle_constraints


@contextmanager
def imported(folder: Path) -> Iterator[None]:
    with transaction.atomic():
        try:
            try:
                call_command("import_markdown", str(folder), stdout=io.StringIO())
            except CommandError:
                pass          # a file the archive holds without front matter is refused
            rebuild_index()
            settle_constraints()
            image.forget()
            yield
        finally:
            transaction.set_rollback(True)
    image.forget()
