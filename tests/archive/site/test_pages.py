"""The public pages: addresses, what an episode page shows, lists, feeds, sitemap."""
from __future__ import annotations

import re

import pytest

from tests.archive.public import fresh_page_cache  # noqa: F401
from tests.factories import episode_from_text, episode_markdown, make_episode

pytestmark = pytest.mark.django_db


def rich_episode(**overrides):
    fields = dict(
        title="AI泡沫是否存在？", date="2025-10-31", summary="一段**摘要**。",
        speaker="a16z", guest="Gavin Baker", series="泡沫系列", area="market-analysis",
        category="finance", tags=["ai-bubble", "视频文稿", "向量数据库"], people=["Sam Altman"],
        companies=["Nvidia"], products=["Claude"], media=["I Pencil"], projects=["深度访谈"],
        sections=[
            (None, [(None, "开场旁白。", None)]),
            ("泡沫之问", [
                ("David George", "我们是否正处于一个**AI泡沫**（AI bubble: 资产价格被高估）之中？",
                 "Are we in an AI bubble?<br><br>>> Uh, I do not &gt; believe it."),
                ("Gavin Baker", "我不这么认为。", "I don't think so."),
            ]),
            ("第二节", [("[Paul Iusztin]", "第三段。", "Third.")]),
        ],
    )
    fields.update(overrides)
    return make_episode("notes/--R5xlV9KHE.md", **fields)


