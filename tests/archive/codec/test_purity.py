"""The codec is pure Python: importing it must not import Django. Its only face is
``archive.codec``: code outside ``archive/codec/`` never imports one of its modules
(the codec's own tests, ``tests/archive/codec/``, may test its internals)."""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def run_without_django_settings(code: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60,
    )


def test_importing_the_codec_does_not_import_django():
    result = run_without_django_settings(
        "import archive.codec, sys; assert 'django' not in sys.modules"
    )
    assert result.returncode == 0, result.stderr


def test_the_codec_works_with_django_unconfigured():
    result = run_without_django_settings(
        "import sys\n"
        "from archive.codec import parse, render\n"
        "text = '---\\ntitle: t\\n---\\n**A**: 你好'\n"
        "assert render(parse(text)) == text\n"
        "assert not any(name == 'django' or name.startswith('django.') for name in sys.modules)\n"
    )
    assert result.returncode == 0, result.stderr


CODEC = "archive.codec"
CODEC_MODULES = {path.stem for path in (REPO / "archive" / "codec").glob("*.py")} - {"__init__"}


def module_of(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def codec_internals_imported(source: str, module: str, is_package: bool = False) -> list[str]:
    """``line: name`` of every module of the codec that ``source`` (the text of
    ``module``) imports by name, relative imports resolved."""
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, *filter(None, [node.module])])
            # ``from archive.codec import parser`` names a module too.
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        for name in names:
            inside = name.removeprefix(CODEC + ".")
            if name.startswith(CODEC + ".") and inside.split(".")[0] in CODEC_MODULES:
                found.append(f"{node.lineno}: {name}")
    return found


def files_outside_the_codec():
    for folder in ("archive", "editorial", "bench", "tests"):
        for path in sorted((REPO / folder).rglob("*.py")):
            relative = path.relative_to(REPO)
            if relative.parts[:2] == ("archive", "codec") or "migrations" in relative.parts:
                continue
            if relative.parts[:3] == ("tests", "archive", "codec"):
                continue
            yield path


def test_code_outside_the_codec_imports_it_only_through_its_package():
    offenders = [
        f"{path.relative_to(REPO)}:{found}"
        for path in files_outside_the_codec()
        for found in codec_internals_imported(
            path.read_text(encoding="utf-8"), module_of(path), path.name == "__init__.py"
        )
    ]
    assert offenders == []


def test_the_layering_check_sees_every_way_of_naming_a_codec_module():
    source = (
        "from .codec.parser import parse_english\n"
        "from .codec import parser, parse\n"
        "import archive.codec.printer\n"
        "from archive.codec.frontmatter import load_values\n"
        "from ..codec import nodes\n"
        "from archive.codec import parse, render, ParseError\n"
        "from . import codec\n"
    )
    assert codec_internals_imported(source, "archive.models") == [
        "1: archive.codec.parser", "1: archive.codec.parser.parse_english",
        "2: archive.codec.parser", "3: archive.codec.printer",
        "4: archive.codec.frontmatter", "4: archive.codec.frontmatter.load_values",
    ]
    assert codec_internals_imported("from ..codec import nodes\n", "archive.search.documents") == [
        "1: archive.codec.nodes",
    ]
    assert codec_internals_imported("from .codec import parse\n", "archive", is_package=True) == []


def test_the_package_exports_what_it_lists():
    result = run_without_django_settings(
        "import archive.codec as codec\n"
        "assert all(hasattr(codec, name) for name in codec.__all__)\n"
        "from archive.codec import *\n"
    )
    assert result.returncode == 0, result.stderr
