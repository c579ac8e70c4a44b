"""Each check on turns made to show, or not show, its defect."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from archive.checks import KnownNames, TurnText, check_episode, numbers
from archive.checks.turns import (
    _GAPS_EN, _GAPS_ZH, NameSight, _mentions, _named_here, _not_weekdays, _shows_gap, bold_runs,
)

CHINESE = "我们在那一年投入了很多资源，这是一个很长的故事，我会慢慢讲给大家听。"
ENGLISH = "We put a lot of resources into it that year; it is a long story and I will tell it slowly."


def checks_of(turns, **options) -> list[set[str]]:
    return [{finding.check for finding in found} for found in check_episode(turns, **options)]


def plain(n=6, label="") -> list[TurnText]:
    return [TurnText(label, CHINESE, ENGLISH) for _ in range(n)]


def test_ordinary_turns_are_not_flagged():
    assert checks_of(plain()) == [set()] * 6


def test_a_turn_without_its_english_is_missing_its_original():
    turns = plain()
    turns[2] = TurnText("", CHINESE, None)
    assert checks_of(turns)[2] == {"missing-original"}


def test_a_chinese_only_episode_is_not_asked_for_originals():
    assert checks_of([TurnText("", CHINESE, None)] * 3) == [set()] * 3


def test_an_english_holding_the_next_turns_original_is_merged():
    turns = plain()
    turns[2] = TurnText("", CHINESE, ENGLISH + " " + ENGLISH)
    turns[3] = TurnText("", CHINESE, None)
    found = checks_of(turns)
    assert "merged-original" in found[2]
    assert found[3] == {"missing-original"}


def test_an_original_folded_under_a_speakers_last_paragraph_is_the_episodes_way():
    turns = []
    for speaker in ("Ada Park", "Bo Li", "Ada Park", "Bo Li"):
        turns += [TurnText(speaker, CHINESE, None), TurnText("", CHINESE, None), TurnText("", CHINESE, ENGLISH * 3)]
    assert checks_of(turns) == [set()] * 12


def test_a_lost_original_is_missing_even_where_originals_are_folded():
    turns = []
    for speaker in ("Ada Park", "Bo Li", "Ada Park", "Bo Li"):
        turns += [TurnText(speaker, CHINESE, None), TurnText("", CHINESE, None), TurnText("", CHINESE, ENGLISH * 3)]
    turns[11] = TurnText("", CHINESE, None)
    found = checks_of(turns)
    assert found[9:12] == [{"missing-original"}] * 3
    assert "merged-original" in found[8]


def test_one_english_less_paragraph_is_no_habit_of_folding():
    turns = plain(label="Ada Park") + [TurnText("Bo Li", CHINESE, None), TurnText("", CHINESE, ENGLISH)]
    assert checks_of(turns)[6] == {"missing-original"}


def test_an_english_naming_the_next_speaker_holds_their_original():
    turns = []
    for speaker in ("Ada Park", "Bo Li", "Ada Park"):
        turns += [TurnText(speaker, CHINESE, None), TurnText("", CHINESE, None), TurnText("", CHINESE, ENGLISH)]
    turns.insert(3, TurnText("", CHINESE, ENGLISH + " **Bo Li**: Yes."))
    turns.insert(4, TurnText("Bo Li", "是的。", None))
    found = checks_of(turns)
    assert "merged-original" in found[3]


def test_english_in_place_of_chinese_is_untranslated():
    turns = plain()
    turns[1] = TurnText("", ENGLISH, ENGLISH)
    turns[4] = TurnText("", "", ENGLISH)
    found = checks_of(turns)
    assert "untranslated" in found[1] and "untranslated" in found[4]


def test_a_changed_number_is_a_mismatch_with_both_highlighted():
    turns = plain()
    turns[0] = TurnText("", "他们在2019年融资了50亿美元。", "They raised $5 billion in 2018.")
    [finding] = [f for f in check_episode(turns)[0] if f.check == "number-mismatch"]
    chinese, english = turns[0].translation, turns[0].english
    assert [chinese[s:e] for s, e in finding.translation_spans] == ["2019"]
    assert [english[s:e] for s, e in finding.english_spans] == ["2018"]


def test_a_number_the_translation_leaves_out_is_not_a_mismatch():
    turns = plain()
    turns[0] = TurnText("", "他们融资了很多钱。", "They raised $5 billion in 2018.")
    assert checks_of(turns)[0] == set()


def number_checks(chinese: str, english: str) -> set[str]:
    turns = plain()
    turns[0] = TurnText("", chinese, english)
    return checks_of(turns)[0] & {"number-mismatch"}


def test_a_glosss_explanation_is_the_translations_own_and_not_compared():
    chinese = ("尽管850亿美元不容小觑，**多德-弗兰克法案**（Dodd-Frank Act: 美国在2010年通过的金融改革"
               "法案，旨在提高金融透明度并减少系统性风险，影响深远）旨在降低风险。")
    english = "Though $85 billion is nothing to sneeze at, the Dodd-Frank Act sought to reduce risk."
    turns = plain()
    turns[0] = TurnText("", chinese, english)
    assert checks_of(turns)[0] == set()


def test_a_number_changed_in_the_glossed_term_is_still_a_mismatch():
    assert number_checks("这是**影响级别5**（Impact Level 5: 一种安全级别）的环境。",
                         "It is an impact level 4 environment.") == {"number-mismatch"}


def test_a_century_is_its_ordinal_and_a_scale_word_is_part_of_its_number():
    assert number_checks("在15世纪末到16世纪初，他们花了850亿美元。",
                         "In the late 15th century, early 16th century, they spent $85 billion.") == set()
    assert number_checks("在15世纪末，他们花了850亿美元。",
                         "In the late 16th century, they spent $85 billion.") == {"number-mismatch"}


def test_digits_a_transcript_heard_without_their_punctuation_are_the_same_number():
    assert number_checks("Palo Alto上涨0.74%，以9比3的投票通过。", "Palo Alto up 74%, a 93 vote.") == set()
    assert number_checks("Palo Alto上涨0.74%，以9比3的投票通过。", "Palo Alto up 75%, a 93 vote.") == {
        "number-mismatch"}


def test_a_number_said_in_words_is_read_whole_as_the_other_text_writes_it():
    # Real turns of the shared half, each flagged while words were read one by one.
    assert number_checks("如果你谈论1000亿美元的收入，假设毛利率为50%。",
                         "If you're talking about hundred billion of revenue, let's say at a 50% gross margin.") == set()
    assert number_checks("我们有超过50万人在全球各地的餐厅工作。",
                         "With over half a million people working in our restaurants around the world.") == set()
    assert number_checks("它从4%缓慢下降到3.5%，再到3%，然后到2.5%，",
                         "It sort of eaked its way down from four to three and a half to three to two and a half") == set()
    assert number_checks("我从事专业编程已经有22年了，从2003年开始。",
                         "I've been programming professionally for twenty two years, since 2003.") == set()
    assert number_checks("如果你谈论1000亿美元的收入，假设毛利率为50%。",
                         "If you're talking about two hundred billion of revenue, let's say at a 50% gross margin.") == {
        "number-mismatch"}


def test_a_k_or_m_may_be_a_length_and_a_transcripts_9s_the_90s():
    # Real turns of the shared half, each flagged while k and m were only scales.
    assert number_checks("在日本，有围绕皇宫御苑的5公里跑道。",
                         "I love in Japan there's a 5k jog around sort of the Imperial Garden.") == set()
    assert number_checks("那里有我们最大的自动人行道，长达130多米。",
                         "We've got our largest moving walkway there. It's over 130 m long.") == set()
    assert number_checks("这种热情程度让我想起了90年代末、2000年代初的纽约和旧金山。",
                         "The enthusiasm level reminded me of New York and San Francisco in the '9s, early 2000s.") == set()
    # Money keeps its scale.
    assert number_checks("这笔交易价值130美元。", "The deal was worth $130m.") == {"number-mismatch"}


def test_a_scale_after_a_transcripts_line_break_and_grand_for_a_thousand():
    # Real turns of the shared half, flagged while one space was all a scale could follow.
    assert number_checks("所以，答案是，每年约有14亿美元的科学和探索资金流失。",
                         "So\n the\n the\n answer\n is\n about\n\n\n1.4\n billion\n a\n year\n is\n lost.") == set()
    assert number_checks("那么，对于年收入 7 万、8 万、9 万美元的人，他们要怎么办？",
                         "You've got people earning 70 grand, 80 grand, 90 grand in California.") == set()
    assert number_checks("那么，对于年收入 7 万、8 万、9 万美元的人，他们要怎么办？",
                         "You've got people earning 60 grand, 80 grand, 90 grand in California.") == {"number-mismatch"}


def test_a_number_read_two_ways_is_shown_once_and_only_where_neither_reading_matches():
    turns = plain()
    turns[0] = TurnText("", "大约130米长，花了5000美元。", "It is about 130 m long and cost $6000.")
    turns[1] = TurnText("", "这花了20年半。", "This took  years.")
    changed, gap = (next(f for f in found if f.check == "number-mismatch") for found in check_episode(turns)[:2])
    assert changed.params == {"numbers": "5000 / 6000"}
    assert gap.translation_spans == [(3, 5)]


def test_more_than_a_number_is_that_number():
    # A real turn of the shared half, flagged while 两千多万 was read as 2,000.
    assert number_checks(
        "请仔细思考一下：对于两千多万加拿大女性来说，如果我们能够解决这种性别差距，我们所有人每年都能多享受一周的健康生活。",
        "So, let that sink in. for the 20 plus million Canadian women if we were able to address this gender gap, "
        "all of us could live one more week of health every year.") == set()
    assert number_checks("全球一年的消费量也不过十余万吨，一吨40万美元。",
                         "The world uses about 100,000 tonnes a year, at $400,000 a tonne.") == set()
    assert number_checks("全球一年的消费量也不过十余万吨，一吨40万美元。",
                         "The world uses about 300,000 tonnes a year, at $400,000 a tonne.") == {"number-mismatch"}


def test_the_same_digits_at_another_scale_are_a_mismatch():
    assert number_checks("他们的收入是52万美元，增长了30%。",
                         "Their revenue was $5.2 billion, up 30%.") == {"number-mismatch"}


def test_a_value_said_twice_against_once_is_lacking_whatever_its_digits():
    assert number_checks("他选择了Claude Opus 3，也许你知道他们为什么选择Claude Opus 7。",
                         "He chose Claude Opus 3, maybe you know why they chose Claude Opus 3.") == {
        "number-mismatch"}


def test_a_month_named_in_english_answers_for_a_chinese_month_in_digits():
    english = "The original plan was April to June 2026, right? We're now early January."
    assert number_checks("最初的计划是2026年4月到6月，对吧？现在是6月初。", english) == {"number-mismatch"}
    assert number_checks("最初的计划是2026年4月到6月，对吧？现在是1月初。", english) == set()
    assert number_checks("最初的计划是2026年4月到6月，对吧？现在是一月初。", english) == set()


def test_a_day_of_the_week_is_no_number():
    english = "Today's Tuesday, February 2nd. Here's what we're covering."
    assert number_checks("今天是 2 月 3 日，星期二。以下是我们今天关注的内容。", english) == {"number-mismatch"}
    assert number_checks("今天是 2 月 2 日，星期二。以下是我们今天关注的内容。", english) == set()
    text = "我们周三开会，每周三次。"  # Wednesday, then thrice a week
    assert [m.start for m in _not_weekdays(text, numbers.written(text))] == [text.index("三次")]


def test_a_bold_term_opened_by_a_space_lost_the_number_it_began_with():
    english = "The Trump administration is targeting Brazil with a Section 301 investigation of Pix."
    assert number_checks("特朗普政府对巴西发起了** 调查**，瞄准了 Pix。", english) == {"number-mismatch"}
    assert number_checks("特朗普政府对巴西发起了**301 调查**，瞄准了 Pix。", english) == set()
    assert number_checks("特朗普政府对巴西发起了 **调查**，瞄准了 Pix。", "The administration investigates Pix.") == set()
    # Bold marks out of pairs: the text between two runs is no term.
    assert number_checks("**: 这是我们的时刻。**阿尔伯塔省** 将获得自由。**加拿大** 呢？",
                         "**: this is our moment. **Alberta** will be free. **Canada**?") == set()


def test_numbers_in_a_series_at_a_lines_start_are_said_not_a_lists():
    english = "When I was 14, 15, I went to the Ross math program at Ohio State."
    assert number_checks("13、15 岁时，我参加了俄亥俄州立大学的 Ross 数学项目。", english) == {"number-mismatch"}
    assert number_checks("14、15 岁时，我参加了俄亥俄州立大学的 Ross 数学项目。", english) == set()
    assert number_checks("1、我们先讲 2024 年。\n2、再讲 2025 年。", "First 2024. Then 2025.") == set()


def test_a_chinese_cut_mid_sentence_is_truncated():
    turns = plain()
    turns[3] = TurnText("", CHINESE[:12], ENGLISH)
    assert "truncated" in checks_of(turns)[3]


def test_a_chinese_far_longer_than_usual_is_flagged_for_its_length():
    turns = plain()
    turns[3] = TurnText("", CHINESE * 5, ENGLISH)
    assert checks_of(turns)[3] == {"length-ratio"}


def test_a_name_spelt_differently_is_a_mismatch():
    turns = plain()
    turns[1] = TurnText("", "John Fetterman 说他会投票。", "John Federman said he would vote.")
    [finding] = [f for f in check_episode(turns)[1] if f.check == "name-mismatch"]
    assert turns[1].translation[slice(*finding.translation_spans[0])] == "Fetterman"
    assert turns[1].english[slice(*finding.english_spans[0])] == "Federman"


def test_a_plural_is_not_a_misspelling():
    turns = plain()
    turns[1] = TurnText("", "这些 Systems 很重要。", "These systems matter.")
    assert checks_of(turns)[1] == set()


def test_a_hyphen_the_transcript_dropped_is_not_a_misspelling():
    # Real turns of the shared half: transcripts drop hyphens (DoddFrank, USBC).
    turns = plain()
    turns[1] = TurnText("", "**多德-弗兰克法案**（Dodd-Frank）旨在降低风险。", "The DoddFrank Act sought to reduce risk.")
    turns[2] = TurnText("", "新款手机改用 USB-C 接口。", "The new phone moves to USBC.")
    turns[3] = TurnText("", "**多德-弗兰克法案**（Dodd-Frank）旨在降低风险。", "The DoddFranc Act sought to reduce risk.")
    assert [found & {"name-mismatch"} for found in checks_of(turns)[1:4]] == [set(), set(), {"name-mismatch"}]


def test_a_placeholder_among_named_speakers_is_flagged():
    turns = plain(label="Ada Park")
    turns[2] = TurnText("Speaker A", CHINESE, ENGLISH)
    assert checks_of(turns)[2] == {"placeholder-speaker"}


def test_placeholders_are_an_episodes_way_when_most_turns_use_them():
    turns = plain(label="Speaker A")
    turns[0] = TurnText("Ada Park", CHINESE, ENGLISH)
    assert checks_of(turns) == [set()] * 6


def test_a_bold_known_entity_the_tags_lack_is_flagged_once():
    known = KnownNames.of([], [("Nvidia", 3), ("Ada Park", 2)])
    turns = plain()
    turns[1] = TurnText("", "**Nvidia** 的芯片很好。", ENGLISH)
    turns[4] = TurnText("", "**Nvidia** 又涨了。", ENGLISH)
    found = checks_of(turns, known=known)
    assert "untagged-mention" in found[1] and "untagged-mention" not in found[4]
    assert all("untagged-mention" not in f for f in checks_of(turns, known=known, tagged=["NVIDIA"]))


def test_entities_the_archive_usually_leaves_untagged_are_flagged_once_per_episode():
    known = KnownNames.of([], [("美国", 2), ("英国", 1)], untagged={"美国": 40, "英国": 30})
    turns = plain()
    turns[1] = TurnText("", "**美国**" + CHINESE, ENGLISH)
    turns[3] = TurnText("", "**英国**" + CHINESE, ENGLISH)
    assert [found & {"untagged-mention"} for found in checks_of(turns, known=known)] == [
        set(), {"untagged-mention"}, set(), set(), set(), set(),
    ]


def test_a_mention_the_episode_names_in_another_form_is_its_own():
    known = KnownNames.of([], [("Matt", 2), ("Trump", 3), ("DHS", 4), ("AI", 9)])
    turns = plain()
    turns[0] = TurnText("Matt Hager", "**Matt** 说：**国土安全部 (DHS)** 和 **AI基础设施**。", ENGLISH)
    turns[1] = TurnText("", "**President Trump** 说。", ENGLISH)
    found = checks_of(turns, known=known, tagged=["Donald Trump", "DHS"])
    assert all("untagged-mention" not in f for f in found)
    assert "untagged-mention" in checks_of(turns, known=known, tagged=["Donald Trump"])[0]


def test_a_name_spelt_unlike_the_archive_is_flagged():
    known = KnownNames.of([("Tracy Alloway", 40), ("Tracy Aloway", 1)], [])
    turns = plain(label="Tracy Aloway")
    found = check_episode(turns, known=known)[0]
    assert [(f.check, f.params["known"]) for f in found] == [("name-unlike-archive", "Tracy Alloway")]


def test_of_two_spellings_as_common_the_archives_usual_one_is_always_the_same():
    """Whatever order the process's string hashing gives its sets."""
    said = {
        subprocess.run(
            [sys.executable, "-c", (
                "from archive.checks.names import KnownNames; print(KnownNames.of(["
                "('Zohran Mamdani', 5), ('Zoran Mandani', 5), ('Zoran Mamdani', 1)], [])"
                ".usual_spelling('Zoran Mamdani'))"
            )],
            env={**os.environ, "PYTHONHASHSEED": str(seed)}, cwd=Path(__file__).parents[3],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        for seed in range(6)
    }
    assert said == {"Zohran Mamdani"}


_numbers = st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=4)


