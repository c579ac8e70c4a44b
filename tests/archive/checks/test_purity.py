"""The checks themselves are pure Python: only ``stored`` and ``report`` use Django."""
from __future__ import annotations

from tests.archive.codec.test_purity import run_without_django_settings


def test_the_checks_run_with_django_unconfigured():
    result = run_without_django_settings(
        "import sys; from archive.checks import TurnText, check_episode; "
        "from archive.checks.documents import check_document; "
        "print(check_episode([TurnText('', '你好。', 'Hello.'), TurnText('', '再见。', None)])); "
        "assert 'django' not in sys.modules"
    )
    assert result.returncode == 0, result.stderr
    assert "missing-original" in result.stdout
