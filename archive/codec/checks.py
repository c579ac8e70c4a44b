"""Whether an edited block will be read back from the file as the same block."""
from __future__ import annotations

import dataclasses

from .nodes import Block
from .parser import parse_body
from .printer import render_block


def reads_back(*blocks: Block, at_end: bool = False) -> bool:
    """True when ``blocks``, written out one after another, parse back to the same
    blocks (the last one's blank lines aside, unless they end the file: ``at_end``).

    An edit can produce text that the file cannot hold as typed: a blank line
    inside a turn starts a new one, a paragraph opening with ``|``, ``<`` or a space
    is other markup, ``**Name**:`` typed into the text is a speaker label, and
    ``</details>`` inside an original ends it early, and a block that follows another
    without a blank line may join it.
    """
    if not at_end:
        blocks = (*blocks[:-1], dataclasses.replace(blocks[-1], trailing="\n\n"))
    return parse_body("".join(render_block(block) for block in blocks)) == blocks
