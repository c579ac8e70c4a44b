"""What the public sees, on every surface, under both settings of ARCHIVE_PUBLIC_DRAFTS.

Reviewed episodes are everywhere; unlisted ones (``exclude: true``) answer at their
own address and are listed nowhere; drafts are everywhere while drafts are public,
and nowhere but for staff when they are not.
"""
from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User

from archive.models import Episode
from tests.archive.public import fresh_page_cache, reindex  # noqa: F401
from tests.factories import make_episode

pytestmark = pytest.mark.django_db

COMMON = dict(
    tags=["共同标签"], people=["Ada Park"], companies=["Acme"], products=["Widget"],
    media=["某本书"], projects=["某项目"], guest="Guest Star", area="some-area",
    category="some-category", date="2025-05-05",
)


def episodes():
    return {
        "reviewed": make_episode("notes/reviewed.md", title="已审校XYZ", draft=False,
                                 summary="暗号甲乙丙", **COMMON),
        "draft": make_episode("notes/draft.md", title="草稿XYZ", draft=True,
                              summary="暗号甲乙丙", **COMMON),
        "unlisted": make_episode("notes/unlisted.md", title="未列出XYZ", exclude=True,
                                 summary="暗号甲乙丙", **COMMON),
    }


# Each listing surface: (address, the text by which an episode shows on it).
LIST_SURFACES = [
    "/", "/episodes/", "/episodes/?year=2025", "/episodes/?tag=gong-tong-biao-qian",
    "/tags/gong-tong-biao-qian/", "/people/ada-park/", "/companies/acme/",
    "/products/widget/", "/media/mou-ben-shu/", "/projects/mou-xiang-mu/",
    "/speakers/guest-star/", "/areas/some-area/", "/categories/some-category/",
    "/feeds/rss/", "/feeds/atom/", "/search/?q=暗号甲乙丙", "/search/?q=xyz",
]


def shown(html: str, episode: Episode) -> bool:
    return episode.title in html or f"/episodes/{episode.slug}/" in html


@pytest.mark.parametrize("public_drafts", [True, False], ids=["drafts-public", "drafts-staff-only"])
@pytest.mark.parametrize("surface", LIST_SURFACES)
def test_lists_show_what_the_setting_allows(client, settings, reindex, public_drafts, surface):
    settings.ARCHIVE_PUBLIC_DRAFTS = public_drafts
    made = episodes()
    reindex()
    html = client.get(surface).content.decode()
    assert shown(html, made["reviewed"])
    assert shown(html, made["draft"]) is public_drafts
    assert not shown(html, made["unlisted"])


@pytest.mark.parametrize("public_drafts", [True, False], ids=["drafts-public", "drafts-staff-only"])
def test_counts_follow_the_setting(client, settings, public_drafts):
    settings.ARCHIVE_PUBLIC_DRAFTS = public_drafts
    episodes()
    expected = 2 if public_drafts else 1
    assert f"共 {expected} 期" in client.get("/episodes/").content.decode()
    assert f"{expected} 期节目" in client.get("/tags/gong-tong-biao-qian/").content.decode()
    index = client.get("/all-tags/?q=共同").content.decode()
    assert f'共同标签</a> <span class="n">{expected} 期</span>' in index


@pytest.mark.parametrize("public_drafts", [True, False], ids=["drafts-public", "drafts-staff-only"])
def test_episode_addresses_follow_the_setting(client, settings, public_drafts):
    settings.ARCHIVE_PUBLIC_DRAFTS = public_drafts
    made = episodes()
    assert client.get("/episodes/reviewed/").status_code == 200
    assert client.get("/episodes/unlisted/").status_code == 200
    assert client.get("/episodes/draft/").status_code == (200 if public_drafts else 404)
    assert client.get("/content/notes/unlisted/").status_code == 301
    assert client.get("/content/notes/draft/").status_code == (301 if public_drafts else 404)
    assert made


def test_a_term_with_only_unlisted_episodes_has_no_page(client):
    make_episode(exclude=True, people=["Hidden Person"])
    assert client.get("/people/hidden-person/").status_code == 404
    assert "Hidden Person" not in client.get("/people/").content.decode()


def test_staff_see_drafts_and_unlisted_episodes_with_banners(client, settings):
    settings.ARCHIVE_PUBLIC_DRAFTS = False
    made = episodes()
    staff = User.objects.create_user("staff", is_staff=True)
    client.force_login(staff)
    draft = client.get("/episodes/draft/")
    assert draft.status_code == 200
    assert "未审校" in draft.content.decode() and "仅工作人员可见" in draft.content.decode()
    assert "noindex" in draft.content.decode()
    unlisted = client.get("/episodes/unlisted/").content.decode()
    assert "此页未列出" in unlisted
    listing = client.get("/episodes/").content.decode()
    assert shown(listing, made["draft"]) and not shown(listing, made["unlisted"])
    # Staff pages are never cached for readers.
    assert "private" in draft["Cache-Control"]
    client.logout()
    assert client.get("/episodes/draft/").status_code == 404
    assert not shown(client.get("/episodes/").content.decode(), made["draft"])


def sitemap_of_episodes(client) -> str:
    """Every page of the episodes' sitemap that its index names, in one text (the
    episodes' ids may fall on either side of a page's end)."""
    index = client.get("/sitemap.xml").content.decode()
    pages = re.findall(r"<loc>http://testserver(/sitemap-episodes\.xml[^<]*)</loc>", index)
    assert pages
    return "".join(client.get(page).content.decode() for page in pages)


@pytest.mark.parametrize("public_drafts", [True, False], ids=["drafts-public", "drafts-staff-only"])
def test_the_sitemap_lists_what_the_setting_allows(client, settings, public_drafts):
    settings.ARCHIVE_PUBLIC_DRAFTS = public_drafts
    made = episodes()
    listed = sitemap_of_episodes(client)
    assert shown(listed, made["reviewed"])
    assert shown(listed, made["draft"]) is public_drafts
    assert not shown(listed, made["unlisted"])


def test_feeds_and_sitemap_ignore_who_asks(client, settings):
    settings.ARCHIVE_PUBLIC_DRAFTS = False
    made = episodes()
    client.force_login(User.objects.create_user("staff", is_staff=True))
    assert not shown(client.get("/feeds/rss/").content.decode(), made["draft"])
    listed = sitemap_of_episodes(client)
    assert shown(listed, made["reviewed"]) and not shown(listed, made["draft"])


def test_one_queryset_decides(settings):
    settings.ARCHIVE_PUBLIC_DRAFTS = False
    made = episodes()
    staff = User(is_staff=True, is_active=True)
    assert set(Episode.objects.public()) == {made["reviewed"]}
    assert set(Episode.objects.public(listed=False)) == {made["reviewed"], made["unlisted"]}
    assert set(Episode.objects.public(staff)) == {made["reviewed"], made["draft"]}
    assert set(Episode.objects.public(staff, listed=False)) == set(made.values())


@pytest.mark.parametrize("public_drafts", [True, False], ids=["drafts-public", "drafts-staff-only"])
def test_what_lists_leave_out_is_every_episode_they_do_not_show(settings, public_drafts):
    settings.ARCHIVE_PUBLIC_DRAFTS = public_drafts
    made = set(episodes().values())
    for user in (None, User(is_staff=True, is_active=True), User(is_staff=True, is_active=False)):
        shown_to = set(Episode.objects.public(user))
        left_out = set(Episode.objects.unlisted_for(user))
        assert shown_to | left_out == made and not shown_to & left_out, user
