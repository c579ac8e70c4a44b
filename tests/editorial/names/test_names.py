"""Names across the archive: merge and rename speakers and entity tags in every
episode, previewed line by line, each episode through the edit road; and the report
of likely duplicates."""
from __future__ import annotations

import dataclasses
import os
import random
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from archive.codec import with_value
from archive.models import Appearance, Episode, Organization, Speaker, Turn
from editorial.edits import editing
from editorial.models import Revision
from editorial.names import merging as names
from editorial.names.duplicates import (
    NameUse,
    duplicates_report,
    fold,
    fold_groups,
    prefix_groups,
    sound_cues,
)
from editorial.jobs.models import Job
from tests.editorial.helpers import changed_lines
from tests.editorial.jobs.worker import empty_queue, run_queued_jobs

INTERVIEW = """\
---
title: 访谈一
speaker: Dwarkesh Podcast
guest: Dwarkesh, Ada Park
tags:
  - ai
companies_orgs:
  - NVIDIA
  - Google
  - Nvidia
status: evergreen
---
**Dwarkesh**: 你好。

<details>
<summary>Original English</summary>

**Dwarkesh**: Hello.

</details>

**Ada Park**: 谈谈**Dwarkesh**。

**[Dwarkesh]**: 再见。
"""

SECOND = """\
---
title: 访谈二
speaker: "Dwarkesh"
guest: ''
companies_orgs:
- Google
status: evergreen
---
Dwarkesh: 直接的标签。

**Dwarkesh Patel**: 已经是全名。
"""

UNRELATED = """\
---
title: 无关
speaker: Other Show
companies_orgs: []
---
**Host**: 没有这些名字。
"""


@pytest.fixture(autouse=True)
def in_english(settings):
    """The messages asserted here are the English ones; one test checks the Chinese."""
    settings.LANGUAGE_CODE = "en"


def write_archive(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    call_command("import_markdown", str(folder), stdout=open(os.devnull, "w"))
    return folder


@pytest.fixture
def small_archive(db, tmp_path):
    return write_archive(tmp_path / "notes", {
        "interview.md": INTERVIEW, "second.md": SECOND, "unrelated.md": UNRELATED,
    })


def exported(folder: Path, into: Path) -> dict[str, str]:
    call_command("export_markdown", str(into), stdout=open(os.devnull, "w"))
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(into.glob("*.md"))}


def merge(kind, sources, target, by=None):
    plan = names.plan_rename(kind=kind, sources=sources, target=target)
    return names.apply_rename(kind=kind, sources=sources, target=target, by=by, token=plan.token)


# Merging speakers -----------------------------------------------------------------------

def test_merging_speakers_changes_exactly_their_lines_in_every_file(small_archive, tmp_path, publisher):
    merge(names.SPEAKER, ["Dwarkesh"], "Dwarkesh Patel", by=publisher)

    after = exported(small_archive, tmp_path / "out")
    assert changed_lines(INTERVIEW, after["interview.md"]) == [
        "-guest: Dwarkesh, Ada Park", "+guest: Dwarkesh Patel, Ada Park",
        "-**Dwarkesh**: 你好。", "+**Dwarkesh Patel**: 你好。",
        "-**Dwarkesh**: Hello.", "+**Dwarkesh Patel**: Hello.",
        "-**[Dwarkesh]**: 再见。", "+**[Dwarkesh Patel]**: 再见。",
    ]
    assert changed_lines(SECOND, after["second.md"]) == [
        '-speaker: "Dwarkesh"', '+speaker: "Dwarkesh Patel"',
        "-Dwarkesh: 直接的标签。", "+Dwarkesh Patel: 直接的标签。",
    ]
    assert after["unrelated.md"] == UNRELATED


