"""The exports of the tools teams leave (tests/imports/samples, made to their documented
CSV columns) are recognised by their headers and import with the expected tasks: scores,
statuses, dates and Responsible people, with no question where the tool's values are
unambiguous."""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse

from backlog.models import Status, Task
from imports.models import Import
from tests.factories import PersonFactory
from tests.imports.conftest import committed, run_import_jobs, uploaded

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"
WEBINAR_DUE = datetime.date(2027, 2, 3)

# Per sample: the tool recognised, then each task's (impact, effort, status, due date,
# {person: role}). People not listed for a task have no role on it.
EXPECTED = {
    "asana": (
        "Asana",
        {
            "Spring webinar invites": (5, 2, Status.BACKLOG, WEBINAR_DUE, {"Ana Lima": "R"}),
            "Partner newsletter": (
                1,
                3,
                Status.BACKLOG,
                datetime.date(2027, 3, 1),
                {"Tom Becker": "R"},
            ),
            "Lead scoring refresh": (None, None, Status.NEW, None, {}),
        },
    ),
    "trello": (
        "Trello",
        {
            "Spring webinar invites": (
                None,
                None,
                Status.NEW,
                WEBINAR_DUE,
                {"Ana Lima": "R", "Tom Becker": "R"},
            ),
            "Partner newsletter": (None, None, Status.NEW, None, {"Tom Becker": "R"}),
        },
    ),
    "jira": (
        "Jira",
        {
            "Spring webinar invites": (5, 3, Status.BACKLOG, WEBINAR_DUE, {"Ana Lima": "R"}),
            "Partner newsletter": (3, 5, Status.IN_PROGRESS, None, {"Tom Becker": "R"}),
            "Fix the UTM parameters": (2, 1, Status.DONE, None, {"Ana Lima": "R"}),
        },
    ),
    "monday": (
        "monday.com",
        {
            "Spring webinar invites": (
                5,
                2,
                Status.IN_PROGRESS,
                WEBINAR_DUE,
                {"Ana Lima": "R", "Tom Becker": "R"},
            ),
            "Partner newsletter": (1, 3, Status.DONE, None, {"Tom Becker": "R"}),
            "Lead scoring refresh": (None, None, Status.NEW, None, {}),
        },
    ),
    "smartsheet": (
        "Smartsheet",
        {
            "Spring webinar invites": (
                4,
                2,
                Status.IN_PROGRESS,
                datetime.date(2027, 2, 15),
                {"Ana Lima": "R"},
            ),
            "Partner newsletter": (
                3,
                3,
                Status.BACKLOG,
                datetime.date(2027, 3, 1),
                {"Tom Becker": "R"},
            ),
            "Year-end report": (2, 4, Status.DONE, datetime.date(2026, 12, 31), {"Ana Lima": "R"}),
        },
    ),
    "wrike": (
        "Wrike",
        {
            "Spring webinar invites": (
                5,
                2,
                Status.IN_PROGRESS,
                WEBINAR_DUE,
                {"Ana Lima": "R", "Tom Becker": "R"},
            ),
            "Partner newsletter": (1, 3, Status.DONE, None, {"Tom Becker": "R"}),
        },
    ),
    "excel": (
        "Excel (CSV UTF-8)",
        {
            "Spring webinar invites": (
                5,
                2,
                Status.BACKLOG,
                datetime.date(2027, 2, 3),
                {"Ana Lima": "R"},
            ),
            "Year-end report": (
                2,
                4,
                Status.IN_PROGRESS,
                datetime.date(2026, 12, 31),
                {"Tom Becker": "R"},
            ),
        },
    ),
}


def _confirmed(client, imp: Import) -> dict:
    """The columns page's form as the lead sends it, every suggestion taken."""
    form = client.get(reverse("imports:mapping", args=[imp.pk])).context["form"]
    data = {name: form[name].initial for name in form.fields if form[name].initial}
    return {**data, "add_people": "on"} if "add_people" in form.fields else data


@pytest.mark.parametrize("tool", list(EXPECTED))
def test_each_tools_export_imports_with_the_expected_tasks(lead_client, tool):
    PersonFactory(name="Ana Lima", email="ana.lima@example.com")
    PersonFactory(name="Tom Becker", email="tom.becker@example.com")
    PersonFactory(name="Dana Whitfield")
    label, expected = EXPECTED[tool]
    imp = uploaded(lead_client, (SAMPLES / f"{tool}.csv").read_bytes(), name=f"{tool}.csv")
    assert imp.tool_label == label

    if tool == "asana":
        # Asana's priority is a field each team makes: its values are suggested, and asked.
        assert imp.state == Import.State.MAPPING and imp.value_questions == ["Priority"]
        response = lead_client.post(
            reverse("imports:mapping", args=[imp.pk]), _confirmed(lead_client, imp)
        )
        assert response.status_code == 302
        run_import_jobs()
        imp.refresh_from_db()
    assert imp.state == Import.State.CHECKED and imp.problem_count == 0, (imp.state, imp.problems)
    assert imp.new_people == []

    committed(lead_client, imp)
    assert imp.state == Import.State.DONE, imp.error
    tasks = Task.objects.prefetch_related("assignments__person")
    found = {
        task.title: (
            task.impact,
            task.effort,
            task.status,
            task.due_date,
            {a.person.name: a.role for a in task.assignments.all()},
        )
        for task in tasks
    }
    assert found == expected


def test_jira_values_need_no_question_only_its_new_people_do(lead_client):
    imp = uploaded(lead_client, (SAMPLES / "jira.csv").read_bytes())
    assert imp.state == Import.State.MAPPING
    assert (imp.questions, imp.value_questions) == ([], [])
    assert imp.people_question == ["Ana Lima", "Tom Becker"]
    page = lead_client.get(reverse("imports:mapping", args=[imp.pk])).content.decode()
    assert "Read as an export of Jira." in page
    assert "2 people will be added: Ana Lima, Tom Becker" in page
    assert "“Highest” becomes" in page and "“In Progress” becomes" in page
