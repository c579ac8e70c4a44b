"""A scripted review by keys alone in the review view, for the browser test and
``bench/review.py``: what it presses and which turns it changes."""
from __future__ import annotations

import dataclasses

from archive import codec

IDLE = "() => { const r = document.getElementById('review'); return r.dataset.loaded === '1' && r.dataset.idle !== '0'; }"
CHINESE_NOTE = "（已校对）"
ENGLISH_NOTE = " [checked]"


class Keys:
    """The page's keyboard, counting every key pressed (typed characters included)."""

    def __init__(self, page):
        self.page, self.count = page, 0

    def press(self, key: str, times: int = 1) -> None:
        for _ in range(times):
            self.page.keyboard.press(key)
            self.count += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.count += len(text)

    def settle(self) -> None:
        try:
            self.page.wait_for_function(IDLE)
        except Exception as error:
            raise AssertionError(f"after {self.count} keys: {self.state()}") from error

    def state(self) -> str:
        """What the page says, for a failure's message."""
        return self.page.evaluate(
            "() => [...document.querySelectorAll('.review-bar span')].map(s => s.textContent).join(' | ')"
            " + ' | idle=' + document.getElementById('review').dataset.idle"
        )


@dataclasses.dataclass(frozen=True)
class Plan:
    """Turn indices (0-based, in the view's order) of the scripted edits."""

    chinese_edit: int = 1
    english_edit: int = 2
    merge: int = 20
    split: int = 9
    split_zh: int = 0       # cursor offsets of the split, found by :func:`plan_for`
    split_en: int = 0


def plan_for(text: str) -> Plan:
    """Where to split: the first turn from the tenth whose Chinese and English both
    have a sentence end inside them; where to merge: turns 21 and 22 (adjacent)."""
    turns = [b for b in codec.parse(text).blocks if isinstance(b, codec.Turn)]
    for index in range(9, len(turns)):
        zh = turns[index].text or ""
        en = turns[index].english.text if turns[index].english else ""
        if "。" in zh[:-1] and ". " in en:
            return Plan(split=index, split_zh=zh.index("。") + 1, split_en=en.index(". ") + 1)
    raise ValueError("no turn to split")


def expected_file(text: str, plan: Plan) -> str:
    """``text`` after the plan's edits, made with the codec, and marked reviewed."""
    document = codec.parse(text)
    blocks = list(document.blocks)
    where = [i for i, block in enumerate(blocks) if isinstance(block, codec.Turn)]

    def english(turn):
        return turn.english.text if turn.english else None

    turn = blocks[where[plan.chinese_edit]]
    blocks[where[plan.chinese_edit]] = codec.edited_turn(
        turn, label=turn.label, text=turn.text + CHINESE_NOTE, english=english(turn))
    turn = blocks[where[plan.english_edit]]
    blocks[where[plan.english_edit]] = codec.edited_turn(
        turn, label=turn.label, text=turn.text, english=english(turn) + ENGLISH_NOTE)
    first, second = blocks[where[plan.merge]], blocks[where[plan.merge + 1]]
    blocks[where[plan.merge]] = codec.edited_turn(
        first, label=first.label, text=first.text + second.text,
        english=f"{english(first)} {english(second)}")
    del blocks[where[plan.merge + 1]]
    turn = blocks[where[plan.split]]
    zh, en = turn.text, english(turn)
    blocks[where[plan.split]:where[plan.split] + 1] = [
        codec.edited_turn(turn, label=turn.label, text=zh[:plan.split_zh].rstrip(),
                          english=en[:plan.split_en].rstrip()),
        codec.new_turn(label=turn.label, text=zh[plan.split_zh:].lstrip(),
                       english=en[plan.split_en:].lstrip()),
    ]
    edited = codec.render(codec.rebuilt(document, blocks))
    return edited.replace("\ndraft: true\n", "\ndraft: false\n", 1)


def review_by_keys(page, url: str, plan: Plan, *, turns: int, on_flag=None) -> Keys:
    """Open the review view at ``url`` and review the whole episode by keys: approve,
    edit two turns, undo an approval, merge two turns, split one, dismiss a flag,
    approve every turn and mark the episode reviewed. ``on_flag(page)`` runs while the
    first flagged turn is shown (for a screenshot)."""
    keys = Keys(page)
    page.goto(url)
    keys.settle()

    def go_to(index):
        keys.press("Home")
        keys.press("j", index)

    keys.press("a")                                    # approve the first turn
    go_to(plan.chinese_edit)
    keys.press("e")
    keys.settle()                                      # the text box is open
    keys.type(CHINESE_NOTE)
    keys.press("Control+Enter")
    keys.settle()
    go_to(plan.english_edit)
    keys.press("Shift+E")
    keys.settle()
    keys.type(ENGLISH_NOTE)
    keys.press("Control+Enter")
    keys.settle()
    keys.press("j")
    keys.press("a")
    keys.press("u")                                    # undo that approval
    keys.settle()
    go_to(plan.merge)
    keys.press("m")
    keys.settle()
    go_to(plan.split)
    keys.press("e")
    keys.settle()
    keys.press("Control+Home")
    keys.press("ArrowRight", plan.split_zh)
    keys.press("Tab")
    keys.press("Control+Home")
    keys.press("ArrowRight", plan.split_en)
    keys.press("Alt+Enter")
    keys.settle()
    keys.press("Home")
    keys.press("n")                                    # the first flagged turn
    keys.settle()
    if on_flag is not None:
        on_flag(page)
    keys.press("d")
    keys.settle()
    keys.press("Home")
    keys.press("a", turns)
    keys.settle()
    keys.press("Shift+R")
    try:
        page.wait_for_function("() => document.getElementById('review').dataset.reviewState === 'reviewed'")
    except Exception as error:
        raise AssertionError(f"not reviewed after {keys.count} keys: {keys.state()}") from error
    return keys
