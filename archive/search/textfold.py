"""Simplified and traditional Chinese folded together, for matching names and text.

``to_simplified`` maps traditional characters to simplified ones with OpenCC's
character and phrase tables (``t2s``), so ``超級歪`` and ``超级歪`` compare equal
after folding; text already simplified, and any other script, passes unchanged.
"""
from __future__ import annotations

import functools

import opencc


@functools.cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return _converter().convert(text) if text else text
