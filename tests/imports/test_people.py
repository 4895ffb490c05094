"""People carried: the columns of assignees, owners and approvers become each task's
Responsible and Accountable people, the requested-by column its requester; people are
found by email or by name in any case and with or without accents, and new ones are
added as stakeholders only once the lead agrees on the columns page."""

import pytest
from django.urls import reverse

from backlog.models import Task
from imports import tasks as import_tasks
from imports.models import Import
from people.models import Person
from raci.models import Assignment
from tests.factories import PersonFactory, TaskFactory
from tests.imports.conftest import committed, csv_bytes, run_import_jobs, uploaded

pytestmark = pytest.mark.django_db


def _roles(title: str) -> dict[str, str]:
    return dict(Assignment.objects.filter(task__title=title).values_list("person__name", "role"))


def test_people_are_found_by_name_in_any_case_and_accents_or_by_email(lead_client):
    zoe = PersonFactory(name="Zoë Müller", email="zoe@acme.example")
    jose = PersonFactory(name="José Núñez")
    rows = [
        ["Title", "Assignee", "Approver", "Requested by"],
        ["Spring webinar", "zoe muller", "JOSE NUNEZ", "jose  nunez"],
        ["Partner newsletter", "Z. Müller <ZOE@acme.example>", "", "Zoë Müller"],
    ]
    imp = uploaded(lead_client, csv_bytes(rows))
    assert imp.state == Import.State.CHECKED and imp.problem_count == 0, imp.problems
    assert imp.new_people == []
    assert (
        "Zoë Müller (R), José Núñez (A)" in lead_client.get(imp.get_absolute_url()).content.decode()
    )

    committed(lead_client, imp)
    assert _roles("Spring webinar") == {"Zoë Müller": "R", "José Núñez": "A"}
    assert _roles("Partner newsletter") == {"Zoë Müller": "R"}
    assert Task.objects.get(title="Spring webinar").requester == jose
    assert Task.objects.get(title="Partner newsletter").requester == zoe
    assert Person.objects.count() == 2


def test_several_names_in_a_cell_are_several_responsible(lead_client):
    PersonFactory(name="Ana Lima", email="ana@acme.example")
    for name in ("Tom Becker", "Kenji Mori"):
        PersonFactory(name=name)
    rows = [
        ["Title", "Owners", "Accountable"],
        ["Spring webinar", "Ana Lima, Tom Becker; kenji mori\nana@acme.example", "Tom Becker"],
    ]
    imp = uploaded(lead_client, csv_bytes(rows))
    committed(lead_client, imp)
    # One named in both is Accountable and responsible, once.
    assert _roles("Spring webinar") == {"Ana Lima": "R", "Tom Becker": "A/R", "Kenji Mori": "R"}
    history = Assignment.pgh_event_model.objects.filter(pgh_obj__task__title="Spring webinar")
    assert {event.pgh_context.metadata["via"] for event in history} == {"import"}


def test_two_accountable_people_in_a_cell_are_a_problem_with_the_value(lead_client):
    PersonFactory(name="Ana Lima")
    PersonFactory(name="Tom Becker")
    rows = [["Title", "Accountable"], ["Spring webinar", "Ana Lima, Tom Becker"]]
    imp = uploaded(lead_client, csv_bytes(rows))
    assert imp.state == Import.State.CHECKED and imp.problem_count == 1
    (problem,) = imp.problems
    assert (problem["column"], problem["value"]) == ("Accountable", "Ana Lima, Tom Becker")
    assert problem["message"] == "A task has one Accountable person; this cell names 2."
    assert lead_client.post(reverse("imports:commit", args=[imp.pk])).status_code == 409


def test_new_people_are_added_only_once_the_lead_agrees(lead_client):
    PersonFactory(name="Ana Lima")
    rows = [
        ["Title", "Assignee"],
        ["Spring webinar", "Ana Lima, Jordan Reyes"],
        ["Partner newsletter", "Priya Natarajan <priya@acme.example>"],
    ]
    imp = uploaded(lead_client, csv_bytes(rows))
    assert imp.state == Import.State.MAPPING and imp.rows_checked == 0
    assert imp.people_question == ["Jordan Reyes", "Priya Natarajan"]
    url = reverse("imports:mapping", args=[imp.pk])
    page = lead_client.get(url).content.decode()
    assert "2 people will be added: Jordan Reyes, Priya Natarajan" in page

    columns = {"column_0": "title", "column_1": "responsible"}
    refused = lead_client.post(url, columns)
    assert refused.status_code == 422
    assert "Tick to add them, or leave their columns out." in refused.content.decode()
    assert not Person.objects.filter(name="Jordan Reyes").exists()

    assert lead_client.post(url, {**columns, "add_people": "on"}).status_code == 302
    run_import_jobs()
    imp.refresh_from_db()
    assert imp.state == Import.State.CHECKED and imp.problem_count == 0, imp.problems
    assert imp.new_people == ["Jordan Reyes", "Priya Natarajan"]
    # Agreed once: changing the columns again does not ask again.
    assert lead_client.post(url, columns).status_code == 302
    run_import_jobs()
    imp.refresh_from_db()
    assert imp.state == Import.State.CHECKED, imp.people_question
    committed(lead_client, imp)
    priya = Person.objects.get(name="Priya Natarajan")
    assert (priya.email, priya.kind, priya.weekly_capacity_hours) == (
        "priya@acme.example",
        Person.Kind.STAKEHOLDER,
        0,
    )
    assert _roles("Spring webinar") == {"Ana Lima": "R", "Jordan Reyes": "R"}


