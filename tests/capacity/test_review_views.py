"""The weekly review page from outside: the bars, acting on a task, recording a review,
past reviews keeping their figures, bad input and who may do what."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backlog import services
from backlog.models import Status, Task, new_year_after
from capacity.models import Review
from mopsboard.weeks import week_label, week_of
from people.models import Person
from raci.models import Role
from tests.factories import AssignmentFactory, PersonFactory, ReviewFactory, TaskFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
TODAY = timezone.localdate()
THIS_WEEK = week_of(TODAY)
NEXT_WEEK = THIS_WEEK + datetime.timedelta(days=7)


@pytest.fixture
def overloaded():
    """Tom has 10 h a week and two 6 h tasks planned this week."""
    tom = PersonFactory(name="Tom Becker", kind=Person.Kind.TEAM, weekly_capacity_hours=10)
    for title in ("Bounce campaign", "Webinar program"):
        task = TaskFactory(
            title=title, status=Status.PLANNED, planned_week=THIS_WEEK, estimate_hours=6
        )
        AssignmentFactory(task=task, person=tom, role=Role.ACCOUNTABLE_RESPONSIBLE)
    return tom, task


def text(response) -> str:
    return " ".join(response.content.decode().split())


def act(client, task, action, **data):
    body = {"task": task.pk, "action": action, "version": task.version} | data
    return client.post(reverse("capacity:review-task-action"), body)


def test_the_review_shows_each_persons_bar_red_when_over(lead_client, overloaded):
    tom, _ = overloaded
    body = text(lead_client.get(reverse("capacity:review")))
    assert f'<tr id="person-{tom.pk}">' in body
    assert f'class="load-bar over" id="bar-{tom.pk}-0"' in body
    assert "12 of 10 h · <strong>2 h over</strong>" in body
    assert "Bounce campaign" in body
    assert 'data-agenda="over"' in body


def test_moving_a_task_to_next_week_redraws_the_bars_and_keeps_them_open(htmx_client, overloaded):
    tom, task = overloaded
    response = act(htmx_client, task, "plan", week=week_label(NEXT_WEEK), open=f"{tom.pk}-0")
    body = text(response)
    assert response.status_code == 200
    assert body.startswith('<section id="review-load"')
    assert f'class="load-bar" id="bar-{tom.pk}-0" open>' in body
    bars = body.split('id="review-agenda"')[0]
    assert "6 of 10 h" in bars and "over" not in bars
    assert '<section id="review-agenda"' in body and 'hx-swap-oob="true"' in body
    assert "is planned for" in body  # the message, out of band
    assert 'id="review-actions"' in body and "Planned" in body
    assert Task.objects.get(pk=task.pk).planned_week == NEXT_WEEK


def test_a_plain_post_redirects_back_to_the_open_bar(lead_client, overloaded):
    tom, task = overloaded
    response = act(lead_client, task, "unplan", open=f"{tom.pk}-0")
    assert response.url == f"{reverse('capacity:review')}?open={tom.pk}-0"
    assert Task.objects.get(pk=task.pk).status == Status.BACKLOG


def test_planning_over_capacity_warns_first_then_plans_anyway(htmx_client, overloaded):
    tom, _ = overloaded
    other = TaskFactory(title="Email template refresh", estimate_hours=4)
    AssignmentFactory(task=other, person=tom, role=Role.RESPONSIBLE)
    response = act(htmx_client, other, "plan", week=week_label(THIS_WEEK))
    assert response.status_code == 409
    assert "puts Tom Becker at 16 of 10 h" in text(response)
    assert Task.objects.get(pk=other.pk).planned_week is None
    response = act(htmx_client, other, "plan", week=week_label(THIS_WEEK), allow_over="1")
    assert response.status_code == 200
    assert Task.objects.get(pk=other.pk).planned_week == THIS_WEEK


def test_defer_and_decline_from_the_review(htmx_client, overloaded):
    _, task = overloaded
    until = new_year_after(TODAY).isoformat()
    assert act(htmx_client, task, "defer", until=until).status_code == 200
    task.refresh_from_db()
    assert (task.status, task.deferred_until.isoformat()) == (Status.DEFERRED, until)
    other = TaskFactory(status=Status.PLANNED, planned_week=THIS_WEEK)
    assert act(htmx_client, other, "decline", reason="Out of scope").status_code == 200
    assert Task.objects.get(pk=other.pk).status == Status.DECLINED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"task": 999_999}, "That task no longer exists"),
        ({"action": "delete"}, "That action is not offered here."),
        ({"action": "plan", "week": "2027-W53"}, "only some years have a week 53"),
        ({"action": "plan", "week": "soon"}, "Choose a week like 2026-W48"),
        ({"action": "decline", "reason": ""}, "Give the requester a reason."),
        ({"action": "plan", "week": "2025-W01"}, "2025-W01 is over"),
        ({"action": "plan", "version": "abc", "week": "2026-W50"}, "Enter a whole number."),
    ],
)
def test_bad_actions_get_422_with_a_message_and_change_nothing(htmx_client, data, message):
    task = TaskFactory(status=Status.PLANNED, planned_week=THIS_WEEK)
    body = {"task": task.pk, "action": "unplan", "version": 1, **data}
    response = htmx_client.post(reverse("capacity:review-task-action"), body)
    assert response.status_code == 422
    assert message in response.content.decode()
    task.refresh_from_db()
    assert (task.version, task.status) == (1, Status.PLANNED)


def test_a_stale_action_is_refused(htmx_client, overloaded):
    _, task = overloaded
    Task.objects.filter(pk=task.pk).update(version=2)
    response = act(htmx_client, task, "unplan")
    assert response.status_code == 409
    assert "changed" in response.content.decode()
    assert Task.objects.get(pk=task.pk).status == Status.PLANNED


def test_recording_keeps_the_figures_and_links_the_actions(lead_client, overloaded, lead):
    tom, task = overloaded
    act(lead_client, task, "plan", week=week_label(NEXT_WEEK))
    response = lead_client.post(
        reverse("capacity:review-record"),
        {
            "held_on": TODAY.isoformat(),
            "attendees": [tom.pk],
            "decisions": "Bounce work waits for Tom.",
        },
    )
    review = Review.objects.get()
    assert response.url == review.get_absolute_url()
    assert (review.recorded_by, list(review.attendees.all())) == (lead, [tom])
    assert [action["action"] for action in review.figures["actions"]] == ["Planned"]
    # Later changes leave the record as it was.
    Task.objects.update(estimate_hours=40, title="Renamed since")
    body = text(lead_client.get(review.get_absolute_url()))
    assert "Webinar program" in body and "Renamed since" not in body
    assert "6 of 10 h" in body
    assert "Bounce work waits for Tom." in body
    assert "Planned</strong> <a" in body


def agenda_entry(body: str, heading: str, title: str) -> str:
    """The agenda's line for `title` under `heading`, as the room reads it."""
    section = body.split(f'data-agenda="{heading}"')[1].split("</section>")[0]
    line = next(line for line in section.split("<li>") if f">{title}</a>" in line)
    return " ".join(re.sub(r"<[^>]+>", " ", line.split("</li>")[0]).split())


