"""Front matter that nests or expands past the codec's bounds is a ParseError with a line.

Aliases stay allowed; only a value that would expand past the bounds, counting every
alias as a copy, is refused, before it is loaded.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from archive.codec import ParseError, parse, render
from archive.codec.bounds import MAX_DEPTH, MAX_VALUES

REPO = Path(__file__).resolve().parents[3]


def parse_error(text: str) -> ParseError:
    with pytest.raises(ParseError) as caught:
        parse(text)
    return caught.value


def alias_bomb(levels: int = 9, merge: bool = False) -> str:
    """``a`` holds ten strings, ``b`` ten ``a``, … : ten to the ``levels`` values."""
    names = "abcdefghijklmnop"
    lines = ["a: &a {" + ",".join(f"k{i}: lol" for i in range(10)) + "}"]
    for level in range(1, levels):
        name, previous = names[level], names[level - 1]
        if merge:
            lines.append(f"{name}: &{name} {{<<: [" + ",".join([f"*{previous}"] * 10) + "]}")
        else:
            lines.append(f"{name}: &{name} {{" + ",".join(f"k{i}: *{previous}" for i in range(10)) + "}")
    return "---\ntitle: t\n" + "\n".join(lines) + "\n---\n正文\n"


def test_the_alias_bomb_is_small_and_refused_on_the_line_that_passes_the_bound():
    text = alias_bomb()
    assert len(text.encode()) < 800
    error = parse_error(text)
    assert "expands past" in error.message
    assert error.line == 7  # key 'e': 10**5 values counted once its aliases are copies
    assert error.message.startswith("'e' ")


def test_a_merge_key_bomb_is_refused_before_loading(tmp_path):
    """PyYAML expands ``<<`` while loading: this one would take hours without the bound."""
    script = tmp_path / "bomb.py"
    script.write_text(
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from archive.codec import ParseError, parse\n"
        "from tests.archive.codec.test_bounds import alias_bomb\n"
        "try:\n    parse(alias_bomb(merge=True))\n"
        "except ParseError as error:\n    print(error)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(REPO)
    result = subprocess.run(
        [sys.executable, str(script)], cwd=REPO, env=env, capture_output=True, text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "expands past" in result.stdout


@pytest.mark.parametrize("levels", [1, 2, 3, 4])
def test_aliases_and_merges_within_the_bound_are_read_and_render_back(levels):
    for merge in (False, True):
        text = alias_bomb(levels, merge)
        document = parse(text)
        assert render(document) == text
        if not merge:
            assert document.front_matter.values["a"]["k0"] == "lol"


def test_a_scalar_aliased_many_times_is_allowed():
    text = "---\nname: &n Lei\npeople:\n" + "- *n\n" * 5000 + "---\n"
    assert parse(text).front_matter.values["people"] == ["Lei"] * 5000


def test_an_alias_inside_the_value_it_names_is_refused():
    error = parse_error("---\ntitle: t\nloop: &a [x, *a]\n---\n")
    assert (error.line, error.message) == (3, "'loop' holds a YAML alias inside the value it names")


@pytest.mark.parametrize("closed", [False, True], ids=["unclosed", "closed"])
def test_five_thousand_open_brackets_are_a_parse_error_with_a_line(closed):
    value = "[" * 5000 + ("]" * 5000 if closed else "")
    error = parse_error(f"---\ntitle: t\ntags: {value}\n---\n")
    assert error.line == 3
    assert error.message == f"'tags' nests deeper than {MAX_DEPTH} levels"


def test_block_nesting_by_indentation_is_bounded_too():
    lines = "".join(f"{'  ' * depth}k{depth}:\n" for depth in range(MAX_DEPTH + 5))
    error = parse_error(f"---\n{lines}---\n")
    assert error.line == 2 + MAX_DEPTH
    assert "nests deeper" in error.message


def test_nesting_up_to_the_bound_is_allowed():
    value = "[" * (MAX_DEPTH - 1) + "x" + "]" * (MAX_DEPTH - 1)
    text = f"---\ntags: {value}\n---\n"
    assert render(parse(text)) == text


def test_a_hundred_thousand_brackets_do_not_crash_the_interpreter():
    """libyaml composes by recursion: without the bound this kills the process."""
    code = (
        "from archive.codec import ParseError, parse\n"
        "try:\n    parse('---\\nt: ' + '[' * 100000 + ']' * 100000 + '\\n---\\n')\n"
        "except ParseError as error:\n    print(error)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(REPO)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "nests deeper" in result.stdout


def test_a_front_matter_of_too_many_values_without_aliases_is_refused():
    value = "{" + ",".join(f"k{i}" for i in range(MAX_VALUES // 2 + 1)) + "}"
    error = parse_error(f"---\ntitle: t\nmany: {value}\n---\n")
    assert (error.line, "expands past" in error.message) == (3, True)
