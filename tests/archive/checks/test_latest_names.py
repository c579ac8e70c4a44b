"""The first import into an empty database flags what needs the names it brings.

Its workers check each file with the names known when it started (none); when it is
done, the name checks of the episodes it wrote are run again with the names it added.
"""
from __future__ import annotations

import dataclasses
import io
import pickle
from collections import Counter
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.utils.translation import gettext as _

from archive.checks import stored
from archive.checks.documents import bolded_untagged, names_of
from archive.checks.names import KnownNames
from archive.checks.latest_names import EpisodeSights, bring_names_up_to_date
from archive.content.importing import Importer
from archive.codec import ParseError, parse
from archive.content.store import load_document, write_changes
from archive.content.sources import sources
from archive.models import Episode, TurnFlag

pytestmark = pytest.mark.django_db

TAGGING = """\
---
title: 标注
companies_orgs:
  - Anthropic
---
**Ada Park**: 我们谈谈这家公司，这是一个很长的故事。
"""

BOLDING = """\
---
title: 提到
---
**Ada Park**: 他们在二零一九年开始了这件事，这是一个很长的故事。

**Ada Park**: 后来 **Anthropic** 在2019年的故事很长，我会慢慢讲给大家听。

<details>
<summary>Original English</summary>

They raised $5 billion in 2018, and it is a long story.

</details>

**Dario Amodai**: 我来说几句，这是一个很长的故事。
"""

GUESTED = """\
---
title: 嘉宾{n}
guest: Dario Amodei
---
**Dario Amodei**: 第{n}期，这是一个很长的故事。
"""

UNTAGGED = _("“{name}” is a known entity the episode's tags lack").format(name="Anthropic")
UNLIKE = _("“{name}” is spelt “{known}” elsewhere in the archive").format(
    name="Dario Amodai", known="Dario Amodei")


@pytest.fixture(autouse=True)
def fresh_names():
    stored.forget_known_names()
    yield
    stored.forget_known_names()


