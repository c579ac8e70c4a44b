"""The hash that tells a file's bytes apart: what an episode's file held when last
imported or exported (``Episode.source_hash``, ``FileVersion.sha256``)."""
from __future__ import annotations

import hashlib


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