def test_leaving_the_column_out_needs_no_agreement(lead_client):
    rows = [["Title", "Assignee"], ["Spring webinar", "Jordan Reyes"]]
    imp = uploaded(lead_client, csv_bytes(rows))
    url = reverse("imports:mapping", args=[imp.pk])
    assert lead_client.post(url, {"column_0": "title", "column_1": ""}).status_code == 302
    run_import_jobs()
    imp.refresh_from_db()
    assert imp.state == Import.State.CHECKED and imp.new_people == []


def test_a_failure_writing_the_raci_leaves_no_task_and_no_person(lead_client, monkeypatch):
    rows = [["Title", "Assignee"], ["Spring webinar", "Jordan Reyes"]]
    imp = uploaded(lead_client, csv_bytes(rows))
    url = reverse("imports:mapping", args=[imp.pk])
    lead_client.post(url, {"column_0": "title", "column_1": "responsible", "add_people": "on"})
    run_import_jobs()

    def fails(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(import_tasks, "assignments_create", fails)
    committed(lead_client, imp)
    assert imp.state == Import.State.FAILED
    assert "Nothing was imported" in imp.error
    assert not Task.objects.exists() and not Person.objects.exists()
    assert not Assignment.objects.exists()


def test_a_name_is_found_the_same_by_the_import_and_the_people_search(lead_client):
    jurgen = PersonFactory(name="Jürgen Groß", kind=Person.Kind.TEAM)
    task = TaskFactory()
    search = reverse("raci:task-people", args=[task.pk])
    for text in ("gross", "Jurgen Gross", "GROSS", "jürgen groß"):
        response = lead_client.get(search, {"people": text}, headers={"HX-Request": "true"})
        assert f'id="raci-person-{jurgen.pk}"' in response.content.decode(), text

    rows = [
        ["Title", "Assignee"],
        ["Spring webinar", "Jurgen Gross"],
        ["Q3 report", "jürgen GROSS"],
    ]
    imp = uploaded(lead_client, csv_bytes(rows))
    assert imp.state == Import.State.CHECKED and imp.new_people == [], imp.new_people
    committed(lead_client, imp)
    assert _roles("Spring webinar") == _roles("Q3 report") == {"Jürgen Groß": "R"}


def test_a_name_with_another_email_is_someone_new_to_confirm(lead_client):
    dana = PersonFactory(name="Dana Whitfield", email="dana@acme.com")
    rows = [
        ["Title", "Assignee"],
        ["Spring webinar", "Dana Whitfield <dana.w@other.org>"],
        ["Q3 report", "Dana Whitfield"],
    ]
    imp = uploaded(lead_client, csv_bytes(rows))
    assert imp.state == Import.State.MAPPING and imp.people_question == ["Dana Whitfield"]

    url = reverse("imports:mapping", args=[imp.pk])
    columns = {"column_0": "title", "column_1": "responsible", "add_people": "on"}
    assert lead_client.post(url, columns).status_code == 302
    run_import_jobs()
    imp.refresh_from_db()
    committed(lead_client, imp)
    other = Person.objects.get(email="dana.w@other.org")
    assert other != dana and other.kind == Person.Kind.STAKEHOLDER
    assert Assignment.objects.get(task__title="Spring webinar").person == other
    assert Assignment.objects.get(task__title="Q3 report").person == dana


def test_a_name_two_people_have_is_a_problem_with_the_value(lead_client):
    PersonFactory(name="Dana Whitfield", email="dana@acme.com")
    PersonFactory(name="Dana Whitfield", email="dana@partner.example")
    rows = [
        ["Title", "Assignee", "Requested by"],
        ["Spring webinar", "dana whitfield", ""],
        ["Q3 report", "Dana Whitfield <dana@partner.example>", "Dana Whitfield"],
    ]
    imp = uploaded(lead_client, csv_bytes(rows))
    assert imp.state == Import.State.CHECKED and imp.new_people == []
    message = "2 people are called Dana Whitfield: write their email."
    assert [(p["line"], p["column"], p["value"], p["message"]) for p in imp.problems] == [
        (2, "Assignee", "dana whitfield", message),
        (3, "Requested by", "Dana Whitfield", message),
    ]
    assert lead_client.post(reverse("imports:commit", args=[imp.pk])).status_code == 409
