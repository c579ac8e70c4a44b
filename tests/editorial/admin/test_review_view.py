"""The review view's page, its turns as JSON and its actions: every edit a change of
the file through the edit road, exactly the edit; states and dismissals in the
database; CSRF, permissions and the version checked."""
from __future__ import annotations

import difflib
import json

import pytest
from django.test import Client
from django.urls import reverse

from editorial.edits.editing import render_episode
from editorial.models import ReviewClaim, TurnReview
from tests.factories import BILINGUAL, episode_from_text

pytestmark = pytest.mark.django_db
# The last turn's numbers differ: a number-mismatch flag from the translation checks.
FLAGGED = BILINGUAL.replace("第四句话。", "第四句话，收入增长了30%，达到50亿美元。").replace(
    "The fourth sentence.", "The fourth sentence, revenue grew 40% to $7 billion."
)


@pytest.fixture
def flagged(db):
    return episode_from_text(FLAGGED)


def turns_of(client, episode):
    response = client.get(reverse("admin:editorial_review_turns", args=[episode.pk]))
    assert response.status_code == 200
    return response.json()


def act(client, episode, **payload):
    return client.post(
        reverse("admin:editorial_review_act", args=[episode.pk]),
        data=json.dumps(payload), content_type="application/json",
    )


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_the_page_is_a_frame_with_no_text_box_and_no_inline_script(client, editor, flagged):
    client.force_login(editor)
    page = client.get(reverse("admin:editorial_review", args=[flagged.pk])).content.decode()
    assert "<textarea" not in page
    assert 'src="/static/editorial/review.js"' in page
    assert "<script>" not in page.replace('<script id="review-strings" type="application/json">', "")
    data = turns_of(client, flagged)
    assert [turn["zh"] for turn in data["turns"]][-1] == "第四句话，收入增长了30%，达到50亿美元。"
    flag = data["turns"][-1]["flags"][0]
    assert flag["check"] == "number-mismatch"
    zh = data["turns"][-1]["zh"]
    assert [zh[a:b] for a, b in flag["zh"]] == ["30", "50亿"]
    assert data["progress"] == {"total": 4, "approved": 0, "flagged": 1, "done": 0, "ready": False}


def test_approve_dismiss_and_undo_change_no_byte_of_the_file(client, editor, flagged):
    client.force_login(editor)
    before = render_episode(flagged.pk)
    turns = turns_of(client, flagged)["turns"]
    answer = act(client, flagged, action="state", fingerprint=turns[0]["fingerprint"], state="approved")
    assert answer.json()["previous"] == "" and "progress" not in answer.json()  # the page counts
    assert turns_of(client, flagged)["progress"]["approved"] == 1
    act(client, flagged, action="dismiss", fingerprint=turns[3]["fingerprint"], check="number-mismatch")
    assert turns_of(client, flagged)["progress"]["flagged"] == 0
    act(client, flagged, action="restore", fingerprint=turns[3]["fingerprint"], check="number-mismatch")
    act(client, flagged, action="state", fingerprint=turns[0]["fingerprint"], state="")
    assert turns_of(client, flagged)["progress"]["approved"] == 0
    assert render_episode(flagged.pk) == before


def test_edit_split_and_merge_change_exactly_those_lines(client, editor, episode):
    client.force_login(editor)
    before = render_episode(episode.pk)
    data = turns_of(client, episode)
    first, second, third, fourth = data["turns"]
    answer = act(
        client, episode, action="replace", version=data["version"], position=first["position"],
        count=1, texts=[{"zh": "第一句话，改过。", "en": first["en"]}], kind="edit",
    ).json()
    assert changed_lines(before, render_episode(episode.pk)) == [
        "-**Speaker A**: 第一句话，谈到**TPU**。", "+**Speaker A**: 第一句话，改过。",
    ]
    assert answer["replaced"]["turns"][0]["state"] == "approved"
    text = render_episode(episode.pk)
    answer = act(
        client, episode, action="replace", version=answer["version"], position=second["position"],
        count=1, kind="split", texts=[
            {"zh": "第二句话，", "en": "**Ada Park**: The second sentence,"},
            {"zh": "还有**Nvidia**。", "en": "and **Nvidia**."},
        ],
    ).json()
    assert [turn["zh"] for turn in answer["replaced"]["turns"]] == ["第二句话，", "还有**Nvidia**。"]
    after_split = render_episode(episode.pk)
    assert changed_lines(text, after_split) == [
        "-**Ada Park**: 第二句话，还有**Nvidia**。",
        "+**Ada Park**: 第二句话，",
        "-**Ada Park**: The second sentence, and **Nvidia**.",
        "+**Ada Park**: The second sentence,",
        "+", "+</details>", "+", "+**Ada Park**: 还有**Nvidia**。", "+", "+<details>",
        "+<summary>Original English</summary>", "+", "+and **Nvidia**.",
    ]
    positions = [t["position"] for t in turns_of(client, episode)["turns"]]
    answer = act(
        client, episode, action="replace", version=answer["version"], position=positions[1],
        count=2, kind="merge", texts=[{
            "zh": "第二句话，还有**Nvidia**。", "en": "**Ada Park**: The second sentence, and **Nvidia**.",
        }],
    ).json()
    assert changed_lines(text, render_episode(episode.pk)) == []
    assert episode.revisions.count() == 4      # as imported, and one per edit