def test_episode_page_shows_what_the_static_site_shows(client):
    episode = rich_episode()
    response = client.get(f"/episodes/{episode.slug}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-Hans"' in html
    for text in ("AI泡沫是否存在？", "a16z", "Gavin Baker", "2025-10-31", "<strong>摘要</strong>",
                 "https://www.youtube.com/watch?v=PUBLIC00001", "泡沫之问", "Sam Altman",
                 "Nvidia", "Claude", "I Pencil", "ai-bubble", "深度访谈"):
        assert text in html, text
    # Taxonomy links, with pinyin slugs for Chinese names.
    assert 'href="/areas/market-analysis/"' in html
    assert 'href="/categories/finance/"' in html
    assert 'href="/projects/shen-du-fang-tan/"' in html
    assert 'href="/tags/xiang-liang-shu-ju-ku/"' in html
    assert 'href="/people/sam-altman/"' in html
    # Internal tags are not shown.
    assert "视频文稿" not in html


def test_episode_page_renders_turns_with_anchors_languages_and_folded_english(client):
    episode = rich_episode()
    html = client.get(f"/episodes/{episode.slug}/").content.decode()
    positions = {turn.position for turn in episode.turns.all()}
    for position in positions:
        assert f'id="t-{position}"' in html
    heading = episode.headings.get(title="泡沫之问")
    assert f'id="s-{heading.position}"' in html
    assert f'href="#s-{heading.position}"' in html          # table of contents
    assert "<strong>AI泡沫</strong>（AI bubble: 资产价格被高估）" in html
    assert '<div class="zh" lang="zh-Hans">' in html
    assert '<details class="en original" lang="en"><summary lang="zh-Hans">English 原文</summary>' in html
    assert "Are we in an AI bubble?<br><br>&gt;&gt; Uh, I do not &gt; believe it." in html
    assert "[Paul Iusztin]" in html
    assert 'href="/speakers/paul-iusztin/"' in html
    # The reading switch is there, hidden until its script runs.
    assert 'data-reading-mode="both"' in html


def test_turn_anchors_survive_a_reimport(client):
    text = episode_markdown(sections=[("一", [("A", "甲。", "A."), ("B", "乙。", "B.")])])
    first = episode_from_text(text, "same.md")
    before = sorted(first.turns.values_list("position", "translation"))
    from archive.codec import parse
    from archive.content.store import save_document
    again = save_document(parse(text), source_path="same.md", slug="same", source_hash="x", episode=first)
    assert sorted(again.turns.values_list("position", "translation")) == before


def test_draft_episode_shows_the_unreviewed_notice(client):
    draft = make_episode(draft=True)
    reviewed = make_episode(draft=False)
    assert "未审校" in client.get(f"/episodes/{draft.slug}/").content.decode()
    assert "banner draft" not in client.get(f"/episodes/{reviewed.slug}/").content.decode()


def test_unlisted_episode_answers_with_noindex(client):
    episode = make_episode(exclude=True)
    response = client.get(f"/episodes/{episode.slug}/")
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_meta_tags_for_search_engines_and_sharing(client):
    episode = rich_episode()
    html = client.get(f"/episodes/{episode.slug}/").content.decode()
    assert '<meta name="description" content="一段摘要。">' in html
    assert '<meta property="og:title" content="AI泡沫是否存在？">' in html
    assert '<meta property="og:type" content="article">' in html
    assert f'<link rel="canonical" href="http://testserver/episodes/{episode.slug}/">' in html
    assert "noindex" not in html


def test_slugs_are_case_sensitive(client):
    upper = make_episode("--R5xlV9KHE.md", title="大写")
    lower = make_episode("--r5xlv9khe.md", title="小写")
    assert "大写" in client.get(f"/episodes/{upper.slug}/").content.decode()
    assert "小写" in client.get(f"/episodes/{lower.slug}/").content.decode()


def test_an_episode_knows_its_address_and_the_pages_link_it(client):
    episode = make_episode("notes/--R5xlV9KHE.md", title="大写", series="系列")
    make_episode("notes/other.md", title="同系列", series="系列")
    address = "/episodes/--R5xlV9KHE/"
    assert episode.get_absolute_url() == address
    assert f'rel="canonical" href="http://testserver{address}"' in client.get(address).content.decode()
    assert f'href="{address}"' in client.get("/episodes/").content.decode()
    assert f'href="{address}"' in client.get("/episodes/other/").content.decode()  # its series
    assert f"{address}</link>" in client.get("/feeds/rss/").content.decode()


def test_static_site_address_redirects_permanently(client):
    episode = make_episode("notes/--R5xlV9KHE.md")
    other = make_episode("notes/--r5xlv9khe.md")
    response = client.get("/content/notes/--R5xlV9KHE/")
    assert response.status_code == 301
    assert response["Location"] == f"/episodes/{episode.slug}/"
    assert client.get("/content/notes/--r5xlv9khe/")["Location"] == f"/episodes/{other.slug}/"
    assert client.get("/content/notes/nothing-here/").status_code == 404


def test_static_site_address_of_a_file_whose_slug_differs(client):
    episode = make_episode("notes/it's a file.md")
    assert episode.slug == "its-a-file"
    response = client.get("/content/notes/it's a file/")
    assert response.status_code == 301
    assert response["Location"] == "/episodes/its-a-file/"


def test_episode_index_is_newest_first_paginated_and_counted(client):
    for day in range(1, 24):
        make_episode(title=f"第{day}期", date=f"2025-01-{day:02d}")
    html = client.get("/episodes/").content.decode()
    assert "共 23 期" in html
    assert html.index("第23期") < html.index("第22期")
    assert "第1期<" not in html
    page_two = client.get("/episodes/?page=2").content.decode()
    assert "第1期<" in page_two
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("query, expected, not_expected", [
    ("area=life-family", "生活", "科技"),
    ("category=health", "生活", "科技"),
    ("year=2024", "生活", "科技"),
    ("tag=sleep", "生活", "科技"),
    ("project=xiang-mu-jia", "生活", "科技"),
    ("person=ada-park", "生活", "科技"),
    ("company=nvidia", "科技", "生活"),
    ("speaker=life-cast", "生活", "科技"),
])
def test_episode_index_filters(client, query, expected, not_expected):
    make_episode(title="科技", date="2025-03-01", companies=["Nvidia"])
    make_episode(
        title="生活", date="2024-03-01", area="life-family", category="health", tags=["sleep"],
        projects=["项目甲"], people=["Ada Park"], speaker="Life Cast",
    )
    html = client.get(f"/episodes/?{query}").content.decode()
    assert f">{expected}<" in html
    assert f">{not_expected}<" not in html
    assert "共 1 期" in html


def test_episode_index_shows_facet_counts(client):
    make_episode(date="2025-03-01")
    make_episode(date="2025-04-01")
    make_episode(date="2024-04-01", area="life-family")
    html = client.get("/episodes/").content.decode()
    assert re.search(r"2025</a> <span class=\"n\">2<", html)
    assert re.search(r"tech-engineering</a> <span class=\"n\">2<", html)


def test_unknown_filter_value_is_not_found(client):
    assert client.get("/episodes/?tag=nope").status_code == 404
    assert client.get("/episodes/?year=abc").status_code == 404


@pytest.mark.parametrize("kind, prefix, index, fields, slug", [
    ("tag", "tags", "all-tags", {"tags": ["向量数据库"]}, "xiang-liang-shu-ju-ku"),
    ("area", "areas", "all-areas", {"area": "科技"}, "ke-ji"),
    ("category", "categories", "all-categories", {"category": "ai-ml"}, "ai-ml"),
    ("project", "projects", "all-projects", {"projects": ["Lex"]}, "lex"),
    ("person", "people", "people", {"people": ["Sam Altman"]}, "sam-altman"),
    ("company", "companies", "companies", {"companies": ["OpenAI"]}, "openai"),
    ("product", "products", "products", {"products": ["GPT-5"]}, "gpt-5"),
    ("media", "media", "media", {"media": ["三体"]}, "san-ti"),
    ("speaker", "speakers", "all-speakers", {"guest": "Lex Fridman"}, "lex-fridman"),
])
def test_term_pages_and_indexes(client, kind, prefix, index, fields, slug):
    old = make_episode(title="旧的一期", date="2024-01-01", **fields)
    new = make_episode(title="新的一期", date="2025-01-01", **fields)
    make_episode(title="无关的一期", area="other", category="other", speaker="Someone")
    page = client.get(f"/{prefix}/{slug}/")
    assert page.status_code == 200, page
    html = page.content.decode()
    assert html.index("新的一期") < html.index("旧的一期")
    assert "无关的一期" not in html
    assert f'href="/episodes/{old.slug}/"' in html and f'href="/episodes/{new.slug}/"' in html
    # The tag directory lists tags of 5 episodes or more (the static site's); its
    # filter finds the others.
    listing = client.get(f"/{index}/" + ("?q=向量" if kind == "tag" else "")).content.decode()
    assert f'href="/{prefix}/{slug}/"' in listing
    assert client.get(f"/{prefix}/no-such-thing/").status_code == 404


def test_speaker_page_counts_turns_of_people_who_speak(client):
    make_episode(sections=[("一", [("Ada Park", "甲。", None), ("Ada Park", "乙。", None)])])
    html = client.get("/speakers/ada-park/").content.decode()
    assert "2 段发言" in html
    assert "2 段" in client.get("/all-speakers/").content.decode()


def test_index_pages_list_by_name_in_pages_of_fifty_at_the_static_sites_addresses(client):
    for number in range(55):
        make_episode(guest=f"Guest {number:02d}", tags=["everywhere"] + (["often"] if number < 5 else []))
    make_episode(tags=["seldom"])
    first = client.get("/all-speakers/").content.decode()
    assert first.index("Guest 00") < first.index("Guest 01") < first.index("Guest 49")
    assert "Guest 50" not in first and 'href="/all-speakers/page/2/"' in first
    second = client.get("/all-speakers/page/2/").content.decode()
    assert "Guest 54" in second and "Guest 49" not in second
    assert client.get("/all-speakers/page/3/").status_code == 404
    assert client.get("/all-speakers/page/1/")["Location"] == "/all-speakers/"
    tags = client.get("/all-tags/").content.decode()
    assert "#everywhere" in tags and "#often" in tags and "#seldom" not in tags
    assert "#seldom" in client.get("/all-tags/?q=SEL").content.decode()
    assert 'class="list-filter-input"' in tags and "list-filter.js" in tags


def test_feeds_list_newest_public_episodes(client):
    make_episode(title="较早", date="2024-01-01")
    make_episode(title="较新", date="2025-01-01", summary="新的摘要")
    make_episode(title="不列出", exclude=True)
    rss = client.get("/feeds/rss/").content.decode()
    assert rss.index("较新") < rss.index("较早")
    assert "不列出" not in rss and "新的摘要" in rss
    atom = client.get("/feeds/atom/")
    assert atom["Content-Type"].startswith("application/atom+xml")
    assert "较新" in atom.content.decode()


def test_sitemap_and_robots(client):
    listed = make_episode(tags=["x-tag"])
    unlisted = make_episode(exclude=True)
    make_episode(tags=["视频文稿"], exclude=False)
    index = client.get("/sitemap.xml").content.decode()
    assert "<loc>http://testserver/sitemap-episodes.xml</loc>" in index
    assert "<loc>http://testserver/sitemap-tags.xml</loc>" in index
    episodes = client.get("/sitemap-episodes.xml").content.decode()
    assert f"/episodes/{listed.slug}/" in episodes
    assert f"/episodes/{unlisted.slug}/" not in episodes
    tags = client.get("/sitemap-tags.xml").content.decode()
    assert "/tags/x-tag/" in tags and "shi-pin-wen-gao" not in tags
    assert client.get("/sitemap-nothing.xml").status_code == 404
    assert client.get("/sitemap-tags.xml?p=0").status_code == 404
    robots = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in robots
    assert "Disallow: /admin/" in robots


def test_not_found_page(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "找不到这个页面" in response.content.decode()
    assert client.get("/episodes/nothing/").status_code == 404


def test_static_files_are_served_by_the_app(client, settings):
    # Production serves the collected files; here WhiteNoise finds them in place.
    settings.WHITENOISE_USE_FINDERS = True
    css = client.get("/static/archive/site.css")
    assert css.status_code == 200
    assert b"prefers-color-scheme: dark" in b"".join(css.streaming_content)


def test_pages_load_nothing_from_another_site(client):
    episode = rich_episode()
    html = client.get(f"/episodes/{episode.slug}/").content.decode()
    for attribute in re.findall(r'(?:src|href)="([^"]+)"', html):
        if attribute.startswith("http"):
            assert attribute.startswith(("http://testserver/", "https://www.youtube.com/")), attribute
    assert not re.search(r'<(?:script|img|iframe)[^>]+src="https?://', html)
    assert not re.search(r'<link rel="stylesheet" href="https?://', html)


def test_admin_stays_at_admin(client):
    assert client.get("/admin/").status_code == 302
