"""A team's real exports, as the lead imports them: dates and hours read as the sheet meant
them, a column that reads two ways asked about, never guessed, and every problem with its
value and a way to change how its column reads without uploading again."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from backlog.models import Task
from imports.models import Import
from tests.imports.conftest import committed, csv_bytes, run_import_jobs, uploaded

pytestmark = pytest.mark.django_db

US_EXPORT = [
    ["Title", "Due date", "Estimate"],
    ["Spring webinar", "2/3/2027", "1.5 hours"],
    ["Partner newsletter", "03/01/2027", "12"],
    ["Lead scoring refresh", "", "2 h"],
]


def _columns(client, imp: Import, **readings) -> dict:
    """The columns page's form as a browser posts it, with `readings` chosen."""
    form = client.get(reverse("imports:mapping", args=[imp.pk])).context["form"]
    return {
        **{name: form[name].initial for name in form.fields if form[name].initial},
        **{f"reading_{index}": reading for index, reading in readings.items()},
    }


def test_a_date_column_that_reads_two_ways_is_asked_about_and_read_as_the_lead_says(
    lead_client,
):
    imp = uploaded(lead_client, csv_bytes(US_EXPORT))

    # Every date there reads both ways: nothing is checked until the lead says which.
    assert imp.state == Import.State.MAPPING and imp.rows_checked == 0
    page = lead_client.get(imp.get_absolute_url()).content.decode()
    assert "The dates in “Due date” read two ways" in page
    columns = lead_client.get(reverse("imports:mapping", args=[imp.pk])).content.decode()
    assert "Day first (31/12/2026): 2/3/2027 is 2 Mar 2027; 03/01/2027 is 3 Jan 2027" in columns
    assert "Month first (12/31/2026): 2/3/2027 is 3 Feb 2027; 03/01/2027 is 1 Mar 2027" in columns
    question = columns.split('id="reading-1"')[1].split("</fieldset>")[0]
    assert "checked" not in question

    unanswered = lead_client.post(
        reverse("imports:mapping", args=[imp.pk]), _columns(lead_client, imp)
    )
    assert unanswered.status_code == 422
    assert "Choose how this column reads." in unanswered.content.decode()

    answered = _columns(lead_client, imp, **{"1": "month-first"})
    assert lead_client.post(reverse("imports:mapping", args=[imp.pk]), answered).status_code == 302
    run_import_jobs()
    imp.refresh_from_db()
    assert imp.state == Import.State.CHECKED and imp.problem_count == 0, imp.problems
    report = lead_client.get(imp.get_absolute_url()).content.decode()
    assert "“Due date” reads month first (as you chose)" in report
    assert "“Estimate” reads decimal point (found from its values)" in report

    committed(lead_client, imp)
    tasks = dict(Task.objects.values_list("title", "due_date"))
    assert tasks == {
        "Spring webinar": datetime.date(2027, 2, 3),
        "Partner newsletter": datetime.date(2027, 3, 1),
        "Lead scoring refresh": None,
    }
    assert Task.objects.get(title="Spring webinar").estimate_hours == Decimal("1.5")


def test_one_date_past_the_twelfth_settles_the_column_without_a_question(lead_client):
    rows = [*US_EXPORT, ["Year-end report", "12/31/2026", ""]]
    imp = uploaded(lead_client, csv_bytes(rows))
    assert imp.state == Import.State.CHECKED and imp.problem_count == 0, imp.problems
    assert imp.field_readings == {"due_date": "month-first", "estimate_hours": "decimal-point"}
    committed(lead_client, imp)
    assert Task.objects.get(title="Spring webinar").due_date == datetime.date(2027, 2, 3)
    assert Task.objects.get(title="Year-end report").due_date == datetime.date(2026, 12, 31)


