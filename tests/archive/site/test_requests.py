"""Bad requests answer 404 (or the unfiltered page), never 500, on both databases; every
public page carries a strict Content-Security-Policy and the other security headers."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from tests.archive.public import fresh_page_cache  # noqa: F401
from tests.factories import make_episode

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", [
    "/episodes/?year=0", "/episodes/?year=99999999999999999999", "/episodes/?year=-1",
    "/episodes/?year=²⁰²⁴", "/episodes/?year=2024abc", "/episodes/?tag=nope",
    "/page/0/", "/page/99999999999999999999/", "/all-tags/page/0/",
    "/all-speakers/page/99999/", "/sitemap-tags.xml?p=abc", "/sitemap-nope.xml",
])
def test_values_a_page_cannot_mean_are_not_found(client, url):
    make_episode(date="2024-05-01", tags=["有的"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", [
    "/episodes/?page=abc", "/episodes/?page=99999999999999999999", "/episodes/?page=-3",
    "/tags/you-de/?page=0", "/all-tags/?q=", "/all-tags/?q=%EF%BF%BF",
])
def test_a_page_number_past_the_end_is_the_first_page(client, url):
    make_episode(date="2024-05-01", tags=["有的"])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", [
    "/episodes/a%00b/", "/tags/a%00/", "/speakers/%00/", "/content/notes/x%00/",
    "/episodes/?tag=%00", "/episodes/?year=20%0024", "/search/?q=a%00b", "/all-tags/?q=%00",
    "/?x%00=1",
])
def test_nul_anywhere_in_the_address_is_not_found(client, url):
    make_episode(tags=["有的"])
    assert client.get(url).status_code == 404


def test_tags_only_drafts_or_unlisted_episodes_use_have_no_page(client, settings):
    settings.ARCHIVE_PUBLIC_DRAFTS = False
    make_episode("draft.md", draft=True, tags=["只在草稿"])
    make_episode("hidden.md", exclude=True, tags=["只在未列出"])
    make_episode("shown.md", draft=False, tags=["公开"])
    for slug in ("zhi-zai-cao-gao", "zhi-zai-wei-lie-chu"):
        assert client.get(f"/episodes/?tag={slug}").status_code == 404
        assert client.get(f"/tags/{slug}/").status_code == 404
    assert client.get("/episodes/?tag=gong-kai").status_code == 200


def test_the_internal_tag_is_hidden_everywhere(client):
    episode = make_episode(tags=["视频文稿", "可见"] + [f"t{n}" for n in range(5)])
    for _ in range(5):
        make_episode(tags=["视频文稿", "可见"])
    assert "视频文稿" not in client.get(f"/episodes/{episode.slug}/").content.decode()
    assert client.get("/tags/shi-pin-wen-gao/").status_code == 404
    assert client.get("/episodes/?tag=shi-pin-wen-gao").status_code == 404
    directory = client.get("/all-tags/").content.decode()
    assert "可见" in directory and "视频文稿" not in directory
    assert "视频文稿" not in client.get("/all-tags/?q=视频").content.decode()
    assert "shi-pin-wen-gao" not in client.get("/sitemap-tags.xml").content.decode()


def _feed_titles(client, url):
    response = client.get(url)
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)      # a feed readers can parse
    return [element.text or "" for element in root.iter() if element.tag.endswith("title")]


@pytest.mark.parametrize("url", ["/feeds/rss/", "/feeds/atom/"])
def test_a_control_character_in_a_title_does_not_break_the_feeds(client, url):
    make_episode(title="a\x07b\x01c\x1b[31m", summary="摘要\x0b含控制字符", speaker="x\x08y")
    assert "abc[31m" in _feed_titles(client, url)


@pytest.mark.parametrize("url", ["/feeds/rss/", "/feeds/atom/"])
def test_entities_in_a_title_stay_text_in_the_feeds(client, url):
    make_episode(title="&lt;img src=x onerror=alert(1)&gt; 标题 &amp; 更多")
    titles = " ".join(_feed_titles(client, url))
    assert "标题 & 更多" in titles
    assert "<img" not in titles and "onerror=alert(1)>" in titles


PAGES = [
    "/", "/page/1/", "/episodes/", "/episodes/{slug}/", "/tags/biao-qian/", "/all-tags/",
    "/all-speakers/", "/about/", "/tool/", "/bookshelf/", "/search/?q=你好", "/feeds/rss/",
    "/sitemap.xml", "/robots.txt", "/no/such/page/",
]


def test_every_public_page_has_a_strict_csp_and_no_inline_script(client):
    episode = make_episode(tags=["标签"], summary="**摘要**", sections=[("一", [("A", "你好", "Hello")])])
    for url in PAGES:
        response = client.get(url.format(slug=episode.slug), follow=True)
        policy = response["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "default-src 'self'" in policy, url
        assert "'unsafe-inline'" not in policy and "frame-ancestors 'none'" in policy, url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin", url
        assert response["X-Frame-Options"] == "DENY", url
        if response["Content-Type"].startswith("text/html"):
            html = response.content.decode()
            assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
            assert not re.search(r"\son[a-z]+\s*=", html), url
            assert not re.search(r"\sstyle\s*=", html), url


def test_a_cached_page_keeps_its_security_headers(client):
    client.get("/")
    assert "script-src 'self'" in client.get("/")["Content-Security-Policy"]


def test_hsts_is_on_when_debug_is_off():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SECURE_CONTENT_TYPE_NOSNIFF)"
    )
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "example.org",
           "DJANGO_SETTINGS_MODULE": "editorial.project.settings"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[3]).stdout.split()
    assert out == ["31536000", "True", "True"]
