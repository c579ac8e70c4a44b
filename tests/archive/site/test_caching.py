"""Pages are cached for readers, keyed by host, the parameters a view reads and the
content state, so no import, edit or kill can leave a stale page behind."""
from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from archive.models import Episode
from archive.site import cache as page_cache
from archive.site.views import FILTERS
from tests.archive.public import fresh_page_cache, reindex  # noqa: F401
from tests.factories import episode_markdown, make_episode

pytestmark = pytest.mark.django_db


def test_a_second_visit_runs_no_page_query(client, django_assert_max_num_queries):
    episode = make_episode(sections=[("一", [("A", "你好。", "Hello.")])])
    first = client.get(f"/episodes/{episode.slug}/")
    assert "public" in first["Cache-Control"]
    with django_assert_max_num_queries(1):      # the content state
        second = client.get(f"/episodes/{episode.slug}/")
    assert second.content == first.content


def test_the_content_state_reads_an_index_of_updated_at():
    """Every request, a cached page's too, reads MAX(updated_at): without an index of
    that column alone it scans the episode table (a quarter of a second at 46,000
    episodes on SQLite)."""
    from django.db import connection

    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Episode._meta.db_table)
    assert [name for name, found in constraints.items()
            if found["index"] and found["columns"] == ["updated_at"]]


