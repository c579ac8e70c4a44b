"""The codec is pure Python: importing it must not import Django."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


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
