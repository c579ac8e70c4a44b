"""Every address the static site builds from the shared archive answers here, with the
CMS's page for the same thing.

The static site's list is rebuilt from its own rules (its ``createModel`` and
``prepare``), read from the files rather than from the CMS: visible notes are those
without ``exclude``; speakers are the front matter's ``speaker`` and ``guest`` split on
commas, one page per name whatever its case; areas, categories and projects likewise;
tags one page per slug, only for tags of five notes or more, ``视频文稿`` never;
colliding slugs all numbered ``-1``, ``-2``… in name order (its ``uniqueKey``,
``${key}-${index + 1}``, slugified); a note without front matter (``----`` is no fence
for its gray-matter) is a page too; the home in
pages of 30 at ``/page/<n>/``, the tag directory in pages of 50 at
``/all-tags/page/<n>/``; notes at ``/content/notes/<name>/``.
"""
from __future__ import annotations

import io
import math
import re
from html import unescape

import frontmatter
import pytest
from django.core.management import call_command
from django.db import transaction

from archive.content.slugs import collation_key, slug_for, static_slug
from archive.models import Episode
from tests.transactions import settle_constraints

pytestmark = pytest.mark.django_db

HIDDEN_TAGS = {"post", "note", "视频文稿"}
MERGED = {"speakers", "areas", "categories"}


def _unquoted(name: str) -> str:
    return name.lower().strip().strip("\"'“”‘’「」『』").strip()


def _strings(value) -> list[str]:
    if isinstance(value, list):
        return [item for item in value if isinstance(item, str)]
    return []


def _notes(notes_dir):
    """(file stem, front matter) of every note the CMS can import, in the static site's
    order (descending file name), which decides which spelling names a group."""
    notes = []
    for path in sorted(notes_dir.glob("*.md"), reverse=True):
        text = path.read_text("utf-8")
        if not text.startswith("---") or text[3:4] == "-":
            notes.append((path.stem, {}))
            continue
        try:
            meta = frontmatter.loads(text).metadata
        except Exception:           # the static site fails on these too
            continue
        notes.append((path.stem, meta))
    return notes


def _groups(visible, names_of, key_of):
    groups: dict[str, dict] = {}
    for stem, meta in visible:
        for name in names_of(meta):
            group = groups.setdefault(key_of(name), {"name": name, "notes": set()})
            group["notes"].add(stem)
    return groups


def _numbered(groups, slug_of_key):
    by_slug: dict[str, list] = {}
    for key, group in groups.items():
        by_slug.setdefault(slug_of_key(key), []).append((key, group))
    numbered = {}
    for slug, members in by_slug.items():
        if len(members) == 1:
            numbered[slug] = members[0]
            continue
        members.sort(key=lambda member: collation_key(member[1]["name"]))
        for index, (key, group) in enumerate(members, start=1):
            numbered[slug_of_key(f"{key}-{index}")] = (key, group)
    return numbered


def _speakers(meta):
    raw = []
    for field in ("speaker", "guest"):
        value = meta.get(field)
        if value and str(value).strip() != "''":
            raw += [part.strip() for part in str(value).split(",") if part.strip()]
    names = {}
    for name in raw:
        names.setdefault(name.lower(), name)
    cleaned = [re.sub(r"^['\"]|['\"]$", "", name).strip() for name in names.values()]
    return [name for name in cleaned if name]


