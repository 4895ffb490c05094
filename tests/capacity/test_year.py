"""The year in review: counted from the history at the year's edges, charts and CSV."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backlog.models import Status, TaskEvent
from capacity.year import year_in_review
from people.models import Person
from tests.factories import CategoryFactory, PersonFactory, TaskFactory, TimeOffFactory

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


def at(year, month, day, hour=12, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def done_at(task, moment):
    """Record `task` as done at `moment`, as the history would have."""
    TaskEvent.objects.filter(pgh_obj=task).update(pgh_created_at=task.created_at)
    task.status = Status.DONE
    task.save()
    TaskEvent.objects.filter(pgh_obj=task, status=Status.DONE).update(pgh_created_at=moment)


def test_done_counts_in_the_year_its_status_first_became_done():
    inside = TaskFactory(title="Inside", created_at=at(2025, 12, 20), estimate_hours=6)
    done_at(inside, at(2026, 1, 1, 0, 0))
    late = TaskFactory(title="Late", created_at=at(2025, 12, 1))
    done_at(late, at(2025, 12, 31, 23, 59))
    TaskFactory(title="Received", created_at=at(2026, 3, 3))
    summary = year_in_review(2026, today=datetime.date(2026, 11, 22))
    assert (summary.received, summary.done, summary.hours_done) == (1, 1, 6)
    assert summary.median_days_to_done == 11.5  # 20 Dec noon to 1 Jan midnight
    months = {row.name: (row.received, row.done) for row in summary.breakdowns["month"]}
    assert months["Jan"] == (0, 1) and months["Mar"] == (1, 0)
    assert year_in_review(2025, today=datetime.date(2026, 11, 22)).done == 1


def test_deferred_and_declined_count_tasks_once_whatever_their_status_now(lead):
    from backlog import services

    task = TaskFactory()
    task = services.task_defer(
        task=task, version=1, until=datetime.date(2027, 1, 1), by=lead, via="task"
    )
    task = services.task_update(task=task, version=2, by=lead, status=Status.BACKLOG, via="task")
    task = services.task_defer(
        task=task, version=3, until=datetime.date(2027, 1, 1), by=lead, via="task"
    )
    services.task_decline(task=TaskFactory(), version=1, reason="No budget", by=lead, via="task")
    summary = year_in_review(timezone.localdate().year, today=timezone.localdate())
    assert (summary.deferred, summary.declined) == (1, 1)


def test_capacity_is_the_teams_hours_over_the_weeks_so_far_less_time_off():
    PersonFactory(kind=Person.Kind.TEAM, weekly_capacity_hours=30)
    PersonFactory(kind=Person.Kind.TEAM, weekly_capacity_hours=10, is_active=False)
    PersonFactory(kind=Person.Kind.STAKEHOLDER, weekly_capacity_hours=40)
    TimeOffFactory(week=datetime.date(2026, 1, 5), hours=8, person__weekly_capacity_hours=20)
    # 2026's ISO weeks start on 29 Dec 2025; by Wednesday 14 January three have begun.
    summary = year_in_review(2026, today=datetime.date(2026, 1, 14))
    assert summary.weeks == 3
    assert summary.capacity_hours == (30 + 20) * 3 - 8


def test_breakdowns_by_category_quadrant_and_requester():
    audit = CategoryFactory(name="Platform admin")
    for impact in (5, 4, 1):
        TaskFactory(category=audit, impact=impact, effort=1, requester__name="Dana")
    TaskFactory(unscored=True, category=None, requester=None)
    summary = year_in_review(timezone.localdate().year, today=timezone.localdate())
    by = {key: {row.name: row.received for row in rows} for key, rows in summary.breakdowns.items()}
    assert by["category"] == {"Platform admin": 3, "No category": 1}
    assert by["quadrant"] == {"Quick win": 2, "Fill-in": 1, "Not scored": 1}
    assert by["requester"] == {"Dana": 3, "No requester": 1}


def test_the_year_page_and_its_csv(lead_client):
    TaskFactory(title="=HYPERLINK(1)", category=CategoryFactory(name="=cmd"))
    year = timezone.localdate().year
    body = lead_client.get(reverse("capacity:year", args=[year])).content.decode()
    assert f"{year} in review" in body
    assert '<svg class="month-chart"' in body
    csv = lead_client.get(reverse("capacity:year-export", args=[year]))
    assert csv["Content-Type"] == "text/csv; charset=utf-8"
    lines = csv.getvalue().decode().splitlines()
    assert lines[0] == "breakdown,name,received,done,hours_done"
    assert "category,'=cmd,1,0,0" in lines


@pytest.mark.parametrize("year", [1999, timezone.localdate().year + 1])
def test_years_out_of_range_are_404_with_a_message(lead_client, year):
    response = lead_client.get(reverse("capacity:year", args=[year]))
    assert response.status_code == 404
    assert "no year in review" in response.content.decode()


def test_viewers_read_it_and_people_without_a_role_do_not(viewer_client, client, django_user_model):
    year = timezone.localdate().year
    assert viewer_client.get(reverse("capacity:year", args=[year])).status_code == 200
    client.force_login(django_user_model.objects.create_user("nobody"))
    assert client.get(reverse("capacity:year", args=[year])).status_code == 403


def test_query_count_is_the_same_at_10_and_300_tasks(lead_client, django_assert_max_num_queries):
    url = reverse("capacity:year", args=[timezone.localdate().year])
    TaskFactory.create_batch(10, category=CategoryFactory())
    with CaptureQueriesContext(connection) as small:
        lead_client.get(url)
    for n in range(29):
        TaskFactory.create_batch(10, category=CategoryFactory(), requester__name=f"R{n}")
    with django_assert_max_num_queries(len(small)):
        assert lead_client.get(url).status_code == 200


def test_work_deferred_in_an_earlier_year_and_edited_this_year_is_not_deferred_again(lead):
    from backlog import services

    task = TaskFactory(created_at=at(2025, 6, 1))
    task = services.task_defer(
        task=task, version=1, until=datetime.date(2027, 1, 1), by=lead, via="task"
    )
    TaskEvent.objects.filter(pgh_obj=task).update(pgh_created_at=at(2025, 6, 2))
    services.task_edit(task=task, version=2, by=lead, title="Renamed in 2026", via="task")
    TaskEvent.objects.filter(pgh_obj=task, title="Renamed in 2026").update(
        pgh_created_at=at(2026, 2, 1)
    )
    assert year_in_review(2025, today=datetime.date(2026, 11, 22)).deferred == 1
    assert year_in_review(2026, today=datetime.date(2026, 11, 22)).deferred == 0


def test_a_week_off_takes_a_persons_hours_to_nothing_not_below():
    TimeOffFactory(week=datetime.date(2026, 1, 5), hours=40, person__weekly_capacity_hours=10)
    summary = year_in_review(2026, today=datetime.date(2026, 1, 14))
    assert summary.capacity_hours == 10 * 3 - 10


def test_the_csv_starts_with_the_years_totals(lead_client):
    task = TaskFactory(estimate_hours=3, created_at=timezone.now())
    done_at(task, timezone.now())
    year = timezone.localdate().year
    lines = lead_client.get(reverse("capacity:year-export", args=[year])).getvalue().decode()
    assert lines.splitlines()[1] == f"year,{year},1,1,3"


def triaged_at(task, moment, lead):
    """Score `task` (it leaves triage) and date that in the history at `moment`."""
    from backlog import services

    TaskEvent.objects.filter(pgh_obj=task).update(pgh_created_at=task.created_at)
    services.task_rescore(
        task=task, version=task.version, impact=3, effort=3, by=lead, via="triage"
    )
    TaskEvent.objects.filter(pgh_obj=task, pgh_label="update").update(pgh_created_at=moment)


def test_median_working_days_to_triage_and_the_share_within_the_sla(lead):
    # Received on Mondays of 2026; triaged 0, 1, 2 (within) and 4 (late) working days on.
    for title, received, triaged in [
        ("Same day", at(2026, 3, 2, 9), at(2026, 3, 2, 17)),
        ("Next day", at(2026, 3, 9, 9), at(2026, 3, 10, 9)),
        ("Two days", at(2026, 3, 13, 16), at(2026, 3, 17, 9)),  # Friday to Tuesday
        ("Four days", at(2026, 3, 16, 9), at(2026, 3, 20, 9)),
    ]:
        triaged_at(TaskFactory(unscored=True, title=title, created_at=received), triaged, lead)
    # Still waiting, and past the SLA by the day the figures are read: missed too.
    TaskFactory(unscored=True, title="Forgotten", created_at=at(2026, 4, 1))
    # Waiting, within the SLA still: not counted yet.
    TaskFactory(unscored=True, title="Just in", created_at=at(2026, 11, 20))
    # Added already scored by the team: it never waited.
    TaskFactory(title="Added scored", created_at=at(2026, 5, 1))
    summary = year_in_review(2026, today=datetime.date(2026, 11, 23))
    assert summary.median_working_days_to_triage == 1.5
    assert summary.within_sla_percent == 60  # 3 of 5
    assert summary.sla_days == 2


def test_the_year_page_shows_the_triage_figures(lead_client, lead):
    year = timezone.localdate().year
    # Received and triaged on one day, whatever the hour the test runs: 0 working days.
    received = timezone.localtime().replace(hour=0, minute=1, second=0, microsecond=0)
    task = TaskFactory(unscored=True, created_at=received)
    triaged_at(task, received + datetime.timedelta(minutes=1), lead)
    text = lead_client.get(reverse("capacity:year", args=[year])).content.decode()
    assert "<strong>0</strong> median working days from request to triage" in text
    assert "<strong>100%</strong> triaged within the SLA (2 working days)" in text


def test_no_requests_no_triage_figures(lead_client):
    text = lead_client.get(reverse("capacity:year", args=[2001])).content.decode()
    assert "<strong>\u2013</strong> median working days from request to triage" in text