@given(_numbers, st.randoms())
def test_a_turn_whose_texts_share_every_number_is_never_a_number_mismatch(values, rng):
    chinese = "，".join(f"第{i}项是{v}" for i, v in enumerate(values)) + "。"
    shuffled = values[:]
    rng.shuffle(shuffled)
    english = ", ".join(f"one item is {v:,}" for v in shuffled) + "."
    turns = [TurnText("", chinese, english)] + plain(4)
    english_numbered = [f"item {i}" for i in range(len(values))]
    turns[0] = TurnText("", chinese, english + " " + " ".join(english_numbered))
    assert "number-mismatch" not in checks_of(turns)[0]


_WORDS_AND_GAPS = st.text(
    alphabet="一二三四五六七八九十百千万亿两第年月日天前至增 .,%％，。abc", max_size=60,
).map(lambda text: text.replace("abc", " three hundred May "))


@given(_WORDS_AND_GAPS, _WORDS_AND_GAPS)
def test_numbers_in_words_alone_are_never_a_mismatch_unless_a_gap_shows(chinese, english):
    """A number in words is loose: it answers for digits, and stands alone only where
    the other text shows the gap a number left."""
    chinese, english = chinese + "。", english + "."
    assume(not _shows_gap(_GAPS_ZH, chinese) and not _shows_gap(_GAPS_EN, english))
    turns = [TurnText("", chinese, english)] + plain(4)
    assert "number-mismatch" not in checks_of(turns)[0]


