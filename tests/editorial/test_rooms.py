"""The editors' side imports one way, room by room, and has no import cycle.

Each module of ``editorial`` sits on a floor (:data:`FLOORS`, longest prefix wins) and
imports only from floors below it, or from its own floor within its own package:
``project`` and the app's entry (``apps``) apart on top (nothing imports them),
then ``admin`` (nothing but the project imports it), the names tools, the steps made of edits (the workflow, the
review's receivers, revert), the one road for an edit (``edits``), the review state
and held changes it consults, and the models at the bottom. ``archive`` never
imports ``editorial``. Imports inside functions count too.
"""
from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

FLOORS = {
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


def floor_of(module: str) -> tuple[int, str]:
    """The floor of ``module`` and the prefix of :data:`FLOORS` that places it."""
    prefix = max((p for p in FLOORS if module == p or module.startswith(p + ".")), key=len)
    return FLOORS[prefix], prefix


def editorial_graph() -> dict[str, set[str]]:
    modules = {
        module_of(path): path for path in (REPO / "editorial").rglob("*.py")
        if "migrations" not in path.parts
    }
    return {
        module: {name for name in imports_of(path) if name.startswith("editorial.") and name != module}
        for module, path in modules.items() if module != "editorial"
    }


def test_every_module_has_a_floor():
    unplaced = [m for m in editorial_graph() if not any(m == p or m.startswith(p + ".") for p in FLOORS)]
    assert unplaced == []


def test_imports_go_down_the_floors():
    wrong = []
    for module, imported in editorial_graph().items():
        floor, room = floor_of(module)
        for name in imported:
            other_floor, other_room = floor_of(name)
            if other_floor > floor or (other_floor == floor and other_room != room):
                wrong.append(f"{module} ({floor}) imports {name} ({other_floor})")
    assert sorted(wrong) == []


def test_there_is_no_import_cycle():
    graph = editorial_graph()
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