def test_a_stale_version_is_refused_and_nothing_changes(client, editor, episode):
    client.force_login(editor)
    data = turns_of(client, episode)
    before = render_episode(episode.pk)
    answer = act(
        client, episode, action="replace", version=data["version"] - 1 or 99,
        position=data["turns"][0]["position"], count=1, texts=[{"zh": "改", "en": "x"}],
    )
    assert answer.status_code == 409 and answer.json()["conflict"]
    assert render_episode(episode.pk) == before


@pytest.mark.parametrize("payload", [
    {"action": "replace", "version": "1", "position": 1, "count": 1, "texts": [{"zh": "a"}]},
    {"action": "replace", "version": 1, "position": 1, "count": 1, "texts": []},
    {"action": "replace", "version": 1, "position": 0, "count": 1, "texts": [{"zh": "标题"}]},
    {"action": "replace", "version": 1, "position": 1, "count": 1, "texts": [{"zh": "a\n\nb", "en": ""}]},
    {"action": "state", "fingerprint": "../../etc", "state": "approved"},
    {"action": "state", "fingerprint": "0" * 32, "state": "published"},
    {"action": "dismiss", "fingerprint": "0" * 32, "check": ""},
])
def test_bad_requests_get_a_clear_400(client, editor, episode, payload):
    client.force_login(editor)
    answer = act(client, episode, **payload)
    assert answer.status_code == 400 and answer.json()["error"]


def test_actions_need_the_csrf_token_and_the_right_to_edit(editor, outsider, episode):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    assert act(strict, episode, action="mark_reviewed").status_code == 403
    client = Client()
    client.force_login(outsider)
    assert act(client, episode, action="mark_reviewed").status_code == 403
    assert client.get(reverse("admin:editorial_review_turns", args=[episode.pk])).status_code == 403


def test_marking_reviewed_waits_for_every_turn_then_goes_through_the_workflow(
    client, publisher, flagged,
):
    client.force_login(publisher)
    turns = turns_of(client, flagged)["turns"]
    refused = act(client, flagged, action="mark_reviewed")
    assert refused.status_code == 400
    for turn in turns[:3]:
        act(client, flagged, action="state", fingerprint=turn["fingerprint"], state="approved")
    act(client, flagged, action="dismiss", fingerprint=turns[3]["fingerprint"], check="number-mismatch")
    answer = act(client, flagged, action="mark_reviewed").json()
    assert answer["review_state"] == "reviewed"
    assert "draft: false" in render_episode(flagged.pk)
    assert list(flagged.transitions.values_list("action", flat=True)) == ["mark_reviewed", "submit"]
    assert not ReviewClaim.objects.filter(episode=flagged).exists()


def test_opening_the_view_claims_the_episode_and_warns_the_second_editor(
    client, editor, publisher, episode,
):
    client.force_login(editor)
    client.get(reverse("admin:editorial_review", args=[episode.pk]))
    assert ReviewClaim.objects.get(episode=episode).by == editor
    other = Client()
    other.force_login(publisher)
    page = other.get(reverse("admin:editorial_review", args=[episode.pk])).content.decode()
    assert "eddie is reviewing this episode now" in page
    assert ReviewClaim.objects.get(episode=episode).by == editor


def test_the_transcript_editor_approves_the_turns_a_save_changed(client, editor, episode):
    from editorial.edits import transcript

    rows = transcript.rows_of(episode)
    rows[1].translation = "第一句话，编辑过。"
    transcript.save_transcript(episode=episode, by=editor, version=episode.version, rows=rows)
    assert list(TurnReview.objects.filter(episode=episode).values_list("state", flat=True)) == ["approved"]