def test_the_preview_lists_the_exact_lines_and_writes_nothing(small_archive):
    versions = dict(Episode.objects.values_list("slug", "version"))

    plan = names.plan_rename(kind=names.SPEAKER, sources=["Dwarkesh"], target="Dwarkesh Patel")

    assert plan.merge and plan.summary == "Merged speaker 'Dwarkesh' into 'Dwarkesh Patel'"
    by_slug = {episode.slug: episode for episode in plan.episodes}
    assert set(by_slug) == {"interview", "second"}
    assert [(line.number, line.before, line.after) for line in by_slug["second"].lines] == [
        (3, 'speaker: "Dwarkesh"', 'speaker: "Dwarkesh Patel"'),
        (9, "Dwarkesh: 直接的标签。", "Dwarkesh Patel: 直接的标签。"),
    ]
    assert dict(Episode.objects.values_list("slug", "version")) == versions
    assert not Revision.objects.exists()
    assert Turn.objects.filter(speaker_label="Dwarkesh").count() == 2


def test_each_changed_episode_gets_one_revision_with_the_summary(small_archive, publisher):
    merge(names.SPEAKER, ["Dwarkesh"], "Dwarkesh Patel", by=publisher)

    edits = Revision.objects.filter(kind=Revision.Kind.EDIT)
    assert sorted(edits.values_list("episode__slug", flat=True)) == ["interview", "second"]
    assert set(edits.values_list("summary", flat=True)) == {
        "Merged speaker 'Dwarkesh' into 'Dwarkesh Patel'"
    }
    assert set(edits.values_list("author", flat=True)) == {publisher.pk}
    assert Episode.objects.get(slug="unrelated").version == 1


def test_turns_and_appearances_point_at_the_kept_speaker_and_the_other_goes(small_archive, publisher):
    merge(names.SPEAKER, ["Dwarkesh"], "Dwarkesh Patel", by=publisher)

    kept = Speaker.objects.get(name="Dwarkesh Patel")
    assert not Speaker.objects.filter(name="Dwarkesh").exists()
    assert Turn.objects.filter(speaker=kept).count() == 4
    assert set(Appearance.objects.filter(speaker=kept).values_list("episode__slug", "role")) == {
        ("interview", "guest"), ("second", "host"),
    }


def test_a_rename_to_a_new_name_creates_the_speaker(small_archive, publisher):
    plan = merge(names.SPEAKER, ["Ada Park"], "Ada Parker", by=publisher)

    assert not plan.merge and plan.summary == "Renamed speaker 'Ada Park' to 'Ada Parker'"
    assert Turn.objects.filter(speaker__name="Ada Parker").count() == 1
    assert Episode.objects.get(slug="interview").guest == "Dwarkesh, Ada Parker"


def test_a_merge_that_names_someone_twice_keeps_the_first(db, tmp_path, publisher):
    text = SECOND.replace('speaker: "Dwarkesh"', "speaker: Dwarkesh Patel, Dwarkesh, Ada")
    folder = write_archive(tmp_path / "notes", {"twice.md": text})

    merge(names.SPEAKER, ["Dwarkesh"], "Dwarkesh Patel", by=publisher)

    after = exported(folder, tmp_path / "out")["twice.md"]
    assert changed_lines(text, after)[:2] == [
        "-speaker: Dwarkesh Patel, Dwarkesh, Ada", "+speaker: Dwarkesh Patel, Ada",
    ]


@pytest.mark.parametrize("name, why", [
    ("Ho*st", "speaker label"),
    ("Host**: fake", "speaker label"),
    ("A" * 100, "speaker label"),
    ("Ada\nPark", "one line"),
    ("Park, Ada", "comma"),
    ("Park，Ada", "comma"),
    ("Speaker A", "role label"),
    ("[Matt]", "role label"),
    (" Padded", "space"),
    ("", "Give the new"),
])
def test_a_name_the_file_would_read_back_differently_is_refused(small_archive, name, why):
    with pytest.raises(names.NameRefused, match=why):
        names.plan_rename(kind=names.SPEAKER, sources=["Dwarkesh"], target=name)
    assert Turn.objects.filter(speaker_label="Dwarkesh").count() == 2


