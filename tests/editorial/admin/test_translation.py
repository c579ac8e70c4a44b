"""One language in the admin: Simplified Chinese when LANGUAGE_CODE is zh-hans (the
default), English when it is English, for Django's strings and the project's alike."""
import json
import re
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from editorial.review import workflow
from tests.editorial.helpers import TranscriptForm

pytestmark = pytest.mark.django_db

CATALOGUE = Path(__file__).resolve().parents[3] / "locale" / "zh_Hans" / "LC_MESSAGES"


def pages(client, episode):
    return {
        name: client.get(url).content.decode()
        for name, url in {
            "change": reverse("admin:archive_episode_change", args=[episode.pk]),
            "transcript": reverse("admin:editorial_transcript", args=[episode.pk]),
            "revisions": reverse("admin:editorial_revisions", args=[episode.pk]),
            "queue": reverse("admin:editorial_review_queue"),
            "home": reverse("admin:index"),
        }.items()
    }


def test_the_default_language_is_simplified_chinese():
    import editorial.project.settings as defaults

    assert defaults.LANGUAGE_CODE == "zh-hans"


def test_in_chinese_the_admin_speaks_chinese_only(client, settings, publisher, episode):
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(publisher)
    workflow.episode_submit(episode=episode, by=publisher, comment="请审")
    shown = pages(client, episode)
    assert "档案馆内容管理" in shown["home"] and "待审队列" in shown["home"]
    assert "首页" in shown["transcript"]  # Django's own breadcrumbs word
    assert "标为已审校" in shown["change"] and "实体建议" in shown["change"]
    assert "审校中" in shown["change"]
    assert "保存" in shown["transcript"] and "在所有段落中为讲者改名" in shown["transcript"]
    strings = re.search(
        r'<script id="transcript-strings" type="application/json">(.*?)</script>', shown["transcript"]
    )
    assert json.loads(strings.group(1))["dirty"] == "已编辑 %(count)s 行，尚未保存"  # for the script
    assert "修订历史" in shown["revisions"]
    for name, html in shown.items():
        for english in ("Review queue", "Transcript editor", "Mark reviewed", "Entity suggestions",
                        "Workflow", "Save", "Rename a speaker", "Home", "Preview unsaved"):
            assert not re.search(rf">\s*{re.escape(english)}\b", html), (name, english)


def test_in_english_the_admin_speaks_english_only(client, settings, publisher, episode):
    settings.LANGUAGE_CODE = "en"
    client.force_login(publisher)
    shown = pages(client, episode)
    assert "Review queue" in shown["home"] and "Archive CMS" in shown["home"]
    assert "Home" in shown["transcript"]
    assert "Submit for review" in shown["change"] and "Entity suggestions" in shown["change"]
    for name, html in shown.items():
        for chinese in ("首页", "待审队列", "提交审校", "实体建议", "保存", "修订历史", "成功"):
            assert chinese not in html, (name, chinese)


def test_messages_follow_the_language(client, settings, editor, episode):
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(editor)
    form = TranscriptForm(client, episode)
    form.set(f"{form.key(1)}-tr", "改。")
    page = client.get(form.post().url).content.decode()
    assert "已保存版本 2：改动 1 段。" in page


def test_the_compiled_catalogue_matches_the_source():
    """The committed .mo is the .po compiled (msgfmt), every message translated."""
    source = str(CATALOGUE / "django.po")
    try:
        compiled = subprocess.run(["msgfmt", "-o", "-", source], capture_output=True, check=True)
        counts = subprocess.run(
            ["msgfmt", "--statistics", "-o", "/dev/null", source], capture_output=True, text=True,
            check=True,
        ).stderr
    except FileNotFoundError:
        pytest.skip("msgfmt (gettext) is not installed")
    assert "translated messages" in counts
    assert "untranslated" not in counts and "fuzzy" not in counts, counts
    assert compiled.stdout == (CATALOGUE / "django.mo").read_bytes()


def _catalogue_entries(text: str):
    """(msgid, msgstr values, flags) of each entry of a .po file, the header left out."""
    for block in text.split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        flags = {flag.strip() for line in lines if line.startswith("#,") for flag in line[2:].split(",")}
        fields: dict[str, str] = {}
        current = None
        for line in lines:
            match = re.match(r'(msgid|msgid_plural|msgstr(?:\[\d+\])?) (".*")$', line)
            if match:
                current = match.group(1)
                fields[current] = json.loads(match.group(2))
            elif line.startswith('"') and current:
                fields[current] += json.loads(line)
        if fields.get("msgid"):
            yield fields["msgid"], [v for k, v in fields.items() if k.startswith("msgstr")], flags


def test_every_message_of_the_catalogue_is_translated_and_none_is_fuzzy():
    entries = list(_catalogue_entries((CATALOGUE / "django.po").read_text("utf-8")))
    assert len(entries) > 300
    untranslated = [msgid for msgid, strings, _ in entries if not all(strings)]
    fuzzy = [msgid for msgid, _, flags in entries if "fuzzy" in flags]
    assert not untranslated and not fuzzy, (untranslated, fuzzy)


def test_the_project_has_one_catalogue():
    root = CATALOGUE.parents[2]
    catalogues = sorted(
        str(path.relative_to(root)) for path in root.rglob("django.po")
        if ".venv" not in path.parts and "site-packages" not in path.parts
    )
    assert catalogues == ["locale/zh_Hans/LC_MESSAGES/django.po"]


def test_models_columns_filters_and_values_speak_chinese(client, settings, publisher, episode):
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(publisher)
    workflow.episode_submit(episode=episode, by=publisher, comment="请审")
    home = client.get(reverse("admin:index")).content.decode()
    for english in ("Episodes", "Headings", "Media", "Organizations", "People", "Products",
                    "Projects", "Speakers", "Topics", "Turns", "Archive"):
        assert not re.search(rf">\s*{english}\s*<", home), english
    assert ">讲者<" in home and ">节目<" in home and ">档案<" in home
    for other in ("/admin/taggit/", "/admin/sites/", "/admin/axes/", "/admin/django_tasks_database/"):
        assert other not in home, other
    listing = client.get(reverse("admin:archive_episode_changelist")).content.decode()
    for chinese in ("日期", "成熟度", "分类", "领域", "以 分类", "选择 节目 来修改", "常青"):
        assert chinese in listing, chinese
    for english in ("选择 episode", "以 category", "以 area"):
        assert english not in listing, english
    assert "档案</a>" in listing          # the breadcrumbs: 首页 › 档案 › 节目
    history = client.get(reverse("admin:editorial_transition_changelist")).content.decode()
    assert "审校中" in history and "in_review" not in history.replace('"in_review"', "")
