"""Numbers as the two languages write them, reduced to values that can be compared.

``mentions(text)`` finds every number in a text, Chinese or English, with its value
and its character span: ``50亿美元`` and ``$5 billion`` are both 5e9, ``120万`` and
``1.2 million`` 1.2e6, ``百分之三十`` and ``30%`` 30, ``2024年`` 2024, ``三`` and
``three`` 3. A mention is *firm* when it is written with digits; a number written
in words (``三``, ``three``, ``一些``'s ``一``) is *loose*: Chinese uses numerals
inside ordinary words (一起, 万一, 十分), so a loose number only ever answers for a
firm one in the other language and is never reported on its own. A month named
(``January``, not ``May``) is loose but no ordinary word: like digits, it may be the
number the other text lacks (``early January`` against ``6月初``).

Digits that are part of a name (``GPT-4``, ``H100``, ``5G``, ``COVID-19``) are not
numbers here: both languages copy such names as they are.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Mention:
    value: float
    start: int
    end: int
    firm: bool
    counted: bool = False  # words of a count from two to nine (三个, three), an ordinal (第四), a month (May)
    month: bool = False  # a month named (March, not May, which may be the verb)


_ZH_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_ZH_SMALL = {"十": 10, "百": 100, "千": 1000}
_ZH_LARGE = {"万": 1e4, "亿": 1e8, "萬": 1e4, "億": 1e8}
_ZH_CHARS = "".join((*_ZH_DIGITS, *_ZH_SMALL, *_ZH_LARGE))
_SCALE_AFTER = frozenset((*_ZH_SMALL, *_ZH_LARGE))
_MEASURES = frozenset("个年月天周次倍位名家人岁种条项本部小分秒款场层")
_ARABIC = r"\d+(?:,\d{3})*(?:\.\d+)?|\.\d+"
# A unit written against its number (``70mm``, ``100GB``): the number is one still.
_GLUED_UNIT = r"(?:mm|cm|km|kg|mg|lbs?|oz|ft|mph|ms|ns|nm|[KMGT]B|[KMG]?Hz|[kMGT]Wh?)(?![A-Za-z])"
# A run of Chinese numerals, or digits with the 万/亿/千 that scale them.
# 两千多万, 2000余万: more than 20 million, which the other text may say as 20 million.
_MORE_THAN = "多余"
_WITHOUT_MORE_THAN = str.maketrans("", "", _MORE_THAN)
_ZH_NUMBER = re.compile(
    rf"(?<![A-Za-z\d.:])(?<![A-Za-z]-)(?:(?P<arabic>{_ARABIC})\s?(?:[{_MORE_THAN}](?=[万亿萬億]))?"
    rf"(?P<scale>[{_ZH_CHARS}]*)(?:{_GLUED_UNIT})?(?![A-Za-z\d])"
    rf"|(?P<words>[{_ZH_CHARS}]+(?:[{_MORE_THAN}][万亿萬億])?))"
)
_CURRENCIES = frozenset("$€£¥")
# A half after a number (and its measure) is half more: 两年半 is 2.5 years, as is
# 2 and a half years; the number alone is read too (the other text may say 2 years).
_AND_A_HALF = re.compile(r"(?:年|个|天|周|倍|岁|小时|分钟|星期)半|\s+and\s+a\s+half\b")
_EN_SCALES = {
    "hundred": 100, "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6,
    "billion": 1e9, "b": 1e9, "bn": 1e9, "trillion": 1e12, "t": 1e12, "tn": 1e12, "grand": 1e3,
}
_EN_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "first": 1, "second": 2, "third": 3,
    "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    "tenth": 10, "once": 1, "twice": 2, "double": 2, "triple": 3, "dozen": 12,
    "half": 0.5, "hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9,
    "trillion": 1e12, "january": 1, "february": 2, "march": 3, "april": 4, "june": 6,
    "july": 7, "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
# Scale words after digits; a transcript may put a line break and spaces before one.
_SCALE_WORDS = r"hundred|thousand|grand|million|billion|trillion|bn|mn"
_EN_NUMBER = re.compile(
    rf"(?<![A-Za-z\d.:])(?<![A-Za-z]-)(?P<arabic>{_ARABIC})"
    rf"(?:(?:[- ]plus)?\s? {{0,2}}(?P<scale>{_SCALE_WORDS}|tn|[kKmMbBtT])(?![A-Za-z]))?"
    rf"(?P<suffix>s|st|nd|rd|th|x|{_GLUED_UNIT})?(?![A-Za-z\d])"
)
_WORD = re.compile(r"[A-Za-z]+(?:-(?:one|two|three|four|five|six|seven|eight|nine)\b)?")
_CARDINALS = frozenset(("two", "three", "four", "five", "six", "seven", "eight", "nine"))
_MONTHS = frozenset((
    "january", "february", "march", "april", "june", "july", "august", "september", "october",
    "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct",
    "nov", "dec",
))
_WORD_SCALE = re.compile(r"(?i)[ -](hundred|thousand|million|billion|trillion)\b")
_CENTURY = re.compile(r"(\d{1,2})\s?世纪(?:\s?(\d0)\s?年代)?")
DIGIT = re.compile(r"\d")
_RUN = re.compile(rf"[\d.{_ZH_CHARS}][\d,.{_ZH_CHARS}]*(?:[{_MORE_THAN}][万亿萬億])?(?: [{_ZH_CHARS}]+)?")
# A range's first number takes the scale written after its second: 1.2-1.5 billion.
_SHARED_SCALE = re.compile(
    r"\s*(?:-|–|~|to|or|and|到|至)\s*\$?[\d.,]+\s? {0,2}"
    rf"(?P<scale>{_SCALE_WORDS}|[kmbKMB]\b|万亿|[万亿萬億])"
)


def mentions(text: str) -> list[Mention]:
    """Every number in ``text`` (either language), in order of position."""
    found = [*written(text), *_english_words(text)]
    return sorted(found, key=lambda mention: mention.start)


def written(text: str) -> list[Mention]:
    """The numbers of ``text`` in digits and in Chinese numerals: all but English words,
    which :func:`mentions` adds (a tenth of the cost of a turn is finding those)."""
    found = _chinese(text)
    if "世纪" not in text:
        return found
    centuries = _centuries(text)
    inside = [m for m in found if any(c.start <= m.start < c.end for c in centuries)]
    return [*(m for m in found if m not in inside), *centuries]


def _chinese(text: str):
    """Digits (with a Chinese or English scale word) and Chinese numerals."""
    taken = []
    # Runs of digits and numerals are found first, with a pattern that starts with
    # a character class (five times faster to scan for); each is then read in full.
    for run in _RUN.finditer(text):
        start, end = run.span()
        spans = []
        if run[0] == ".":
            continue  # a full stop
        # Most runs are numerals alone (一 of 一些): only one with a digit holds a number in digits.
        in_digits = ()
        if DIGIT.search(text, start, end):
            in_digits = _EN_NUMBER.finditer(text, start, min(len(text), end + 16))
        for match in in_digits:
            if match.start() >= end:
                break
            if not match["scale"] and text[match.end():match.end() + 3].lstrip().lstrip(_MORE_THAN)[:1] in _SCALE_AFTER:
                continue  # 50亿, 3千万: read below with their Chinese scale
            scale = match["scale"]
            if not scale and (shared := _SHARED_SCALE.match(text, match.end())):
                scale = shared["scale"]
            value = _arabic(match["arabic"]) * (_scale(scale) if scale else 1)
            taken.append(Mention(value, match.start(), match.end(), True))
            taken.extend(_read_also(text, match, value, scale))
            spans.append((match.start(), match.end()))
        for match in _ZH_NUMBER.finditer(text, start, min(len(text), end + 1)):
            if match.start() >= end or any(a <= match.start() < b for a, b in spans):
                continue
            if match["arabic"] is not None:
                scale = match["scale"]
                if not scale and (shared := _SHARED_SCALE.match(text, match.end())):
                    scale = shared["scale"]
                value, firm = _chinese_value(scale, _arabic(match["arabic"])), True
            else:
                value, firm = _chinese_value(match["words"].translate(_WITHOUT_MORE_THAN)), False
            if value is not None:
                counted = not firm and (2 <= value <= 9 and text[match.end():match.end() + 1] in _MEASURES
                                        or value >= 3 and text[match.start() - 1:match.start()] == "第")
                taken.append(Mention(value, match.start(), match.end(), firm, counted))
                taken.extend(_half_more(text, match, value))
    return taken


def _read_also(text: str, match: re.Match, value: float, scale: str | None) -> Iterator[Mention]:
    """What else a number in digits may be read as, loose: the other text may say it so."""
    span, before = match.span(), text[match.start() - 1:match.start()]
    if not scale:
        yield from _half_more(text, match, value)
    if scale and scale.lower() in ("k", "m") and before not in _CURRENCIES:
        yield Mention(_arabic(match["arabic"]), *span, False)  # a 5k run, 130 m long
    if match["suffix"] == "s" and len(match["arabic"]) == 1 and before in ("'", "’"):
        yield Mention(value * 10, *span, False)  # the '9s: how transcripts hear the '90s


def _half_more(text: str, match: re.Match, value: float) -> Iterator[Mention]:
    if _AND_A_HALF.match(text, match.end()):
        yield Mention(value + 0.5, *match.span(), False)


def _scale(word: str) -> float:
    if word and all(char in _ZH_LARGE for char in word):  # 万亿 is 1e12
        return math.prod(_ZH_LARGE[char] for char in word)
    return _EN_SCALES.get(word.lower(), 1)


def english_words(text: str) -> list[Mention]:
    """Numbers written as English words (``three``, ``twice``, ``March``): all loose."""
    return _english_words(text)


def _english_words(text: str):
    found, said_to = [], 0
    for match in _WORD.finditer(text):
        if match.start() < said_to:
            continue  # a word of the number before (``billion`` of ``six billion``)
        if match[0] == "May":  # the month; ``may`` is the verb
            found.append(Mention(5.0, match.start(), match.end(), False, True))
            continue
        word, _, unit = match[0].lower().partition("-")
        if word in _EN_WORDS:
            value, end = float(_EN_WORDS[word]) + (_EN_WORDS[unit] if unit else 0), match.end()
            whole = None
            if word in _SAID_ON:
                value, end, whole = _said_on(text, value, end, _word_kind(word, value))
            elif (scale := _WORD_SCALE.match(text, end)) is not None:
                value, end = value * _EN_SCALES[scale[1].lower()], scale.end()
            month = word in _MONTHS and match[0][0].isupper()
            found.append(Mention(value, match.start(), end, False, word in _CARDINALS or month, month))
            if whole is not None:  # four and a half: the other text may say 4
                found.append(Mention(whole, match.start(), end, False))
            said_to = end
    return found


# A number said in words reads on while its words make one number: ``two hundred
# and fifty thousand``, ``a hundred billion``, ``one and a half thousand``, ``twenty
# five``, ``half a million``; never a unit after a unit (``one two three`` is a count).
_SAID_ON = frozenset((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    "hundred", "thousand", "million", "billion", "trillion", "half",
))
_MAY_FOLLOW = {  # a kind of word: the kinds it may follow
    "unit": {"tens", "hundred", "scale"},
    "teen": {"hundred", "scale"},
    "tens": {"hundred", "scale"},
    "hundred": {"unit", "teen", "tens"},
    "scale": {"unit", "teen", "tens", "hundred", "half"},
}
_NEXT_WORD = re.compile(r"(?i)(\s+and\s+|[ -])(a\s+half\b|a(?=\s+(?:[mbtr]illion|thousand|hundred)\b)|[a-z]+)")


def _word_kind(word: str, value: float) -> str:
    if word in ("hundred", "half"):
        return word
    if word in _EN_SCALES:
        return "scale"
    return "unit" if value < 10 else "teen" if value < 20 else "tens"


def _said_on(text: str, value: float, end: int, kind: str) -> tuple[float, int, float | None]:
    """The value and end of the number in words whose first word (of ``kind``) has
    ``value`` and ends at ``end``; and, for one that ends in ``and a half``, its value
    without the half."""
    if kind == "scale":
        done, group, scale = value, 0.0, value
    else:
        done, group, scale = 0.0, value, math.inf
    # Words after a scale without "and" are of the number only if a hundred or a
    # smaller scale comes (``a million two hundred thousand``): ``a thousand one
    # kilometre asteroids`` and ``one billion two billion`` are two numbers each.
    before_unscaled = before_half = None
    while (step := _NEXT_WORD.match(text, end)) is not None:
        joined, word = step[1].strip().lower(), " ".join(step[2].lower().split())
        if word == "a":  # half a million
            if kind != "half":
                break
        elif word == "a half":  # one and a half thousand, a million and a half
            if joined != "and" or kind not in ("unit", "scale"):
                break
            before_half = done + group
            if kind == "scale":  # nothing follows a million and a half
                return done + 0.5 * scale, step.end(), before_half
            group, kind = group + 0.5, "half"
        elif word not in _SAID_ON or word == "half":
            break
        else:
            next_value = float(_EN_WORDS[word])
            next_kind = _word_kind(word, next_value)
            if kind not in _MAY_FOLLOW[next_kind]:
                break
            if joined == "and" and not (kind in ("hundred", "scale") and next_kind in ("unit", "teen", "tens")):
                break  # two and three; but a hundred and five
            if next_kind == "unit" and kind == "tens" and group % 10:
                break
            if next_kind == "scale" and next_value >= scale:
                break  # two thousand million: not how numbers are said here
            if kind == "scale" and joined != "and":
                before_unscaled = done + group, end
            if next_kind == "hundred":
                group *= 100
                before_unscaled = None
            elif next_kind == "scale":
                done, group, scale = done + (group or 1) * next_value, 0.0, next_value
                before_unscaled = None
            else:
                group += next_value
            kind, before_half = next_kind, None
        end = step.end()
    if before_unscaled and group:
        return (*before_unscaled, None)
    return done + group, end, before_half


_BESIDE_LETTERS = re.compile(r"(?<=[A-Za-z])-?(\d+(?:\.\d+)?)|(\d+(?:\.\d+)?)(?=[A-Za-z])")
_MINUTES = re.compile(r"(?<=\d:)\d\d\b")


def beside_letters(text: str) -> list[Mention]:
    """Digits of a name (``Genie3``, ``H100``, ``GPT-4``): no numbers of their own, but
    loose ones, since the other text may write the name apart (``Genie 3``)."""
    return [Mention(_arabic(match[1] or match[2]), *match.span(), False)
            for match in _BESIDE_LETTERS.finditer(text)]


def minutes(text: str) -> list[Mention]:
    """The minutes of a time of day (``9:30``), loose: the hour is the time's number,
    and the other text may say its minutes apart (``9点30分``)."""
    return [Mention(float(match[0]), *match.span(), False) for match in _MINUTES.finditer(text)]


def _centuries(text: str):
    """``19世纪`` is the 1800s, ``19世纪90年代`` the 1890s (loose: the English may
    say either); a century alone is also its number, as ``19th century`` writes it."""
    found = []
    for match in _CENTURY.finditer(text):
        value = (int(match[1]) - 1) * 100 + (int(match[2]) if match[2] else 0)
        found.append(Mention(float(value), match.start(), match.end(), False))
        if not match[2]:
            found.append(Mention(float(match[1]), match.start(), match.end(), False))
    return found


def _arabic(written: str) -> float:
    return float(written.replace(",", ""))


def _chinese_value(words: str, leading: float | None = None) -> float | None:
    """The value of a run of Chinese numerals, after ``leading`` digits if any.

    ``两千零二十四`` is 2024, ``一亿二千万`` 1.2e8, ``二〇二四`` (digit by digit) 2024,
    ``50`` + ``亿`` 5e9. None for a run that is no number (``万``, ``亿亿``).
    """
    if leading is None and words and all(char in _ZH_DIGITS for char in words) and len(words) > 1:
        return float("".join(str(_ZH_DIGITS[char]) for char in words))
    total, section, number = 0.0, 0.0, leading
    for char in words:
        if char in _ZH_DIGITS:
            number = _ZH_DIGITS[char]
        elif char in _ZH_SMALL:
            section += (1 if number is None else number) * _ZH_SMALL[char]
            number = None
        else:
            part = section + (number or 0)
            if not part and not total:
                return None
            if char == "亿":
                total = (total + part) * _ZH_LARGE[char]
            else:
                total += part * _ZH_LARGE[char]
            section, number = 0.0, None
    value = total + section + (number or 0)
    return value if (value or number == 0) else None


def same(a: float, b: float) -> bool:
    """Equal values, written either way (``1.2e6`` from ``120万`` is ``1.2 million``)."""
    return abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1.0)


def telling(mention: Mention) -> bool:
    """Whether a number the other text lacks says something: a firm one, words worth
    ten or more (``十八``, ``thirty``), a count of two to nine (``three``, ``三个``),
    an ordinal from the third (``第四``) or a month named (``March``, not ``march``);
    ``一``, ``first`` and ``second`` (``第一``, ``第二``) are everywhere."""
    return mention.firm or mention.value >= 10 or mention.counted


def in_excess(ours: list[Mention], theirs: list[Mention]) -> list[Mention]:
    """Our telling mentions of a value written more often here than there: ``47``
    twice against once is one ``47`` the other text lacks. A one that says nothing
    (``一个``, ``one``) answers for no telling one (``January``, ``1``)."""
    found = []
    for mention in ours:
        if not telling(mention):
            continue
        here = sum(same(mention.value, m.value) for m in ours if telling(m))
        there = sum(same(mention.value, m.value) for m in theirs if telling(m) or m.value != 1)
        if here > there:
            found.append(mention)
    return found


def unmatched(ours: list[Mention], theirs: list[Mention]) -> list[Mention]:
    """Our firm mentions, and months named (``January`` is a date as ``1月`` is),
    whose value none of theirs (firm or loose) has, a year and its last two digits
    counting as one (``2022年`` and ``'22``); nor has any other reading of the same
    words (``130 m`` is 130 metres where the other text says ``130米``)."""
    values = sorted({mention.value for mention in theirs})

    def answered(mention: Mention) -> bool:
        return any(same(mention.value, v) or _year_of(mention.value, v) for v in values)

    read_otherwise = {(m.start, m.end) for m in ours if answered(m)}
    return [m for m in ours
            if (m.firm or m.month) and not answered(m) and (m.start, m.end) not in read_otherwise]


def _year_of(a: float, b: float) -> bool:
    year, short = (a, b) if a > b else (b, a)
    return 1900 <= year < 2100 and year == int(year) and short == year % 100
