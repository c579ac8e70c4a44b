"""Numbers a request carries, parsed in one place so that no view trusts one.

``number`` reads a whole number of ASCII digits within bounds, or raises
:class:`BadNumber`, which Django answers with 400 (a view that must answer
otherwise, a public list's 404, catches it). Every bound fits a 32-bit integer
column, so no database ever sees a value it cannot compare (SQLite raises
OverflowError past 64 bits).
"""
from __future__ import annotations

import re

from django.core.exceptions import BadRequest

LARGEST = 2**31 - 1
_DIGITS = re.compile(r"[0-9]{1,10}")


class BadNumber(BadRequest):
    """A request's value that is not a whole number within its bounds."""


def number(value: str | None, *, name: str, low: int = 1, high: int = LARGEST) -> int:
    """``value`` (a query or form value) as a whole number from ``low`` to ``high``."""
    if value is None or not _DIGITS.fullmatch(value) or not low <= int(value) <= high:
        raise BadNumber(f"{name}: not a whole number from {low} to {high}: {str(value)[:20]!r}")
    return int(value)


def page_number(value: str | None) -> int:
    """A list's page number as readers' links carry it: what is not one is page 1."""
    try:
        return number(value, name="page")
    except BadNumber:
        return 1


def later_page(value: str | None) -> str | None:
    """A page number as a cache key holds it: the number past the first page, else
    None (the first page's address carries none)."""
    page = page_number(value)
    return str(page) if page > 1 else None