def test_each_agenda_entry_says_where_the_task_stands(lead_client, lead):
    declined = TaskFactory(title="Chat tool pilot", unscored=True)
    services.task_decline(task=declined, version=1, reason="Not this year", by=lead, via="triage")
    finished = TaskFactory(title="Lead routing", impact=5, effort=1)
    services.task_set_status(task=finished, version=1, status=Status.DONE, by=lead, via="task")
    body = lead_client.get(reverse("capacity:review")).content.decode()
    assert agenda_entry(body, "new", "Chat tool pilot").startswith("Chat tool pilot declined")
    assert agenda_entry(body, "finished", "Lead routing").startswith("Lead routing done, Quick win")


def test_a_recorded_review_keeps_each_tasks_state_of_that_day(lead_client, lead):
    task = TaskFactory(title="Lead routing", impact=5, effort=1)
    task = services.task_set_status(task=task, version=1, status=Status.DONE, by=lead, via="task")
    lead_client.post(reverse("capacity:review-record"), {"held_on": TODAY.isoformat()})
    review = Review.objects.get()
    # Reopened after the meeting: the record still says what the room saw.
    services.task_set_status(task=task, version=2, status=Status.BACKLOG, by=lead, via="task")
    body = lead_client.get(review.get_absolute_url()).content.decode()
    assert agenda_entry(body, "finished", "Lead routing").startswith("Lead routing done, Quick win")


