"""The project imports one way, room by room, and has no import cycle.

Each module sits on a floor (:data:`EDITORIAL_FLOORS`, :data:`ARCHIVE_FLOORS`; longest
prefix wins) and imports only from floors below it, or from its own floor within its
own room. Imports inside functions count too.

``editorial``: ``project`` and the app's entry (``apps``) apart on top (nothing imports
them), then ``admin`` (nothing but the project imports it), the names tools, the steps
made of edits (the workflow, the review's receivers, revert), the one road for an edit
(``edits``), the review state and held changes it consults, and the models at the
bottom. ``archive`` never imports ``editorial``.

``archive``: the codec and the text helpers (``plain``, ``fold``) at the bottom, then
the models and the signals, the content layer (with the checks of a parsed turn inside
it), the search, the public site, and the entries Django and the commands call on top.
The content layer reaches the search only through what the search registers
(``archive.signals``): it never imports it.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

EDITORIAL_FLOORS = {
    "editorial.project": 7,
    "editorial.apps": 7,  # the app's entry: connects the receivers when Django starts
    "editorial.admin": 6,
    "editorial.templatetags": 6,
    "editorial.jobs.admin": 6,
    "editorial.sync.admin": 6,
    "editorial.names": 5,
    # A sync's merges and resolutions are edits; it runs as a job.
    "editorial.sync": 4,
    # A workflow step, a re-import kept as revisions and a revert are edits.
    "editorial.review.workflow": 4,
    "editorial.review.receivers": 4,
    "editorial.revisions.history": 4,
    "editorial.edits": 3,
    # What an edit consults: is the episode's review holding its edits?
    "editorial.review": 2,
    "editorial.revisions": 2,
    # Jobs run what floors above them name (by dotted path, never imported here).
    "editorial.jobs": 2,
    "editorial.models": 1,
    "editorial.revisions.storage": 0,
    "editorial.migrations": 0,
}

ARCHIVE_FLOORS = {
    "archive.apps": 9,  # the app's entry: connects the listeners when Django starts
    "archive.management": 9,
    "archive.templatetags": 9,
    "archive.site": 8,
    "archive.search": 7,
    # An import parses, checks and writes; the search follows it through archive.signals.
    "archive.content.importing": 6,
    "archive.checks.report": 6,  # check_translations' report: a recheck is latest_names'
    # Checks over stored episodes read them through the store.
    "archive.checks.latest_names": 5,
    "archive.content": 4,
    # The checks of a parsed turn, which the store writes with its rows.
    "archive.checks": 3,
    "archive.content.bulk": 2,
    "archive.models": 1,
    "archive.signals": 1,
    "archive.codec": 0,
    "archive.text": 0,
    "archive.workers": 0,  # the process pools of import, export and indexing
    "archive.content.slugs": 0,  # the static site's slugs, which the models name by
}


def module_of(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, relative imports resolved; ``from x import y``
    counts as ``x.y`` when that is a module of the project, else as ``x``."""
    module = module_of(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if _is_module(candidate) else base)
    return found


def _is_module(name: str) -> bool:
    path = REPO.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def floor_of(module: str, floors: dict[str, int]) -> tuple[int, str]:
    """The floor of ``module`` and the prefix of ``floors`` that places it."""
    prefix = max((p for p in floors if module == p or module.startswith(p + ".")), key=len)
    return floors[prefix], prefix


def graph_of(package: str) -> dict[str, set[str]]:
    """Every module of ``package`` (migrations apart) and the modules of ``package`` it imports."""
    modules = {
        module_of(path): path for path in (REPO / package).rglob("*.py")
        if "migrations" not in path.parts
    }
    return {
        module: {name for name in imports_of(path) if name.startswith(package + ".") and name != module}
        for module, path in modules.items() if module != package
    }


ROOMS = pytest.mark.parametrize("package, floors", [
    ("editorial", EDITORIAL_FLOORS), ("archive", ARCHIVE_FLOORS),
])


@ROOMS
def test_every_module_has_a_floor(package, floors):
    unplaced = [m for m in graph_of(package) if not any(m == p or m.startswith(p + ".") for p in floors)]
    assert unplaced == []


@ROOMS
def test_imports_go_down_the_floors(package, floors):
    wrong = []
    for module, imported in graph_of(package).items():
        floor, room = floor_of(module, floors)
        for name in imported:
            other_floor, other_room = floor_of(name, floors)
            if other_floor > floor or (other_floor == floor and other_room != room):
                wrong.append(f"{module} ({floor}) imports {name} ({other_floor})")
    assert sorted(wrong) == []


@pytest.mark.parametrize("package", ["editorial", "archive"])
def test_there_is_no_import_cycle(package):
    graph = graph_of(package)
    cycles, state = [], {}

    def visit(module, trail):
        state[module] = "open"
        for name in sorted(graph.get(module, ())):
            if state.get(name) == "open":
                cycles.append(" -> ".join([*trail[trail.index(name):], name]))
            elif name not in state:
                visit(name, [*trail, name])
        state[module] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_the_content_never_imports_the_editors_side():
    wrong = [
        f"{module_of(path)} imports {name}"
        for path in (REPO / "archive").rglob("*.py") if "migrations" not in path.parts
        for name in imports_of(path) if name == "editorial" or name.startswith("editorial.")
    ]
    assert wrong == []
