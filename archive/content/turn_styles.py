"""The ``TurnStyle`` rows turns refer to: each distinct style stored once, as the JSON
of the style fields that differ from the codec's defaults, keys sorted."""
from __future__ import annotations

import json
from collections.abc import Iterable

from archive.models import TurnStyle


def style_text(style: dict) -> str:
    """The stored form of a style: one text for one style, whatever its keys' order."""
    return json.dumps(style, ensure_ascii=False, sort_keys=True)


def style_ids(texts: Iterable[str], known_ids: dict) -> dict[str, int]:
    """The id of each style text's row, creating the missing rows. ``known_ids`` is
    the caller's cache, keyed ``(TurnStyle, text)`` as ``named.ensure_ids`` keys its
    own: dropped by the caller when its transaction fails."""
    wanted = list(dict.fromkeys(texts))
    unknown = [text for text in wanted if (TurnStyle, text) not in known_ids]
    if unknown:
        found = dict(TurnStyle.objects.filter(text__in=unknown).values_list("text", "pk"))
        missing = [text for text in unknown if text not in found]
        if missing:
            # Another writer may be adding the same style: its row is then the one.
            TurnStyle.objects.bulk_create([TurnStyle(text=text) for text in missing], ignore_conflicts=True)
            found.update(TurnStyle.objects.filter(text__in=missing).values_list("text", "pk"))
        known_ids.update({(TurnStyle, text): pk for text, pk in found.items()})
    return {text: known_ids[TurnStyle, text] for text in wanted}


def style_texts(ids: Iterable[int]) -> dict[int, str]:
    """The text of each style row of ``ids``."""
    return dict(TurnStyle.objects.filter(pk__in=set(ids)).values_list("pk", "text"))
