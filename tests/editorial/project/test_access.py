"""Who gets into the admin: logins are throttled (django-axes, per username and
address), and staff status follows the Editor and Publisher groups."""
import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from editorial.project.proxies import client_address, trusted_networks
from tests.factories import role_group

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-42"


@pytest.fixture
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def log_in(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password,
                                 "next": reverse("admin:index")},
        REMOTE_ADDR=address,
    )


def test_wrong_passwords_lock_the_login_even_for_the_right_one(client, fast_hashing, settings):
    from tests.factories import user_in

    user_in("Editor", "eddie", password=PASSWORD)
    answers = [log_in(client, "eddie", "wrong").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    assert answers == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    refused = log_in(client, "eddie", PASSWORD)
    assert refused.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_username_and_address(client, fast_hashing, settings):
    from tests.factories import user_in

    user_in("Editor", "eddie", password=PASSWORD)
    user_in("Publisher", "pat", password=PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "eddie", "wrong")
    assert log_in(client, "pat", PASSWORD).status_code == 302  # another user
    client.logout()
    assert log_in(client, "eddie", PASSWORD, address="10.0.0.2").status_code == 302


def test_a_few_mistakes_do_not_lock(client, fast_hashing, settings):
    from tests.factories import user_in

    user_in("Editor", "eddie", password=PASSWORD)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "eddie", "wrong")
    assert log_in(client, "eddie", PASSWORD).status_code == 302


@pytest.mark.parametrize("role", ["Editor", "Publisher"])
def test_joining_a_role_gives_staff_status_and_leaving_it_takes_it(role):
    user = User.objects.create_user("newcomer")
    assert not user.is_staff
    user.groups.add(role_group(role))
    assert User.objects.get(pk=user.pk).is_staff
    user.groups.remove(role_group(role))
    assert not User.objects.get(pk=user.pk).is_staff


def test_adding_members_from_the_group_side_gives_staff_status():
    user = User.objects.create_user("newcomer")
    role_group("Publisher").user_set.add(user)
    assert User.objects.get(pk=user.pk).is_staff


def test_other_groups_and_superusers_are_left_alone():
    other = Group.objects.create(name="Readers")
    user = User.objects.create_user("reader")
    user.groups.add(other)
    assert not User.objects.get(pk=user.pk).is_staff
    boss = User.objects.create_superuser("boss", password=None)
    boss.groups.add(role_group("Editor"))
    boss.groups.clear()
    assert User.objects.get(pk=boss.pk).is_staff


def test_the_user_admin_gives_staff_status_through_the_group(client):
    admin = User.objects.create_superuser("boss", password=None)
    user = User.objects.create_user("newcomer")
    client.force_login(admin)
    url = reverse("admin:auth_user_change", args=[user.pk])
    response = client.post(url, {
        "username": "newcomer", "is_active": "on",
        "groups": [role_group("Editor").pk],
        "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
        "initial-date_joined_0": "2026-01-01", "initial-date_joined_1": "00:00:00",
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert user.is_staff and user.groups.filter(name="Editor").exists()


def test_without_trusted_proxies_a_forwarded_address_is_not_believed(client, fast_hashing, settings):
    """A client that writes X-Forwarded-For itself neither escapes its lock nor locks
    out others: the address is the connection's."""
    from tests.factories import user_in

    settings.ARCHIVE_TRUSTED_PROXIES = ()
    user_in("Editor", "eddie", password=PASSWORD)
    for number in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("admin:login"), {"username": "eddie", "password": "wrong"},
                    REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"192.0.2.{number}")
    assert log_in(client, "eddie", PASSWORD, address="10.0.0.1").status_code == 429
    assert log_in(client, "eddie", PASSWORD, address="10.0.0.9").status_code == 302


def test_behind_trusted_proxies_each_client_is_its_own_address(client, fast_hashing, settings):
    """Behind a proxy every request comes from its address: the client it forwarded
    is counted, so one client cannot lock another out, and what a client wrote to
    the left of the proxy's entry is not believed."""
    from tests.factories import user_in

    password = PASSWORD
    settings.ARCHIVE_TRUSTED_PROXIES = trusted_networks("127.0.0.1, 10.1.0.0/16")
    user_in("Editor", "eddie", password=password)
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for number in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("admin:login"), {"username": "eddie", "password": "wrong"}, **proxy,
                    HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, 198.51.100.7, 10.1.0.3")
    locked = client.post(reverse("admin:login"), {"username": "eddie", "password": password},
                         **proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert locked.status_code == 429
    other = client.post(reverse("admin:login"), {"username": "eddie", "password": password,
                                                 "next": reverse("admin:index")},
                        **proxy, HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert other.status_code == 302


@pytest.mark.parametrize("forwarded, expected", [
    ("", "127.0.0.1"), ("203.0.113.5", "203.0.113.5"), ("1.2.3.4, 203.0.113.5", "203.0.113.5"),
    ("203.0.113.5, 10.1.2.3", "203.0.113.5"), ("nonsense, 10.1.2.3", "10.1.2.3"),
    ("10.1.0.1, 127.0.0.1", "10.1.0.1"),
])
def test_the_client_is_the_first_untrusted_hop_from_the_right(rf, settings, forwarded, expected):
    settings.ARCHIVE_TRUSTED_PROXIES = trusted_networks("127.0.0.1,10.1.0.0/16")
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected
