"""The bench's team sheet is what it says: day-first dates and decimal commas, read so
without a question, and no one assigned."""

import pytest

from bench.imports import TEAM_SHEET_COLUMNS, team_sheet
from imports.models import Import
from raci.models import Assignment
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