@pytest.mark.parametrize("gap", [*_GAPS_ZH, *_GAPS_EN], ids=lambda gap: gap.pattern.pattern[:30])
@given(data=st.data())
def test_a_gaps_needles_never_hide_what_its_pattern_finds(gap, data):
    """A gap's needles only spare the search of a text its pattern cannot match."""
    assert gap.found_in(data.draw(st.from_regex(gap.pattern)))


def test_a_number_in_words_the_other_text_left_a_gap_for_is_a_mismatch():
    assert number_checks("我想那大概是十二年前的事了。", "I think about  ago. But I will say.") == {"number-mismatch"}


_ZH_FORMS = {  # a value and ways Chinese writes it, beside how English does
    5e9: ("50亿美元", "$5 billion"), 1.2e6: ("120万", "1.2 million"), 2024: ("2024年", "2024"),
    30: ("百分之三十", "30%"), 0.3: ("30%", "30%"), 47: ("47", "forty-seven 47"),
}


@given(st.lists(st.sampled_from(sorted(_ZH_FORMS)), min_size=1, max_size=5), st.randoms())
def test_numbers_written_each_language_s_way_are_never_a_mismatch(values, rng):
    chinese = "，".join(f"他们说{_ZH_FORMS[v][0]}" for v in values) + "。"
    shuffled = values[:]
    rng.shuffle(shuffled)
    english = ", ".join(f"they said {_ZH_FORMS[v][1]}" for v in shuffled) + "."
    turns = [TurnText("", chinese, english)] + plain(4)
    assert "number-mismatch" not in checks_of(turns)[0]


