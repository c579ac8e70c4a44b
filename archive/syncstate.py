"""Whether an episode's rows still match the file bytes last imported or exported."""
from __future__ import annotations

import hashlib

from .codec import render
from .models import Episode
from .store import load_document


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def rendered_bytes(episode: Episode) -> bytes:
    return render(load_document(episode)).encode("utf-8")


def edited_since_sync(episode: Episode) -> bool:
    """True when the CMS holds edits that the last imported/exported file lacks."""
    return sha256(rendered_bytes(episode)) != episode.source_hash
