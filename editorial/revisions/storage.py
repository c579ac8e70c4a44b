"""How a revision's text is stored: zstandard frames, most of them against a full
earlier revision of the same episode.

An episode's revisions are nearly the same file again and again (one save changes a
turn or a key). Each is compressed with zstandard using the episode's latest *full*
revision as a raw-content dictionary, so a one-turn save costs tens of bytes instead
of a third of the file; when a text has drifted so far from that full revision that
the delta is no longer small, it is stored full itself and later ones lean on it.
Reading any revision therefore needs at most two frames. zstandard rather than zlib:
its window covers a whole transcript (zlib's 32 KB does not), so the delta trick
works, and alone it compresses these files a little better, faster.
"""
from __future__ import annotations

import zstandard

LEVEL = 9
# A delta is kept when it is under this fraction of the text's raw size; beyond,
# the text is stored whole and becomes the base of the next ones.
DELTA_SHARE = 0.1


def compress(text: str, base: str | None = None) -> bytes:
    """``text`` as one zstandard frame, against ``base`` when given."""
    return _compressor(base).compress(text.encode("utf-8"))


def decompress(data: bytes, base: str | None = None) -> str:
    """The text of a frame written by :func:`compress` with the same ``base``."""
    return _decompressor(base).decompress(bytes(data)).decode("utf-8")


def worth_a_delta(delta: bytes, text: str) -> bool:
    return len(delta) < DELTA_SHARE * len(text.encode("utf-8"))


def _dictionary(base: str) -> zstandard.ZstdCompressionDict:
    return zstandard.ZstdCompressionDict(
        base.encode("utf-8"), dict_type=zstandard.DICT_TYPE_RAWCONTENT
    )


def _compressor(base: str | None) -> zstandard.ZstdCompressor:
    if base is None:
        return zstandard.ZstdCompressor(level=LEVEL)
    return zstandard.ZstdCompressor(level=LEVEL, dict_data=_dictionary(base))


def _decompressor(base: str | None) -> zstandard.ZstdDecompressor:
    if base is None:
        return zstandard.ZstdDecompressor()
    return zstandard.ZstdDecompressor(dict_data=_dictionary(base))
