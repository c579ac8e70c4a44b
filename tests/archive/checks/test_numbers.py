"""Numbers as the two languages write them."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from num2words import num2words

from archive.checks import TurnText, check_episode, numbers


def values(text: str, firm_only: bool = False) -> list[float]:
    return [m.value for m in numbers.mentions(text) if m.firm or not firm_only]


@pytest.mark.parametrize(("chinese", "english"), [
    ("50亿美元", "$5 billion"),
    ("120万", "1.2 million"),
    ("2024年", "2024"),
    ("百分之三十", "30%"),
    ("30%", "30 percent"),
    ("三个人", "three people"),
    ("3.5亿", "350 million"),
    ("1.2万人", "12,000 people"),
    ("12至15亿", "1.2 to 1.5 billion"),
    ("19世纪90年代", "the 1890s"),
    ("六十亿", "six billion"),
    ("1000亿美元", "a hundred billion dollars"),
    ("1500名", "one and a half thousand"),
    ("150万套", "a million and a half"),
    ("50万人", "half a million people"),
    ("25万", "two hundred and fifty thousand"),
    ("25岁", "twenty five years old"),
    ("2.5年", "two and a half years"),
    ("两年半", "two and a half years"),
    ("两年半", "2 and a half years"),
    ("一个半小时", "1.5 hours"),
    ("两千多万", "20-plus million"),
    ("2000余万", "20 million"),
])
def test_the_two_languages_write_the_same_value(chinese, english):
    assert set(values(chinese)) & set(values(english))


@given(st.integers(min_value=0, max_value=10**13))
def test_a_number_said_in_words_is_read_whole(value):
    said = num2words(value).replace(",", "")  # one thousand, five hundred
    assert [m.value for m in numbers.english_words(said)] == [value]


def test_words_said_one_after_another_are_a_number_only_as_numbers_are_said():
    assert values("one two three four") == [1, 2, 3, 4]  # a count
    assert values("one billion two billion dollars") == [1e9, 2e9]
    assert values("a thousand one kilometre asteroids") == [1000, 1]
    assert values("a million two hundred thousand") == [1.2e6]
    assert values("one and two") == [1, 2]


def test_a_half_is_read_with_and_without_its_number():
    assert values("two and a half years") == [2.5, 2]
    assert values("2年半") == [2, 2.5]
    assert values("2年半", firm_only=True) == [2]


def test_digits_inside_names_are_not_numbers():
    assert values("GPT-4, H100, 5G and COVID-19") == []


def test_a_unit_written_against_its_number_leaves_it_a_number():
    assert values("a 70mm film, 100GB and 5ms", firm_only=True) == [70.0, 100.0, 5.0]
    assert values("采用70mm胶片", firm_only=True) == [70.0]


def test_numerals_inside_chinese_words_are_loose():
    assert values("我们一起去", firm_only=True) == []
    assert values("我们一起去") == [1.0]


def test_a_time_of_day_is_its_hour():
    assert values("9:00", firm_only=True) == [9.0]


def test_a_time_s_minutes_and_a_name_s_digits_are_loose_numbers():
    assert [m.value for m in numbers.minutes("at 9:30 or 10:05")] == [30.0, 5.0]
    assert [m.value for m in numbers.beside_letters("Genie3, H100 and GPT-4")] == [3.0, 100.0, 4.0]
    assert not any(m.firm for m in numbers.minutes("9:30") + numbers.beside_letters("H100"))


def test_months_are_numbers_by_name_or_abbreviation_but_may_only_as_a_name():
    assert values("Jan 20, Sept 3 and the end of May") == [1.0, 20.0, 9.0, 3.0, 5.0]
    assert values("it may be so") == []


@given(st.integers(min_value=0, max_value=10**12))
def test_digits_read_the_same_with_or_without_thousands_commas(value):
    assert values(f"{value:,}", firm_only=True) == values(str(value), firm_only=True) == [float(value)]


@given(st.integers(min_value=1, max_value=9999), st.sampled_from(["万", "亿"]))
def test_a_chinese_scale_is_an_english_one(count, scale):
    factor = {"万": 1e4, "亿": 1e8}[scale]
    [chinese] = values(f"共{count}{scale}元", firm_only=True)
    english = values(f"{count * factor / 1e6:g} million", firm_only=True)
    assert numbers.same(chinese, english[0])


@given(st.floats(min_value=0, max_value=1e15, allow_nan=False), st.floats(min_value=0, max_value=1e15, allow_nan=False))
def test_sameness_is_symmetric(a, b):
    assert numbers.same(a, b) == numbers.same(b, a)


def test_a_year_and_its_last_two_digits_a_label_and_a_list_number_are_no_mismatch():
    turns = [TurnText("", "1. 最高点是1.3%，那是在2022年第二季度。", "**Speaker 4**: The peak was 1.3% in the second quarter of '22.")]
    turns += [TurnText("", "我们在那一年投入了很多资源，这是一个很长的故事。", "We put a lot into it that year; it is a long story.")] * 4
    assert all(f.check != "number-mismatch" for f in check_episode(turns)[0])


def test_a_range_takes_the_scale_written_after_its_second_number():
    assert values("about 8 to $10 million", firm_only=True) == [8e6, 10e6]
    assert values("每年15到30万亿美元", firm_only=True) == [15e12, 30e12]
