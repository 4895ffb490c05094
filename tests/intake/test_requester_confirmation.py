"""Someone who types a team member's address into the public form cannot pass as them: the
request stays unconfirmed, and the lead sees so, until the link emailed to that address
is followed; nobody's record changes. Nor do the requester's pages show the address to
whoever holds their link."""

import re

import pytest
from django.urls import reverse

from backlog.models import Task
from intake.tracking import confirm_token, requester_token, tracking_token
from mail.models import Email
from people.models import Person
from tests.factories import IntakeLinkFactory, PersonFactory
from tests.intake.conftest import request_data

pytestmark = pytest.mark.django_db

FORGED = {"name": "Mallory Vance", "email": "PRIYA@example.com", "team": "Office of the CEO"}


@pytest.fixture
def priya(lead):
    """The lead's own person, as the team keeps it."""
    return PersonFactory(
        name="Priya Shah",
        email="priya@example.com",
        title="Marketing operations lead",
        kind=Person.Kind.TEAM,
        weekly_capacity_hours=32,
        user=lead,
    )


def send_as_priya(client) -> Task:
    link = IntakeLinkFactory()
    response = client.post(
        reverse("intake:link-form", args=[link.token]),
        request_data(title="Cancel the partner webinar", **FORGED),
    )
    assert response.status_code == 303
    return Task.objects.get()


def confirm_path(email: Email) -> str:
    return re.search(r"/requests/confirm/[^/\s]+/", email.text).group()


def test_the_leads_address_on_the_public_form_changes_nothing_of_theirs(client, priya):
    send_as_priya(client)
    kept = Person.objects.get()
    assert (kept.name, kept.email, kept.title, kept.kind, kept.weekly_capacity_hours) == (
        "Priya Shah",
        "priya@example.com",
        "Marketing operations lead",
        Person.Kind.TEAM,
        32,
    )
    assert kept.user_id == priya.user_id


def test_the_lead_sees_the_request_is_unconfirmed_in_triage_and_on_its_page(
    client, lead_client, priya
):
    task = send_as_priya(client)
    triage = lead_client.get(reverse("backlog:triage")).content.decode()
    assert "requested by Priya Shah (unconfirmed)" in triage
    assert '<span class="badge unconfirmed">Unconfirmed</span>' in triage
    page = lead_client.get(task.get_absolute_url()).content.decode()
    assert "Requester unconfirmed" in page


def test_an_unconfirmed_request_is_not_among_the_leads_requests(client, priya):
    task = send_as_priya(client)
    mine = client.get(reverse("intake:mine", args=[requester_token(priya)])).content.decode()
    assert task.title not in mine
    # Whoever holds the request's own link is not told whose address it was either.
    page = client.get(reverse("intake:request", args=[tracking_token(task)])).content.decode()
    assert "Priya Shah" not in page


def test_the_link_emailed_to_the_address_confirms_the_request(
    client, lead_client, priya, run_tell_jobs
):
    task = send_as_priya(client)
    run_tell_jobs()
    acknowledgement = Email.objects.get()
    assert acknowledgement.to == "priya@example.com"
    path = confirm_path(acknowledgement)
    # The link the sender saw on the receipt is not the one that confirms.
    assert tracking_token(task) not in path
    opened = client.get(path)
    assert opened.status_code == 200
    assert "Did you send this request?" in opened.content.decode()
    # Opening it is not yet a yes: a mail scanner opens links too.
    task.refresh_from_db()
    assert not task.requester_confirmed
    confirmed = client.post(path)
    assert confirmed.status_code == 303
    assert confirmed.url == reverse("intake:request", args=[tracking_token(task)])
    task.refresh_from_db()
    assert task.requester_confirmed
    page = lead_client.get(task.get_absolute_url()).content.decode()
    assert "unconfirmed" not in page
    assert "The requester confirmed it is theirs, from the link emailed to them" in page
    mine = client.get(reverse("intake:mine", args=[requester_token(priya)])).content.decode()
    assert task.title in mine
    assert Person.objects.get().name == "Priya Shah"


def test_a_request_page_link_does_not_confirm(client, priya):
    task = send_as_priya(client)
    forged = reverse("intake:confirm", args=[tracking_token(task)])
    assert client.post(forged).status_code == 404
    task.refresh_from_db()
    assert not task.requester_confirmed


def test_a_team_member_signed_in_vouches_for_the_requester(member_client):
    response = member_client.post(reverse("intake:request-form"), request_data())
    assert response.status_code == 303
    assert Task.objects.get().requester_confirmed


def test_a_requester_the_lead_picks_on_the_task_page_is_confirmed(client, lead_client, priya):
    task = send_as_priya(client)
    mallory = PersonFactory(name="Mallory Vance", email="mallory@example.com")
    response = lead_client.post(
        task.get_absolute_url(),
        {
            "version": task.version,
            "title": task.title,
            "description": task.description,
            "requester": mallory.pk,
            "category": "",
            "due_date": "",
            "impact": "",
            "effort": "",
            "estimate_hours": "",
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.requester, task.requester_confirmed) == (mallory, True)
    assert "unconfirmed" not in lead_client.get(task.get_absolute_url()).content.decode()


def test_the_email_me_my_requests_pages_do_not_show_the_address(client, intake_link):
    client.post(reverse("intake:link-form", args=[intake_link.token]), request_data())
    task = Task.objects.get()
    client.post(reverse("intake:confirm", args=[confirm_token(task)]))
    emailed = client.post(
        reverse("intake:requests-email", args=[tracking_token(task)]), follow=True
    )
    text = emailed.content.decode()
    assert "We have emailed a link to all your requests" in text
    assert "Dana Whitfield" in text
    assert "dana@example.com" not in text
    mine = client.get(reverse("intake:mine", args=[requester_token(task.requester)]))
    assert task.title in mine.content.decode()
    assert "dana@example.com" not in mine.content.decode()
