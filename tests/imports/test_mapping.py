"""Values mapped, not refused: the columns page lists the values of a column of scores,
statuses or categories and what each becomes, suggests where it can, asks before it reads
a suggestion, remembers the lead's answer for the next file from the same tool, and
reports a value with no meaning beside its column rather than guess."""

import pytest
from django.urls import reverse

from backlog.models import Status, Task
from imports.models import Import, ValueMapping
from tests.imports.conftest import committed, csv_bytes, run_import_jobs, uploaded

pytestmark = pytest.mark.django_db

SHEET = [
    ["Title", "Priority", "T-shirt size", "Status"],
    ["Spring webinar invites", "High", "S", "To Do"],
    ["Partner newsletter", "Low", "XL", "Doing"],
    ["Year-end report", "Medium", "M", "Done"],
]


def _columns(client, imp: Import, **changes) -> dict:
    """The columns page's form as a browser posts it, with `changes`."""
    form = client.get(reverse("imports:mapping", args=[imp.pk])).context["form"]
    return {**{name: form[name].initial for name in form.fields if form[name].initial}, **changes}


def test_values_are_suggested_asked_then_read_as_the_lead_says(lead_client):
    imp = uploaded(lead_client, csv_bytes(SHEET))

    # Recognised columns, but their words are suggestions: nothing is read until confirmed.
    assert imp.state == Import.State.MAPPING and imp.rows_checked == 0
    assert imp.value_questions == ["Priority", "T-shirt size", "Status"]
    detail = lead_client.get(imp.get_absolute_url()).content.decode()
    assert "need your word on what they become" in detail
    page = lead_client.get(reverse("imports:mapping", args=[imp.pk]))
    form = page.context["form"]
    suggested = {form[name].label: form[name].initial for name in form.fields if "value_" in name}
    assert suggested == {
        "“High” becomes": "5",
        "“Low” becomes": "1",
        "“Medium” becomes": "3",
        "“S” becomes": "2",
        "“XL” becomes": "5",
        "“M” becomes": "3",
        "“To Do” becomes": "backlog",
        "“Doing” becomes": "in_progress",
        "“Done” becomes": "done",
    }
    assert "Confirm what the values of “Priority” become" in page.content.decode()

    # The lead reads Medium as a 4; the other suggestions stand.
    answers = _columns(lead_client, imp, value_1_2="4")
    assert lead_client.post(reverse("imports:mapping", args=[imp.pk]), answers).status_code == 302
    run_import_jobs()
    imp.refresh_from_db()
    assert imp.state == Import.State.CHECKED and imp.problem_count == 0, imp.problems
    committed(lead_client, imp)
    tasks = {t.title: (t.impact, t.effort, t.status) for t in Task.objects.all()}
    assert tasks == {
        "Spring webinar invites": (5, 2, Status.BACKLOG),
        "Partner newsletter": (1, 5, Status.IN_PROGRESS),
        "Year-end report": (4, 3, Status.DONE),
    }


def test_a_second_import_from_the_same_tool_asks_nothing(lead_client):
    first = uploaded(lead_client, csv_bytes(SHEET))
    lead_client.post(
        reverse("imports:mapping", args=[first.pk]), _columns(lead_client, first, value_1_2="4")
    )
    run_import_jobs()
    assert ValueMapping.objects.filter(field="impact", value="medium", becomes="4").exists()

    rows = [SHEET[0], ["Q3 webinar", "medium", "m", "doing"], ["Brand refresh", "HIGH", "S", ""]]
    second = uploaded(lead_client, csv_bytes(rows), name="backlog-march.csv")
    assert second.state == Import.State.CHECKED and second.problem_count == 0, second.values
    assert second.tool == first.tool
    committed(lead_client, second)
    tasks = {t.title: (t.impact, t.effort, t.status) for t in Task.objects.all()}
    assert tasks == {
        "Q3 webinar": (4, 3, Status.IN_PROGRESS),
        "Brand refresh": (5, 2, Status.BACKLOG),
    }


def test_another_tools_file_is_asked_again(lead_client):
    first = uploaded(lead_client, csv_bytes(SHEET))
    lead_client.post(reverse("imports:mapping", args=[first.pk]), _columns(lead_client, first))
    run_import_jobs()
    other = [["Title", "Priority", "Effort"], ["Q3 webinar", "High", "2"]]
    second = uploaded(lead_client, csv_bytes(other))
    assert second.state == Import.State.MAPPING and second.value_questions == ["Priority"]


