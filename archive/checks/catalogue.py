"""The catalogue of translation checks: a stable id, a severity and a one-line message.

Ids are stored with every flag and printed by ``check_translations``: never rename
one. Messages are English msgids translated for the editors (the admin speaks
Simplified Chinese by default); ``{…}`` fields are filled from a finding's params.
"""
from __future__ import annotations

from dataclasses import dataclass


def gettext_noop(message: str) -> str:
    """Marks a message for the catalogue; translated where it is shown."""
    return message


ERROR, WARNING, NOTICE = "error", "warning", "notice"


@dataclass(frozen=True)
class Check:
    id: str
    severity: str
    message: str


CHECKS = (
    Check("missing-original", ERROR, gettext_noop(
        "This turn has no English original")),
    Check("merged-original", ERROR, gettext_noop(
        "This turn's English also holds the original of a neighbouring turn")),
    Check("untranslated", ERROR, gettext_noop(
        "The Chinese is missing or is the English itself")),
    Check("number-mismatch", WARNING, gettext_noop(
        "Numbers differ between the two languages: {numbers}")),
    Check("truncated", WARNING, gettext_noop(
        "The Chinese stops before its original does")),
    Check("length-ratio", NOTICE, gettext_noop(
        "The Chinese is {ratio}× the usual length for its original")),
    Check("name-mismatch", WARNING, gettext_noop(
        "A name is spelt differently in the two languages: {names}")),
    Check("name-unlike-archive", NOTICE, gettext_noop(
        "“{name}” is spelt “{known}” elsewhere in the archive")),
    Check("placeholder-speaker", NOTICE, gettext_noop(
        "Placeholder speaker “{label}” in an episode that names its speakers")),
    Check("untagged-mention", NOTICE, gettext_noop(
        "“{name}” is a known entity the episode's tags lack")),
)
BY_ID = {check.id: check for check in CHECKS}
SEVERITIES = (ERROR, WARNING, NOTICE)
