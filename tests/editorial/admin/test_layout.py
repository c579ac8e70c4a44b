"""What the admin's pages say and offer: one history, words for the normal state, a
refused page in the admin's own look, labels that are not names where editors find them."""
import pytest
from django.urls import reverse

from tests.factories import make_episode

pytestmark = pytest.mark.django_db


def test_the_change_page_has_one_history_and_words_for_listing(client, publisher, episode):
    client.force_login(publisher)
    html = client.get(reverse("admin:archive_episode_change", args=[episode.pk])).content.decode()
    assert reverse("admin:editorial_revisions", args=[episode.pk]) in html
    assert reverse("admin:archive_episode_history", args=[episode.pk]) not in html
    assert "no: listed" in html and "icon-no.svg" not in html


def test_an_editor_on_a_publishers_page_gets_the_admins_refusal(client, settings, editor):
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(editor)
    response = client.get(reverse("admin:editorial_names_merge"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "你的角色不能使用这个页面" in html and 'id="site-name"' in html
    assert "403 Forbidden" not in html


def test_outside_the_admin_a_refusal_is_the_sites_page(client, rf):
    from editorial.admin.denied import permission_denied

    response = permission_denied(rf.get("/episodes/x/"))
    assert response.status_code == 403 and "无权访问这个页面" in response.content.decode()


def test_labels_that_are_not_names_wait_in_the_duplicates_report(client, publisher):
    make_episode("one.md", speaker="知行小酒馆", sections=[
        ("开场", [("老冒", "你好。", "Hello."), ("1. 多喝水", "多喝水。", None)]),
    ])
    client.force_login(publisher)
    html = client.get(reverse("admin:editorial_name_duplicates"), {"kind": "speaker"}).content.decode()
    section = html.split("Speaker labels that are not names", 1)[1]
    assert "<td>1. 多喝水</td>" in section and "<td>老冒</td>" not in section
    assert "source=1.%20%E5%A4%9A%E5%96%9D%E6%B0%B4" in section


def test_a_file_without_front_matter_is_listed_as_needing_repair(client, publisher, tmp_path):
    from django.core.management import call_command

    (tmp_path / "Atw2h2qCL4o.md").write_text("----\ntitle: x\n----\n\n正文。\n", encoding="utf-8")
    make_episode("whole.md", title="完整的一期")
    call_command("import_markdown", str(tmp_path))
    client.force_login(publisher)
    url = reverse("admin:archive_episode_changelist")
    listed = client.get(url, {"front_matter": "missing"}).content.decode()
    assert "Atw2h2qCL4o" in listed and "完整的一期" not in listed
    assert "Missing: needs repair" in client.get(url).content.decode()