_name = st.from_regex(r"[A-Z][a-z]{3,9}( [A-Z][a-z]{3,9})?", fullmatch=True)


@given(st.lists(_name, min_size=1, max_size=4), st.randoms())
def test_a_turn_with_the_same_latin_names_in_both_texts_is_never_a_name_mismatch(names, rng):
    chinese = "，".join(f"{name}说了很多" for name in names) + "。"
    shuffled = names[:]
    rng.shuffle(shuffled)
    english = ", ".join(f"{name} said a lot" for name in shuffled) + "."
    turns = [TurnText("", chinese, english)] + plain(4)
    assert "name-mismatch" not in checks_of(turns)[0]


@given(st.lists(_name, min_size=1, max_size=4, unique=True), st.sampled_from(["{}", "《{}》", "{} (X)"]))
def test_a_bold_name_the_episode_tags_is_never_an_untagged_mention(names, form):
    known = KnownNames.of([], [(name, 3) for name in names])
    turns = plain()
    for index, name in enumerate(names):
        turns[index] = TurnText("", f"**{form.format(name)}** {CHINESE}", ENGLISH)
    found = checks_of(turns, known=known, tagged=names)
    assert all("untagged-mention" not in f for f in found)


@given(
    st.one_of(_name, st.sampled_from(["", "Speaker 1", "主持人", "[Sam Altman]"])),
    st.lists(st.one_of(_name, st.sampled_from(["美国", "OpenAI (OAI)", "苹果（Apple）"])), max_size=4),
)
def test_an_archive_that_knows_no_name_finds_no_mention_to_flag(label, bolds):
    """What lets the name checks skip a turn when the archive knows no name (an import
    into an empty database checks its names afresh when it is done)."""
    sight = NameSight(label, tuple((bold, 0, len(bold)) for bold in bolds))
    named = _named_here([sight], [], set())
    assert KnownNames().is_empty
    assert _mentions(sight, KnownNames(), named, usual_too=True) == []
    assert not KnownNames.of([("Sam Altman", 3)], []).is_empty


