"""Nothing of the requester's reaches someone on the RACI without an account: not their
name or team on the request's page, nor their replies by email."""

import pytest
from django.test import Client
from django.urls import reverse

from intake.services import request_submit
from intake.tracking import following_token
from raci.models import Role
from tests.factories import AssignmentFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def task():
    return request_submit(
        link=None,
        by=None,
        title="Partner webinar page",
        details="A landing page for the EMEA partner webinar.",
        why="Partners sign up there.",
        wanted_by=None,
        category=None,
        links=[],
        name="Rita Requester",
        email="rita@example.com",
        team="Sales",
    )


def test_the_following_page_shows_what_was_asked_and_nothing_of_who_asked(task):
    sam = PersonFactory(name="Sam Carter", email="sam@example.com", kind="stakeholder")
    AssignmentFactory(task=task, person=sam, role=Role.INFORMED)
    page = Client().get(reverse("intake:following", args=[following_token(task.pk, sam.pk)]))
    html = page.content.decode()
    assert page.status_code == 200 and "A landing page for the EMEA partner webinar." in html
    assert "Rita" not in html and "Sales" not in html


def test_the_team_page_still_names_the_requester(lead_client, task):
    html = lead_client.get(task.get_absolute_url()).content.decode()
    assert "Rita Requester" in html and "A landing page for the EMEA partner webinar." in html
