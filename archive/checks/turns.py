"""The checks themselves: an episode's turns in, each turn's findings out.

Pure Python on plain text, so they run where the text is already parsed (the import's
worker processes, an edit's transaction) and in ``check_translations``.

Calibration (the shared half of the archive, 1,603 bilingual episodes, 124,357 turns
with both texts and an English original of 20 characters or more). The ratio of the
Chinese's characters to the English's (spaces and markup left out) has a median of
0.37, quartiles 0.31 and 0.43; 2% of turns are below 0.10 and 1% above 1.18. Below
0.10 the Chinese says a tenth of what a typical translation would (one clause for a
paragraph): that is where the real archive's summarised or cut turns are, while
honest condensing stays above it. Above 1.2 the Chinese is over three times the usual
length: an added explanation or another turn's text. Both are ``length-ratio``,
counted only when the English has 40 characters or more (a short reply such as
"Yes." has no usual length). A Chinese turn that stops without closing punctuation
while its English ends a sentence is ``truncated``: only 0.8% of real turns end so,
mostly sound cues (``[音乐]``, which count as closed), whereas a translation cut
anywhere but right after a full stop does.

English-less turns: 7,053 of the 8,240 in those episodes sit before a later
paragraph of their speaker and section that has English, the archive's way of
folding a speaker's original once (``_folded``); they are not ``missing-original``
where an episode does so. Any other English-less turn after a turn with English
makes that turn ``merged-original`` (its English may hold both; 439 turns of the
shared half sit so): the next turn's original either is lost or is there. Where the
English-less turn is folded, the turn before is flagged only when its English names
another speaker inside it, or fits both turns' Chinese better than its own while the
fold's English fits its own paragraph better than the fold.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from . import numbers
from .names import LATIN_WORD, KnownNames, name_key, near, word_key

MEDIAN_RATIO, LOW_RATIO, HIGH_RATIO = 0.37, 0.10, 1.2
RATIO_MIN_ENGLISH = 40
FOLDED_HABIT = 3  # English-less paragraphs before their speaker's original: an episode's way
MERGED_RATIO = 0.8  # of the usual ratio, beside an English-less turn: its English is there
SHORT_RATIO = 0.75  # of the episode's usual ratio: an unclosed Chinese this short is cut
NAME_CHECKS = ("name-unlike-archive", "untagged-mention")  # what the archive's names change

Span = tuple[int, int]


@dataclass(frozen=True)
class TurnText:
    """What the checks read of a turn: its label, its two texts (None when absent),
    and whether a heading comes right before it."""

    label: str
    translation: str | None
    english: str | None
    opens_section: bool = False


@dataclass
class Finding:
    """One check's finding on one turn: its params fill the check's message; spans
    are ``(start, end)`` character offsets in the translation and in the English."""

    check: str
    params: dict = field(default_factory=dict)
    translation_spans: list[Span] = field(default_factory=list)
    english_spans: list[Span] = field(default_factory=list)

    def spans(self) -> dict:
        return {"translation": self.translation_spans, "english": self.english_spans}


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LETTER = re.compile(r"[A-Za-z]")
_IGNORED = re.compile(r"\s|\*\*|<[^>]{1,40}>")
_CLOSED = re.compile(r"[。！？!?…”\"'’）)」』】\].:：；;~—–\-]$")
_TRAILING_MARKUP = re.compile(r"(?:\s|\*\*|</?[a-z]+>|<br\s*/?>)+$")
_BOLD = re.compile(r"\*\*([^*\n]{1,60}?)\*\*")
_LABEL_COLONS = (":", "：")
# A speaker's label inside an English, after its first words: another turn's original.
_INNER_LABEL = re.compile(r"\S\s+(?:\*\*[^*\n]{1,40}\*\*[:：]|\*\*[^*\n]{1,40}[:：]\*\*)")
_PLACEHOLDER = re.compile(r"(?i)\[?(?:speaker|发言人|说话人|讲者)\s*(?:[A-Z]|\d{1,2})?\]?")
_ROLE = re.compile(
    r"(?i)\[?(?:host|guest|interviewer|narrator|audience|announcer|moderator|主持人|嘉宾|"
    r"观众|旁白|广告|记者|采访者|受访者|男|女|众人|多人|所有人|[^\]]*\s[A-F])\]?"
)


def check_episode(
    turns: Sequence[TurnText], *, tagged: Iterable[str] = (), known: KnownNames | None = None,
    sights: Sequence[NameSight] | None = None,
) -> list[list[Finding]]:
    """The findings of every turn of one episode, in the order of ``turns``.

    ``tagged`` is every name of the episode's entity lists; ``known`` the archive's
    names (name checks are skipped without them); ``sights`` the turns'
    :func:`name_sight`, when the caller has them.
    """
    bilingual = any(turn.english is not None for turn in turns)
    # An episode names its speakers when more of its turns have a person's name than
    # a placeholder: then a placeholder stands out; otherwise it is the episode's way.
    placeholders = sum(bool(_PLACEHOLDER.fullmatch(turn.label.strip())) for turn in turns if turn.label)
    named = sum(_is_person(turn.label) for turn in turns) > placeholders
    usual = _usual_ratio(turns) if bilingual else MEDIAN_RATIO
    folded = _folded(turns) if bilingual else {}
    found: list[list[Finding]] = [[] for _ in turns]
    sights = [name_sight(turn) for turn in turns] if sights is None else sights
    mentions_of = check_sighted_names(sights, tagged=tagged, known=known)
    for index, (turn, mentions) in enumerate(zip(turns, mentions_of)):
        findings = found[index]
        if bilingual:
            findings.extend(_texts(turn, usual, index in folded))
        if named and turn.label and _PLACEHOLDER.fullmatch(turn.label.strip()):
            findings.append(Finding("placeholder-speaker", {"label": turn.label}))
        findings.extend(mentions)
    if bilingual:
        for index in _merged(turns, usual, folded):
            if not any(f.check == "merged-original" for f in found[index]):
                found[index].append(Finding("merged-original"))
    return found


class NameSight(NamedTuple):
    """What the name checks read of a turn: its label, and each bold run of its
    translation as written with its ``(start, end)`` span (an import keeps them in
    a compact form, ``archive.checks.latest_names.EpisodeSights``)."""

    label: str
    bolds: tuple[tuple[str, int, int], ...]


def name_sight(turn: TurnText) -> NameSight:
    return NameSight(turn.label, tuple(
        (match[1], *match.span(1)) for match in bold_runs(turn.translation or "")
    ))


def bold_runs(text: str) -> Iterator[re.Match]:
    """Bold runs of ``text``, but not a label typed at a line's start (``**Name**:
    ``); a gloss's ``（**Term**: …）`` is a mention. A search from each ``**`` on
    (one pattern that starts with a literal is many times faster to scan for than
    alternatives behind look-behinds)."""
    position = 0
    while match := _BOLD.search(text, position):
        start, end = match.span()
        if (start == 0 or text[start - 1] == "\n") and text[end:end + 1] in _LABEL_COLONS:
            position = start + 1
            continue
        yield match
        position = end


def check_sighted_names(
    sights: Sequence[NameSight], *, tagged: Iterable[str] = (), known: KnownNames | None = None,
) -> list[list[Finding]]:
    """The findings of the checks that read the archive's names (``NAME_CHECKS``) on
    every turn of one episode, from its turns' :func:`name_sight`, in their order:
    what :func:`check_episode` finds of them, alone."""
    known = known or KnownNames()
    if known.is_empty:
        return [[] for _ in sights]
    tagged = list(tagged)
    tagged_keys = {name_key(name) for name in tagged}
    named = _named_here(sights, tagged, tagged_keys)
    found: list[list[Finding]] = [[] for _ in sights]
    spelt: set[str] = set()
    usual_too = True
    for findings, sight in zip(found, sights):
        for finding in _mentions(sight, known, named, usual_too):
            # One tag, or one rename, mends every mention: the first turn says so.
            if finding.check == "untagged-mention":
                spans = set(finding.translation_spans)
                keys = [key for bold, start, end in sight.bolds if (start, end) in spans for key in _keys(bold)]
                tagged_keys.update(keys)
                if any(key in known.usually_untagged for key in keys):
                    usual_too = False
            elif finding.params["name"] in spelt:
                continue
            else:
                spelt.add(finding.params["name"])
            findings.append(finding)
    return found


def untagged_bold(sights: Sequence[NameSight], *, tagged: Iterable[str] = ()) -> list[str]:
    """The keys of the names one episode sets in bold (its turns' :func:`name_sight`)
    that it does not name itself (its tags, its speakers), each once, known entities
    or not: what calibrates which entities the archive tags (``KnownNames``), stored
    per episode."""
    tagged = list(tagged)
    named = _named_here(sights, tagged, {name_key(name) for name in tagged})
    found: dict[str, None] = {}
    for sight in sights:
        for bold, _start, _end in sight.bolds:
            name = bold.strip()
            keys = _keys(name)
            if not named.has(keys, name):
                found.update(dict.fromkeys(keys))
    return list(found)


def _named_here(sights: Sequence[NameSight], tagged: list[str], tagged_keys: set[str]) -> _NamedHere:
    labels = [sight.label.strip("[]") for sight in sights if sight.label]
    return _NamedHere(tagged_keys, {name_key(label) for label in labels}, tagged + labels)


def _is_person(label: str) -> bool:
    label = label.strip()
    return bool(label) and not _PLACEHOLDER.fullmatch(label) and not _ROLE.fullmatch(label)


def _usual_ratio(turns: Sequence[TurnText]) -> float:
    """The episode's median length ratio: a translator who condenses, or explains,
    does so throughout; a turn is measured against its own episode's habit."""
    ratios = sorted(
        _length(turn.translation) / english
        for turn in turns
        if turn.translation and turn.english and (english := _length(turn.english)) >= RATIO_MIN_ENGLISH
    )
    return ratios[len(ratios) // 2] if len(ratios) >= 5 else MEDIAN_RATIO


def _folded(turns: Sequence[TurnText]) -> dict[int, list[int]]:
    """English-less paragraphs whose original is folded under a later paragraph of the
    same speaker and section, where that is the episode's way.

    Much of the archive folds a speaker's original once, under the last of their
    paragraphs in a section (7,053 of the 8,240 English-less turns of the shared
    half's bilingual episodes sit before a later paragraph of their speaker that has
    English). An episode does so when at least three of its paragraphs (and a
    twentieth of its turns) sit so: one paragraph so is an original lost.
    """
    folded: dict[int, list[int]] = {}  # each paragraph: its fold, the English's last
    pending: list[int] = []
    for index, turn in enumerate(turns):
        if turn.label or turn.opens_section:
            pending = []
        if turn.english is not None:
            folded.update((paragraph, [*pending, index]) for paragraph in pending)
            pending = []
        elif turn.translation:
            pending.append(index)
    if len(folded) < max(FOLDED_HABIT, len(turns) / 20):
        return {}
    return folded


def _texts(turn: TurnText, usual: float, folded: bool = False) -> list[Finding]:
    """The checks of one turn's two texts against each other."""
    translation, english = turn.translation or "", turn.english
    if english is None:
        findings = [] if folded else [Finding("missing-original")]
        if _is_english(translation):
            findings.append(Finding("untranslated", translation_spans=[(0, len(translation))]))
        return findings
    if not _IGNORED.sub("", translation):
        return [Finding("untranslated")]
    findings = []
    said = _unglossed(translation)
    chinese_length, english_length = _length(said), _length(english)
    relative = chinese_length / max(english_length, 1) / usual
    if _is_english(translation):
        findings.append(Finding("untranslated", translation_spans=[(0, len(translation))]))
    elif _stops_short(translation, english, relative):
        findings.append(Finding("truncated", translation_spans=[(len(translation), len(translation))]))
    elif english_length >= RATIO_MIN_ENGLISH:
        if relative < LOW_RATIO / MEDIAN_RATIO or relative > HIGH_RATIO / MEDIAN_RATIO:
            findings.append(Finding("length-ratio", {"ratio": f"{relative:.1f}"}))
    findings.extend(_numbers(said, english))
    findings.extend(_names(translation, english))
    return findings


def _length(text: str) -> int:
    """Characters that carry text: not spaces, nor bold marks."""
    return len(text) - text.count(" ") - text.count("\n") - text.count("*")


def _is_english(text: str) -> bool:
    """A text with letters and (next to) no Chinese: an original left untranslated."""
    letters = len(_LETTER.findall(text))
    return letters >= 15 and len(_CJK.findall(text)) * 20 <= letters


def _stops_short(translation: str, english: str, relative: float) -> bool:
    """The Chinese ends mid-sentence, where its English does not or says more."""
    ends = _TRAILING_MARKUP.sub("", translation)
    if not ends or _CLOSED.search(ends):
        return False
    return relative < SHORT_RATIO or bool(_CLOSED.search(_TRAILING_MARKUP.sub("", english)))


def _numbers(translation: str, english: str) -> list[Finding]:
    """Firm numbers one text has and the other lacks, when the other text also has a
    number the first lacks (a number changed); or, where one text shows the gap a
    number left (``增至。``, ``about  years``, ``我岁了``), the numbers the other says
    more often than it, counted (``28 days`` twice against ``28 天`` once): not a
    number a condensed translation left out
    with its clause, which the real archive does all the time (flagging every number
    one text lacks would flag 3,600 more turns of the shared half, the median
    bilingual episode's share going from 9.7% to 13.3%); or a gap no real text shows,
    on its own (``约  年``, ``去年（）``, ``at :30``).
    A speaker's label (``**Speaker 4**:``) and a list item's number are no numbers
    of what the turn says, unless the number breaks its list's count."""
    gap_ours = _bold_opened_by_space(translation) or _shows_gap(_GAPS_ZH, translation)
    gap_theirs = _shows_gap(_GAPS_EN, english)
    if not (gap_ours or gap_theirs or numbers.DIGIT.search(translation) or numbers.DIGIT.search(english)):
        return []  # nothing firm on either side and no gap: most turns, the dearest to read
    skipped = _out_of_sequence(translation, english), _out_of_sequence(english, translation)
    if any(skipped):
        written = [translation[s:e] for s, e in skipped[0]] + [english[s:e] for s, e in skipped[1]]
        return [Finding("number-mismatch", {"numbers": " / ".join(written)}, *skipped)]
    translation, english = _unnumbered(translation), _unnumbered(english)
    ours, theirs = _not_weekdays(translation, numbers.written(translation)), numbers.written(english)
    if not (gap_ours or gap_theirs):
        if not any(m.firm for m in ours) and not any(m.firm for m in theirs):
            return []
        # Where every number in digits matches, a month named alone is no changed
        # number: 七四独立日 is the Fourth of July, "this August occasion" no month.
        if not (numbers.unmatched(ours, theirs) or numbers.unmatched(theirs, ours)):
            return []
    ours = sorted([*ours, *_loose(translation, ours)], key=_start)
    theirs = sorted([*theirs, *_loose(english, theirs)], key=_start)
    only_ours, only_theirs = numbers.unmatched(ours, theirs), numbers.unmatched(theirs, ours)
    lacking_ours = _unheard(numbers.in_excess(ours, theirs), translation, theirs, english)
    lacking_theirs = _unheard(numbers.in_excess(theirs, ours), english, ours, translation)
    if not ((only_ours or only_theirs) and lacking_ours and lacking_theirs):
        # Where one text shows a gap, what the other says more often is what fell in it.
        lacking_ours = lacking_ours if gap_theirs else []
        lacking_theirs = lacking_theirs if gap_ours else []
        if not (lacking_ours or lacking_theirs):
            return _gap_alone(translation, gap_ours, english, gap_theirs)
        only_ours, only_theirs = lacking_ours, lacking_theirs
    shown_ours = only_ours or lacking_ours
    shown_theirs = only_theirs or lacking_theirs
    written = [translation[m.start:m.end] for m in shown_ours] + [english[m.start:m.end] for m in shown_theirs]
    return [Finding(  # a number read two ways (2年半 is 2 and 2.5) is shown once
        "number-mismatch", {"numbers": " / ".join(dict.fromkeys(written))},
        list(dict.fromkeys((m.start, m.end) for m in shown_ours)),
        list(dict.fromkeys((m.start, m.end) for m in shown_theirs)),
    )]


def _gap_alone(translation: str, gap_ours: _Shown | None, english: str, gap_theirs: _Shown | None) -> list[Finding]:
    """The finding of a gap that flags its turn on its own, if either text shows one."""
    ours = [gap_ours.span] if gap_ours and gap_ours.alone else []
    theirs = [gap_theirs.span] if gap_theirs and gap_theirs.alone else []
    if not (ours or theirs):
        return []
    written = [_around(translation, span) for span in ours] + [_around(english, span) for span in theirs]
    return [Finding("number-mismatch", {"numbers": " / ".join(written)}, ours, theirs)]


def _around(text: str, span: Span) -> str:
    """A gap as a reader finds it: with the few characters either side."""
    start, end = span
    return text[max(0, start - 6):end + 6].strip()


_COUNTED = (r"天|年(?![度代轻龄])|位|种|次|号|秒|分钟|小时|公里|英尺|英里|毫米|美元|欧元|英镑|倍|岁|票|%|％|周|"
            r"季度|百分点|吉瓦|兆瓦|公斤|磅|桶")
# Where a number was taken out of a sentence that still asks for it. Most shapes are
# shown by none of the shared half's 132,176 translated turns with an original, bar 6
# English double spaces: those flag a turn on their own (``alone``), since the other
# text may say the number as often, or be a neighbour's (the pipeline misaligns
# originals). The shapes real texts do show (a space left in an ASR original, ``，，``,
# ``追溯到，``) count only where the other text says a number more often than this one.
class _Gap(NamedTuple):
    """A shape a number leaves where it fell out of a text, and ``needles``: strings one
    of which is in every text it matches, so most texts are passed over at C speed
    (a pattern behind a look-behind is tried at every position of every text)."""

    needles: tuple[str, ...]
    pattern: re.Pattern
    alone: bool

    def search(self, text: str) -> re.Match | None:
        if self.needles is _ALWAYS or any(map(text.__contains__, self.needles)):
            return self.pattern.search(text)
        return None

    def found_in(self, text: str) -> bool:
        return self.search(text) is not None


class _Shown(NamedTuple):
    span: Span
    alone: bool


def _shows_gap(gaps: tuple[_Gap, ...], text: str) -> _Shown | None:
    """The gap ``text`` shows, one that flags alone before any other."""
    shown = None
    for gap in gaps:
        if match := gap.search(text):
            if gap.alone:
                return _Shown(match.span(), True)
            shown = shown or _Shown(match.span(), False)
    return shown


# A term set in bold, after a space: no sentence's end inside (``** 提名。**`` is the
# text between two runs of a turn whose bold marks are out of pairs).
_SPACE_THEN_TERM = re.compile(r"[ \t]+[\u4e00-\u9fff][^\s*。，、；：！？]*")


def _bold_opened_by_space(text: str) -> _Shown | None:
    """A bold run that opens with a space before its Chinese (``** 调查**``): Markdown
    shows no bold so, and no translation writes one; it is where the number that
    began the run (``**301 调查**``) fell out. A gap on its own."""
    if "** " not in text:
        return None
    for match in bold_runs(text):
        if _SPACE_THEN_TERM.fullmatch(match[1]):
            return _Shown(match.span(), True)
    return None


def _unit_after(unit: str, words: tuple[str, ...]) -> str:
    """A pattern for ``unit`` right after one of ``words``: the unit is searched for
    (a literal, found at C speed), the word looked behind for, a look-behind per length."""
    lengths = sorted({len(word) for word in words})
    behind = "|".join(f"(?<={'|'.join(w + unit for w in words if len(w) == n)})" for n in lengths)
    return f"{unit}(?:{behind})"


_ABOUT = ("至少", "大约", "超过", "将近", "多达", "高达")
_ASKING = ("在", "以", "是", "到", "从", "达", "共", "近", "约", "总计", "达到了")  # words before a number
_SPACE = (" ", "\t")
_ALWAYS = ("",)  # the empty string is in every text
_GAPS_ZH = tuple(_Gap(needles, re.compile(pattern), alone) for needles, pattern, alone in (
    (_SPACE, r"[\u4e00-\u9fff，。、：][ \t]+[\u4e00-\u9fff，。、；！？%％]", False),  # a space left between characters
    (("  ", "\t"), r"[\u4e00-\u9fffA-Za-z][ \t]{2,}[\u4e00-\u9fffA-Za-z]", True),  # two spaces where a number stood
    (("%", "％"), r"(?<![\d一二三四五六七八九十百千两几\sXxNn])[ \t]*[%％]", True),  # a percent of nothing
    (("月",), r"\d[ \t]*月[ \t]*日(?![军本元])|\d[ \t]*年[ \t]*月(?![份度底初中末])", True),  # a date without its day or month
    (("月",), r"(?:^|[^\d\s一二三四五六七八九十正腊])[ \t]*月[ \t]*\d{1,2}[ \t]*日", True),
    (_ALWAYS, rf"(?:大约|约为|至少|超过|将近|高达|多达|仅有|大于|小于|高于|低于|第|长达|长约|历时)[ \t]*"
           rf"(?:{_COUNTED}|个?月(?![份底初中末亮球光]))", False),  # about (no number) days
    (_ALWAYS, r"(?:增至|降至|升至|跌至|涨至|增长到|下降到|高达|多达|约为|将近|第|共计|为期)[ \t]*[，。、；！？的）)]", False),
    (("岁",), r"(?<![\d一二三四五六七八九十百千几两多万年虚周同\s])[ \t]*岁(?![月数])", True),  # an age of nobody
    (("分",), r"\d[ \t]*点[ \t]*分", True),  # a time without its minutes
    (("-", "–", "~"), r"\d[ \t]*[-–~][ \t]*(?=[的，。、；）)])", True),  # a range without its end
    (("月",), r"过去[ \t]*个?月(?![份底初中末亮球光])", True),  # the last months, not how many
    (_ALWAYS, _unit_after("个", _ABOUT + tuple(word + "有" for word in _ABOUT)) + "(?![人体性别])"
              + "|" + _unit_after("州", ("超过", "多达", "近", "超过个", "多达个", "近个")), False),
    (("年",), r"\A[ \t]*年(?![轻龄纪度代华会初复底中末])", False),  # a turn that starts with its year's unit
    (("达到", "左右"), r"达到[ \t]*[，。、；！？）)]|(?:达到|增至|降至|约为)[ \t]*左右", False),
    (_ALWAYS, r"、[ \t]*、|，[ \t]*，|[。！？][ \t]*[，、]", False),  # a list or a sentence missing its item
    (("-", "–", "~"), r"\d[ \t]*[-–~][ \t]+(?=[\u4e00-\u9fff])", True),
    # Shapes led by a literal, which the search finds at C speed, need no needles.
    (_ALWAYS, r"[（(][)）](?<![A-Za-z\d_.][（(][)）])", True),  # brackets emptied, not a call's: 去年（）
    ((":",), r"[\u4e00-\u9fff]:\d\d(?!\d)", True),  # a time without its hour
    (_ALWAYS, _unit_after("天", _ASKING + ("有", "过去")) + "(?=[的里内后前之，。、；])", True),  # 有天的时间
    # A unit right after a word that asks for a number: 众议院以票赞成, 总计加元, 达到了名法官.
    (_ALWAYS, "|".join((
        _unit_after("年", _ASKING + ("有", "说", "的")) + "(?![轻龄纪度代华会初复底中末份终薪来前后里间月幼计老长迈级报增营利影波同化收均])",
        _unit_after("名", _ASKING + ("中的",)) + "(?![字单称义人气誉声额言地有校状牌望为])",
        _unit_after("票", _ASKING + ("有",)) + "(?![房价据务])",
        *(_unit_after(unit, _ASKING + ("有", "达到", "拿出", "下跌了", "上涨了", "增长了", "损失了"))
          for unit in ("毫秒", "加元", "代末", "代初")),
        _unit_after("纳米", ("从", "至", "到")) + "(?![级尺])",
        _unit_after("“", ("约有", "共有", "多达", "超过", "大约有")),  # 约有“目标”
        "(?:GDP|总额|收入|份额)的[。，；]",
    )), False),
    (_ALWAYS, r"[到于](?:(?<=追溯到|快进到|回溯到|提高到|减少到|增加到|上升到|下降到|降低到|缩短到|延长到|扩大到"
              r"|成立于|出生于|创立于)|(?<=[跌涨]到|[始建生]于))[ \t]*[，。、；！？—](?!你知道|嗯|呃|就是)", False),  # 可以追溯到。
    (_ALWAYS, r"第(?<!拉第)[ \t]*[和与、至到]|从[ \t]*(?:涨|跌|增长?|降|升|减少?|提高|下降|上升)?到(?!达)", False),  # 从到2013年
    (_ALWAYS, r"\n[.、)][ \t]", True),  # a list item without its number
    (("月",), r"(?<![\d.])(?:0|1[3-9]|[2-9]\d)[ \t]*月[ \t]*\d{1,2}[ \t]*日"
             r"|月[ \t]*(?:0|3[2-9]|[4-9]\d)[ \t]*日", True),  # a date no calendar has: 0 月 25 日
))
_GAPS_EN = tuple(_Gap(needles, re.compile(pattern), alone) for needles, pattern, alone in (
    (("  ",), r"[A-Za-z,]  +[A-Za-z]|[a-z]:  +[a-z]", True),  # two spaces where a number stood: format:  if
    (_ALWAYS, r" [.,;:?!](?<=[A-Za-z] [.,;:?!])(?=\s|$)", True),  # found by its space: half the six needles' time
    (_ALWAYS, r"\A[ \t]+[a-z]", True),
    (("%",), r"(?<![\d\s%])\s+%", True),  # a percent of nothing
    ((" -", "\n-", "\t-"), r"(?<=[ \t\n])-(?:year|day|week|month|hour|minute|mile|foot|point|percent)s?\b",
     True),  # a -year-old
    (("' ",), r"(?<=[A-Za-z] )'(?= (?:and|or|to|through) )", True),  # the ' and '60s
    (_ALWAYS, r" :\d\d\b(?<=[A-Za-z] :\d\d)", True),  # a time without its hour: at :30
    (("/",), r"(?<=\s)/\d", True),  # a fraction without its numerator: 1 and /2
))
_DIGITS_ONLY = re.compile(r"[\d.,:/%％\s]*\d[\d.,:/%％\s]*")
# The pipeline's gloss of a term, ``（Term: what it means）``: an explanation the
# translation adds on purpose, with no counterpart in the English.
_GLOSS = re.compile(r"([（(][^（）()\n:：]{1,80}[:：])([^（）()\n]+)(?=[)）])")

_LIST_ITEM = r"^\s*(\d{1,2})(?=[.、)]\s|、(?!\d))"  # 1、2、3 and 14、15 岁 are a series: numbers said
_NOT_SAID = re.compile(rf"\A\s*\*\*[^*\n]{{1,40}}\*\*[:：]|{_LIST_ITEM}", re.M)


def _unglossed(text: str) -> str:
    """``text`` with its glosses' explanations blanked (the term kept), each character
    kept in place."""
    return _GLOSS.sub(lambda match: match[1] + " " * len(match[2]), text)


def _unnumbered(text: str) -> str:
    """``text`` with labels and list numbers blanked, each character kept in place."""
    return _NOT_SAID.sub(lambda match: " " * len(match[0]), text)


def _out_of_sequence(text: str, other_text: str) -> list[Span]:
    """The spans of list numbers that break their list's count (``1. 2. 6. 4.``) and
    that the other text does not say: a number changed where no other text need say
    it (the archive's lists count without a break in all but one of their 301,432
    turns)."""
    items = list(re.finditer(_LIST_ITEM, text, re.M))
    offsets = Counter(int(item[1]) - place for place, item in enumerate(items))
    if len(items) < 3 or offsets.most_common(1)[0][1] < 2:
        return []
    usual = offsets.most_common(1)[0][0]
    skipped = [item for place, item in enumerate(items) if int(item[1]) - place != usual]
    said = {m.value for m in numbers.mentions(other_text)}
    return [item.span(1) for item in skipped if float(item[1]) not in said]


def _unheard(mentions: list, text: str, others: list, other_text: str) -> list:
    """``mentions`` whose digits the other text does not say as another value: a
    transcript loses a number's punctuation (``0.74%`` heard as ``74%``, ``9比3`` as
    ``93``, ``80/20`` as ``8020``), so the same digits, alone or of two numbers in a
    row, are one number (a value said too seldom is still lacking)."""
    said = [(_bare_digits(other_text[m.start:m.end]), m.value) for m in others]
    heard = [(digits, value) for digits, value in said if digits]
    heard += [(a + b, None) for (a, _), (b, _) in zip(said, said[1:]) if a and b]

    def was_heard(mention) -> bool:
        digits = _bare_digits(text[mention.start:mention.end])
        return bool(digits) and any(
            digits == other and (value is None or not numbers.same(value, mention.value))
            for other, value in heard
        )

    return [mention for mention in mentions if not was_heard(mention)]


def _bare_digits(written: str) -> str:
    """The digits of a number written in digits alone (``0.74`` is ``74``, ``1,042``);
    empty for one with a scale or a unit in words (``52亿``, ``5.2 billion``), whose
    digits say nothing without it."""
    if not _DIGITS_ONLY.fullmatch(written):
        return ""
    return re.sub(r"\D", "", written).lstrip("0") or "0"


def _loose(text: str, written: list) -> list:
    """The loose numbers of ``text`` outside its written ones (``billion`` of ``$85
    billion`` is part of that number, not a second one): number words, the digits of
    names and the minutes of times."""
    loose = [*numbers.english_words(text), *numbers.beside_letters(text), *numbers.minutes(text)]
    return [w for w in loose if not any(w.start < m.end and m.start < w.end for m in written)]


_WEEKDAY = re.compile(r"(?:星期|礼拜|周)[一二三四五六](?![次天个倍小])")  # 周三次: thrice a week


def _not_weekdays(text: str, mentions: list) -> list:
    """``mentions`` but the days of a week (``星期二`` is Tuesday, no two)."""
    if "星期" not in text and "礼拜" not in text and "周" not in text:
        return mentions
    days = {match.end() - 1 for match in _WEEKDAY.finditer(text)}
    return [m for m in mentions if m.firm or m.start not in days]


def _start(mention) -> int:
    return mention.start


def _names(translation: str, english: str) -> list[Finding]:
    """Latin-script words of one text that the other spells one or two letters apart."""
    ours = [(m, word_key(m[0])) for m in LATIN_WORD.finditer(translation)]
    if not ours:
        return []
    written = set(LATIN_WORD.findall(english))
    lower = {word.casefold() for word in written}
    our_keys = {key for _, key in ours}
    pairs, by_initial = set(), None
    for match, key in ours:
        if match[0][:1].isupper() and not _in(key, lower):  # a name is capitalised in both
            if by_initial is None:
                by_initial = {}
                for word in written:
                    if word[:1].isupper():
                        by_initial.setdefault(word[:1].casefold(), []).append(word.casefold())
            pairs.update(
                (key, word_key(other)) for other in by_initial.get(key[:1], ())
                if near(match[0].casefold(), other)
            )
    capitalised = {match[0].casefold(): key for match, key in ours if match[0][:1].isupper()}
    initials = {spelt[:1] for spelt in capitalised}  # near() pairs only words of one initial
    for word in written:
        if (word[:1].isupper() and len(word) >= 4 and word[:1].casefold() in initials
                and (key := word_key(word)) not in our_keys):
            pairs.update((other, key) for spelt, other in capitalised.items() if near(spelt, word.casefold()))
    # A hyphen a transcript drops (Dodd-Frank, DoddFrank) spells nothing differently.
    pairs = {(a, b) for a, b in pairs if a.replace("-", "") != b.replace("-", "")}
    if not pairs:
        return []
    mine, yours = {a for a, _ in pairs}, {b for _, b in pairs}
    our_spans = [(m.start(), m.end()) for m, key in ours if key in mine]
    their_spans = [(m.start(), m.end()) for m in LATIN_WORD.finditer(english) if word_key(m[0]) in yours]
    names = [translation[s:e] for s, e in our_spans[:1]] + [english[s:e] for s, e in their_spans[:1]]
    return [Finding("name-mismatch", {"names": " / ".join(names)}, our_spans, their_spans)]


def _in(key: str, words: set[str]) -> bool:
    return key in words or key + "s" in words or key + "'s" in words or key + "’s" in words


class _NamedHere:
    """What an episode names itself, in its tags and speakers' labels: a bold mention
    of one of them, of one of its parts (``Matt`` of ``Matt Hager``), of the same
    surname (``President Trump`` of ``Donald Trump``) or with either side of an
    alias tagged (``国土安全部 (DHS)`` with ``DHS``) is the episode's own."""

    def __init__(self, tagged: set[str], labels: set[str], names: list[str]):
        self.tagged, self.labels = tagged, labels
        self.parts, self.surnames = set(), set()
        for name in names:
            words = [word_key(word) for word in LATIN_WORD.findall(name)]
            if len(words) >= 2 and not _CJK.search(name):
                self.parts.update(words)
                self.surnames.add(words[-1])

    def has(self, keys: list[str], name: str) -> bool:
        if any(key in self.tagged or key in self.labels for key in keys):
            return True
        words = LATIN_WORD.findall(name)
        if _CJK.search(name) or not words:
            return False
        return (len(words) == 1 and word_key(words[0]) in self.parts) or (
            len(words) >= 2 and word_key(words[-1]) in self.surnames
        )


_ALIAS = re.compile(r"(.+?)\s*[（(]([^（）()]+)[)）]")


def _keys(name: str) -> list[str]:
    """The keys a bold mention may be known by: itself, and each side of an alias."""
    alias = _ALIAS.fullmatch(name)
    if alias is None:
        return [name_key(name)]
    return [name_key(name), name_key(alias[1]), name_key(alias[2])]


def _mentions(sight: NameSight, known: KnownNames, named: _NamedHere, usual_too: bool = False) -> list[Finding]:
    """Bold mentions and the label against the archive's names and the episode's tags."""
    findings = []
    label = sight.label.strip("[] ")
    if label and _is_person(sight.label):
        usual = known.usual_spelling(label)
        if usual:
            findings.append(Finding("name-unlike-archive", {"name": label, "known": usual}))
    untagged, unlike = [], []
    for bold, start, end in sight.bolds:
        name = bold.strip()
        keys = _keys(name)
        if any(key in known.entities or (usual_too and key in known.usually_untagged) for key in keys) and not named.has(keys, name):
            untagged.append((name, (start, end)))
        elif not findings and LATIN_WORD.fullmatch(name.split(" ")[0] or "-"):
            usual = known.usual_spelling(name)
            if usual:
                unlike.append((name, usual, (start, end)))
    if untagged:
        findings.append(Finding(
            "untagged-mention", {"name": untagged[0][0]}, [span for _, span in untagged],
        ))
    if unlike:
        name, usual, _ = unlike[0]
        findings.append(Finding(
            "name-unlike-archive", {"name": name, "known": usual}, [span for *_, span in unlike],
        ))
    return findings


def _merged(turns: Sequence[TurnText], usual: float, folded: dict[int, list[int]]) -> Iterator[int]:
    """Turns whose English also holds the original of the English-less turn after
    them: it names that turn's speaker inside it; or that turn's original is not
    folded under a later paragraph; or it is, but that paragraph's English fits its
    own Chinese better than the fold's while this English fits both turns better."""
    for index in range(1, len(turns)):
        turn, previous = turns[index], turns[index - 1]
        if turn.english is not None or not turn.translation:
            continue
        if previous.english is None or not previous.translation:
            continue
        if index not in folded or _INNER_LABEL.search(previous.english):
            yield index - 1
            continue
        *paragraphs, last = folded[index]
        if _holds_both(previous, turn, usual) and not _fits_more(
            turns[last], [turns[paragraph] for paragraph in paragraphs], usual,
        ):
            yield index - 1


def _fits_more(turn: TurnText, others: Sequence[TurnText], usual: float) -> bool:
    """Whether the turn's English fits its Chinese and the others' together better
    (nearer the episode's usual ratio) than its Chinese alone."""
    english, own = _length(turn.english or ""), _length(turn.translation or "")
    if not english or not own:
        return False
    together = own + sum(_length(other.translation or "") for other in others)
    return abs(math.log(together / english / usual)) <= abs(math.log(own / english / usual))


def _holds_both(turn: TurnText, neighbour: TurnText, usual: float) -> bool:
    """The English fits this turn's Chinese and the neighbour's together better than
    this turn's alone, or is far too long for this turn's alone."""
    if turn.english is None or not turn.translation:
        return False
    english = _length(turn.english)
    own, both = _length(turn.translation), _length(turn.translation) + _length(neighbour.translation)
    if not english or not own:
        return False
    alone, together = own / english / usual, both / english / usual
    return alone < MERGED_RATIO or abs(math.log(together)) <= abs(math.log(alone))
