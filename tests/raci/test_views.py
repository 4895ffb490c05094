"""The RACI matrix, its cell updates, share links and the stakeholder page, from outside."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from people.models import Person
from raci.models import Assignment, Role, ShareLink
from tests.factories import AssignmentFactory, PersonFactory, ShareLinkFactory, TaskFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def cell(task, person, role, expected=""):
    return {"task": task.pk, "person": person.pk, "role": role, "expected": expected}


def test_matrix_shows_tasks_by_people_with_health(lead_client):
    task = TaskFactory(title="Lead routing rules")
    team = PersonFactory(name="Ana Lima", kind=Person.Kind.TEAM)
    AssignmentFactory(task=task, person=team, role=Role.RESPONSIBLE)
    body = lead_client.get(reverse("raci:matrix")).content.decode()
    assert "Lead routing rules" in body
    assert f'id="raci-cell-{task.pk}-{team.pk}"' in body
    assert f'data-task-id="{task.pk}" data-person-id="{team.pk}" data-role="R"' in body
    # A screen reader names a cell by its row header (the task) and column header (the person).
    assert '<th scope="row" role="rowheader"><a href' in body
    assert '<th scope="col" role="columnheader" class="person">Ana Lima' in body
    assert "On this page, 1 task has no Accountable." in body
    assert f'id="raci-health-{task.pk}" class="health level-error"' in body


def test_team_comes_first_then_stakeholders_on_shown_tasks(lead_client):
    task = TaskFactory()
    PersonFactory(name="Zoe Team", kind=Person.Kind.TEAM)
    AssignmentFactory(task=task, person=PersonFactory(name="Aaron Sales", kind="stakeholder"))
    PersonFactory(name="Nobody Onthis", kind=Person.Kind.STAKEHOLDER)
    table = lead_client.get(reverse("raci:matrix")).content.decode().split("<table")[1]
    assert table.index("Zoe Team") < table.index("Aaron Sales")
    assert "Nobody Onthis" not in table


def test_matrix_htmx_request_gets_only_the_matrix(lead_client):
    TaskFactory()
    body = lead_client.get(reverse("raci:matrix"), headers=HTMX).content.decode()
    assert body.lstrip().startswith('<div id="raci-matrix">')


def test_has_problems_filter_and_person_filter(lead_client):
    fine = TaskFactory(title="Fine task")
    AssignmentFactory(task=fine, role=Role.ACCOUNTABLE_RESPONSIBLE)
    broken = TaskFactory(title="Broken task")
    ana = AssignmentFactory(task=broken, role=Role.CONSULTED).person
    body = lead_client.get(reverse("raci:matrix"), {"has_problems": "on"}).content.decode()
    assert "Broken task" in body
    assert "Fine task" not in body
    body = lead_client.get(reverse("raci:matrix"), {"person": ana.pk}).content.decode()
    assert "Broken task" in body
    assert "Fine task" not in body


def test_setting_a_cell_swaps_the_cell_health_and_summary(htmx_client):
    task, other = TaskFactory(), TaskFactory()
    person = PersonFactory(kind=Person.Kind.TEAM)
    response = htmx_client.post(
        reverse("raci:cell-update"),
        {**cell(task, person, "A/R"), "page_tasks": f"{task.pk},{other.pk}"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<td id="raci-cell-{task.pk}-{person.pk}"')
    assert f'<span id="raci-health-{task.pk}" class="health level-fine"' in body
    assert 'id="raci-summary"' in body
    assert "On this page, 1 task has no Accountable." in body  # the other one
    assert 'hx-swap-oob="true"' in body
    assert Assignment.objects.get().role == Role.ACCOUNTABLE_RESPONSIBLE


def test_setting_a_cell_without_htmx_redirects_to_the_matrix(lead_client):
    task, person = TaskFactory(), PersonFactory()
    response = lead_client.post(
        reverse("raci:cell-update") + "?quadrant=quick-win", cell(task, person, "C")
    )
    assert response.url == reverse("raci:matrix") + "?quadrant=quick-win"
    assert Assignment.objects.get().role == Role.CONSULTED


def test_second_accountable_asks_to_move_then_moves(htmx_client):
    task = TaskFactory()
    holder = AssignmentFactory(task=task, role=Role.ACCOUNTABLE, person=PersonFactory(name="Priya"))
    tom = PersonFactory(name="Tom")
    response = htmx_client.post(reverse("raci:cell-update"), cell(task, tom, "A"))
    assert response.status_code == 409
    assert response["HX-Retarget"] == "#raci-confirm"
    assert "Priya</strong> is Accountable" in response.content.decode()
    assert Assignment.objects.get(task=task, role=Role.ACCOUNTABLE) == holder
    response = htmx_client.post(
        reverse("raci:cell-update"), {**cell(task, tom, "A"), "move_accountable": "on"}
    )
    assert response.status_code == 200
    assert Assignment.objects.get(task=task, role=Role.ACCOUNTABLE).person == tom


def test_a_stale_cell_is_not_overwritten(htmx_client):
    existing = AssignmentFactory(role=Role.CONSULTED)
    response = htmx_client.post(
        reverse("raci:cell-update"), cell(existing.task, existing.person, "I", expected="")
    )
    assert response.status_code == 409
    assert "changed" in response.content.decode()
    assert 'data-role="C"' in response.content.decode()
    existing.refresh_from_db()
    assert existing.role == Role.CONSULTED


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"task": 999999, "person": 1, "role": "R", "expected": ""}, 404),
        ({"task": "abc", "person": 1, "role": "R", "expected": ""}, 422),
        ({"person": 1, "role": "R", "expected": ""}, 422),
        ({"task": 1, "person": 1, "role": "X", "expected": ""}, 422),
        ({"task": 1, "person": 1, "role": "<script>", "expected": ""}, 422),
        ({"task": 1, "person": 1, "role": "R", "expected": "", "page_tasks": "1,x"}, 422),
    ],
    ids=["unknown-task", "text-id", "missing-task", "unknown-role", "script", "bad-page"],
)
def test_bad_cell_input_gets_a_4xx_with_a_message(htmx_client, data, status):
    response = htmx_client.post(reverse("raci:cell-update"), data)
    assert response.status_code == status
    if status == 422:
        assert "not understood" in response.content.decode()
    assert not Assignment.objects.exists()


def test_a_name_with_script_renders_escaped(lead_client):
    AssignmentFactory(person=PersonFactory(name="<script>alert(1)</script>", kind="team"))
    body = lead_client.get(reverse("raci:matrix")).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_raci_export_has_one_column_per_person(lead_client):
    task = TaskFactory(title="Bounce management", impact=4, effort=2)
    AssignmentFactory(
        task=task, person=PersonFactory(name="Tom Becker"), role=Role.ACCOUNTABLE_RESPONSIBLE
    )
    lines = lead_client.get(reverse("raci:export")).getvalue().decode().splitlines()
    assert lines[0].startswith("id,title,quadrant,status,")
    assert "Tom Becker" in lines[0]
    assert lines[1].startswith(f"{task.pk},Bounce management,quick-win,backlog,")
    assert lines[1].split(",")[lines[0].split(",").index("Tom Becker")] == "A/R"


# --- share links ---------------------------------------------------------------------


def test_lead_creates_lists_and_revokes_a_share_link(lead_client):
    response = lead_client.post(
        reverse("raci:share-link-create"),
        {"label": "Sales leadership", "query": "quadrant=quick-win"},
    )
    link = ShareLink.objects.get()
    assert response.url == reverse("raci:share-links")
    assert link.query == "quadrant=quick-win"
    listing = lead_client.get(reverse("raci:share-links")).content.decode()
    assert link.get_absolute_url() in listing
    revoke = reverse("raci:share-link-revoke", args=[link.pk])
    assert "Revoke the link for Sales leadership?" in lead_client.get(revoke).content.decode()
    lead_client.post(revoke)
    assert Client().get(link.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"label": ""}, "This field is required."),
        ({"label": "x", "expires_on": "2020-01-01"}, "Choose today or a later date."),
        ({"label": "x", "expires_on": "soon"}, "Enter a valid date."),
        ({"label": "x", "query": "quadrant=sideways"}, "filter to share was not understood"),
    ],
)
def test_bad_share_link_input_gets_422(lead_client, data, message):
    response = lead_client.post(reverse("raci:share-link-create"), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not ShareLink.objects.exists()


def test_the_token_is_long_and_unguessable():
    link = ShareLinkFactory()
    signature = link.token.split(":", 1)[1]
    assert len(signature) >= 43  # base64 of a 256-bit HMAC


@pytest.mark.parametrize("case", ["tampered", "revoked", "expired", "unknown", "garbage"])
def test_a_bad_share_link_is_a_404(client, case):
    link = ShareLinkFactory()
    token = link.token
    if case == "tampered":
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    elif case == "revoked":
        ShareLink.objects.update(revoked_at=timezone.now())
    elif case == "expired":
        ShareLink.objects.update(expires_on=timezone.localdate() - datetime.timedelta(days=1))
    elif case == "unknown":
        token = ShareLinkFactory.build(pk=999999).token
    elif case == "garbage":
        token = "not-a-token"
    assert client.get(reverse("raci:shared", args=[token])).status_code == 404
    assert client.get(reverse("raci:shared-export", args=[token])).status_code == 404


def test_the_stakeholder_page_reads_without_login_and_has_no_form(client):
    task = TaskFactory(title="Preference centre", status="deferred", deferred_until="2027-01-04")
    declined = TaskFactory(
        title="Rebuild nurture", status="declined", declined_reason="Retiring them"
    )
    AssignmentFactory(task=task, person=PersonFactory(name="Dana"), role=Role.CONSULTED)
    AssignmentFactory(task=declined, person=PersonFactory(name="Marco"), role=Role.INFORMED)
    link = ShareLinkFactory(query="status=deferred&status=declined")
    response = client.get(link.get_absolute_url())
    body = response.content.decode()
    assert response.status_code == 200
    assert "<form" not in body
    assert "Preference centre" in body and "until 4 January 2027" in body
    assert "Rebuild nurture" in body and "Retiring them" in body
    assert "Accountable: signs it off" in body  # the legend
    assert response["Cache-Control"] == "no-store"
    assert response["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response["X-Robots-Tag"]


def test_show_me_where_i_am_narrows_to_one_person(client):
    dana = PersonFactory(name="Dana Whitfield")
    mine = TaskFactory(title="My request")
    AssignmentFactory(task=mine, person=dana, role=Role.CONSULTED)
    TaskFactory(title="Someone else's request")
    link = ShareLinkFactory()
    body = client.get(link.get_absolute_url(), {"person": dana.pk}).content.decode()
    assert "My request" in body
    assert "Someone else's request" not in body
    assert client.get(link.get_absolute_url(), {"person": "abc"}).status_code == 200


def test_show_me_where_i_am_puts_their_column_first(client):
    """On a phone only the first columns beside the tasks are in sight."""
    ana = PersonFactory(name="Ana Lima", kind=Person.Kind.TEAM)
    zoe = PersonFactory(name="Zoe Stakeholder", kind=Person.Kind.STAKEHOLDER)
    task = TaskFactory(title="Webinar")
    AssignmentFactory(task=task, person=ana, role=Role.RESPONSIBLE)
    AssignmentFactory(task=task, person=zoe, role=Role.INFORMED)
    link = ShareLinkFactory()
    body = client.get(link.get_absolute_url()).content.decode()
    assert body.index("Ana Lima<small>") < body.index("Zoe Stakeholder<small>")

    body = client.get(link.get_absolute_url(), {"person": zoe.pk}).content.decode()
    assert '<th scope="col" class="person you">Zoe Stakeholder' in body
    assert body.index("Zoe Stakeholder<small>") < body.index("Ana Lima<small>")
    cells = body[body.index("<tbody>") :]
    assert cells.index(f'data-person-id="{zoe.pk}" data-role="I"') < cells.index(
        f'data-person-id="{ana.pk}" data-role="R"'
    )


def test_the_share_link_opens_no_editing(client):
    task, person = TaskFactory(), PersonFactory()
    link = ShareLinkFactory()
    client.get(link.get_absolute_url())
    response = client.post(reverse("raci:cell-update"), cell(task, person, "A"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert client.post(link.get_absolute_url()).status_code == 405
    assert not Assignment.objects.exists()


def test_shared_csv(client):
    AssignmentFactory(task=TaskFactory(title="Webinar"), person=PersonFactory(name="Sam"), role="R")
    body = ShareLinkFactory()
    response = client.get(reverse("raci:shared-export", args=[body.token]))
    assert response["Content-Type"].startswith("text/csv")
    assert "Webinar" in response.getvalue().decode()
    assert response["Cache-Control"] == "no-store"


def test_matrix_pages_and_lets_the_lead_pick_rows_a_page(lead_client):
    TaskFactory.create_batch(30)
    body = lead_client.get(reverse("raci:matrix"), {"per_page": 25}).content.decode()
    assert body.count('role="row" data-task-id=') == 25
    assert "Tasks 1\u201325 of 30" in body
    body = lead_client.get(reverse("raci:matrix"), {"per_page": "9999"}).content.decode()
    assert body.count('role="row" data-task-id=') == 30  # unknown sizes fall back to 50


def test_team_hints_load_after_the_matrix(lead_client):
    task = TaskFactory()
    priya = PersonFactory(name="Priya", kind=Person.Kind.TEAM)
    AssignmentFactory(task=task, person=priya, role=Role.ACCOUNTABLE_RESPONSIBLE)
    PersonFactory(name="Idle Ivan", kind=Person.Kind.TEAM)
    page = lead_client.get(reverse("raci:matrix")).content.decode()
    assert f'hx-get="{reverse("raci:team-hints")}" hx-trigger="load"' in page
    hints = lead_client.get(reverse("raci:team-hints")).content.decode()
    assert "Priya is Accountable for 1 of 1 open tasks." in hints
    assert "Responsible for no open task: Idle Ivan." in hints


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("q=a\x00b", "Null characters are not allowed."),
        ("q=a\x07b", "The filter holds control characters"),
        ("q=" + "x" * 1000, "too long to share"),
        ("secret=1&q=crm", "The matrix has no filter called secret"),
        ("due_before=soon", "The filter to share was not understood"),
    ],
    ids=["nul-byte", "bell", "over-1000-characters", "unknown-field", "bad-date"],
)
def test_a_share_link_with_a_bad_filter_is_refused_with_a_message(lead_client, query, message):
    response = lead_client.post(
        reverse("raci:share-link-create"), {"label": "Sales", "query": query}
    )
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not ShareLink.objects.exists()


def test_old_share_links_can_be_paged_to_and_revoked(lead_client):
    ShareLinkFactory.create_batch(51)
    body = lead_client.get(reverse("raci:share-links"), {"page": 2}).content.decode()
    assert body.count("Revoke…") == 1
    assert "Page 2 of 2" in body
