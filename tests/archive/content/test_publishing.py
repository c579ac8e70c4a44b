"""The pure parts of ``export_markdown --commit``: what a commit message line may hold,
and which lines a change took out and put in."""
from hypothesis import given, strategies as st

from archive.content.publishing import line_changes, one_line


@given(st.text())
def test_nothing_in_a_name_or_summary_starts_a_line_of_its_own(text):
    written = one_line(text)
    assert "\n" not in written and "\r" not in written
    assert len(written.splitlines()) <= 1


def test_a_line_change_names_what_went_out_and_what_came_in():
    before, after = "a: 1\nb: 2\nc: 3\n", "a: 1\nb: 9\nc: 3\n"
    assert line_changes(before, after) == {("-", "b: 2"), ("+", "b: 9")}
    assert line_changes(after, after) == frozenset()
