"""Every role × transition, allowed and refused; states, audit entries, revisions."""
import pytest
from django.contrib.auth.models import User

from archive.models import Episode
from editorial.models import ReviewState, Revision, Transition
from editorial.review import workflow
from tests.factories import role_group, user_in

pytestmark = pytest.mark.django_db

ALLOWED = {
    "submit": {"Editor", "Publisher"},
    "send_back": {"Publisher"},
    "mark_reviewed": {"Publisher"},
    "reopen": {"Publisher"},
    "set_maturity": {"Publisher"},
    "unlist": {"Publisher"},
    "relist": {"Publisher"},
}


def boss():
    return User.objects.create_superuser("boss", password=None)


def prepare(episode, action):
    """Put ``episode`` in the state ``action`` starts from, as a superuser."""
    admin = boss()
    if action in {"send_back", "mark_reviewed", "reopen"}:
        workflow.episode_submit(episode=episode, by=admin)
    if action == "reopen":
        workflow.episode_mark_reviewed(episode=episode, by=admin)
    if action == "relist":
        workflow.episode_unlist(episode=episode, by=admin)
    return Episode.objects.get(pk=episode.pk)


def run(action, episode, user):
    arguments = {"episode": episode, "by": user, "comment": "because"}
    if action == "set_maturity":
        arguments["status"] = "budding"
    return getattr(workflow, f"episode_{action}")(**arguments)


EXPECTED = {
    "submit": lambda e: workflow.review_state(e) == ReviewState.IN_REVIEW and e.draft,
    "send_back": lambda e: workflow.review_state(e) == ReviewState.DRAFT and e.draft,
    "mark_reviewed": lambda e: workflow.review_state(e) == ReviewState.REVIEWED and not e.draft,
    "reopen": lambda e: workflow.review_state(e) == ReviewState.DRAFT and e.draft,
    "set_maturity": lambda e: e.status == "budding",
    "unlist": lambda e: e.exclude,
    "relist": lambda e: not e.exclude,
}


@pytest.mark.parametrize("role", ["Editor", "Publisher", None])
@pytest.mark.parametrize("action", sorted(ALLOWED))
def test_each_role_may_make_only_its_transitions(episode, role, action):
    episode = prepare(episode, action)
    user = user_in(role)
    before = (episode.draft, episode.status, episode.exclude, episode.version)
    logged = Transition.objects.count()
    if role in ALLOWED[action]:
        run(action, episode, user)
        fresh = Episode.objects.get(pk=episode.pk)
        assert EXPECTED[action](fresh)
        entry = Transition.objects.filter(episode=episode).first()
        assert (entry.action, entry.by, entry.comment) == (action, user, "because")
        assert entry.from_value != entry.to_value
    else:
        with pytest.raises(workflow.NotPermitted):
            run(action, episode, user)
        fresh = Episode.objects.get(pk=episode.pk)
        assert (fresh.draft, fresh.status, fresh.exclude, fresh.version) == before
        assert Transition.objects.count() == logged


def test_the_review_path_records_who_when_from_and_to(episode, editor, publisher):
    workflow.episode_submit(episode=episode, by=editor)
    workflow.episode_send_back(episode=episode, by=publisher, comment="Fix turn 3")
    workflow.episode_submit(episode=episode, by=editor, comment="Fixed")
    workflow.episode_mark_reviewed(episode=episode, by=publisher)
    log = list(episode.transitions.order_by("at", "pk").values_list(
        "action", "from_value", "to_value", "by__username", "comment"
    ))
    assert log == [
        ("submit", "draft", "in_review", "eddie", ""),
        ("send_back", "in_review", "draft", "pat", "Fix turn 3"),
        ("submit", "draft", "in_review", "eddie", "Fixed"),
        ("mark_reviewed", "in_review", "reviewed", "pat", ""),
    ]
    assert Episode.objects.get(pk=episode.pk).draft is False
    assert episode.review.reviewed_by == publisher


