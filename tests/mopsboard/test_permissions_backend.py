"""The permissions backend answers as Django's ModelBackend does, reading a person's
permissions with the person rather than in queries of their own."""

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from api.models import ApiToken, Scope
from api.services import token_create
from mopsboard.permissions import PermissionsBackend
from mopsboard.roles import LEAD, MEMBER, VIEWER
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _fresh(user):
    """The user as the session reads them on a request."""
    return PermissionsBackend().get_user(user.pk)


@pytest.mark.parametrize("role", [LEAD, MEMBER, VIEWER])
def test_a_role_has_what_model_backend_gives_it(role):
    user = UserFactory(role=role)
    expected = ModelBackend().get_all_permissions(UserFactory._meta.model.objects.get(pk=user.pk))
    assert expected
    assert PermissionsBackend().get_all_permissions(_fresh(user)) == expected


def test_a_permission_given_to_the_person_counts_with_their_roles():
    user = UserFactory(role=VIEWER)
    user.user_permissions.add(Permission.objects.get(codename="add_task"))
    names = PermissionsBackend().get_all_permissions(_fresh(user))
    assert {"backlog.add_task", "backlog.view_task"} <= names
    assert "backlog.delete_task" not in names


def test_a_superuser_has_every_permission():
    user = UserFactory(is_superuser=True)
    assert len(PermissionsBackend().get_all_permissions(_fresh(user))) == Permission.objects.count()


def test_a_deactivated_person_is_not_read_from_the_session_and_holds_nothing():
    user = UserFactory(role=LEAD, is_active=False)
    assert _fresh(user) is None
    assert PermissionsBackend().get_all_permissions(user) == set()


def test_a_user_read_elsewhere_has_their_permissions_read_once(django_assert_num_queries):
    user = UserFactory(role=MEMBER)
    with django_assert_num_queries(1):
        assert user.has_perm("backlog.change_task")
        assert not user.has_perm("backlog.delete_task")


def test_a_role_changed_meanwhile_counts_on_the_next_request(client: Client):
    user = UserFactory(role=VIEWER)
    client.force_login(user)
    assert client.get("/tasks/new/").status_code == 403
    user.groups.set(UserFactory(role=LEAD).groups.all())
    assert client.get("/tasks/new/").status_code == 200


def test_a_page_reads_the_session_and_the_person_with_their_permissions_in_two_queries(
    client: Client, django_assert_num_queries
):
    client.force_login(UserFactory(role=LEAD))
    # The login page does nothing of its own: what is left is what every page reads.
    with django_assert_num_queries(2):
        assert client.get("/accounts/login/").status_code == 200


def test_an_api_token_reads_its_person_and_their_permissions_in_one_query(
    django_assert_num_queries,
):
    _, key = token_create(user=UserFactory(role=MEMBER), name="CRM", scope=Scope.READ)
    with django_assert_num_queries(1):
        token = ApiToken.objects.holding(key)
        assert token.user.has_perm("backlog.change_task")
        assert not token.user.has_perm("backlog.delete_task")


def test_an_api_token_and_its_person_read_as_the_orm_reads_them():
    user = UserFactory(role=MEMBER, first_name="Ada", email="ada@example.com")
    made, key = token_create(user=user, name="CRM", scope=Scope.READ_WRITE)
    token = ApiToken.objects.holding(key)
    stored = ApiToken.objects.select_related("user").get(pk=made.pk)
    fields = [field.attname for field in ApiToken._meta.concrete_fields]
    assert [getattr(token, name) for name in fields] == [getattr(stored, name) for name in fields]
    fields = [field.attname for field in type(user)._meta.concrete_fields]
    assert [getattr(token.user, name) for name in fields] == [
        getattr(stored.user, name) for name in fields
    ]
    assert not token._state.adding and not token.user._state.adding


def test_a_revoked_token_or_a_deactivated_person_opens_nothing():
    user = UserFactory(role=MEMBER)
    revoked, revoked_key = token_create(user=user, name="Old", scope=Scope.READ)
    ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    _, key = token_create(user=user, name="New", scope=Scope.READ)
    assert ApiToken.objects.holding(revoked_key) is None
    assert ApiToken.objects.holding("mops_" + "x" * 43) is None
    assert ApiToken.objects.holding(key) is not None
    user.is_active = False
    user.save()
    assert ApiToken.objects.holding(key) is None