def test_unknown_sources_and_merging_into_itself_are_refused(small_archive):
    with pytest.raises(names.NameRefused, match="No speaker is named 'Nobody'"):
        names.plan_rename(kind=names.SPEAKER, sources=["Nobody"], target="X")
    with pytest.raises(names.NameRefused, match="both"):
        names.plan_rename(kind=names.SPEAKER, sources=["Dwarkesh"], target="Dwarkesh")


def test_a_preview_gone_stale_is_refused_and_nothing_changes(small_archive, publisher):
    plan = names.plan_rename(kind=names.SPEAKER, sources=["Dwarkesh"], target="Dwarkesh Patel")
    second = Episode.objects.get(slug="second")
    editing.edit(second.pk, lambda document: dataclasses.replace(
        document, front_matter=with_value(document.front_matter, "title", "访谈二（改）"),
    ), by=publisher, summary="Another edit")

    with pytest.raises(names.PlanChanged):
        names.apply_rename(
            kind=names.SPEAKER, sources=["Dwarkesh"], target="Dwarkesh Patel", by=publisher,
            token=plan.token,
        )
    # The other edit waits for review as a pending revision: count readers' turns.
    live = Turn.objects.filter(episode__in=Episode.objects.all())
    assert live.filter(speaker_label="Dwarkesh").count() == 2
    assert not Revision.objects.filter(summary__startswith="Merged").exists()


def test_an_episode_that_would_not_come_out_as_previewed_rolls_everything_back(
    small_archive, publisher, monkeypatch
):
    plan = names.plan_rename(kind=names.SPEAKER, sources=["Dwarkesh"], target="Dwarkesh Patel")
    # The rows written would give another label than the one previewed.
    monkeypatch.setattr(names, "plan_rename", lambda **arguments: plan)
    monkeypatch.setattr(names, "relabelled", lambda label, target: label.replace("Dwarkesh", "Dwarkesh P."))

    with pytest.raises(names.NameRefused, match="would not come out as previewed"):
        names.apply_rename(
            kind=names.SPEAKER, sources=["Dwarkesh"], target="Dwarkesh Patel", by=publisher,
            token=plan.token,
        )
    assert Turn.objects.filter(speaker_label="Dwarkesh").count() == 2
    assert not Revision.objects.exists()


def test_a_merge_takes_the_same_queries_for_few_turns_as_for_many(db, tmp_path, publisher):
    def episode_text(turns: int) -> str:
        body = "\n\n".join(f"**Dwarkesh**: 第{i}句。" for i in range(turns))
        return f"---\ntitle: t\nspeaker: Show\n---\n{body}\n"

    def queries_for(turns: int) -> int:
        folder = write_archive(tmp_path / f"n{turns}", {f"q{turns}-{i}.md": episode_text(turns) for i in range(3)})
        plan = names.plan_rename(kind=names.SPEAKER, sources=["Dwarkesh"], target=f"Dwarkesh {turns}")
        with CaptureQueriesContext(connection) as captured:
            names.apply_rename(kind=names.SPEAKER, sources=["Dwarkesh"], target=f"Dwarkesh {turns}",
                               by=publisher, token=plan.token)
        shutil.rmtree(folder)
        return len(captured)

    few, many = queries_for(60), queries_for(240)
    # 180 more turns per episode; at most one query more per episode (3), which the
    # revisions' storage may take to decide between a delta and the whole text.
    assert many - few <= 3


# Merging entity tags -------------------------------------------------------------------