def write(folder: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


def archive_files(folder: Path) -> None:
    write(folder, {"a.md": TAGGING, "one.md": BOLDING, **{
        f"guest{n}.md": GUESTED.format(n=n) for n in range(3)
    }})


def import_folder(folder: Path) -> None:
    call_command("import_markdown", str(folder), stdout=io.StringIO())


def check_translations(*args) -> list[str]:
    out = io.StringIO()
    call_command("check_translations", *args, stdout=out)
    return out.getvalue().splitlines()


def test_the_first_import_flags_names_known_only_from_its_other_files(tmp_path):
    archive_files(tmp_path)
    import_folder(tmp_path)
    path = tmp_path.resolve() / "one.md"
    printed = check_translations()
    assert f"{path}:6: untagged-mention: {UNTAGGED}" in printed
    assert f"{path}:15: name-unlike-archive: {UNLIKE}" in printed
    assert BOLDING.splitlines()[5].startswith("**Ada Park**: 后来 **Anthropic**")
    assert BOLDING.splitlines()[14].startswith("**Dario Amodai**")
    assert check_translations("--recheck") == printed


def test_the_same_holds_for_files_read_by_worker_processes(tmp_path):
    archive_files(tmp_path)
    write(tmp_path, {f"more{n}.md": GUESTED.format(n=n + 3) for n in range(64)})
    importer = Importer(jobs=2)
    list(importer.run(sources([tmp_path])))
    importer.finish()
    episode = Episode.objects.get(source_path="one.md")
    assert set(TurnFlag.objects.filter(episode=episode).values_list("check_id", flat=True)) >= {
        "untagged-mention", "name-unlike-archive",
    }
    flags = sorted(TurnFlag.objects.values_list("episode_id", "turn_id", "check_id", "params", "spans"))
    episodes = Episode.objects.all()
    sights = {episode.pk: (episode.version, EpisodeSights.of(load_document(episode))) for episode in episodes}
    assert bring_names_up_to_date(sights, KnownNames(), jobs=1) == len(sights)  # checked in this process
    assert sorted(TurnFlag.objects.values_list("episode_id", "turn_id", "check_id", "params", "spans")) == flags


def test_without_the_other_files_there_is_nothing_to_flag(tmp_path):
    write(tmp_path, {"one.md": BOLDING})
    import_folder(tmp_path)
    assert not TurnFlag.objects.filter(check_id__in=("untagged-mention", "name-unlike-archive")).exists()


def test_other_checks_flags_and_dismissals_are_kept(tmp_path):
    archive_files(tmp_path)
    import_folder(tmp_path)
    episode = Episode.objects.get(source_path="one.md")
    flags = TurnFlag.objects.filter(episode=episode)
    editor = User.objects.create(username="editor")
    stored.dismiss(flags.get(check_id="untagged-mention"), editor)
    unchanged_turns = flags.exclude(check_id__in=("untagged-mention", "name-unlike-archive")).filter(
        turn__position__lt=2)
    others = set(unchanged_turns.values_list("pk", "check_id"))
    assert {check for _, check in others} == {"number-mismatch", "merged-original", "missing-original"}
    # A second run that rewrites the episode's last turn and brings a new name.
    write(tmp_path, {
        "one.md": BOLDING.replace("我来说几句", "我来说两句"),
        "b.md": TAGGING.replace("Anthropic", "OpenAI"),
    })
    stored.forget_known_names()
    import_folder(tmp_path)
    assert set(unchanged_turns.values_list("pk", "check_id")) == others
    kept = flags.get(check_id="untagged-mention")
    assert kept.dismissed_by == editor and kept.dismissed_at is not None
    assert flags.filter(check_id="name-unlike-archive").exists()


def written_as_imported() -> dict:
    return {
        episode.pk: (episode.version, EpisodeSights.of(load_document(episode)))
        for episode in Episode.objects.all()
    }


def test_nothing_is_checked_again_when_the_run_added_no_name(tmp_path, django_assert_num_queries):
    archive_files(tmp_path)
    import_folder(tmp_path)
    written = written_as_imported()
    with django_assert_num_queries(0):
        assert bring_names_up_to_date(written, None) == 0
    now = stored.load_known_names()
    assert bring_names_up_to_date(written, now) == 0
    assert bring_names_up_to_date(written, stored.KnownNames()) == len(written)


def test_an_episode_edited_since_the_import_keeps_the_flags_of_its_edit(tmp_path):
    archive_files(tmp_path)
    import_folder(tmp_path)
    written = written_as_imported()
    episode = Episode.objects.get(source_path="one.md")
    Episode.objects.filter(pk=episode.pk).update(version=episode.version + 1)
    TurnFlag.objects.filter(episode=episode).delete()
    assert bring_names_up_to_date(written, stored.KnownNames()) == len(written) - 1
    assert not TurnFlag.objects.filter(episode=episode).exists()


def test_a_dismissal_stays_with_its_own_episode_when_another_says_the_same(tmp_path):
    both = BOLDING.replace("**Anthropic** 在", "**Anthropic** 和 **OpenAI** 在")
    # Tagged by as many episodes as bold it untagged: it stays one to tag.
    write(tmp_path, {"a.md": TAGGING, "a2.md": TAGGING, "one.md": both, "two.md": both})
    import_folder(tmp_path)
    one, two = (Episode.objects.get(source_path=name) for name in ("one.md", "two.md"))
    stored.dismiss(TurnFlag.objects.get(episode=one, check_id="untagged-mention"), User.objects.create(username="e"))
    # OpenAI becomes known in a run that rewrites both episodes' last turn.
    changed = both.replace("我来说几句", "我来说两句")
    write(tmp_path, {"one.md": changed, "two.md": changed, "b.md": TAGGING.replace("Anthropic", "OpenAI")})
    stored.forget_known_names()
    import_folder(tmp_path)
    flags = {flag.episode_id: flag for flag in TurnFlag.objects.filter(check_id="untagged-mention")}
    assert len(flags[one.pk].spans["translation"]) == len(flags[two.pk].spans["translation"]) == 2
    assert flags[one.pk].dismissed_at is not None
    assert flags[two.pk].dismissed_at is None


TAGS = """\
---
title: 标签{n}
companies_orgs:
  - {name}
---
**Ada Park**: 第{n}期，这是一个很长的故事。
"""

BOLDS = """\
---
title: 加粗{n}
---
**Ada Park**: 第{n}期，**{name}** 的故事很长，我会慢慢讲给大家听。
"""


TWO_BOLDS = BOLDS + """
**Bo Li**: 第{n}期，**{other}** 的故事也很长，我会慢慢讲给大家听。
"""


def test_a_first_import_flags_entities_the_archive_leaves_untagged_once_per_episode(tmp_path):
    # 美国, 英国: each tagged in one episode, bolded untagged in four (the archive's
    # practice is not to tag them: an episode is told once, at the first such);
    # Anthropic: tagged in three, bolded untagged in one.
    write(tmp_path, {
        "us-tag.md": TAGS.format(n=0, name="美国"),
        "uk-tag.md": TAGS.format(n=1, name="英国"),
        **{f"us-bold{n}.md": TWO_BOLDS.format(n=n, name="美国", other="英国") for n in range(4)},
        **{f"an-tag{n}.md": TAGS.format(n=n, name="Anthropic") for n in range(3)},
        "an-bold.md": TWO_BOLDS.format(n=9, name="Anthropic", other="英国"),
    })
    import_folder(tmp_path)
    flagged = TurnFlag.objects.filter(check_id="untagged-mention")
    assert sorted(flagged.values_list("episode__source_path", "turn__position", "params__name")) == [
        ("an-bold.md", 0, "Anthropic"), ("an-bold.md", 1, "英国"),
        *((f"us-bold{n}.md", 0, "美国") for n in range(4)),
    ]
    printed = check_translations()
    assert check_translations("--recheck") == printed


def test_an_edit_flags_with_the_calibration_of_the_import(tmp_path):
    # 英国 is one the archive leaves untagged: the import flags 美国, the first such,
    # and not 英国; an edit of that episode's 英国 turn must not flag it either.
    write(tmp_path, {
        "us-tag.md": TAGS.format(n=0, name="美国"),
        "uk-tag.md": TAGS.format(n=1, name="英国"),
        **{f"us-bold{n}.md": TWO_BOLDS.format(n=n, name="美国", other="英国") for n in range(4)},
    })
    import_folder(tmp_path)
    episode = Episode.objects.get(source_path="us-bold0.md")
    flagged = TurnFlag.objects.filter(episode=episode, check_id="untagged-mention")
    assert list(flagged.values_list("turn__position", "params__name")) == [(0, "美国")]
    stored.forget_known_names()
    before = load_document(episode)
    turn = before.blocks[1]
    blocks = (before.blocks[0], dataclasses.replace(turn, text=turn.text.replace("也很长", "也非常长")))
    with transaction.atomic():
        write_changes(episode, before, dataclasses.replace(before, blocks=blocks))
    assert "也非常长" in load_document(episode).blocks[1].text
    assert list(flagged.values_list("turn__position", "params__name")) == [(0, "美国")]
    # The edit keeps the episode's count: 英国 is still bolded untagged there.
    assert "英国" in Episode.objects.get(pk=episode.pk).bolded_untagged


def test_an_episodes_sights_flag_what_its_document_flags(corpus_files, archive_notes_dir):
    """What the workers keep of each episode is all the name checks need: with the
    names of all these real files, it flags exactly what the whole document does,
    also after crossing a process boundary."""
    documents = {}
    for path in [*corpus_files, *sorted(archive_notes_dir.rglob("*.md"))[::25]]:
        try:
            documents[path] = parse(path.read_text(encoding="utf-8"))
        except ParseError:
            continue  # a corpus file kept for its error
    people, entities, untagged = [], [], Counter()
    for document in documents.values():
        named, tags = names_of(document)
        people.extend((name, 1) for name in named)
        entities.extend((name, 1) for name in tags)
        untagged.update(bolded_untagged(document))
    known = KnownNames.of(people, entities, untagged)
    flagged = 0
    for path, document in documents.items():
        sights = pickle.loads(pickle.dumps(EpisodeSights.of(document)))
        rows = sights.flag_rows(known)
        assert rows == stored.new_flag_rows(document, known, names_only=True), path
        flagged += len(rows)
    assert flagged > 100