def test_edits_invalidate_cached_pages(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        episode = make_episode(title="原标题")
    assert "原标题" in client.get(f"/episodes/{episode.slug}/").content.decode()
    assert "原标题" in client.get("/episodes/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        episode.title = "新标题"
        episode.save()
    assert "新标题" in client.get(f"/episodes/{episode.slug}/").content.decode()
    assert "新标题" in client.get("/episodes/").content.decode()
    turn = episode.turns.first()
    with django_capture_on_commit_callbacks(execute=True):
        turn.translation = "改过的译文"
        turn.save()
    assert "改过的译文" in client.get(f"/episodes/{episode.slug}/").content.decode()


def test_an_import_invalidates_cached_pages(client, tmp_path, django_capture_on_commit_callbacks):
    path = tmp_path / "imported.md"
    path.write_text(episode_markdown(title="第一版"), encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_markdown", str(tmp_path), stdout=io.StringIO())
    assert "第一版" in client.get("/episodes/imported/").content.decode()
    path.write_text(episode_markdown(title="第二版"), encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_markdown", str(tmp_path), stdout=io.StringIO())
    assert "第二版" in client.get("/episodes/imported/").content.decode()
    assert "第二版" in client.get("/search/?q=第二版").content.decode()


def test_a_change_no_signal_announced_is_seen_at_once(client):
    """Another process, or an import killed before it could say so, changed rows: the
    content state (the episodes' count and latest update) moves with the rows."""
    episode = make_episode(title="甲")
    assert "甲" in client.get(f"/episodes/{episode.slug}/").content.decode()
    Episode.objects.filter(pk=episode.pk).update(title="乙", updated_at=timezone.now())
    assert "乙" in client.get(f"/episodes/{episode.slug}/").content.decode()
    make_episode("new.md", title="新来的")
    assert "新来的" in client.get("/").content.decode()


def test_a_deleted_episode_is_gone_at_once(client, django_capture_on_commit_callbacks):
    episode = make_episode(title="将删除")
    assert client.get(f"/episodes/{episode.slug}/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        Episode.objects.filter(pk=episode.pk).delete()
    assert client.get(f"/episodes/{episode.slug}/").status_code == 404
    assert "将删除" not in client.get("/").content.decode()


def test_a_killed_import_leaves_no_stale_page(client, tmp_path):
    """An import that committed episodes and died before anything ran after it (no
    on-commit hook, no signal): the cached list does not hide the new state."""
    path = tmp_path / "a.md"
    path.write_text(episode_markdown(title="第一版"), encoding="utf-8")
    call_command("import_markdown", str(tmp_path), stdout=io.StringIO())
    assert "第一版" in client.get("/").content.decode()
    path.write_text(episode_markdown(title="第二版"), encoding="utf-8")
    # Without django_capture_on_commit_callbacks nothing after the commit runs, as in
    # a process killed right after it.
    call_command("import_markdown", str(tmp_path), stdout=io.StringIO())
    assert "第二版" in client.get("/").content.decode()


def test_cached_pages_are_keyed_by_host(client):
    episode = make_episode(title="主机")
    first = client.get(f"/episodes/{episode.slug}/", HTTP_HOST="localhost").content.decode()
    second = client.get(f"/episodes/{episode.slug}/", HTTP_HOST="127.0.0.1").content.decode()
    assert 'href="http://localhost/episodes/' in first
    assert 'href="http://127.0.0.1/episodes/' in second


def test_only_the_parameters_a_view_reads_make_new_entries(client):
    make_episode(title="参数")
    client.get("/")
    keys_before = len(cache._cache)
    for number in range(20):
        assert client.get(f"/?nc={number}").status_code == 200
        assert client.get(f"/episodes/?nc={number}&page=1").status_code == 200
    assert len(cache._cache) <= keys_before + 2       # /episodes/ and /episodes/?page=1
    assert key_of("/episodes/?page=2&year=2025") == key_of("/episodes/?year=2025&nc=1&page=2")


def key_of(url, params=FILTERS):
    request = request_for(url)
    return page_cache.page_key(request, page_cache.read_params(request, params))


def request_for(url):
    from django.test import RequestFactory
    return RequestFactory().get(url)


def test_staff_are_never_served_or_stored_a_cached_page(client, settings):
    settings.ARCHIVE_PUBLIC_DRAFTS = False
    episode = make_episode(title="草稿", draft=True)
    client.force_login(User.objects.create_user("staff", is_staff=True))
    assert client.get(f"/episodes/{episode.slug}/").status_code == 200
    client.logout()
    assert client.get(f"/episodes/{episode.slug}/").status_code == 404


def test_an_edited_flat_page_is_served_at_once(client, django_capture_on_commit_callbacks):
    from django.contrib.flatpages.models import FlatPage
    from django.contrib.sites.models import Site

    assert "关于本站" in client.get("/about/").content.decode()      # the built-in text
    with django_capture_on_commit_callbacks(execute=True):
        page = FlatPage.objects.create(url="/about/", title="关于我们", content="<p>新的介绍</p>")
        page.sites.add(Site.objects.get_current())
    html = client.get("/about/").content.decode()
    assert "关于我们" in html and "新的介绍" in html


def _links(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


def test_parameters_outside_the_key_never_reach_a_cached_page(client, reindex):
    """A poisoned request fills the entry others are served from: its links carry
    only what the key holds."""
    for number in range(25):
        make_episode(f"ai{number}.md", title=f"AI 第{number}期", date="2025-05-01", area="tech")
    reindex()
    poison = "utm=POISONED&x=%22%3E%3Cb%3EPOISON"
    assert client.get(f"/search/?q=ai&{poison}").status_code == 200
    assert client.get(f"/episodes/?year=2025&{poison}").status_code == 200
    for clean_url in ("/search/?q=ai", "/episodes/?year=2025"):
        html = client.get(clean_url).content.decode()
        assert "POISON" not in html
        assert any("page=2" in link for link in _links(html))      # the links are there


def test_no_request_makes_an_entry_beyond_the_pages_that_exist(client, reindex):
    for number in range(25):
        make_episode(f"e{number}.md", title=f"节目 第{number}期 alpha beta")
    reindex()
    client.get("/episodes/")
    client.get("/episodes/?page=2")
    client.get("/search/?q=alpha")
    keys_before = len(cache._cache)
    eight = "alpha beta 节目 第 a b c d"
    for number in range(30):
        for url in (f"/episodes/?page=x{number}", f"/episodes/?page={number + 3}",
                    f"/episodes/?page=1&page={number}abc", f"/search/?q={eight} z{number}",
                    f"/search/?q=alpha&page={number + 2}", f"/search/?q=nothing{number}"):
            assert client.get(url).status_code == 200
    # The eight terms' own page (the ninth is dropped) and nothing else.
    assert len(cache._cache) == keys_before + 1