@given(st.lists(st.integers(min_value=1, max_value=4), min_size=3, max_size=8))
def test_paragraphs_folded_under_their_speaker_s_english_are_never_missing_it(paragraphs):
    turns = []
    for run, count in enumerate(paragraphs):
        speaker = ("Ada Park", "Bo Li")[run % 2]
        turns.append(TurnText(speaker, CHINESE, None if count > 1 else ENGLISH))
        turns += [TurnText("", CHINESE, None) for _ in range(count - 2)]
        if count > 1:
            turns.append(TurnText("", CHINESE, ENGLISH * count))
    found = checks_of(turns)
    if sum(count - 1 for count in paragraphs) >= 3:
        assert all("missing-original" not in f for f in found)


def test_a_list_numbered_out_of_its_count_is_a_mismatch():
    chinese = "三大支柱：\n1. **身份**：知道我是谁。\n2. **授权**：代表我调用。\n6. **确认**：请求我的确认。"
    english = "Three pillars. The first is identity, the second authorization, the third confirmation."
    assert number_checks(chinese, english) == {"number-mismatch"}
    assert number_checks(chinese.replace("6.", "3."), english) == set()
    assert number_checks(chinese, english.replace("The first", "1. The first, 2. and 6.")) == set()


@pytest.mark.parametrize(("chinese", "english"), [
    ("在日本神户，1995年9月17日的早晨似乎与往常无异，一个和平的城市。",
     "In Kobe, the morning of January 17th, 1995 seemed like any other, a peaceful city."),
    ("第四章，肌肉。力量不仅仅是蛮力，这是2019年的研究。", "Chapter 5, the muscles. Strength isn't just force, a study of 2019."),
])
def test_a_changed_month_or_ordinal_written_in_words_is_a_mismatch(chinese, english):
    assert number_checks(chinese, english) == {"number-mismatch"}


