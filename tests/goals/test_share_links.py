"""Leadership reads the goals from a share link without an account: what the lead shares,
what the page shows and keeps to itself, and the links that no longer open."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from goals.models import GoalShareLink
from tests.factories import (
    CheckInFactory,
    GoalFactory,
    GoalShareLinkFactory,
    PersonFactory,
    ShareLinkFactory,
    StepFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db

GONE = "This link to the team&#x27;s goals no longer opens"


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def test_the_lead_shares_chosen_goals_and_leadership_reads_only_those(lead_client):
    leads, clicks = GoalFactory(title="Email-sourced leads +40%"), GoalFactory(title="Clicks +25%")
    response = lead_client.post(
        reverse("goals:share-link-create"), {"label": "Marketing leadership", "goals": [leads.pk]}
    )
    link = GoalShareLink.objects.get()
    assert response.url == reverse("goals:share-links")
    listing = lead_client.get(reverse("goals:share-links")).content.decode()
    assert link.get_absolute_url() in listing and leads.short_name in listing

    shared = Client().get(link.get_absolute_url())
    body = shared.content.decode()
    assert shared.status_code == 200
    assert leads.title in body and clicks.title not in body
    assert "<form" not in body
    assert shared["Cache-Control"] == "no-store"
    assert shared["Referrer-Policy"] == "no-referrer"
    assert "noindex" in shared["X-Robots-Tag"]


def test_a_link_naming_no_goal_shows_every_active_goal(client):
    active, archived = GoalFactory(title="Clicks +25%"), GoalFactory(title="Old", archived=True)
    body = client.get(GoalShareLinkFactory().get_absolute_url()).content.decode()
    assert active.title in body and archived.title not in body


def test_a_link_narrowed_to_goals_since_deleted_never_widens_to_every_goal(client):
    chosen, other = GoalFactory(title="Chosen"), GoalFactory(title="Not shared")
    link = GoalShareLinkFactory(goals=[chosen])
    chosen.delete()
    body = client.get(link.get_absolute_url()).content.decode()
    assert other.title not in body and "No goals are shared here yet." in body


def test_the_page_shows_kpi_progress_and_status_with_its_reason_and_nothing_internal(client):
    owner = PersonFactory(name="Priya Shah", email="priya.shah@example.com")
    goal = GoalFactory(
        owner=owner,
        kpi_name="Email-sourced leads",
        baseline=100,
        baseline_date=days(-90),
        target=140,
        deadline=days(270),
    )
    CheckInFactory(goal=goal, on=days(0), value=105, note="Internal: the CRM sync lost a week")
    goal.tasks.add(TaskFactory(title="Rebuild the nurture for the sales team", estimate_hours=4))
    StepFactory(goal=goal, title="Q1: +10%", owner=owner)

    body = client.get(GoalShareLinkFactory().get_absolute_url()).content.decode()

    assert "Email-sourced leads" in body and "105, 12% of the way" in body
    assert "At risk" in body and "the KPI reaches 120 by" in body
    assert "0 h done of 4 h linked" in body and "Q1: +10%" in body and "Priya Shah" in body
    assert "priya.shah@example.com" not in body
    assert "CRM sync lost a week" not in body
    assert "Rebuild the nurture" not in body
    assert reverse("goals:list") not in body  # no way into the team's pages


def test_the_lead_s_status_shows_with_their_note(client):
    GoalFactory(status_override="on_track", status_note="The campaign lands in May.")
    body = client.get(GoalShareLinkFactory().get_absolute_url()).content.decode()
    assert "On track" in body and "The campaign lands in May." in body


def _token(case: str) -> str:
    link = GoalShareLinkFactory()
    token = link.token
    if case == "tampered":
        return token[:-1] + ("A" if token[-1] != "A" else "B")
    if case == "revoked":
        GoalShareLink.objects.update(revoked_at=timezone.now())
    elif case == "expired":
        GoalShareLink.objects.update(expires_on=days(-1))
    elif case == "unknown":
        return GoalShareLinkFactory.build(pk=999999).token
    elif case == "raci":
        return ShareLinkFactory(pk=link.pk).token
    elif case == "garbage":
        return "not-a-token"
    return token


@pytest.mark.parametrize("case", ["tampered", "revoked", "expired", "unknown", "raci", "garbage"])
def test_a_revoked_expired_or_forged_link_is_a_404_that_says_so(client, case):
    response = client.get(reverse("goals:shared", args=[_token(case)]))
    assert response.status_code == 404
    assert GONE in response.content.decode()


def test_a_link_expiring_today_still_opens(client):
    link = GoalShareLinkFactory(expires_on=days(0))
    assert client.get(link.get_absolute_url()).status_code == 200


def test_the_lead_revokes_a_link_after_saying_yes(lead_client):
    link = GoalShareLinkFactory()
    revoke = reverse("goals:share-link-revoke", args=[link.pk])
    assert "Revoke the link for Marketing leadership?" in lead_client.get(revoke).content.decode()
    assert Client().get(link.get_absolute_url()).status_code == 200
    assert lead_client.post(revoke).url == reverse("goals:share-links")
    assert Client().get(link.get_absolute_url()).status_code == 404
    listing = lead_client.get(reverse("goals:share-links")).content.decode()
    assert link.get_absolute_url() not in listing and "Revoked" in listing


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"label": ""}, "This field is required."),
        ({"label": "x", "expires_on": "2020-01-01"}, "Choose today or a later date."),
        ({"label": "x", "goals": ["999999"]}, "Select a valid choice."),
        ({"label": "x\u202e"}, "control character"),
    ],
)
def test_bad_share_link_input_is_refused_beside_its_field(lead_client, data, message):
    response = lead_client.post(reverse("goals:share-link-create"), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not GoalShareLink.objects.exists()


def test_an_archived_goal_cannot_be_shared(lead_client):
    archived = GoalFactory(archived=True)
    response = lead_client.post(
        reverse("goals:share-link-create"), {"label": "x", "goals": [archived.pk]}
    )
    assert response.status_code == 422


def test_only_the_lead_sees_the_links_or_a_way_to_them(viewer_client, member_client, lead_client):
    goal = GoalFactory()
    link = GoalShareLinkFactory(goals=[goal])
    for reader in (viewer_client, member_client):
        for url in (reverse("goals:list"), goal.get_absolute_url()):
            body = reader.get(url).content.decode()
            assert link.token not in body and reverse("goals:share-links") not in body
        assert reader.get(reverse("goals:share-links")).status_code == 403
    body = lead_client.get(goal.get_absolute_url()).content.decode()
    assert f"{reverse('goals:share-links')}?goal={goal.pk}" in body


def test_a_goal_s_share_link_ticks_that_goal_in_advance(lead_client):
    goal = GoalFactory()
    body = lead_client.get(f"{reverse('goals:share-links')}?goal={goal.pk}").content.decode()
    assert f'value="{goal.pk}" id="id_goals_0" checked' in body


def _grow(count: int):
    for _ in range(count):
        goal = GoalFactory()
        CheckInFactory(goal=goal, on=days(-30))
        CheckInFactory(goal=goal, on=days(0))
        goal.tasks.add(TaskFactory(), TaskFactory(status="done"))
        StepFactory(goal=goal, target=110, reached=105).tasks.add(TaskFactory())
        StepFactory(goal=goal)


@pytest.mark.parametrize("count", [1, 6])
def test_the_shared_page_asks_the_same_queries_however_many_goals(
    client, django_assert_num_queries, count
):
    _grow(count)
    link = GoalShareLinkFactory()
    with django_assert_num_queries(QUERIES):
        assert client.get(link.get_absolute_url()).status_code == 200


QUERIES = 10
