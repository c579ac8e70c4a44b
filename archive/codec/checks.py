"""Whether an edited block will be read back from the file as the same block."""
from __future__ import annotations

import dataclasses

from .nodes import Block
from .parser import parse_body
from .printer import render_block


def reads_back(block: Block) -> bool:
    """True when ``block``, written out, parses back to the same single block.

    An edit can produce text that the file cannot hold as typed: a blank line
    inside a turn starts a new one, a paragraph opening with ``|``, ``<`` or a space
    is other markup, ``**Name**:`` typed into the text is a speaker label, and
    ``</details>`` inside an original ends it early.
    """
    block = dataclasses.replace(block, trailing="\n\n")
    return parse_body(render_block(block)) == (block,)