@pytest.mark.parametrize(("chinese", "english"), [
    ("这一数字每年需要增至。为何存在如此巨大的差距？", "That figure needs to rise to $3.5 trillion a year. Why such a gap?"),
    ("他们在那里建立了一个 吉瓦的变电站。", "They built a 1.2 gigawatt substation there."),
    ("谢谢。大约天前，Jeff创立了这家公司。", "Thank you. About 10 days ago, Jeff founded this company."),
    ("他们在2018年融资了50亿美元。", "They raised  in 2018."),
    ("我小时候，我岁了，那时没有互联网。", "When I was a kid, I was 12, there was no internet."),
    ("派对大约在晚上10点开始，11点分，有人来了。", "The party started at about 10, and by 20 after 11, people came."),
    ("2013-的石油危机影响之大也令人惊叹。", "It's amazing how big a deal the 2013 to 2015 oil bust was."),
    ("他与过去月来他曾施加关税的国家领导人会谈。", "He meets the leaders he has hit with tariffs over the last 10 months."),
    ("17分钟。", " minutes."),
    ("我有一些部门长达月不付款。", "I have some departments that don't pay for 12 months."),
    ("年，帕乔利出版了《算术总论》。", "In 1494, Pacioli publishes the Summa."),
    ("比特币达到。标普指数有所变动。", "93,000 on Bitcoin. S&P, you have a move."),
    ("疫情波及超过州，密歇根州最严重。", "People got sick in more than 30 states; Michigan was hit hardest."),
    ("持续了20年，直到它达到左右，并开始稳定在2%左右。", "For 20 years until it hit 2.5 and stuck around 2."),
    ("这些旅程需要10年、、30年才能完成。", "These are journeys that take 10 20 30 years."),
    ("他每周工作 50- 小时。", "He worked 50-60 hours a week."),
    ("她12岁的儿子发来消息。", "Her -year-old son sent a message."),
    ("我们 40% 的粉丝是女性，一半带着孩子。", "Of our fans, % are women; half bring kids."),
    ("带我们回顾50年代和60年代。", "Take us back to the ' and '60s."),
])
def test_a_number_taken_out_of_a_sentence_that_still_asks_for_it_is_a_mismatch(chinese, english):
    assert number_checks(chinese, english) == {"number-mismatch"}