def test_the_next_review_looks_back_from_the_last_one(lead_client):
    lead_client.post(reverse("capacity:review-record"), {"held_on": TODAY.isoformat()})
    first = Review.objects.get()
    TaskFactory(title="Came in later")
    body = text(lead_client.get(reverse("capacity:review")))
    assert "the last review" in body
    assert first.get_absolute_url() in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"held_on": (TODAY + datetime.timedelta(days=1)).isoformat()}, "before it happens"),
        ({"held_on": "next Tuesday"}, "Enter a valid date."),
        ({"held_on": TODAY.isoformat(), "notes": "x" * 10_001}, "at most 10000 characters"),
        ({"held_on": TODAY.isoformat(), "attendees": [999_999]}, "Choose people on the team."),
    ],
)
def test_bad_records_get_422_and_record_nothing(htmx_client, data, message):
    response = htmx_client.post(reverse("capacity:review-record"), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Review.objects.exists()


def test_one_review_a_day(htmx_client):
    ReviewFactory(held_on=TODAY)
    response = htmx_client.post(reverse("capacity:review-record"), {"held_on": TODAY.isoformat()})
    assert response.status_code == 422
    assert "That day has a review already." in response.content.decode()
    assert Review.objects.count() == 1


def test_past_reviews_page_over_htmx(lead_client):
    for _ in range(12):
        ReviewFactory()
    page = lead_client.get(
        reverse("capacity:review"), {"page": 2}, headers={**HTMX, "HX-Target": "past-reviews"}
    )
    body = page.content.decode()
    assert body.lstrip().startswith('<section id="past-reviews"')
    assert body.count("<li><a href") == 2
    # Paging pushes the URL, so Back and a bookmark find the same page.
    assert 'hx-target="#past-reviews" hx-swap="outerHTML" hx-push-url="true">Newer</a>' in body
    assert {"HX-Request", "HX-Target"} <= set(page["Vary"].replace(" ", "").split(","))
    assert lead_client.get(reverse("capacity:review-detail", args=[999_999])).status_code == 404


def test_a_review_recorded_before_the_bar_scale_was_kept_still_draws_its_bars(lead_client):
    week = {"capacity": 10, "load": 12, "over": True, "over_by": 2, "tasks": []}
    old = ReviewFactory(
        figures={
            "weeks": [{"label": "2026-W40"}, {"label": "2026-W41"}],
            "people": [
                {
                    "id": 1,
                    "name": "Tom",
                    "title": "",
                    "weeks": [
                        {
                            **week,
                            "bar": "1-0",
                            "summary": "",
                            "load_width": 100,
                            "capacity_at": 83.3,
                        },
                        {
                            **week,
                            "bar": "1-1",
                            "summary": "",
                            "load_width": 100,
                            "capacity_at": 83.3,
                        },
                    ],
                }
            ],
            "totals": [],
            "unassigned": [],
            "agenda": [],
            "actions": [],
        }
    )
    body = lead_client.get(old.get_absolute_url()).content.decode()
    assert 'width="83.3"' in body and "12 of 10 h" in body


def test_an_empty_team_says_what_to_do(lead_client):
    body = text(lead_client.get(reverse("capacity:review")))
    assert "No active team members" in body
    assert "None recorded yet." in body


def review_writes(task):
    return [
        (reverse("capacity:review-record"), {"held_on": TODAY.isoformat()}),
        (
            reverse("capacity:review-task-action"),
            {"task": task.pk, "action": "unplan", "version": 1},
        ),
    ]


@pytest.mark.parametrize("index", range(2))
@pytest.mark.parametrize("who", ["anonymous", "viewer"])
def test_nobody_without_the_right_records_or_acts(request, client, who, index):
    browser = client if who == "anonymous" else request.getfixturevalue("viewer_client")
    task = TaskFactory(status=Status.PLANNED, planned_week=THIS_WEEK)
    url, data = review_writes(task)[index]
    response = browser.post(url, data)
    assert response.status_code == (302 if who == "anonymous" else 403)
    assert not Review.objects.exists()
    assert Task.objects.get(pk=task.pk).version == 1


def test_members_act_on_tasks_but_do_not_record_reviews(member_client):
    task = TaskFactory(status=Status.PLANNED, planned_week=THIS_WEEK)
    record, action = review_writes(task)
    assert member_client.post(*record).status_code == 403
    assert member_client.post(*action).status_code == 302
    body = text(member_client.get(reverse("capacity:review")))
    assert "Record this review" not in body


def test_viewers_read_the_review_and_past_reviews_without_buttons(viewer_client, overloaded):
    tom, _ = overloaded
    review = ReviewFactory()
    assert "Tom Becker" in text(viewer_client.get(reverse("capacity:review")))
    body = text(viewer_client.get(reverse("capacity:review-bar", args=[tom.pk, 0]), headers=HTMX))
    assert "Bounce campaign" in body
    assert "To next week" not in body
    assert viewer_client.get(review.get_absolute_url()).status_code == 200


def test_a_bars_tasks_load_when_it_is_opened(lead_client, overloaded):
    tom, _ = overloaded
    page = text(lead_client.get(reverse("capacity:review")))
    bar_url = reverse("capacity:review-bar", args=[tom.pk, 0])
    assert f'hx-get="{bar_url}" hx-trigger="toggle from:closest details once"' in page
    assert "Webinar program" not in page.split('id="review-agenda"')[0]
    body = text(lead_client.get(bar_url, headers=HTMX))
    assert body.startswith('<ul class="bar-tasks">')
    assert body.count("To next week") == 2
    assert body.count('<input type="week" name="week" required') == 2
    next_week = lead_client.get(reverse("capacity:review-bar", args=[tom.pk, 1]), headers=HTMX)
    assert "Nothing planned." in text(next_week)
    plain = lead_client.get(bar_url)
    assert plain.url == f"{reverse('capacity:review')}?open={tom.pk}-0#bar-{tom.pk}-0"
    without_htmx = text(lead_client.get(reverse("capacity:review"), {"open": f"{tom.pk}-0"}))
    assert "To next week" in without_htmx


@pytest.mark.parametrize("args", [(0, 2), (999_999, 0)])
def test_unknown_bars_are_404(lead_client, overloaded, args):
    tom, _ = overloaded
    person, index = args
    url = reverse("capacity:review-bar", args=[person or tom.pk, index])
    assert lead_client.get(url).status_code == 404


def make_team(size):
    for _ in range(size):
        person = PersonFactory(kind=Person.Kind.TEAM)
        for week in (THIS_WEEK, NEXT_WEEK):
            task = TaskFactory(status=Status.PLANNED, planned_week=week, estimate_hours=30)
            AssignmentFactory(task=task, person=person, role=Role.RESPONSIBLE)
        TaskFactory(due_date=TODAY - datetime.timedelta(days=3))
    ReviewFactory()


@pytest.mark.parametrize("name", ["capacity:review", "review-detail"])
def test_query_count_is_the_same_at_5_and_50_people(
    lead_client, lead, django_assert_max_num_queries, name
):
    def url():
        if name == "review-detail":
            from capacity import services

            held_on = TODAY - datetime.timedelta(days=Review.objects.count())
            review = services.review_record(
                held_on=held_on, attendees=Person.objects.all(), notes="", decisions="", by=lead
            )
            return review.get_absolute_url()
        return reverse(name)

    make_team(5)
    small_url = url()
    with CaptureQueriesContext(connection) as small:
        lead_client.get(small_url)
    make_team(45)
    large_url = url()
    with django_assert_max_num_queries(len(small)):
        assert lead_client.get(large_url).status_code == 200


def test_plan_anyway_still_refuses_a_stale_version(htmx_client, overloaded):
    tom, _ = overloaded
    other = TaskFactory(title="Email template refresh", estimate_hours=4)
    AssignmentFactory(task=other, person=tom, role=Role.RESPONSIBLE)
    Task.objects.filter(pk=other.pk).update(version=2)  # someone edited it meanwhile
    response = act(htmx_client, other, "plan", version=1, week=week_label(THIS_WEEK))
    assert response.status_code == 409
    assert '<input type="hidden" name="version" value="1">' in response.content.decode()
    response = act(
        htmx_client, other, "plan", version=1, week=week_label(THIS_WEEK), allow_over="1"
    )
    assert response.status_code == 409
    assert Task.objects.get(pk=other.pk).planned_week is None


def test_planning_over_capacity_without_htmx_says_why(lead_client, overloaded):
    tom, _ = overloaded
    other = TaskFactory(title="Email template refresh", estimate_hours=4)
    AssignmentFactory(task=other, person=tom, role=Role.RESPONSIBLE)
    response = act(lead_client, other, "plan", week=week_label(THIS_WEEK), open="x&y=1")
    assert response.url == f"{reverse('capacity:review')}?open=x%26y%3D1"
    page = text(lead_client.get(response.url))
    assert "“Email template refresh” is not planned" in page


def team_total(body: str, index: int) -> str:
    """The team's bar for this week (0) or next (1): its cell's opening tag and figures."""
    totals = body.split('<tr id="team-totals">')[1].split("</tr>")[0]
    return totals.split("<td ")[index + 1]


def test_the_team_bar_is_red_only_when_the_team_is_over_capacity(lead_client, overloaded):
    """Tom is 2 h over; Ana's 40 free hours keep the team well under its 50."""
    PersonFactory(name="Ana Free", kind=Person.Kind.TEAM, weekly_capacity_hours=40)
    team = team_total(text(lead_client.get(reverse("capacity:review"))), 0)
    assert team.startswith('class="load-bar">'), team
    assert "12 of 50 h" in team and "40 h free · <strong>2 h over</strong>" in team

    TaskFactory(status=Status.PLANNED, planned_week=THIS_WEEK, estimate_hours=45)
    team = team_total(text(lead_client.get(reverse("capacity:review"))), 0)
    assert team.startswith('class="load-bar over">'), team
    assert "57 of 50 h · <strong>7 h over</strong>" in team


def test_the_review_offers_a_presentation_mode_and_a_way_back(lead_client, overloaded):
    page = text(lead_client.get(reverse("capacity:review")))
    assert 'class="review-page"' in page
    assert f'<a class="button" href="{reverse("capacity:review")}?present=1">Present</a>' in page
    assert "presenting" not in page

    presenting = text(lead_client.get(reverse("capacity:review"), {"present": "1"}))
    assert 'class="review-page presenting"' in presenting
    assert f'href="{reverse("capacity:review")}" data-leave-presentation>' in presenting
    assert "<kbd>Esc</kbd>" in presenting and "<kbd>J</kbd>" in presenting


def test_to_next_week_sends_a_plan_the_planning_form_takes(htmx_client, overloaded):
    """The bar's plan button posts its own form: the defer date (`until`) is not taken
    for the last week of a span."""
    tom, task = overloaded
    body = htmx_client.get(reverse("capacity:review-bar", args=[tom.pk, 0])).content.decode()
    form = next(
        form
        for form in re.findall(r"<form.*?</form>", body, flags=re.S)
        if f'name="task" value="{task.pk}"' in form and "To next week" in form
    )
    data = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    response = htmx_client.post(reverse("capacity:review-task-action"), {**data, "action": "plan"})
    assert response.status_code == 200
    assert Task.objects.get(pk=task.pk).planned_week == NEXT_WEEK
