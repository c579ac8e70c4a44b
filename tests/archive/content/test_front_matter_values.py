"""Front-matter values checked against what their key means (``fields.check_values``).

A value the archive cannot mean or store is a ``ValueProblem`` naming the key and the
line of its entry; every value that passes is read as it is written, and the forms
the real files use pass and come back byte for byte.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive.codec import ParseError, as_list, parse, render
from archive.content import fields
from archive.content.fields import ValueProblem, check_values

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def front_matter(lines: str):
    text = f"---\ntitle: t\n{lines}---\n正文\n"
    document = parse(text)
    assert render(document) == text
    return document.front_matter


def problem(lines: str) -> ValueProblem:
    with pytest.raises(ValueProblem) as caught:
        check_values(front_matter(lines))
    return caught.value


# --- refused, with the key and its line ---------------------------------------------

@pytest.mark.parametrize("key", fields.TEXT_KEYS[1:])
@pytest.mark.parametrize("value, kind", [("[a, b]", "a list"), ("\n  - a\n  - b", "a list"),
                                         ("{a: b}", "a mapping"), ("\n  a: b", "a mapping")])
def test_a_text_key_holding_a_list_or_mapping_is_refused(key, value, kind):
    error = problem(f"date: '2025-10-31'\n{key}: {value}\n")
    assert (error.line, error.message) == (4, f"{key!r} must be text, not {kind}")


def test_a_title_that_is_a_list_is_refused_on_its_line():
    error = problem_in("---\nlayout: post.njk\n\ntitle:\n- a\n- b\n---\n")
    assert (error.line, error.message) == (4, "'title' must be text, not a list")


def problem_in(text: str) -> ValueProblem:
    with pytest.raises(ValueProblem) as caught:
        check_values(parse(text).front_matter)
    return caught.value


@pytest.mark.parametrize("key", fields.ENTITY_KEYS)
@pytest.mark.parametrize(
    "value, message",
    [
        ("{a: b}", "must be a list of names, not a mapping"),
        ("\n  a: b", "must be a list of names, not a mapping"),
        ("[[a, b], c]", "must be a list of names, not a list holding a list"),
        ("\n- - a\n- b", "must be a list of names, not a list holding a list"),
        ("\n- a: b", "must be a list of names, not a list holding a mapping"),
    ],
)
def test_entity_lists_that_are_mappings_or_nested_are_refused(key, value, message):
    error = problem(f"{key}: {value}\n")
    assert (error.line, error.message) == (3, f"{key!r} {message}")


@pytest.mark.parametrize(
    "value, shown",
    [("not-a-date", "'not-a-date'"), ("'2025-13-45'", "'2025-13-45'"), ("2025/10/31", "'2025/10/31'"),
     ("'2025-10-31T10:00'", "'2025-10-31T10:00'"), ("2025", "2025"), ("20251031", "20251031"),
     ("'20251031'", "'20251031'"), ("[2025-10-31]", '["2025-10-31"]'), ("true", "true"),
     ("' 2025-10-31'", "' 2025-10-31'")],
)
def test_a_date_that_is_no_date_is_refused(value, shown):
    error = problem(f"date: {value}\n")
    assert (error.line, error.message) == (3, f"'date' must be a date written YYYY-MM-DD, not {shown}")


@pytest.mark.parametrize("key", fields.BOOLEAN_KEYS)
@pytest.mark.parametrize(
    "value, shown",
    [("1", "1"), ("0", "0"), ("'maybe'", "'maybe'"), ("maybe", "'maybe'"), ("[true]", "[true]"),
     ("'yes'", "'yes'"), ("''", "''"), ("' true'", "' true'"), ("{a: true}", '{"a": true}'),
     ("1.0", "1.0")],
)
def test_draft_or_exclude_that_is_neither_true_nor_false_is_refused(key, value, shown):
    error = problem(f"{key}: {value}\n")
    assert (error.line, error.message) == (3, f"{key!r} must be true or false, not {shown}")


def test_the_message_names_the_key_and_the_value_as_written():
    assert str(problem("draft: 'maybe'\n")) == "line 3: 'draft' must be true or false, not 'maybe'"


@pytest.mark.parametrize(
    "value, why",
    [(".nan", "the number nan"), (".inf", "the number inf"), ("!!binary aGk=", "a !!binary value"),
     ("!!set {a, b}", "a !!set"), ("!!timestamp 2025-10-31", "a !!timestamp"),
     ("!!omap [a: 1]", "an !!omap or !!pairs"), ("{1: a}", "a mapping key that is not text: 1"),
     ('"a\\0b"', "a NUL character"), ('[x, "\\0"]', "a NUL character"),
     ("{k: [{m: .inf}]}", "the number inf")],
)
def test_a_value_json_cannot_store_as_read_is_refused(value, why):
    error = problem(f"extra: {value}\n")
    assert (error.line, error.message) == (3, f"'extra' holds a YAML value the archive cannot store ({why})")


@pytest.mark.parametrize("key, limit", [("author", 255), ("speaker", 255), ("status", 64), ("layout", 255)])
def test_text_longer_than_its_column_is_refused(key, limit):
    check_values(front_matter(f"{key}: {'x' * limit}\n"))
    error = problem(f"{key}: {'x' * (limit + 1)}\n")
    assert (error.line, error.message) == (3, f"{key!r} is longer than {limit} characters")


@pytest.mark.parametrize("value", ["\n- " + "名" * 256, " " + "名" * 256, " [ok, " + "x" * 256 + "]"])
def test_an_entity_name_longer_than_255_characters_is_refused(value):
    error = problem(f"people:{value}\n")
    assert (error.line, error.message) == (3, "an item of 'people' is longer than 255 characters")


@pytest.mark.parametrize(
    "line, spelled, shown",
    [("title: 1.10", "'1.10'", "1.1"), ("title: yes", "'yes'", "true"), ("title: 0x1F", "'0x1F'", "31"),
     ("title: 1_000", "'1_000'", "1000"), ("series: True", "'True'", "true"), ("guest: ~1", None, None)],
)
def test_a_number_or_boolean_that_would_not_read_as_written_is_refused(line, spelled, shown):
    if spelled is None:  # ``~1`` is text: nothing to refuse
        check_values(front_matter(line + "\n"))
        return
    error = problem(line + "\n")
    key = line.split(":")[0]
    assert error.line == 3
    assert error.message == (f"{key!r} must be text: {spelled} reads as {shown}; "
                             "quote it to keep it as written")


@pytest.mark.parametrize("items", ["[Yes, b]", "\n- b\n- 1.50", "\n- 017", "true"])
def test_an_entity_item_that_would_not_read_as_written_is_refused(items):
    error = problem(f"media_books: {items}\n")
    assert error.line == 3
    assert error.message.startswith("'media_books' must be a list of names: an item reads as ")


def test_the_first_problem_in_file_order_is_reported():
    error = problem_in("---\nz: .nan\ndraft: maybe\ntitle: [a]\ntitle: ok\n---\n")
    assert (error.line, error.message) == (
        2, "'z' holds a YAML value the archive cannot store (the number nan)",
    )
    error = problem_in("---\ntitle: ok\ndate: x\ntitle: [a]\ndraft: 2\n---\n")
    assert error.line == 3 and error.message.startswith("'date'")


def test_a_duplicated_key_is_checked_as_read_on_the_line_of_its_last_entry():
    check_values(parse("---\ndraft: maybe\ntitle: t\ndraft: true\n---\n").front_matter)
    error = problem_in("---\ndraft: true\ntitle: t\n\n# note\ndraft: maybe\n---\n")
    assert error.line == 6


def test_a_quoted_key_is_found_on_its_line():
    error = problem_in("---\nlayout: post.njk\n\"title\": [a, b]\n---\n")
    assert (error.line, error.message) == (3, "'title' must be text, not a list")


def test_lines_count_from_the_opening_fence_in_a_crlf_file_with_a_bom():
    error = problem_in("\ufeff---\r\ntitle: t\r\n\r\ntags: {a: b}\r\n---\r\n")
    assert error.line == 4


# --- accepted, and read as written ----------------------------------------------------

@pytest.mark.parametrize(
    "lines",
    [
        "draft: true\n", "draft: false\n", "draft: \"true\"\n", "draft: 'FALSE'\n", "draft: True\n",
        "draft:\n", "draft: ~\n", "exclude: 'True'\n", "exclude: false\n",
        "products_models: '[]'\n", "products_models: []\n", "people:\n- ''\n", "people:\n-\n- Lei\n",
        "people: ~\n", "tags: chip-architecture\n", "media_books:\n- 1984\n- 《圣经》\n",
        "date: 2025-10-31\n", "date: '2025-10-31'\n", "date: \"2025-10-31\"\n", "date:\n", "date: ''\n",
        "guest:\n", "insight: null\n", "series: 2024\n", "title: 1984\n", "title: true\n",
        "summary: >-\n  folded\n  text\n", "x-note: {nested: [1, 2.5, true, null, {k: v}]}\n",
        "base: &b {k: v}\nmerged: {<<: *b, j: w}\n", "author: " + "x" * 255 + "\n",
    ],
)
def test_the_forms_real_files_use_and_other_harmless_values_are_accepted(lines):
    check_values(front_matter(lines))


@pytest.mark.parametrize(
    "value, expected",
    [("true", True), ("false", False), ('"true"', True), ("'False'", False), ("'TRUE'", True),
     ("", False), ("~", False), ("yes", True), ("no", False)],
)
def test_an_accepted_boolean_reads_as_written(value, expected):
    fm = front_matter(f"draft: {value}\n")
    check_values(fm)
    assert fields.column_values(fm.values)["draft"] is expected


@pytest.mark.parametrize("value", [1, 0, "maybe", "", "yes", [True], {"a": False}, 1.0, " true"])
def test_a_boolean_read_without_the_check_counts_as_true(value):
    """Whatever check_values refuses, nothing unclear may make an episode public."""
    assert fields.boolean_value(value) is True


def test_an_empty_list_item_is_no_name_and_comes_back_exactly():
    fm = front_matter("people:\n- ''\n- \n- Lei\n")
    check_values(fm)
    assert fm.values["people"] == ["", None, "Lei"]
    assert fields.entity_names(fm.values)["people"] == ["Lei"]


# Plain scalars YAML 1.1 may read as something other than the text written.
TRICKY = (
    "1984", "1.10", ".5", "1e3", "1.0e+3", "0x1F", "0o17", "017", "1_000", "+5", "-0", "1:30",
    "yes", "Yes", "no", "On", "off", "y", "n", "true", "True", "FALSE", "null", "~", "Null",
    ".inf", "-.Inf", ".nan", "2025-10-31", "2025-1-1", "12:30:00", "0b101", "0o17", "=",
)


@SETTINGS
@given(st.sampled_from(TRICKY), st.sampled_from(fields.TEXT_KEYS[1:]))
def test_a_text_value_that_passes_reads_as_written(written, key):
    fm = front_matter(f"{key}: {written}\n")
    try:
        check_values(fm)
    except ValueProblem:
        return
    expected = "" if written in {"null", "~", "Null"} else written
    assert fields.column_values(fm.values)[key] == expected


@SETTINGS
@given(st.lists(st.sampled_from(TRICKY), min_size=1, max_size=4), st.sampled_from(list(fields.ENTITY_KEYS)))
def test_entity_names_that_pass_read_as_written(items, key):
    fm = front_matter(f"{key}:\n" + "".join(f"- {item}\n" for item in items))
    try:
        check_values(fm)
    except ValueProblem:
        return
    assert as_list(fm.values[key]) == [item for item in items if item not in {"null", "~", "Null"}]


@SETTINGS
@given(st.sampled_from(TRICKY + ("'true'", '"False"', "'maybe'", "[true]", "''")))
def test_a_draft_that_passes_reads_as_written(written):
    fm = front_matter(f"draft: {written}\n")
    try:
        check_values(fm)
    except ValueProblem:
        assert fields.boolean_value(fm.values["draft"]) is True
        return
    assert fields.column_values(fm.values)["draft"] is (
        written.strip("'\"").lower() in {"true", "yes", "on", "y"}
    )


@SETTINGS
@given(st.dates(), st.sampled_from(["{}", "'{}'", '"{}"']))
def test_every_date_passes_quoted_or_bare_and_reads_as_that_date(date, form):
    fm = front_matter("date: " + form.format(date.isoformat()) + "\n")
    check_values(fm)
    assert fields.column_values(fm.values)["date"] == date


# --- the real archive -------------------------------------------------------------------

def test_every_file_of_the_real_archive_comes_back_and_passes_the_checks(archive_notes_dir):
    files = sorted(archive_notes_dir.rglob("*.md"))
    assert files, f"no .md file under {archive_notes_dir}"
    failures = []
    for path in files:
        text = path.read_bytes().decode("utf-8")
        try:
            document = parse(text)
        except ParseError as error:
            if not (text.startswith("----") and error.line == 1):
                failures.append(f"{path.name}: {error}")
            continue
        if render(document) != text:
            failures.append(f"{path.name}: renders back changed")
            continue
        try:
            check_values(document.front_matter)
        except ValueProblem as problem:
            failures.append(f"{path.name}: {problem}")
    assert failures == []