def test_a_number_said_twice_and_once_left_out_where_a_gap_shows_is_a_mismatch():
    english = "Four engineers, 28 days, the number one app. Four engineers 28 days number one."
    assert number_checks("4 名工程师，28 天，应用商店第一名。4 名工程师， 天，第一名。", english) == {"number-mismatch"}
    assert number_checks("4 名工程师，28 天，应用商店第一名。4 名工程师，第一名。", english) == set()


@pytest.mark.parametrize(("chinese", "english"), [
    # The English of a neighbouring turn: it says no number the Chinese lacks.
    ("这一天，2023年的情况被形容为  年以来最紧张的一年。", "We will come back to that after the break."),
    ("那么他们是在几点醒来的？大概在早上。", "So what time do they wake up? They wake up about :00 in the morning."),
    ("大约一年半以前，我们开始做这件事。", "So, like 1 and /2 years ago, we started this."),
    ("我们花了大约两周时间。", "It took about  weeks. It took us two weeks."),
    ("数据格式是这样的：如果只是一个，就写上。", "The data format:  if it's just one, write it."),
    ("然而，就在去年（），近三分之一的人担心失业。", "Yet last year, nearly a third of people feared for their jobs."),
    ("这正是你在周二晚上:47想听到的。", "That's exactly what you want to hear on a Tuesday night."),
    ("三大要点：\n1. **检索**：找到文件。\n.  **实时终端**：立即执行。", "Three points: retrieval and a live terminal."),
    ("今天是 0 月 25 日星期三。以下是我们今天报道的内容。", "Today's Wednesday, March 25th. Here's what we're covering."),
    ("一旦定罪，通常有天的时间提起上诉。", "Once convicted, there is usually a window to appeal."),
])
def test_a_gap_no_real_text_shows_is_a_mismatch_on_its_own(chinese, english):
    """Shapes the shared half's texts never show flag their turn even where the other
    text says no number more often (it may be a neighbour's, or say it twice)."""
    assert number_checks(chinese, english) == {"number-mismatch"}