def test_merging_tags_rewrites_only_their_list_items(small_archive, tmp_path, publisher):
    plan = merge("companies_orgs", ["NVIDIA"], "Nvidia", by=publisher)

    assert [episode.slug for episode in plan.episodes] == ["interview"]
    after = exported(small_archive, tmp_path / "out")
    assert changed_lines(INTERVIEW, after["interview.md"]) == [
        "-  - NVIDIA", "+  - Nvidia", "-  - Nvidia",
    ]
    assert after["second.md"] == SECOND
    assert not Organization.objects.filter(name="NVIDIA").exists()
    assert Organization.objects.get(name="Nvidia").links.count() == 1


def test_a_tag_renamed_to_a_name_yaml_must_quote_reads_back_the_same(small_archive, tmp_path, publisher):
    merge("companies_orgs", ["Google"], "Google: Alphabet", by=publisher)

    after = exported(small_archive, tmp_path / "out")
    assert changed_lines(SECOND, after["second.md"]) == ["-- Google", "+- 'Google: Alphabet'"]


# The admin pages ------------------------------------------------------------------------

@pytest.mark.jobs
def test_a_publisher_previews_and_confirms_a_merge_in_the_admin(
    small_archive, client, publisher, django_capture_on_commit_callbacks
):
    empty_queue()
    client.force_login(publisher)
    url = reverse("admin:editorial_names_merge")
    form = {"kind": "speaker", "sources": "Dwarkesh", "target": "Dwarkesh Patel"}

    preview = client.post(url, {**form, "_action": "preview"})
    assert preview.status_code == 200
    html = preview.content.decode()
    # Nothing is merged yet: the preview says what will be done, not what was.
    assert "To merge: Dwarkesh into “Dwarkesh Patel”" in html and "Merged" not in html
    assert "**[Dwarkesh Patel]**: 再见。" in html
    assert Turn.objects.filter(speaker_label="Dwarkesh").count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url, {**form, "_action": "apply", "token": preview.context["plan"].token})
    job = Job.objects.get()
    # The request only queued the job, and shows its page.
    assert started.status_code == 302 and started.url == job.get_absolute_url()
    assert Turn.objects.filter(speaker_label="Dwarkesh").count() == 2

    run_queued_jobs()
    job.refresh_from_db()
    assert (job.status, job.done, job.total, job.started_by) == (Job.Status.DONE, 2, 2, publisher)
    assert not Turn.objects.filter(speaker_label="Dwarkesh").exists()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Merged speaker &#x27;Dwarkesh&#x27; into &#x27;Dwarkesh Patel&#x27;" in page


