"""An episode's transcript as the HTML of its public page, written directly: a page of
thousands of turns spends its time on the text, not in the template engine.

Each section heading is ``<h2 class="section" id="s-<position>">``, each turn a
``<div class="turn" id="t-<position>">`` with its speaker, its translation
(``lang="zh-Hans"``) and its original folded in ``<details class="en original"
lang="…">`` labelled by the original's language. Every text was sanitised or is
escaped here.
"""
from __future__ import annotations

from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from .headings import heading_html
from .taxonomy import KINDS


def transcript_html(items: list[dict]) -> SafeString:
    """``items`` as built by the episode view (headings, raw blocks, turns)."""
    speaker_prefix = reverse("archive:speaker", args=["x"])[:-2]
    speakers = KINDS["speaker"]
    parts = []
    for item in items:
        if "heading" in item:
            heading = item["heading"]
            anchor = f"s-{heading.position}"
            parts.append(
                f'<h2 class="section level-{heading.level}" id="{anchor}"><a class="anchor" '
                f'href="#{anchor}" aria-hidden="true">§</a>{heading_html(item["title"])}</h2>\n'
            )
        elif "raw" in item:
            parts.append(f'<div class="turn raw" id="t-{item["raw"].position}">{item["html"]}</div>\n')
        else:
            parts.append(_turn(item, speakers, speaker_prefix))
    return mark_safe("".join(parts))


def _turn(item, speakers, speaker_prefix) -> str:
    turn = item["turn"]
    classes = "turn" + ("" if turn.speaker_label else " narration") + ("" if item["en"] else " no-en")
    html = [
        f'<div class="{classes}" id="t-{turn.position}">'
        f'<a class="anchor" href="#t-{turn.position}" aria-label="第 {turn.position} 段的链接">#</a>'
    ]
    if turn.speaker_label:
        label = escape(turn.speaker_label)
        if turn.speaker_id:
            label = f'<a href="{speaker_prefix}{speakers.slug(turn.speaker)}/">{label}</a>'
        html.append(f'<p class="speaker">{label}</p>')
    if item["zh"]:
        html.append(f'<div class="zh" lang="zh-Hans">{item["zh"]}</div>')
    if item["en"]:
        html.append(
            f'<details class="en original" lang="{item["lang"]}"><summary lang="zh-Hans">'
            f'{escape(item["label"])}</summary><div class="en-text">{item["en"]}</div></details>'
        )
    html.append("</div>\n")
    return "".join(html)