def test_marking_reviewed_writes_the_file_and_keeps_a_revision(episode, editor, publisher):
    workflow.episode_submit(episode=episode, by=editor)
    assert Episode.objects.get(pk=episode.pk).version == 1  # submitting leaves the file alone
    workflow.episode_mark_reviewed(episode=episode, by=publisher)
    fresh = Episode.objects.get(pk=episode.pk)
    assert fresh.version == 2
    revision = fresh.revisions.get(version=2)
    assert "draft: false\n" in revision.text and revision.kind == Revision.Kind.WORKFLOW
    assert "draft: true\n" in fresh.revisions.get(version=1).text


@pytest.mark.parametrize("action, start", [
    ("mark_reviewed", "draft"), ("send_back", "draft"), ("reopen", "draft"),
    ("submit", "in_review"), ("reopen", "in_review"),
    ("submit", "reviewed"), ("mark_reviewed", "reviewed"), ("send_back", "reviewed"),
])
def test_a_transition_from_the_wrong_state_is_refused(episode, publisher, action, start):
    if start in {"in_review", "reviewed"}:
        workflow.episode_submit(episode=episode, by=publisher)
    if start == "reviewed":
        workflow.episode_mark_reviewed(episode=episode, by=publisher)
    logged = Transition.objects.count()
    with pytest.raises(workflow.InvalidTransition):
        run(action, episode, publisher)
    assert Transition.objects.count() == logged


def test_sending_back_needs_a_comment(episode, publisher):
    workflow.episode_submit(episode=episode, by=publisher)
    with pytest.raises(workflow.InvalidTransition, match="comment"):
        workflow.episode_send_back(episode=episode, by=publisher, comment="  ")


def test_maturity_must_be_one_of_the_three(episode, publisher):
    with pytest.raises(workflow.InvalidTransition):
        workflow.episode_set_maturity(episode=episode, by=publisher, status="evengreen")
    with pytest.raises(workflow.InvalidTransition, match="already"):
        workflow.episode_set_maturity(episode=episode, by=publisher, status="evergreen")


def test_unlisting_twice_is_refused(episode, publisher):
    workflow.episode_unlist(episode=episode, by=publisher)
    with pytest.raises(workflow.InvalidTransition, match="already unlisted"):
        workflow.episode_unlist(episode=episode, by=publisher)


def test_the_file_wins_over_a_stale_review_row(episode, publisher):
    workflow.episode_submit(episode=episode, by=publisher)
    Episode.objects.filter(pk=episode.pk).update(draft=False)  # an import said draft: false
    assert workflow.review_state(Episode.objects.get(pk=episode.pk)) == ReviewState.REVIEWED


def test_inactive_users_may_do_nothing(episode):
    user = user_in("Publisher")
    user.is_active = False
    user.save()
    with pytest.raises(workflow.NotPermitted):
        workflow.episode_submit(episode=episode, by=user)


def test_available_transitions_follow_role_and_state(episode, editor, publisher):
    assert [a.action for a in workflow.available_transitions(episode, editor)] == ["submit"]
    actions = [a.action for a in workflow.available_transitions(episode, publisher)]
    assert actions == ["submit", "set_maturity", "set_maturity", "unlist"]
    workflow.episode_submit(episode=episode, by=editor)
    assert workflow.available_transitions(episode, editor) == []
    actions = [a.action for a in workflow.available_transitions(episode, publisher)]
    assert actions[:2] == ["mark_reviewed", "send_back"]


def test_the_roles_come_from_a_data_migration():
    editor = set(role_group("Editor").permissions.values_list("codename", flat=True))
    publisher = set(role_group("Publisher").permissions.values_list("codename", flat=True))
    assert {"change_episode", "submit_episode"} <= editor
    assert not editor & {"review_episode", "set_maturity", "unlist_episode"}
    assert publisher - editor == {"review_episode", "set_maturity", "unlist_episode"}
