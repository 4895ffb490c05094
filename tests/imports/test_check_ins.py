"""A goal's check-ins from a CSV, uploaded from its page: all rows or none, each problem
with its line, column and value; a date it has already corrects that check-in and the
history keeps what it said; the CSV to fill in; who may."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from pghistory.models import Events

from goals.models import CheckIn
from tests.factories import CheckInFactory, GoalFactory, PersonFactory

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def upload(client, goal, text: str):
    file = SimpleUploadedFile("figures.csv", text.encode(), content_type="text/csv")
    return client.post(reverse("imports:check-ins", args=[goal.pk]), {"file": file})


def test_the_goal_page_offers_the_upload_and_the_csv_to_fill_in(lead_client):
    goal = GoalFactory()
    CheckInFactory(goal=goal, on=datetime.date(2026, 10, 31), value=104, note="=From the CRM")

    page = lead_client.get(goal.get_absolute_url()).content.decode()
    template = lead_client.get(reverse("imports:check-ins-template", args=[goal.pk]))

    assert reverse("imports:check-ins", args=[goal.pk]) in page
    assert template["Content-Type"] == "text/csv; charset=utf-8"
    lines = b"".join(template.streaming_content).decode().splitlines()
    assert lines == ["date,value,note", "2026-10-31,104.00,'=From the CRM"]


def test_every_row_is_recorded_and_a_repeated_date_corrects_its_check_in(lead_client, lead):
    goal = GoalFactory()
    kept = CheckInFactory(goal=goal, on=datetime.date(2026, 10, 27), value=104, note="First")
    # Day first, and decimals after a comma, as the whole column shows.
    text = (
        "Date;Value;Note\n27/10/2026;105,5;Recounted\n26/11/2026;1.112,25;From the BI dashboard\n"
    )

    response = upload(lead_client, goal, text)

    assert response.status_code == 302 and response["Location"] == goal.get_absolute_url()
    rows = list(goal.check_ins.values_list("pk", "on", "value", "note", "by__username"))
    assert rows == [
        (kept.pk, datetime.date(2026, 10, 27), 105.5, "Recounted", None),
        (rows[1][0], datetime.date(2026, 11, 26), 1112.25, "From the BI dashboard", "lead"),
    ]
    history = Events.objects.references(kept).order_by("pgh_created_at", "pgh_id")
    assert [event.pgh_label for event in history] == ["insert", "update"]
    assert history.last().pgh_context["via"] == "import"
    assert "2 check-ins recorded" in lead_client.get(goal.get_absolute_url()).content.decode()


def test_a_bad_row_stores_nothing_and_each_problem_says_line_column_and_value(lead_client):
    goal = GoalFactory()
    kept = CheckInFactory(goal=goal, on=days(-40), value=104)
    text = (
        "date,value,note\n"
        f"{days(-40).isoformat()},200,Would correct\n"
        f"{days(5).isoformat()},120,Next month\n"
        f"{days(-3).isoformat()},lots,\n"
        f"{days(-2).isoformat()},130,\n"
        f"{days(-2).isoformat()},131,Again\n"
    )

    response = upload(lead_client, goal, text)

    assert response.status_code == 422
    body = response.content.decode()
    assert "Nothing was recorded: 3 problems" in body
    rows = body.split('id="check-in-problems"', 1)[1].split("</tbody>", 1)[0]
    cells = [
        [cell.split(">", 1)[1] for cell in row.split("</td>")[:4]] for row in rows.split("<tr>")[2:]
    ]
    assert cells == [
        [
            "3",
            "date",
            days(5).isoformat(),
            "A check-in records a value seen: choose today or an earlier day.",
        ],
        ["4", "value", "lots", "Not a number, such as 1250 or 12.5."],
        ["6", "date", days(-2).isoformat(), "Line 5 has this date too."],
    ]
    assert list(CheckIn.objects.values_list("pk", "value")) == [(kept.pk, 104)]


def test_a_file_that_is_not_csv_is_said_beside_the_field(lead_client):
    goal = GoalFactory()
    file = SimpleUploadedFile("figures.xlsx", b"PK\x03\x04 a workbook")
    response = lead_client.post(reverse("imports:check-ins", args=[goal.pk]), {"file": file})
    assert response.status_code == 422
    assert "This is a workbook" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_member_uploads_check_ins_to_the_goals_they_own_only(member_client, member):
    theirs = GoalFactory(owner=PersonFactory(user=member))
    others = GoalFactory()
    text = f"date,value,note\n{days(-1).isoformat()},120,\n"

    assert upload(member_client, theirs, text).status_code == 302
    assert upload(member_client, others, text).status_code == 403
    assert list(CheckIn.objects.values_list("goal", flat=True)) == [theirs.pk]


def test_a_viewer_uploads_nothing(viewer_client):
    goal = GoalFactory()
    response = upload(viewer_client, goal, f"date,value\n{days(-1).isoformat()},120\n")
    assert response.status_code == 403
    assert not CheckIn.objects.exists()
