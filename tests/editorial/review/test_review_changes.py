"""Changes to reviewed episodes: an edit marks a reviewed episode "changed since
review" and queues it; a publisher compares with the reviewed revision and approves
or reverts. The review state has one rule, for one episode and as a query."""
import pytest
from django.urls import reverse

from archive.models import Episode
from editorial.edits import front_matter as episode_edits
from editorial.edits import transcript
from editorial.models import EpisodeReview, ReviewState, Transition
from editorial.review import state as reviewstate
from editorial.review import workflow
from editorial.revisions import history as revisions
from tests.factories import BILINGUAL, episode_from_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(publisher):
    episode = episode_from_text()
    workflow.episode_submit(episode=episode, by=publisher)
    workflow.episode_mark_reviewed(episode=episode, by=publisher)
    return Episode.objects.get(pk=episode.pk)


def state_of(episode):
    return reviewstate.review_state(Episode.objects.select_related("review").get(pk=episode.pk))


def edit_title(episode, by, title="改过的标题"):
    episode_edits.episode_update(
        episode=episode, by=by, version=Episode.objects.get(pk=episode.pk).version,
        columns={"title": title}, entities={},
    )


@pytest.mark.parametrize("how", ["front matter", "tags", "transcript"])
def test_an_edit_of_a_reviewed_episode_marks_it_changed_since_review(how, reviewed, editor):
    approved = reviewed.version
    if how == "front matter":
        edit_title(reviewed, editor)
    elif how == "tags":
        episode_edits.episode_update(
            episode=reviewed, by=editor, version=approved, columns={},
            entities={"tags": ["databases", "新标签"]},
        )
    else:
        rows = transcript.rows_of(reviewed)
        rows[1].translation = "改过的一句。"
        transcript.save_transcript(episode=reviewed, by=editor, version=approved, rows=rows)
    assert state_of(reviewed) == ReviewState.CHANGED
    assert Episode.objects.get(pk=reviewed.pk).draft is False  # the file stays reviewed
    assert EpisodeReview.objects.get(episode=reviewed).reviewed_version == approved
    assert reviewstate.last_reviewed_version(reviewed) == approved
    assert Transition.objects.filter(episode=reviewed, action="changed", by=editor).exists()
    queued = Episode.objects.filter(reviewstate.review_state_q(*reviewstate.WAITING))
    assert list(queued) == [reviewed]


def test_a_reviewed_episode_never_edited_in_the_admin_keeps_its_imported_file_as_approved(editor):
    episode = episode_from_text(BILINGUAL.replace("draft: true", "draft: false"))
    assert state_of(episode) == ReviewState.REVIEWED
    edit_title(episode, editor)
    assert state_of(episode) == ReviewState.CHANGED
    assert reviewstate.last_reviewed_version(episode) == 1  # the "As imported" revision


def test_the_publisher_approves_and_it_is_reviewed_again(reviewed, editor, publisher):
    edit_title(reviewed, editor)
    workflow.episode_mark_reviewed(episode=Episode.objects.get(pk=reviewed.pk), by=publisher)
    assert state_of(reviewed) == ReviewState.REVIEWED
    assert reviewstate.last_reviewed_version(reviewed) == Episode.objects.get(pk=reviewed.pk).version


def test_reverting_to_the_reviewed_revision_makes_it_reviewed_again(reviewed, editor, publisher):
    approved = reviewed.version
    edit_title(reviewed, editor)
    edit_title(reviewed, editor, "又改了一次")
    revision = reviewed.revisions.get(version=approved)
    revisions.revert(episode=reviewed, by=publisher, revision=revision)
    fresh = Episode.objects.get(pk=reviewed.pk)
    assert fresh.title == "编辑测试" and state_of(fresh) == ReviewState.REVIEWED


def test_editing_back_by_hand_to_the_approved_text_is_reviewed_again(reviewed, editor):
    edit_title(reviewed, editor)
    edit_title(reviewed, editor, "编辑测试")
    assert state_of(reviewed) == ReviewState.REVIEWED


def test_drafts_are_not_affected(editor):
    episode = episode_from_text()
    edit_title(episode, editor)
    assert state_of(episode) == ReviewState.DRAFT
    assert not EpisodeReview.objects.filter(episode=episode).exists()


def test_the_publisher_sees_the_comparison_with_the_reviewed_revision(client, reviewed, editor, publisher):
    edit_title(reviewed, editor)
    client.force_login(publisher)
    page = client.get(reverse("admin:archive_episode_change", args=[reviewed.pk])).content.decode()
    assert "Changed since review" in page
    approved = reviewstate.last_reviewed_version(reviewed)
    current = Episode.objects.get(pk=reviewed.pk).version
    compare = reverse("admin:editorial_compare", args=[reviewed.pk]) + f"?a={approved}&amp;b={current}"
    assert compare in page
    assert reverse("admin:editorial_revert", args=[
        reviewed.pk, reviewed.revisions.get(version=approved).pk
    ]) in page
    assert "Approve the changes" in page
    diff = client.get(compare.replace("&amp;", "&")).content.decode()
    assert "<ins>改过的标题</ins>" in diff


def test_the_review_queue_lists_changed_episodes_with_the_submitters_comment(client, editor, publisher):
    submitted = episode_from_text()
    workflow.episode_submit(episode=submitted, by=editor, comment="请看第三段的译法")
    client.force_login(publisher)
    html = client.get(reverse("admin:editorial_review_queue")).content.decode()
    assert "请看第三段的译法" in html and "eddie" in html
    home = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:editorial_review_queue") in home


def test_the_list_filter_uses_the_same_rule(client, reviewed, editor):
    edit_title(reviewed, editor)
    client.force_login(editor)
    url = reverse("admin:archive_episode_changelist")
    listed = client.get(url, {"review": "changed"}).context["cl"].result_list
    assert list(listed) == [reviewed]
    assert list(client.get(url, {"review": "reviewed"}).context["cl"].result_list) == []


@pytest.mark.parametrize("draft", [True, False])
@pytest.mark.parametrize("stored", [None, *ReviewState.values])
def test_the_rule_and_the_query_agree_for_every_combination(draft, stored):
    episode = episode_from_text()
    Episode.objects.filter(pk=episode.pk).update(draft=draft)
    EpisodeReview.objects.filter(episode=episode).delete()
    if stored is not None:
        EpisodeReview.objects.create(episode=episode, state=stored)
    expected = reviewstate.resolve(draft, stored)
    assert state_of(episode) == expected
    for state in ReviewState.values:
        found = Episode.objects.filter(reviewstate.review_state_q(state), pk=episode.pk).exists()
        assert found == (state == expected)
