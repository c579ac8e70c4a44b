"""A turn's review state follows its text: kept by a re-import or an edit elsewhere
that leaves the text alone, lost when the text changes; never in the file."""
from __future__ import annotations

import pytest
from hypothesis import given, settings as hypothesis_settings
from hypothesis import strategies as st

from archive.content.store import load_document
from archive.models import Episode
from editorial.edits import editing
from editorial.models import TurnReview
from editorial.review import turns as turn_states
from editorial.edits.turn_edits import TurnText, replace_turns
from tests.factories import BILINGUAL, episode_from_text

pytestmark = pytest.mark.django_db
# The last turn's numbers differ: a number-mismatch flag from the translation checks.
FLAGGED = BILINGUAL.replace("第四句话。", "第四句话，收入增长了30%，达到50亿美元。").replace(
    "The fourth sentence.", "The fourth sentence, revenue grew 40% to $7 billion."
)
State = TurnReview.State


def turn_prints(episode):
    return [
        turn_states.block_fingerprint(block) for block in load_document(episode).blocks
        if turn_states.block_fingerprint(block)
    ]


def test_approving_a_turn_is_kept_in_the_database_not_the_file(episode, editor):
    text = editing.render_episode(episode.pk)
    first = turn_prints(episode)[0]
    turn_states.set_states(episode, [first], State.APPROVED, by=editor)
    assert editing.render_episode(episode.pk) == text
    progress = turn_states.progress_of([episode])[episode.pk]
    assert (progress.approved, progress.total) == (1, 4)
    assert TurnReview.objects.get(episode=episode).by == editor


def test_an_edit_approves_the_turns_it_changed_only(episode, editor):
    replace_turns(
        episode, by=editor, version=episode.version, position=2, count=1,
        texts=[TurnText("第二句话，改过了。", "**Ada Park**: The second sentence, and **Nvidia**.")],
        summary="edit",
    )
    reviews = list(TurnReview.objects.filter(episode=episode))
    assert [(r.state, r.by) for r in reviews] == [(State.APPROVED, editor)]
    assert reviews[0].fingerprint == turn_prints(episode)[1]


def test_an_edit_can_leave_the_turn_unapproved(episode, editor):
    replace_turns(
        episode, by=editor, version=episode.version, position=2, count=1,
        texts=[TurnText("第二句话。", "The second sentence.")], summary="edit", approve=False,
    )
    assert not TurnReview.objects.filter(episode=episode).exists()


def test_a_reimport_keeps_the_state_of_unchanged_turns_and_resets_changed_ones(
    tmp_path, settings, editor,
):
    settings.ARCHIVE_ROOT = str(tmp_path)
    from django.core.management import call_command

    path = tmp_path / "notes.md"
    path.write_text(BILINGUAL, encoding="utf-8")
    call_command("import_markdown", str(tmp_path), verbosity=0)
    episode = Episode.objects.get()
    prints = turn_prints(episode)
    turn_states.set_states(episode, prints[:2], State.APPROVED, by=editor)
    path.write_text(BILINGUAL.replace("第一句话", "第一句改了"), encoding="utf-8")
    call_command("import_markdown", str(tmp_path), verbosity=0)
    episode.refresh_from_db()
    assert episode.revisions.exists()
    assert turn_prints(episode)[1] == prints[1]
    approved = set(TurnReview.objects.filter(episode=episode).values_list("fingerprint", flat=True))
    assert approved == {prints[1]}
    assert turn_states.progress_of([episode])[episode.pk].approved == 1


def test_an_episode_is_ready_when_every_turn_is_approved_or_has_its_flags_dismissed(episode, editor):
    from editorial.review import flags

    prints = turn_prints(episode)
    turn_states.set_states(episode, prints[:3], State.APPROVED, by=editor)
    assert not turn_states.progress_of([episode])[episode.pk].ready
    # A turn whose only flag is dismissed is done without approval.
    flagged = episode_from_text(FLAGGED)
    flagged_prints = turn_prints(flagged)
    turn_states.set_states(flagged, flagged_prints[:3], State.APPROVED, by=editor)
    progress = turn_states.progress_of([flagged])[flagged.pk]
    assert (progress.flagged, progress.ready) == (1, False)
    flags.set_dismissed(
        flagged, turn_states.rows_saying(flagged, flagged_prints[3]), "number-mismatch",
        by=editor, dismissed=True,
    )
    progress = turn_states.progress_of([flagged])[flagged.pk]
    assert (progress.flagged, progress.done, progress.ready) == (0, 4, True)


@hypothesis_settings(max_examples=50, deadline=None)
@given(st.text(max_size=40), st.text(max_size=40), st.text(max_size=40), st.text(max_size=40))
def test_fingerprints_differ_whenever_either_text_differs(a, b, c, d):
    same = (a, b) == (c, d)
    assert (turn_states.fingerprint(a, b) == turn_states.fingerprint(c, d)) == same