def test_a_value_with_no_meaning_is_reported_beside_its_column_not_guessed(lead_client):
    rows = [
        ["Title", "Impact", "Effort"],
        ["Spring webinar", "Urgent-ish", "2"],
        ["Newsletter", "3", "2"],
    ]
    imp = uploaded(lead_client, csv_bytes(rows))

    assert imp.state == Import.State.CHECKED and imp.problem_count == 1
    (problem,) = imp.problems
    assert (problem["line"], problem["column"], problem["value"]) == (2, "Impact", "Urgent-ish")
    report = lead_client.get(imp.get_absolute_url()).content.decode()
    assert "<td>2</td><td>Impact</td><td>Urgent-ish</td>" in report
    assert 'columns/#values-1">Say what the values of “Impact” become</a>' in report
    columns = lead_client.get(reverse("imports:mapping", args=[imp.pk])).content.decode()
    assert "No meaning found: choose one, or each row with it is reported." in columns

    # Said on the columns page, without uploading again.
    answer = _columns(lead_client, imp, value_1_0="5")
    assert lead_client.post(reverse("imports:mapping", args=[imp.pk]), answer).status_code == 302
    run_import_jobs()
    imp.refresh_from_db()
    assert imp.state == Import.State.CHECKED and imp.problem_count == 0, imp.problems
    committed(lead_client, imp)
    assert Task.objects.get(title="Spring webinar").impact == 5


def test_a_category_column_lists_its_values_and_can_rename_them(lead_client):
    rows = [["Title", "Category"], ["Spring webinar", "events"], ["Trade show", "Events "]]
    imp = uploaded(lead_client, csv_bytes(rows))
    assert imp.state == Import.State.CHECKED and imp.new_categories == ["events"]
    answer = _columns(lead_client, imp, value_1_0="Field events")
    lead_client.post(reverse("imports:mapping", args=[imp.pk]), answer)
    run_import_jobs()
    imp.refresh_from_db()
    assert imp.new_categories == ["Field events"]
    committed(lead_client, imp)
    assert set(Task.objects.values_list("category__name", flat=True)) == {"Field events"}


def test_impact_without_effort_waits_for_the_columns(lead_client):
    imp = uploaded(lead_client, csv_bytes([["Title", "Priority"], ["Spring webinar", "3"]]))
    assert imp.state == Import.State.MAPPING and imp.rows_checked == 0
    page = lead_client.get(reverse("imports:mapping", args=[imp.pk])).content.decode()
    assert "Impact and effort are scored together" in page
    response = lead_client.post(
        reverse("imports:mapping", args=[imp.pk]), _columns(lead_client, imp)
    )
    assert response.status_code == 422
    assert "Impact and effort are scored together" in response.content.decode()


POINTS_AND_SIZE = [
    ["Title", "Impact", "Story points", "Size"],
    ["Spring webinar invites", "3", "5", "5"],
    ["Partner newsletter", "2", "2", "1"],
]


def test_a_remembered_answer_is_not_read_into_another_column(lead_client):
    first = uploaded(lead_client, csv_bytes(POINTS_AND_SIZE))
    answers = _columns(lead_client, first, column_2="effort", column_3="")
    lead_client.post(reverse("imports:mapping", args=[first.pk]), answers)
    run_import_jobs()
    first.refresh_from_db()
    # Story points: "5" is suggested as effort 4, and the lead confirms it.
    assert [(e["value"], e["becomes"]) for e in first.values[2]] == [("5", "4"), ("2", "2")]
    lead_client.post(reverse("imports:mapping", args=[first.pk]), _columns(lead_client, first))
    run_import_jobs()
    assert ValueMapping.objects.filter(field="effort", column="story points", value="5").exists()

    # The same headers, effort now from "Size": its "5" says itself, whatever the points said.
    second = uploaded(lead_client, csv_bytes(POINTS_AND_SIZE), name="sized.csv")
    assert second.tool == first.tool
    answers = _columns(lead_client, second, column_2="", column_3="effort")
    lead_client.post(reverse("imports:mapping", args=[second.pk]), answers)
    run_import_jobs()
    second.refresh_from_db()
    assert second.state == Import.State.CHECKED and second.problem_count == 0, second.values
    committed(lead_client, second)
    assert {t.title: t.effort for t in Task.objects.all()} == {
        "Spring webinar invites": 5,
        "Partner newsletter": 1,
    }