def test_in_chinese_the_names_pages_speak_chinese(small_archive, client, publisher, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    client.force_login(publisher)
    url = reverse("admin:editorial_names_merge")
    merge_page = client.post(url, {
        "kind": "speaker", "sources": "Dwarkesh", "target": "Ho*st", "_action": "preview",
    }).content.decode()
    duplicates = client.get(reverse("admin:editorial_name_duplicates")).content.decode()
    speakers = client.get(reverse("admin:archive_speaker_changelist")).content.decode()
    assert "在整个档案中合并或改名" in merge_page and "不能写成讲者标签" in merge_page
    assert "同一名称，不同写法" in duplicates and "预览合并" in duplicates
    assert "合并或改名…" in speakers
    for html in (merge_page, duplicates, speakers):
        for english in ("Preview", "Likely duplicates", "Merge or rename", "Kind of name", "None found"):
            assert not re.search(rf">\s*{re.escape(english)}\b", html), english


def test_an_editor_may_not_merge_names(small_archive, client, editor):
    client.force_login(editor)
    assert client.get(reverse("admin:editorial_names_merge")).status_code == 403
    assert client.get(reverse("admin:editorial_name_duplicates")).status_code == 403


def test_the_speaker_list_links_to_the_names_tools(small_archive, client, publisher):
    client.force_login(publisher)
    html = client.get(reverse("admin:archive_speaker_changelist")).content.decode()
    assert reverse("admin:editorial_names_merge") in html
    assert reverse("admin:editorial_name_duplicates") in html
    tags = client.get(reverse("admin:archive_organization_changelist")).content.decode()
    assert "?kind=companies_orgs" in tags


def test_the_duplicates_page_offers_the_merge(small_archive, client, publisher):
    client.force_login(publisher)
    html = client.get(reverse("admin:editorial_name_duplicates"), {"kind": "speaker"}).content.decode()
    assert "source=Dwarkesh&amp;target=Dwarkesh%20P" in html


# Duplicates -------------------------------------------------------------------------------

def uses(*names_):
    return [NameUse(name, index + 1) for index, name in enumerate(names_)]


def test_names_that_differ_in_case_spacing_punctuation_or_script_are_grouped():
    groups = fold_groups(uses(
        "Joe Weisenthal", "joe weisenthal", "JoeWeisenthal", "J.D. Vance", "JD Vance",
        "超級歪", "超级歪", "Elon Musk", "ＴＥＤ", "TED",
    ))
    found = {frozenset(use.name for use in group.names): group.reason for group in groups}
    assert found == {
        frozenset({"Joe Weisenthal", "joe weisenthal", "JoeWeisenthal"}): "case, spacing",
        frozenset({"J.D. Vance", "JD Vance"}): "punctuation",
        frozenset({"超級歪", "超级歪"}): "traditional/simplified",
        frozenset({"ＴＥＤ", "TED"}): "case",
    }


def test_the_most_used_name_is_suggested_to_keep():
    group, = fold_groups([NameUse("nvidia", 4), NameUse("Nvidia", 316), NameUse("NVIDIA", 149)])
    assert group.target.name == "Nvidia"
    assert [use.name for use in group.others] == ["NVIDIA", "nvidia"]


def test_a_name_that_begins_another_at_a_word_boundary_is_a_prefix_duplicate():
    groups = prefix_groups(uses("Dwarkesh", "Dwarkesh Patel", "Dwarkeshian", "超级歪", "超级歪SuperY", "路飞", "路飞飞"))
    found = {(group.names[-1].name, tuple(use.name for use in group.names[:-1])) for group in groups}
    assert found == {("Dwarkesh", ("Dwarkesh Patel",)), ("超级歪", ("超级歪SuperY",))}


def test_sound_cues_are_not_people():
    found = [use.name for use in sound_cues(uses("音乐", "[笑声]", "Laughter:", "音乐人", "Ada", "（掌声）"))]
    assert sorted(found) == sorted(["音乐", "[笑声]", "Laughter:", "（掌声）"])


_NAME = st.text(alphabet="aAbB .-超級级", min_size=1, max_size=6)


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.lists(_NAME, unique=True, max_size=25))
def test_fold_groups_are_exactly_the_pairs_that_fold_alike(all_names):
    groups = fold_groups([NameUse(name, 1) for name in all_names])
    grouped = {frozenset(use.name for use in group.names) for group in groups}
    expected = set()
    for name in all_names:
        alike = frozenset(other for other in all_names if fold(other) == fold(name) and fold(name))
        if len(alike) > 1:
            expected.add(alike)
    assert grouped == expected


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="ab 超", min_size=1, max_size=5), unique=True, max_size=25))
def test_prefix_groups_match_a_comparison_of_every_pair(all_names):
    from editorial.names.duplicates import _is_cjk, _spaced

    found = {
        (group.names[-1].name, use.name) for group in prefix_groups([NameUse(n, 1) for n in all_names])
        for use in group.names[:-1]
    }
    expected = set()
    for short in all_names:
        for long in all_names:
            a, b = _spaced(short), _spaced(long)
            if len(a) >= 2 and len(b) > len(a) and b.startswith(a) and (
                b[len(a)] == " " or _is_cjk(b[len(a)]) != _is_cjk(a[-1])
            ):
                expected.add((short, long))
    assert found == expected