def static_site(notes_dir) -> dict:
    """The static site's addresses: path -> (kind, the group's key, its notes)."""
    notes = _notes(notes_dir)
    visible = [(stem, meta) for stem, meta in notes if not meta.get("exclude")]
    addresses = {f"/content/notes/{stem}/": ("note", stem, None) for stem, _ in notes}
    pages = math.ceil(len(visible) / 30)
    addresses.update({"/": ("home", 1, None)})
    addresses.update({f"/page/{n}/": ("home", n, None) for n in range(2, pages + 1)})
    lower = str.lower
    kinds = {
        "speakers": (_speakers, lower),
        "areas": (lambda meta: [str(meta["area"]).strip()] if meta.get("area") else [], lower),
        "categories": (
            lambda meta: [str(meta["category"]).strip()] if meta.get("category") else [], lower
        ),
        "projects": (lambda meta: [p.strip() for p in _strings(meta.get("project")) if p.strip()], lower),
    }
    for prefix, (names_of, key_of) in kinds.items():
        groups = _groups(visible, names_of, key_of)
        for slug, (key, group) in _numbered(groups, static_slug).items():
            addresses[f"/{prefix}/{slug}/"] = (prefix, key, group["notes"])
    tags = _groups(
        visible, lambda meta: [t.strip() for t in _strings(meta.get("tags")) if t not in HIDDEN_TAGS],
        static_slug,
    )
    directory = [key for key, group in tags.items() if len(group["notes"]) >= 5]
    for key in directory:
        addresses[f"/tags/{key}/"] = ("tags", key, tags[key]["notes"])
    addresses["/all-tags/"] = ("directory", 1, None)
    for number in range(2, math.ceil(len(directory) / 50) + 1):
        addresses[f"/all-tags/page/{number}/"] = ("directory", number, None)
    for path in ("/all-speakers/", "/about/", "/tool/", "/bookshelf/", "/search/"):
        addresses[path] = ("page", path, None)
    return addresses


@pytest.fixture(scope="module")
def imported_archive(django_db_setup, django_db_blocker, archive_notes_dir):
    """The shared archive imported once for this module, rolled back after it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("import_markdown", str(archive_notes_dir), stdout=io.StringIO(),
                         stderr=io.StringIO())
            settle_constraints()
            yield archive_notes_dir
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _heading_name(html: str) -> str:
    heading = re.search(r"<h1>(.*?)</h1>", html, re.DOTALL).group(1)
    return unescape(re.sub(r"<[^>]+>", "", heading)).split("：", 1)[-1].strip()


def _episode_count(html: str) -> int:
    return int(re.search(r"共 (\d+) 期节目", html).group(1))


def test_every_static_site_address_answers_with_the_same_thing(imported_archive, client):
    addresses = static_site(imported_archive)
    assert len(addresses) > 5000
    wrong = []
    for number, (path, (kind, key, notes)) in enumerate(sorted(addresses.items())):
        if kind == "note":
            # A note's address leads to its episode's page. Which page is what this
            # compares; rendering every real episode in full would take most of the
            # test's time, so one note in ten is followed to its page.
            response = client.get(path)
            slug = response.get("Location", "").rstrip("/").rsplit("/", 1)[-1]
            source = Episode.objects.filter(slug=slug).values_list("source_path", flat=True).first()
            if response.status_code != 301 or source is None or source.rsplit("/", 1)[-1] != f"{key}.md":
                wrong.append(f"{path}: {response.status_code} to {slug or 'nowhere'}")
            elif number % 10 == 0 and client.get(response["Location"]).status_code != 200:
                wrong.append(f"{path}: its episode's page does not answer")
            continue
        response = client.get(path, follow=True)
        if response.status_code != 200:
            wrong.append(f"{path}: {response.status_code}")
            continue
        html = response.content.decode()
        if notes is not None:
            name = _heading_name(html)
            same = static_slug(name) == key if kind == "tags" else _unquoted(name) == _unquoted(key)
            # A CMS speaker page also counts episodes where the speaker only speaks, and
            # an area or category page gathers the spellings in quotes.
            count_ok = _episode_count(html) >= len(notes) if kind in MERGED else \
                _episode_count(html) == len(notes)
            if not same or not count_ok:
                wrong.append(f"{path}: {name!r} with {_episode_count(html)} episodes, "
                             f"the static site's {key!r} has {len(notes)}")
    assert not wrong, f"{len(wrong)} of {len(addresses)}:\n" + "\n".join(wrong[:40])


def test_slugs_of_the_names_the_issue_lists(imported_archive, client):
    for path in ("/speakers/money-and-macro/", "/speakers/house-of-el-ai-1/",
                 "/speakers/house-of-el-ai-2/", "/speakers/zeng-bo-en/",
                 "/speakers/zhi-hang-xiao-jiu-guan/"):
        assert client.get(path).status_code == 200, path
    first = _heading_name(client.get("/speakers/house-of-el-ai-1/").content.decode())
    second = _heading_name(client.get("/speakers/house-of-el-ai-2/").content.decode())
    assert (first, second) == ("House of El - AI", "House of El: AI")
    assert slug_for("Money & Macro") == "money-and-macro"
