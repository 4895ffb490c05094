"""Who does the work, on the board: each card names its Responsible people, and the board
filters by "Responsible: me / anyone / nobody"."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from raci.models import Role
from tests.factories import AssignmentFactory, PersonFactory, TaskFactory

pytestmark = pytest.mark.django_db

BOARD = reverse("backlog:board")


def titles(body: str) -> set[str]:
    return set(re.findall(r'class="card-title" href="/tasks/\d+/">([^<]+)</a>', body))


@pytest.fixture
def backlog(member):
    tom = PersonFactory(name="Tom Becker", user=member)
    ana = PersonFactory(name="Ana Lima")
    tasks = {
        "shared": TaskFactory(title="Bounce campaign"),
        "mine": TaskFactory(title="Lead routing"),
        "accountable": TaskFactory(title="Preference centre"),
        "consulted": TaskFactory(title="Attribution dashboard"),
        "nobody": TaskFactory(title="Consent program"),
    }
    AssignmentFactory(task=tasks["shared"], person=tom, role=Role.RESPONSIBLE)
    AssignmentFactory(task=tasks["shared"], person=ana, role=Role.ACCOUNTABLE_RESPONSIBLE)
    AssignmentFactory(task=tasks["mine"], person=tom, role=Role.ACCOUNTABLE_RESPONSIBLE)
    AssignmentFactory(task=tasks["accountable"], person=tom, role=Role.ACCOUNTABLE)
    AssignmentFactory(task=tasks["accountable"], person=ana, role=Role.RESPONSIBLE)
    AssignmentFactory(task=tasks["consulted"], person=tom, role=Role.CONSULTED)
    AssignmentFactory(task=tasks["nobody"], person=ana, role=Role.ACCOUNTABLE)
    return tasks


def card(body: str, task) -> str:
    match = re.search(rf'<li id="task-{task.pk}".*?</li>', body, re.S)
    assert match, task
    return match.group(0)


def test_each_card_names_who_is_responsible(member_client, backlog):
    body = member_client.get(BOARD).content.decode()
    assert "Responsible: Ana Lima, Tom Becker" in card(body, backlog["shared"])
    assert "Responsible: Tom Becker" in card(body, backlog["mine"])
    assert "Responsible: nobody" in card(body, backlog["nobody"])


def test_the_quadrant_page_names_who_is_responsible_too(member_client, backlog):
    body = member_client.get(reverse("backlog:quadrant", args=["quick-win"])).content.decode()
    assert "Responsible: Ana Lima, Tom Becker" in card(body, backlog["shared"])


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("me", {"Bounce campaign", "Lead routing"}),
        ("nobody", {"Consent program", "Attribution dashboard"}),
        (
            "",
            {
                "Bounce campaign",
                "Lead routing",
                "Preference centre",
                "Attribution dashboard",
                "Consent program",
            },
        ),
    ],
)
def test_the_board_filters_by_who_is_responsible(member_client, backlog, choice, expected):
    response = member_client.get(BOARD, {"responsible": choice})
    assert response.status_code == 200
    assert titles(response.content.decode()) == expected


def test_the_filter_over_htmx_redraws_the_quadrants(member, backlog):
    client = Client(headers={"HX-Request": "true"})
    client.force_login(member)
    body = client.get(BOARD, {"responsible": "me"}).content.decode()
    assert body.lstrip().startswith('<div id="board-quadrants"')
    assert titles(body) == {"Bounce campaign", "Lead routing"}
    assert "Responsible: Tom Becker" in body


def test_responsible_me_without_a_person_finds_nothing(lead_client, backlog):
    response = lead_client.get(BOARD, {"responsible": "me"})
    assert response.status_code == 200
    assert titles(response.content.decode()) == set()


def test_the_board_offers_the_filter(member_client):
    body = member_client.get(BOARD).content.decode()
    assert re.search(
        r'<label>Responsible <select name="responsible"[^>]*>\s*<option value="" selected>Anyone'
        r"</option>\s*<option value=\"me\">Me</option>\s*<option value=\"nobody\">Nobody",
        body,
    ), body[body.find("Responsible") : body.find("Responsible") + 300]