@pytest.mark.parametrize(("chinese", "english"), [
    ("众议院以票赞成、208票反对通过了这项法案。", "The House voted 214 to 208 to pass the bill."),
    ("我们的总人数已经达到了名法官。", "Our total has now reached 115 judges."),
    ("这个由副总裁领导的团队总计加元。", "The team under a vice president cost 2.5 million dollars in total."),
    ("有传言称稀土垄断是邓小平在年、1990年就已经制定的战略。", "Rumour has it Deng set the strategy out in 1989 and 1990."),
    ("他们将继续从纳米及以后发展。", "They will keep going from 7nm and beyond."),
    ("回想一下，例如在代末、2000年初。", "Think back to, say, the late 90s and the early 2000s."),
    ("“普通学”的流行可以追溯到。由于疫情爆发。", "The popularity of ordinariness dates back to 2020. Due to the pandemic."),
    ("它始于，随着**电磁学**的发明。", "It started in the 1800s with the invention of electromagnetism."),
    ("从到2013年，这个节目揭开了电影的帷幕。", "From 1974 to 2013, the show pulled back the curtain on cinema."),
    ("这正是第和20点所指的。", "This is what points 19 and 20 are about."),
    ("它可能会从涨到2万亿美元。", "It could go from $1.5 trillion to $2 trillion."),
    ("为你们提供治疗师和社会心理学家的年经验。", "Giving you 20 years of experience as a therapist."),
    ("赤字已上升到GDP的。如果预测准确，明年会更高。", "The deficit has risen to 6% of GDP. If forecasts hold, more next year."),
    ("在缅因州约有“目标”。本周已开始行动。", "In Maine there are about 1,400 targets. It began this week."),
])
def test_a_unit_or_a_word_left_asking_for_its_number_is_a_mismatch(chinese, english):
    assert number_checks(chinese, english) == {"number-mismatch"}


@pytest.mark.parametrize(("chinese", "english"), [
    ("他说这个函数叫 run()，在年轻人中很流行。", "He said the function is run(), popular with the young."),
    ("我们都买了票。我们的票上都写着名字，他给它们都命了名。", "We all bought tickets, with names on them."),
    ("尽管计票过程存在失误，市场预计年内有一次降息。", "Despite errors in the count, markets expect a cut this year."),
    ("这所学校非常有名，因为它成立于近80年前。", "The school is famous because it was founded 80 years ago."),
    ("我们可以追溯到，你知道，童年时期。", "We can trace it back to, you know, childhood, 12 or so."),
    ("在年老时，人们会停止做很多运动，从微米级发展到纳米级。", "In old age people stop many sports; from 5 microns to nanometres."),
    ("特斯拉的年增长率为负，份额和收入成比例的。", "Tesla's growth is negative 30%, in proportion to its share."),
    ("3 月 25 日，11:30，我们在天黑前回来，在法拉第和安培之后。", "On March 25, at 11:30, we came back before dark, after Faraday and 2 others."),
])
def test_what_only_looks_like_a_word_asking_for_a_number_is_none(chinese, english):
    assert number_checks(chinese, english) == set()


@pytest.mark.parametrize(("chinese", "english"), [
    ("我们同岁，可能都是 14 岁。", "We are the same age, so we were 14, maybe."),
    ("11点20分，有人来了。", "At 20 past 11, someone came."),
    ("3-5年后，用2-辛基氰基丙烯酸酯。", "In 3 to 5 years, with 2-octyl cyanoacrylate."),
])
def test_what_only_looks_like_a_gap_is_none(chinese, english):
    assert number_checks(chinese, english) == set()


@given(st.lists(st.integers(min_value=1, max_value=99), min_size=1, max_size=6))
def test_a_list_both_texts_number_alike_is_never_a_number_mismatch(items):
    chinese = "\n".join(f"{number}. 第{place}项。" for place, number in enumerate(items))
    english = "\n".join(f"{number}. Item {place}." for place, number in enumerate(items))
    assert number_checks(chinese, english) == set()


# The bold runs as one pattern with look-behinds found them, the rule they keep.
_BOLD_RULE = re.compile(
    r"(?<!^)(?<!\n)\*\*([^*\n]{1,60}?)\*\*|^\*\*([^*\n]{1,60}?)\*\*(?![:：])"
    r"|(?<=\n)\*\*([^*\n]{1,60}?)\*\*(?![:：])"
)


@given(st.text(alphabet="*\n:：a 美", max_size=80))
def test_bold_runs_are_bold_but_never_a_label_typed_at_a_lines_start(text):
    expected = [(m[m.lastindex], m.span(m.lastindex)) for m in _BOLD_RULE.finditer(text)]
    assert [(m[1], m.span(1)) for m in bold_runs(text)] == expected


def test_a_label_at_a_lines_start_is_no_bold_run_but_a_gloss_is():
    text = "**Ada**: 好\n说 **Anthropic**\n**Bo**：\n（**Claude**: a model）"
    assert [m[1] for m in bold_runs(text)] == ["Anthropic", "Claude"]