def test_the_report_reads_names_in_use_from_the_database(small_archive):
    report = duplicates_report(names.SPEAKER)
    assert {
        (group.names[-1].name, frozenset(use.name for use in group.names[:-1]))
        for group in report.prefixes
    } == {("Dwarkesh", frozenset({"Dwarkesh Patel", "Dwarkesh Podcast"}))}
    organisations = duplicates_report("companies_orgs")
    assert {use.name for group in organisations.groups for use in group.names} == {"NVIDIA", "Nvidia"}


# The shared archive -------------------------------------------------------------------------

def test_merging_two_real_duplicate_speakers_changes_exactly_their_lines(
    db, archive_notes_dir, tmp_path, publisher
):
    """``Dwarkesh`` and ``Dwarkesh Patel`` in the real files, with unrelated files
    beside them: after the merge the export differs from the originals only in the
    lines that named ``Dwarkesh``, each now naming ``Dwarkesh Patel``."""
    wanted = {"Dwarkesh", "Dwarkesh Patel"}
    chosen = [path for path in sorted(archive_notes_dir.glob("*.md")) if "Dwarkesh" in path.read_text(encoding="utf-8")]
    chosen += random.Random(10).sample(sorted(archive_notes_dir.glob("*.md")), 20)
    folder = tmp_path / "notes"
    folder.mkdir()
    for path in dict.fromkeys(chosen):
        shutil.copy(path, folder / path.name)
    call_command("import_markdown", str(folder), stdout=open(os.devnull, "w"))
    originals = {path.name: path.read_text(encoding="utf-8") for path in folder.glob("*.md")}
    assert set(Speaker.objects.filter(name__in=wanted).values_list("name", flat=True)) == wanted

    plan = merge(names.SPEAKER, ["Dwarkesh"], "Dwarkesh Patel", by=publisher)

    assert plan.episodes and plan.line_count >= 30
    after = exported(folder, folder)
    planned = {Path(episode.source_path).name: episode for episode in plan.episodes}
    for name, text in originals.items():
        lines = changed_lines(text, after[name])
        if name not in planned:
            assert lines == [], name
            continue
        removed = [line[1:] for line in lines if line.startswith("-")]
        added = [line[1:] for line in lines if line.startswith("+")]
        assert removed == [line.before for line in planned[name].lines], name
        assert added == [line.replace("Dwarkesh", "Dwarkesh Patel", 1) for line in removed], name
        assert all("Dwarkesh" in line and "Dwarkesh Patel" not in line for line in removed), name


def test_the_search_index_follows_a_merge_once_for_all_episodes(
    small_archive, publisher, monkeypatch, django_capture_on_commit_callbacks
):
    from archive.search import index

    # More episodes than the merge changes, so the index is updated, not rebuilt.
    write_archive(small_archive, {f"other-{n}.md": UNRELATED for n in range(3)})
    index.repair()
    assert index.stale_episodes() == []
    calls = []
    real = index.follow
    monkeypatch.setattr(index, "follow", lambda ids: calls.append(sorted(ids)) or real(ids))

    with django_capture_on_commit_callbacks(execute=True):
        merge(names.SPEAKER, ["Dwarkesh"], "Dwarkesh Patel", by=publisher)

    assert index.stale_episodes() == []
    assert calls == [sorted(Episode.objects.filter(slug__in=["interview", "second"]).values_list("pk", flat=True))]


def test_turns_an_editor_pointed_at_the_merged_speaker_follow_it(small_archive, publisher):
    Turn.objects.filter(episode__slug="unrelated", speaker_label="Host").update(
        speaker=Speaker.objects.get(name="Dwarkesh")
    )

    merge(names.SPEAKER, ["Dwarkesh"], "Dwarkesh Patel", by=publisher)

    assert Turn.objects.get(episode__slug="unrelated").speaker.name == "Dwarkesh Patel"
    assert not Speaker.objects.filter(name="Dwarkesh").exists()
    assert Episode.objects.get(slug="unrelated").version == 1