def test_a_european_semicolon_file_imports_without_a_question(lead_client):
    rows = [
        ["Titel", "Due date", "Hours", "Deferred until"],
        ["Messe-Nachbereitung", "31.12.2026", "2,5", ""],
        ["Newsletter März", "01.03.2027", "1.250", ""],
        ["Intent-Daten", "", "", "4. Jan 2027"],
    ]
    content = csv_bytes(rows, delimiter=";", encoding="cp1252")
    imp = uploaded(lead_client, content)
    assert imp.state == Import.State.MAPPING  # "Titel" is not a header it knows.
    lead_client.post(
        reverse("imports:mapping", args=[imp.pk]),
        {
            "column_0": "title",
            "column_1": "due_date",
            "column_2": "estimate_hours",
            "column_3": "deferred_until",
        },
    )
    run_import_jobs()
    imp.refresh_from_db()
    assert imp.state == Import.State.CHECKED and imp.problem_count == 0, imp.problems
    assert imp.field_readings == {
        "due_date": "day-first",
        "estimate_hours": "decimal-comma",
        "deferred_until": "day-first",
    }
    report = lead_client.get(imp.get_absolute_url()).content.decode()
    assert "“Hours” reads decimal comma (found from its values)" in report
    committed(lead_client, imp)
    tasks = {task.title: task for task in Task.objects.all()}
    assert tasks["Messe-Nachbereitung"].due_date == datetime.date(2026, 12, 31)
    assert tasks["Messe-Nachbereitung"].estimate_hours == Decimal("2.5")
    assert tasks["Newsletter März"].due_date == datetime.date(2027, 3, 1)
    assert tasks["Newsletter März"].estimate_hours == Decimal("1250")


def test_every_problem_says_its_value_what_was_expected_and_links_to_the_columns_reading(
    lead_client,
):
    rows = [
        ["Title", "Due date", "Estimate"],
        ["Year-end report", "31/12/2026", "2"],
        ["Spring webinar", "12/31/2026", "2,5"],
        ["Partner newsletter", "32/13/2026", "soon"],
        ["Preference centre", "2027-05-04", "3.5"],
    ]
    imp = uploaded(lead_client, csv_bytes(rows))
    assert imp.state == Import.State.CHECKED
    problems = [(p["line"], p["column"], p["value"], p["message"]) for p in imp.problems]
    assert problems == [
        (3, "Due date", "12/31/2026", "The column reads day first; choose month first?"),
        (3, "Estimate", "2,5", "The column reads a decimal point; choose decimal comma?"),
        (
            4,
            "Due date",
            "32/13/2026",
            "Expected a date such as 31/12/2026 (the column reads day first), 2026-12-31 or "
            "31 Dec 2026.",
        ),
        (
            4,
            "Estimate",
            "soon",
            "Expected a number of hours such as 2.5 or 1,250.5 (the column reads a decimal "
            "point), with or without “h”.",
        ),
    ]
    # "2,5" and "3.5" in one column: the decimal mark the most values have.
    assert imp.field_readings["estimate_hours"] == "decimal-point"
    assert imp.problem_count == 4

    page = lead_client.get(imp.get_absolute_url()).content.decode()
    columns = reverse("imports:mapping", args=[imp.pk])
    assert (
        "<td>3</td><td>Due date</td><td>12/31/2026</td><td>The column reads day first; choose "
        f'month first? <a href="{columns}#reading-1">Change how “Due date” reads</a></td>'
    ) in page
    assert 'id="reading-1"' in lead_client.get(columns).content.decode()

    response = lead_client.post(reverse("imports:commit", args=[imp.pk]))
    assert response.status_code == 409 and run_import_jobs() == 0
    assert not Task.objects.exists()


def test_a_reading_changed_on_the_columns_page_is_kept_without_uploading_again(lead_client):
    rows = [["Title", "Estimate"], ["Webinar", "1,250"], ["Newsletter", "2"]]
    imp = uploaded(lead_client, csv_bytes(rows, delimiter=";"))
    # 1,250 reads either way; a semicolon file's decimals have a comma, so 1.250 hours.
    assert imp.field_readings == {"estimate_hours": "decimal-comma"}
    assert [(p["value"], p["column_index"]) for p in imp.problems] == [("1,250", 1)]
    columns = lead_client.get(reverse("imports:mapping", args=[imp.pk])).content.decode()
    assert "Decimal comma (2,5 or 1.250,5): 1,250 is 1.250 h" in columns
    assert "Decimal point (2.5 or 1,250.5): 1,250 is 1250 h" in columns

    lead_client.post(
        reverse("imports:mapping", args=[imp.pk]),
        _columns(lead_client, imp, **{"1": "decimal-point"}),
    )
    run_import_jobs()
    imp.refresh_from_db()
    assert imp.state == Import.State.CHECKED and imp.problem_count == 0, imp.problems
    assert imp.field_readings == {"estimate_hours": "decimal-point"}
    assert imp.sample[0]["estimate"] == "1250"

    # A column that changes what it holds is read from its values again.
    chosen = _columns(lead_client, imp)
    lead_client.post(reverse("imports:mapping", args=[imp.pk]), {**chosen, "column_1": ""})
    run_import_jobs()
    imp.refresh_from_db()
    assert imp.readings == [None, None] and imp.field_readings == {}
