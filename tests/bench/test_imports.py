"""The bench's import files are what they say: the export's Assignee column names the
team in the ways teams write it, with a few people new to it whom the import asks about
and adds; the team sheet has day-first dates and decimal commas, read so without a
question, and no one assigned."""

import pytest
from django.db.models import Count

from bench.generate import create_team
from bench.imports import NEW_ASSIGNEES, TEAM_SHEET_COLUMNS, _timed_import, spreadsheet, team_sheet
from bench.report import ImportRun
from imports.models import Import
from imports.people import name_and_email
from people.models import Person
from raci.models import Assignment, Role
from tests.imports.conftest import committed, uploaded

pytestmark = pytest.mark.django_db


def test_the_team_sheet_imports_as_a_european_sheet_without_a_question(lead_client):
    imp = uploaded(lead_client, team_sheet(300, seed=42))

    assert imp.state == Import.State.CHECKED and not imp.problem_count, imp.problems
    read_as = {column["column"]: column["reading"] for column in imp.read_as}
    assert read_as["Due date"] == "day first" and read_as["Week"] == "day first"
    assert read_as["Estimate (h)"] == "decimal comma"
    assert len(imp.mapping) == len(TEAM_SHEET_COLUMNS) and all(imp.mapping)
    committed(lead_client, imp)
    assert imp.rows_written == 300 and not Assignment.objects.exists()


def test_the_export_carries_who_does_each_task_and_the_new_people_once_agreed(lead):
    create_team()
    run = ImportRun(rows=400)

    imp = _timed_import(run, "", spreadsheet(400, seed=42), by=lead)

    assert imp.state == Import.State.DONE and run.check_seconds is not None
    # The check asked about the people new to the team, each once, and they were added;
    # a member named in lower case or by address is themselves, not someone new.
    new = Person.objects.filter(kind=Person.Kind.STAKEHOLDER, assignments__isnull=False)
    assert {(p.name, p.email) for p in new} <= {name_and_email(text) for text in NEW_ASSIGNEES}
    assert run.people_asked == new.distinct().count() > 1
    roles = Assignment.objects.filter(role=Role.RESPONSIBLE)
    assert run.roles_written == roles.count() == Assignment.objects.count()
    several = roles.values("task").annotate(n=Count("pk")).filter(n__gt=1)
    assert several.exists()
    # The requesters new to the board come with it too, without a question.
    assert run.people_added > run.people_asked
