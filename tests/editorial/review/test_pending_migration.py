"""The migration that turns every working copy (a second episode row holding a
reviewed episode's held changes) into its episode's pending revision, run with
Django's migration executor from the schema that had copies."""
import pytest

from archive.codec import parse
from tests.migrating import latest, migrate, models_at

BEFORE = [
    ("archive", "0003_merge_flags_reads_labels"),
    ("editorial", "0004_turn_reviews_hold_states_only"),
]
LIVE_TEXT = "---\ntitle: 迁移\ndraft: false\n---\n\n### 第一节\n\n**Ada**: 原来的话。\n\n**Ada**: 第二句。\n"
HELD_TEXT = LIVE_TEXT.replace("原来的话。", "改过的话。")


def episode_with_copy(apps, *, kept: bool, name: str):
    """A reviewed episode and its working copy as the old code left them: the copy's
    rows, and (when ``kept``) the revision every save of the copy kept."""
    from editorial.revisions import storage

    Episode = apps.get_model("archive", "Episode")
    Heading = apps.get_model("archive", "Heading")
    Turn = apps.get_model("archive", "Turn")
    TurnFlag = apps.get_model("archive", "TurnFlag")
    Revision = apps.get_model("editorial", "Revision")
    User = apps.get_model("auth", "User")
    columns = {"slug": name, "source_path": f"{name}.md", "title": "迁移", "version": 3}
    live = Episode.objects.create(**columns)
    copy = Episode.objects.create(**columns, working_copy_of=live)
    for episode, words in ((live, "原来的话。"), (copy, "改过的话。")):
        heading = Heading.objects.create(episode=episode, position=0, level=3, title="第一节", style="{}")
        Turn.objects.create(episode=episode, position=1, heading=heading, kind="turn",
                            speaker_label="Ada", translation=words, style="{}")
        Turn.objects.create(episode=episode, position=2, heading=heading, kind="turn",
                            speaker_label="Ada", translation="第二句。", style="{}")
    copy.refresh_from_db()
    turn = Turn.objects.filter(episode=copy).order_by("position").first()
    who = User.objects.create(username=f"dismisser-{name}")
    TurnFlag.objects.create(
        episode=copy, turn=turn, check_id="number-mismatch", severity="warning", params={},
        spans={}, fingerprint="abcdef0123456789", body_line=3, dismissed_by=who,
        dismissed_at=copy.updated_at,
    )
    if kept:
        Revision.objects.create(episode=live, version=2, compressed=storage.compress(LIVE_TEXT))
        Revision.objects.create(
            episode=live, version=3, compressed=storage.compress(HELD_TEXT),
            episode_updated_at=copy.updated_at,
        )
    rows = sorted([
        *Heading.objects.filter(episode=copy).values_list("position", "pk"),
        *Turn.objects.filter(episode=copy).values_list("position", "pk"),
    ])
    return live.pk, copy.pk, [pk for _, pk in rows], who.pk


@pytest.mark.django_db(transaction=True)
def test_every_working_copy_becomes_a_pending_revision_and_its_rows_go():
    assert len(parse(HELD_TEXT).blocks) == 3
    try:
        old = migrate(BEFORE)
        live_id, copy_id, copy_rows, who = episode_with_copy(old, kept=True, name="kept")
        migrate(latest())

        from archive.models import Episode, Turn
        from editorial.models import PendingRevision
        from editorial.review import held

        assert list(Episode.objects.values_list("pk", flat=True)) == [live_id]
        assert not Turn.objects.filter(episode_id=copy_id).exists()
        live = Episode.objects.get()
        pending = PendingRevision.objects.get(episode=live)
        assert pending.revision.version == 3 and held.working_text(live) == HELD_TEXT
        # The copy's row ids stay the blocks' keys: a form loaded before still saves.
        assert [block.row for block in held.pending_document(pending).blocks] == copy_rows
        assert pending.next_row == max(copy_rows) + 1
        assert list(pending.dismissed) == ["abcdef0123456789 number-mismatch"]
        assert pending.dismissed["abcdef0123456789 number-mismatch"][0] == who
        # Readers' rows are the episode's own, untouched.
        assert list(Turn.objects.filter(episode=live).order_by("position").values_list(
            "translation", flat=True)) == ["原来的话。", "第二句。"]
    finally:
        migrate(latest())


@pytest.mark.django_db(transaction=True)
def test_a_copy_no_revision_holds_stops_the_migration_and_nothing_changes():
    try:
        old = migrate(BEFORE)
        live_id, copy_id, _rows, _who = episode_with_copy(old, kept=False, name="unkept")
        with pytest.raises(Exception, match="unkept.md"):
            migrate(latest())
        after = models_at(BEFORE)
        Episode = after.get_model("archive", "Episode")
        assert Episode.objects.get(pk=copy_id).working_copy_of_id == live_id
        assert after.get_model("archive", "Turn").objects.filter(episode_id=copy_id).count() == 2
    finally:
        # Let the migration through for the next tests: the copy goes with its episode.
        apps = models_at(BEFORE)
        apps.get_model("archive", "Episode").objects.all().delete()
        migrate(latest())
