"""Hostile content from files is inert on the page and cannot break its layout."""
from __future__ import annotations

import re

import pytest

from archive.site.rendering import render_markdown
from archive.text import plain
from tests.archive.public import fresh_page_cache, reindex  # noqa: F401
from tests.factories import make_episode, turn_style

pytestmark = pytest.mark.django_db

HOSTILE = [
    "<script>alert('x')</script>你好",
    '<img src=x onerror="alert(1)">图片',
    '<a href="javascript:alert(1)">点我</a>',
    "[链接](javascript:alert(1))",
    '<a href="JaVaScRiPt:alert(1)">大写</a>',
    '<a href=" javascript:alert(1)">空格</a>',
    '<svg onload=alert(1)><circle r="5"/></svg>',
    '<iframe src="https://evil.example/"></iframe>框架',
    '<div style="position:fixed;top:0">覆盖</div>',
    "<details><summary>未闭合",
    "</div></div></main></body>断开的标签",
    "<p>未闭合的段落 <b>粗体",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">数据</a>',
    '<form action="https://evil.example/"><input name=x></form>表单',
    "<!-- 注释 --><style>body{display:none}</style>样式",
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<base href="https://evil.example/">',
    "<textarea>逃逸",
    '"><script>alert(1)</script>',
]

DANGEROUS = re.compile(
    r"<(script|iframe|svg|style|form|input|meta|base|textarea|div|img|object|embed)\b"
    # As text (markdown-it leaves an unsafe link written out) ``javascript:`` is inert.
    r"|\son\w+\s*=|(?:href|src)\s*=\s*[\"']?\s*javascript:|data:text|style=",
    re.IGNORECASE,
)


@pytest.mark.parametrize("fragment", HOSTILE)
def test_rendered_fragment_is_inert(fragment):
    html = str(render_markdown(fragment))
    assert not DANGEROUS.search(html), html


@pytest.mark.parametrize("fragment", HOSTILE)
def test_rendered_fragment_is_balanced(fragment):
    html = str(render_markdown(fragment))
    opened = re.findall(r"<(p|strong|b|em|a|blockquote|ul|ol|li)\b", html)
    closed = re.findall(r"</(p|strong|b|em|a|blockquote|ul|ol|li)>", html)
    assert sorted(opened) == sorted(closed), html


def test_safe_markup_survives():
    html = str(render_markdown("**术语**（English: 解释）和 [链接](https://example.org/a?b=1&c=2)"))
    assert "<strong>术语</strong>（English: 解释）" in html
    assert '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener noreferrer">链接</a>' in html
    assert str(render_markdown("Are we?<br><br>>> Uh, &gt; no")).strip() == "<p>Are we?<br><br>&gt;&gt; Uh, &gt; no</p>"


def test_plain_text_of_markup():
    assert plain("**Matt**: Hi<br>there &amp; <p class=\"x\">you</p>") == "Matt: Hi there & you"


def test_hostile_episode_page_stays_whole(client):
    sections = [
        ("<script>alert('h')</script>标题", [
            ("<img src=x onerror=alert(1)>", fragment, fragment) for fragment in HOSTILE
        ]),
    ]
    episode = make_episode(
        title="<script>alert('t')</script>敌意", summary="<img src=x onerror=alert(2)>摘要",
        source="javascript:alert(3)", sections=sections,
        people=["<script>alert(4)</script>"],
    )
    from archive.models import Turn
    Turn.objects.create(
        episode=episode, position=999, kind=Turn.Kind.RAW, style=turn_style(),
        verbatim='<table><tr><td onclick="x()">表格</td></tr></table><script>alert(5)</script>',
    )
    response = client.get(f"/episodes/{episode.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    body = html[html.index("<main"):html.index("</main>")]
    assert "<script" not in body
    assert not re.search(r"<[^>]*\son\w+=", body)   # as text, escaped, it is harmless
    assert not re.search(r"""href=["']?\s*javascript:""", body, re.IGNORECASE)
    assert "<td>表格</td>" in body
    # The page keeps its own structure after every turn: the footer is still there,
    # once, after the main element.
    assert html.count("<footer") == 1 and html.index("</main>") < html.index("<footer")
    assert html.count("<main") == 1 and html.count("</main>") == 1


def test_search_snippets_escape_what_they_show(client, reindex):
    make_episode(sections=[("一", [("A", "危险 <script>alert(1)</script> 片段", None)])])
    reindex()
    html = client.get("/search/?q=片段").content.decode()
    body = html[html.index("<main"):html.index("</main>")]
    assert "<script>" not in body
    assert "<mark>片段</mark>" in body
