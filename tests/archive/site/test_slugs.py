"""Addresses of speakers, tags, areas… are the static site's: its slugify, its collision
numbering, whatever order the names arrived in."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.content.slugs import (
    _transliterate, _transliterate_unicode, slug_for, static_site_slugs, static_slug, unique_slug,
)
from tests.archive.public import fresh_page_cache  # noqa: F401
from tests.factories import make_episode

# Each checked against the npm packages the static site uses (pinyin 4, slugify 2).
STATIC_SLUGS = {
    "Money & Macro": "money-and-macro",
    "House of El - AI": "house-of-el-ai",
    "House of El: AI": "house-of-el-ai",
    "曾博恩": "zeng-bo-en",
    "知行小酒馆": "zhi-hang-xiao-jiu-guan",
    "人民公园说AI": "ren-min-gong-yuan-shuo-ai",
    "OpenAI": "open-ai",
    "openai": "openai",
    "Conway's Law": "conways-law",
    "Björk Müller": "bjoerk-mueller",
    "iPhone 15 Pro": "i-phone-15-pro",
    "GPT-4o": "gpt-4o",
    "乔治·H·W·布什": "qiao-zhi-hw-bu-shi",
    "Лев Толстой": "lev-tolstoy",
    "日本語かな": "ri-ben-yu",
    "  向量数据库  ": "xiang-liang-shu-ju-ku",
    "Ｆｕｌｌ": "",
}


@pytest.mark.parametrize("name, slug", STATIC_SLUGS.items())
def test_the_static_sites_slug(name, slug):
    assert static_slug(name) == slug


def test_a_name_with_nothing_to_slug_still_has_an_address():
    assert slug_for("！！") == "item"


def test_colliding_names_are_all_numbered_in_name_order_as_the_static_site_does():
    # Its uniqueKey is `${key}-${index + 1}`, slugified; no name keeps the bare slug.
    assert static_site_slugs(["house of el: ai", "house of el - ai", "money"]) == {
        "house of el - ai": "house-of-el-ai-1", "house of el: ai": "house-of-el-ai-2",
        "money": "money",
    }
    assert static_site_slugs(['"ai-ml"', "ai-ml", "“ai-ml”"]) == {
        '"ai-ml"': "ai-ml-1", "ai-ml": "ai-ml-2", "“ai-ml”": "ai-ml-3",
    }
    assert unique_slug("a", {"a", "a-1"}.__contains__) == "a-2"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["A-B", "a b", "A B", "a_b", "ab", "a·b", "Ab", "阿b"]),
                unique=True), st.randoms())
def test_numbering_does_not_depend_on_the_order_names_come_in(names, random):
    shuffled = list(names)
    random.shuffle(shuffled)
    assert static_site_slugs(shuffled) == static_site_slugs(names)
    assert len(set(static_site_slugs(names).values())) == len(names)



@pytest.mark.django_db
@pytest.mark.parametrize("order", [("first.md", "second.md"), ("second.md", "first.md")])
def test_speaker_addresses_do_not_depend_on_import_order(client, order):
    names = {"first.md": "House of El: AI", "second.md": "House of El - AI"}
    for path in order:
        make_episode(path, speaker=names[path], title=names[path] + " 的一期")
    assert "House of El - AI 的一期" in client.get("/speakers/house-of-el-ai-1/").content.decode()
    assert "House of El: AI 的一期" in client.get("/speakers/house-of-el-ai-2/").content.decode()


@pytest.mark.django_db
def test_quoted_spellings_of_an_area_are_one_page_and_the_old_addresses_lead_to_it(client):
    for number, area in enumerate(["finance-wealth", '"finance-wealth"', "“finance-wealth”"]):
        make_episode(f"{number}.md", area=area, title=f"第{number}期")
    page = client.get("/areas/finance-wealth/").content.decode()
    assert all(f"第{number}期" in page for number in range(3))
    for old in ("/areas/finance-wealth-1/", "/areas/finance-wealth-2/", "/areas/finance-wealth-3/"):
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, "/areas/finance-wealth/")
    index = client.get("/all-areas/").content.decode()
    assert index.count("/areas/finance-wealth/") == 1 and "finance-wealth-" not in index


@pytest.mark.django_db
def test_names_differing_in_case_are_one_page(client):
    make_episode(guest="Lex Fridman", title="第一期")
    make_episode(guest="lex fridman", title="第二期")
    html = client.get("/speakers/lex-fridman/").content.decode()
    assert "第一期" in html and "第二期" in html
    assert client.get("/speakers/lex-fridman-1/").status_code == 404


@pytest.mark.django_db
def test_tags_of_one_slug_are_one_page(client):
    make_episode(tags=["AI Agents"], title="甲")
    make_episode(tags=["ai agents"], title="乙")
    html = client.get("/tags/ai-agents/").content.decode()
    assert "甲" in html and "乙" in html


@pytest.mark.django_db
def test_a_speaker_only_turns_name_never_takes_a_static_address(client):
    # "Ab Cd" sorts before "Ab-Cd", but only "Ab-Cd" is a front-matter speaker the
    # static site counts: it keeps the bare slug.
    make_episode(guest="Ab-Cd", title="有嘉宾的一期", sections=[("一", [("Ab Cd", "你好。", None)])])
    assert "讲者：Ab-Cd" in client.get("/speakers/ab-cd/").content.decode()
    assert "讲者：Ab Cd" in client.get("/speakers/ab-cd-1/").content.decode()


@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_takes_a_quick_path_to_the_same_transliteration(text):
    assert _transliterate(text) == _transliterate_unicode(text)
