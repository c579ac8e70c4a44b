"""The sitemap index and its pages: every listed address on exactly one page, in
order, each page named in the index, nothing on a page it does not name."""
from __future__ import annotations

from xml.etree import ElementTree

import pytest

from archive.models import Episode
from archive.site import sitemaps
from tests.archive.public import fresh_page_cache  # noqa: F401
from tests.factories import make_episode

pytestmark = pytest.mark.django_db

SITE = "http://testserver"
_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def entries(client, address: str, root: str) -> list[dict[str, str]]:
    """The entries of a sitemap document (``urlset`` or ``sitemapindex``), each as
    its child elements' texts, after checking the document is that XML."""
    response = client.get(address.removeprefix(SITE))
    assert response.status_code == 200, address
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    document = ElementTree.fromstring(response.content)
    assert document.tag == _NS + root
    return [{child.tag.removeprefix(_NS): child.text for child in entry} for entry in document]


def index_pages(client, section: str) -> list[str]:
    return [entry["loc"] for entry in entries(client, "/sitemap.xml", "sitemapindex")
            if entry["loc"].startswith(f"{SITE}/sitemap-{section}.xml")]


def listed_on(client, page: str) -> list[str]:
    return [entry["loc"] for entry in entries(client, page, "urlset")]


def episode_url(episode: Episode) -> str:
    return f"{SITE}/episodes/{episode.slug}/"


def flat(pages: list[list[str]]) -> list[str]:
    return [url for page in pages for url in page]


@pytest.mark.parametrize("public_drafts", [True, False], ids=["drafts-public", "drafts-staff-only"])
@pytest.mark.parametrize("count, limit", [(0, 2), (1, 2), (4, 2), (5, 2), (5, 1), (3, 5), (9, 3)])
def test_the_episode_pages_list_each_listed_episode_once_in_order(
        client, settings, monkeypatch, public_drafts, count, limit):
    settings.ARCHIVE_PUBLIC_DRAFTS = public_drafts
    monkeypatch.setattr(sitemaps, "LIMIT", limit)
    listed = []
    for number in range(count):
        # Unlisted episodes and drafts among the listed ones, and a run of them as
        # long as a page: pages without a listed episode are left out.
        for _ in range(limit if number == 1 else 1):
            make_episode(exclude=True)
        draft = make_episode(draft=True)
        listed += [make_episode(), draft] if public_drafts else [make_episode()]
    expected = [episode_url(episode) for episode in sorted(listed, key=lambda e: e.pk)]
    pages = index_pages(client, "episodes")
    # Page p holds the ids from (p - 1) * limit + 1 to p * limit.
    numbers = sorted({(episode.pk - 1) // limit + 1 for episode in listed}) or [1]
    # The address without ?p= is the first of them.
    assert pages == [f"{SITE}/sitemap-episodes.xml"] + [
        f"{SITE}/sitemap-episodes.xml?p={number}" for number in numbers[1:]]
    found = [listed_on(client, page) for page in pages]
    assert flat(found) == expected
    assert all(0 < len(page) <= limit for page in found) or not listed
    if listed:
        assert listed_on(client, f"/sitemap-episodes.xml?p={numbers[0]}") == found[0]
    for number in set(range(1, numbers[-1] + 2)) - set(numbers):
        assert client.get(f"/sitemap-episodes.xml?p={number}").status_code == 404


def test_pages_stay_as_they_were_when_episodes_come_and_go(client, monkeypatch):
    monkeypatch.setattr(sitemaps, "LIMIT", 2)
    made = [make_episode() for _ in range(6)]
    before = [listed_on(client, page) for page in index_pages(client, "episodes")]
    made[2].delete()
    newest = make_episode()
    after = [listed_on(client, page) for page in index_pages(client, "episodes")]
    gone = episode_url(made[2])
    assert flat(after) == [url for url in flat(before) if url != gone] + [episode_url(newest)]
    for page, was in zip(after, before):
        if gone not in was and episode_url(newest) not in page:
            assert page == was


def test_an_episode_page_gives_each_episode_its_last_change(client):
    episode = make_episode()
    Episode.objects.filter(pk=episode.pk).update(updated_at="2031-02-03T23:30:00Z")
    [entry] = entries(client, "/sitemap-episodes.xml", "urlset")
    assert entry == {"loc": episode_url(episode), "lastmod": "2031-02-03"}


def test_every_section_is_paged_and_every_page_of_the_index_answers(client, monkeypatch):
    monkeypatch.setattr(sitemaps, "LIMIT", 2)
    make_episode(tags=["一", "二"])
    make_episode(tags=["三", "视频文稿"])
    index = [entry["loc"] for entry in entries(client, "/sitemap.xml", "sitemapindex")]
    assert len(index) == len(set(index))
    for name in sitemaps.SECTIONS:
        assert f"{SITE}/sitemap-{name}.xml" in index
    tags = [url for page in index_pages(client, "tags") for url in listed_on(client, page)]
    assert sorted(tags) == sorted(f"{SITE}/tags/{slug}/" for slug in ("yi", "er", "san"))
    pages = [url for page in index_pages(client, "pages") for url in listed_on(client, page)]
    assert len(pages) == len(set(pages)) and f"{SITE}/about/" in pages
    for page in index:        # only an empty section's one page is empty (no projects here)
        assert listed_on(client, page) or "?p=" not in page


@pytest.mark.parametrize("query", ["?p=0", "?p=abc", "?p=-1", "?p=2147483648",
                                   "?p=99999999999999999999", "?p=%EF%BC%92", "?p=1%00"])
def test_what_is_no_page_number_is_not_found(client, query):
    make_episode()
    assert client.get(f"/sitemap-episodes.xml{query}").status_code == 404


def test_the_first_page_is_at_the_address_without_a_number(client):
    episode = make_episode()
    page = (episode.pk - 1) // sitemaps.LIMIT + 1
    assert index_pages(client, "episodes") == [f"{SITE}/sitemap-episodes.xml"]
    assert listed_on(client, "/sitemap-episodes.xml") == [episode_url(episode)]
    assert listed_on(client, f"/sitemap-episodes.xml?p={page}") == [episode_url(episode)]
    for other in {page - 1, page + 1, 2147483647} - {0}:
        assert client.get(f"/sitemap-episodes.xml?p={other}").status_code == 404


def test_an_empty_section_has_one_empty_page(client):
    assert index_pages(client, "episodes") == [f"{SITE}/sitemap-episodes.xml"]
    assert listed_on(client, "/sitemap-episodes.xml") == []
