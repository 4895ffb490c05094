"""My work from outside: a person's own tasks in their sections with their hours, moving
one along from the page, what changed since they last looked, and a login with no person."""

import datetime
import re

import pytest
from django.db import connection
from django.db.models import DateTimeField, ExpressionWrapper, F, Value
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backlog import services
from backlog.models import Status, Task, TaskEvent
from capacity.fill_ins import CANDIDATES
from capacity.models import SuggestionDismissal
from capacity.my_work import CHANGES_SHOWN
from mopsboard.roles import LEAD, MEMBER, VIEWER
from mopsboard.weeks import week_label, week_of
from people.models import Person
from raci.models import AssignmentEvent, Role
from tests.factories import AssignmentFactory, PersonFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
THIS_WEEK = week_of(TODAY)
NEXT_WEEK = THIS_WEEK + datetime.timedelta(weeks=1)
HTMX = {"HX-Request": "true"}
MY_WORK = reverse("capacity:my-work")
ACT = reverse("capacity:my-work-action")
SEEN = reverse("capacity:my-work-seen")


@pytest.fixture
def tom(member):
    return PersonFactory(
        name="Tom Becker", kind=Person.Kind.TEAM, weekly_capacity_hours=32, user=member
    )


def mine(person, role=Role.RESPONSIBLE, **fields):
    task = TaskFactory(**fields)
    AssignmentFactory(task=task, person=person, role=role)
    return task


def section(body: str, key: str) -> str:
    """The HTML of one section of the page."""
    match = re.search(rf'data-section="{key}">(.*?)</section>', body, re.S)
    assert match, key
    return match.group(1)


def test_my_work_puts_each_task_in_its_section(member_client, tom):
    mine(tom, title="Bounce campaign", status=Status.PLANNED, planned_week=THIS_WEEK)
    mine(
        tom,
        Role.ACCOUNTABLE,
        title="EMEA routing",
        status=Status.PLANNED,
        planned_week=NEXT_WEEK,
        due_date=TODAY - datetime.timedelta(days=3),
    )
    mine(tom, title="Fix sync errors", due_date=TODAY - datetime.timedelta(days=1))
    mine(tom, Role.ACCOUNTABLE_RESPONSIBLE, title="UTM capture", due_date=TODAY)
    mine(tom, title="Lifecycle documentation", status=Status.IN_PROGRESS)
    mine(tom, title="Preference centre")
    mine(tom, Role.CONSULTED, title="Attribution dashboard")
    mine(tom, Role.INFORMED, title="Consent program")
    mine(tom, title="Finished already", status=Status.DONE)
    TaskFactory(title="Someone else's")

    response = member_client.get(MY_WORK)

    assert response.status_code == 200
    body = response.content.decode()
    expected = {
        "weeks": ["Bounce campaign", "EMEA routing"],
        "overdue": ["Fix sync errors"],
        "due_soon": ["UTM capture"],
        "in_progress": ["Lifecycle documentation"],
        "rest": ["Preference centre"],
        "consulted": ["Attribution dashboard"],
    }
    for key, titles in expected.items():
        listed = re.findall(r'<a href="/tasks/\d+/">([^<]+)</a>', section(body, key))
        assert listed == titles, key
    # Work nobody is Responsible for may be suggested for spare hours, below the lists.
    lists = body.split('data-section="spare-hours"')[0]
    for absent in ("Consent program", "Finished already", "Someone else&#x27;s"):
        assert absent not in lists


def test_my_hours_this_week_and_next_are_against_my_capacity(member_client, tom):
    shared = mine(tom, status=Status.PLANNED, planned_week=THIS_WEEK, estimate_hours=10)
    AssignmentFactory(task=shared, person=PersonFactory(), role=Role.RESPONSIBLE)
    mine(tom, status=Status.PLANNED, planned_week=NEXT_WEEK, estimate_hours=40)

    weeks = section(member_client.get(MY_WORK).content.decode(), "weeks")

    this_week, next_week = weeks.split("Next week")
    assert "Your hours: 5 of 32 h" in this_week
    assert "5 h yours" in this_week
    assert "Your hours: 40 of 32 h — <strong>over capacity</strong>" in next_week


def test_a_login_without_a_person_gets_a_clear_page_and_no_menu_entry(member_client):
    response = member_client.get(MY_WORK)

    assert response.status_code == 200
    body = response.content.decode()
    assert "No team member is linked to your login" in body
    assert ">My work</a>" not in member_client.get(reverse("backlog:board")).content.decode()


def test_the_menu_offers_my_work_to_a_login_with_a_person(member_client, tom):
    body = member_client.get(reverse("backlog:board")).content.decode()
    assert f'<a href="{MY_WORK}" >My work</a>' in body


def test_the_menu_costs_no_query_of_its_own(client: Client, django_assert_num_queries):
    PersonFactory(user=(user := UserFactory(role=LEAD)))
    client.force_login(user)
    # The session, and the user with their permissions and their person's id.
    with django_assert_num_queries(2):
        body = client.get("/accounts/login/").content.decode()
    assert ">My work</a>" in body


def test_moving_my_task_along_over_htmx_redraws_the_lists(member, tom):
    task = mine(tom, title="Bounce campaign", status=Status.PLANNED, planned_week=THIS_WEEK)
    client = Client(headers=HTMX)
    client.force_login(member)

    response = client.post(
        ACT,
        {"task": task.pk, "version": task.version, "action": "status", "status": "in_progress"},
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="my-work-tasks">')
    assert "“Bounce campaign” is now in progress." in body
    assert "HX-Request" in response["Vary"]
    task.refresh_from_db()
    assert task.status == Status.IN_PROGRESS
    event = TaskEvent.objects.filter(pgh_obj=task).latest("pgh_id")
    assert (event.pgh_context.metadata["via"], event.pgh_context.metadata["user"]) == (
        "my-work",
        member.pk,
    )


def test_ticking_work_done_without_htmx_goes_back_to_my_work(member_client, tom):
    task = mine(tom, title="Bounce campaign", status=Status.IN_PROGRESS)

    response = member_client.post(
        ACT, {"task": task.pk, "version": task.version, "action": "status", "status": "done"}
    )

    assert response.status_code == 302
    assert response.url == MY_WORK
    task.refresh_from_db()
    assert task.status == Status.DONE
    body = member_client.get(MY_WORK).content.decode()
    assert "“Bounce campaign” is now done." in body
    assert "Bounce campaign</a>" not in section(body, "in_progress")


def test_a_stale_move_is_refused_and_says_why(member, tom):
    task = mine(tom, title="Bounce campaign", status=Status.PLANNED, planned_week=THIS_WEEK)
    client = Client(headers=HTMX)
    client.force_login(member)
    stale = task.version
    services.task_set_status(
        task=task, version=stale, status=Status.IN_PROGRESS, by=None, via="system"
    )

    response = client.post(
        ACT, {"task": task.pk, "version": stale, "action": "status", "status": "done"}
    )

    assert response.status_code == 409
    assert "message-error" in response.content.decode()
    task.refresh_from_db()
    assert task.status == Status.IN_PROGRESS


def test_my_work_offers_only_status_moves(member_client, tom):
    task = mine(tom, status=Status.PLANNED, planned_week=THIS_WEEK)
    response = member_client.post(
        ACT, {"task": task.pk, "version": task.version, "action": "decline", "reason": "No"}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == Status.PLANNED


def test_a_viewer_sees_their_work_without_buttons(viewer, viewer_client):
    olivia = PersonFactory(user=viewer)
    mine(olivia, title="Consent program", status=Status.PLANNED, planned_week=THIS_WEEK)
    body = viewer_client.get(MY_WORK).content.decode()
    assert "Consent program" in body
    assert ACT not in body


def recorded_at(moment, *tasks):
    """Date what the history holds so far about `tasks` at `moment`: inside a test, every
    change carries the test transaction's start time."""
    TaskEvent.objects.filter(pgh_obj__in=tasks).update(pgh_created_at=moment)
    AssignmentEvent.objects.filter(task__in=tasks).update(pgh_created_at=moment)


def latest_change_at(moment, task):
    TaskEvent.objects.filter(pk=TaskEvent.objects.filter(pgh_obj=task).latest("pgh_id").pk).update(
        pgh_created_at=moment
    )


def until_on(page: str) -> str:
    """The moment the page was read, as its "Mark as seen" button sends it."""
    return re.search(r'name="until" value="([^"]+)"', page).group(1)


def test_changes_by_others_show_until_marked_as_seen(member, member_client, tom, lead):
    looked = timezone.now() - datetime.timedelta(hours=1)
    task = mine(tom, title="Bounce campaign", status=Status.PLANNED, planned_week=THIS_WEEK)
    own = mine(tom, title="My own change")
    recorded_at(looked - datetime.timedelta(minutes=1), task, own)
    member_client.post(SEEN, {"until": looked.isoformat()})
    services.task_edit(task=task, version=task.version, by=lead, via="task", due_date=TODAY)
    latest_change_at(looked + datetime.timedelta(minutes=1), task)
    services.task_edit(task=own, version=own.version, by=member, via="task", impact=5)
    latest_change_at(looked + datetime.timedelta(minutes=1), own)

    page = member_client.get(MY_WORK).content.decode()

    changes = section(page, "changes")
    assert "Bounce campaign</a>: Changed by <strong>lead</strong>" in changes
    assert "Due date: <ins>" in changes
    assert "My own change" not in changes
    response = member_client.post(SEEN, {"until": until_on(page)})
    assert response.status_code == 302
    changes = section(member_client.get(MY_WORK).content.decode(), "changes")
    assert "Bounce campaign" not in changes
    assert "Nothing new." in changes


def test_a_change_made_after_the_page_was_read_stays_new(member_client, tom, lead):
    task = mine(tom, title="Bounce campaign")
    page = member_client.get(MY_WORK).content.decode()
    services.task_edit(task=task, version=task.version, by=lead, via="task", due_date=TODAY)
    latest_change_at(timezone.now() + datetime.timedelta(seconds=1), task)

    member_client.post(SEEN, {"until": until_on(page)})

    assert "Bounce campaign</a>: Changed" in section(
        member_client.get(MY_WORK).content.decode(), "changes"
    )


def plan_nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from plan_nodes(child)


@pytest.mark.parametrize("made", ["over a day", "in one moment"])
def test_my_work_works_out_only_the_changes_it_shows(member_client, tom, made):
    """Each change's data and diff cost the database a read of the event's JSON: a page
    that shows CHANGES_SHOWN of them must not work out all the others too, whether they
    were made one by one or all at once (an import, a test's transaction)."""
    task = mine(tom, title="Bounce campaign")
    for _ in range(4 * CHANGES_SHOWN):
        AssignmentFactory(task=task, role=Role.CONSULTED)
    if made == "over a day":
        AssignmentEvent.objects.filter(task=task).update(
            pgh_created_at=ExpressionWrapper(
                Value(timezone.now() - datetime.timedelta(days=1))
                + F("pgh_id") * Value(datetime.timedelta(seconds=1)),
                output_field=DateTimeField(),
            )
        )
    with CaptureQueriesContext(connection) as page:
        body = member_client.get(MY_WORK).content.decode()
    assert section(body, "changes").count("<li>\n") == CHANGES_SHOWN
    history = [query["sql"] for query in page if "pghistory_events" in query["sql"]]
    assert len(history) == 2  # the oldest change shown, then the changes shown

    json_reads = 0
    with connection.cursor() as cursor:
        for sql in history:
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
            (plan,) = cursor.fetchone()[0]
            # An event's JSON is read for its data, and for its diff against the one before.
            json_reads += sum(
                node["Actual Loops"]
                for node in plan_nodes(plan["Plan"])
                if node.get("Function Name") == "jsonb_each"
            )
    assert json_reads <= 3 * CHANGES_SHOWN


def test_seen_is_never_later_than_now_nor_moved_back(member_client, tom):
    member_client.post(SEEN, {"until": (timezone.now() + datetime.timedelta(days=30)).isoformat()})
    tom.refresh_from_db()
    seen = tom.work_seen_at
    assert seen <= timezone.now()
    member_client.post(SEEN, {"until": (seen - datetime.timedelta(days=1)).isoformat()})
    tom.refresh_from_db()
    assert tom.work_seen_at == seen


def test_marking_as_seen_without_a_person_says_so(member_client):
    response = member_client.post(SEEN, {"until": timezone.now().isoformat()}, follow=True)
    assert "No team member is linked to your login" in response.content.decode()


def make_my_tasks(person, numbers):
    for n in numbers:
        role = (Role.RESPONSIBLE, Role.ACCOUNTABLE, Role.CONSULTED)[n % 3]
        fields = [
            {"status": Status.PLANNED, "planned_week": THIS_WEEK, "estimate_hours": 1},
            {"due_date": TODAY - datetime.timedelta(days=n % 9 + 1)},
            {"due_date": TODAY + datetime.timedelta(days=n % 5)},
            {"status": Status.IN_PROGRESS},
            {},
        ][n % 5]
        task = mine(person, role, **fields)
        AssignmentFactory(task=task, role=Role.RESPONSIBLE)  # someone beside them
        services.task_edit(
            task=task, version=task.version, by=None, via="system", title=f"Renamed {n}"
        )


def test_my_work_asks_as_many_queries_for_200_open_tasks_as_for_10(
    member_client, tom, django_assert_max_num_queries
):
    make_my_tasks(tom, range(10))
    with CaptureQueriesContext(connection) as small:
        assert member_client.get(MY_WORK).status_code == 200
    make_my_tasks(tom, range(10, 200))
    assert Task.objects.open().count() >= 200
    with django_assert_max_num_queries(len(small)):
        body = member_client.get(MY_WORK).content.decode()
    assert "Renamed 199" in body


def test_my_work_asks_no_more_queries_for_200_open_tasks_than_for_5_with_news_and_fill_ins(
    member_client, tom
):
    def page() -> tuple[list[str], str]:
        with CaptureQueriesContext(connection) as queries:
            body = member_client.get(MY_WORK).content.decode()
        assert "Nothing fits." not in section(body, "spare-hours")
        return [query["sql"] for query in queries], body

    mine(tom, title="Fix UTM parameters", impact=2, effort=1, estimate_hours=2)
    # One in each list: this week, overdue, consulted, in progress, due soon (and the rest).
    make_my_tasks(tom, [0, 1, 2, 3, 7])
    few, body = page()
    assert "Renamed 7" in section(body, "changes")
    # Dozens of fill-ins of Tom's among them, and more than CANDIDATES nobody is
    # Responsible for (someone is Consulted, which keeps the newest news as it was).
    for _ in range(2 * CANDIDATES):
        AssignmentFactory(
            task=TaskFactory(impact=2, effort=1, estimate_hours=1), role=Role.CONSULTED
        )
    make_my_tasks(tom, range(8, 200))
    many, body = page()
    assert "Renamed 199" in section(body, "changes")
    # At most as many: the few tasks' changes always name RACI people (one query for their
    # names); the newest of the many may all be renames, which name nobody.
    assert len(many) <= len(few)
    # The hours are read once: the fill-ins' free hours are those of My work's load.
    assert sum("capacity_plannedhours" in sql for sql in many) == 1


@pytest.mark.parametrize("role", [MEMBER, VIEWER])
def test_my_work_as_each_role_with_a_person(client: Client, role):
    user = UserFactory(role=role)
    PersonFactory(user=user)
    client.force_login(user)
    assert client.get(MY_WORK).status_code == 200


def test_a_long_list_shows_its_first_tasks_and_says_how_many_more(member_client, tom, monkeypatch):
    monkeypatch.setattr("capacity.my_work.SECTION_ITEMS", 2)
    for n in range(3):
        mine(tom, title=f"Backlog task {n}")
        mine(tom, Role.CONSULTED, title=f"Consulted task {n}")
    body = member_client.get(MY_WORK).content.decode()
    rest, consulted = section(body, "rest"), section(body, "consulted")
    assert rest.count('">Backlog task') == 2
    assert "The rest <small>3</small>" in rest
    assert 'hx-get="?rest=2"' in rest and "Show more (2 of 3 shown)" in rest
    assert consulted.count('">Consulted task') == 2
    assert f"?person={tom.pk}&amp;open=on" in consulted


@pytest.mark.parametrize("htmx", [False, True])
def test_show_more_brings_the_next_page_of_the_rest(member_client, tom, monkeypatch, htmx):
    monkeypatch.setattr("capacity.my_work.SECTION_ITEMS", 2)
    for n in range(5):
        mine(tom, title=f"Backlog task {n}", impact=5 - n)
    response = member_client.get(MY_WORK, {"rest": 2}, headers=HTMX if htmx else {})
    body = response.content.decode()
    assert "HX-Request" in response["Vary"]
    assert ("<html" in body) is not htmx
    rest = body if htmx else section(body, "rest")
    assert ">Backlog task 2</a>" in rest and ">Backlog task 3</a>" in rest
    assert ">Backlog task 1</a>" not in rest and ">Backlog task 4</a>" not in rest
    assert 'hx-get="?rest=3"' in rest and "Show more (4 of 5 shown)" in rest
    last = member_client.get(MY_WORK, {"rest": 3}, headers=HTMX).content.decode()
    assert ">Backlog task 4</a>" in last and "Show more" not in last


def test_my_work_suggests_fill_ins_for_my_spare_hours_this_week_and_next(member_client, tom):
    mine(tom, title="Full week", status=Status.PLANNED, planned_week=NEXT_WEEK, estimate_hours=30)
    mine(tom, title="Fix UTM parameters", impact=2, effort=1, estimate_hours=2)
    mine(tom, title="Rebuild the preference centre", impact=2, effort=1, estimate_hours=3)
    TaskFactory(title="Someone else's", impact=2, effort=1, estimate_hours=1).assignments.create(
        person=PersonFactory(kind=Person.Kind.TEAM), role=Role.RESPONSIBLE
    )
    weeks = section(member_client.get(MY_WORK).content.decode(), "spare-hours")
    this_week, next_week = weeks.split('id="my-spare-1"')
    assert "Fix UTM parameters" in this_week and "Rebuild the preference centre" in this_week
    assert "Fill-in, fits 2 of 32 free hours" in this_week
    # Next week has 2 h free: the 3 h job would put Tom over.
    assert "Fix UTM parameters" in next_week
    assert "Rebuild the preference centre" not in next_week
    assert "Someone else's" not in weeks


PLAN_SUGGESTION = reverse("capacity:my-work-suggestion-plan")
DISMISS_SUGGESTION = reverse("capacity:my-work-suggestion-dismiss")


def suggestion(task, week=NEXT_WEEK, **more) -> dict:
    return {"task": task.pk, "week": week_label(week), "version": task.version, **more}


def test_plan_it_puts_my_fill_in_into_its_week_and_my_hours_fill(member_client, tom):
    task = mine(tom, title="Fix UTM parameters", impact=2, effort=1, estimate_hours=2)
    spare = section(member_client.get(MY_WORK).content.decode(), "spare-hours")
    assert 'aria-label="Plan it for next week: Fix UTM parameters">Plan it</button>' in spare

    response = member_client.post(PLAN_SUGGESTION, suggestion(task), headers=HTMX)

    assert response.status_code == 200
    task.refresh_from_db()
    assert (task.planned_week, task.status) == (NEXT_WEEK, Status.PLANNED)
    body = response.content.decode()
    assert f"“Fix UTM parameters” is planned for {week_label(NEXT_WEEK)}." in body
    next_week = section(body, "weeks").split('id="my-week-1"')[1]
    assert "Your hours: 2 of 32 h" in next_week and ">Fix UTM parameters</a>" in next_week
    assert "Fix UTM parameters" not in section(body, "spare-hours").split('id="my-spare-1"')[1]


def test_plan_it_without_htmx_goes_back_to_my_work(member_client, tom):
    task = mine(tom, impact=2, effort=1, estimate_hours=2)
    response = member_client.post(PLAN_SUGGESTION, suggestion(task, week=THIS_WEEK))
    assert response.status_code == 302 and response["Location"] == MY_WORK
    task.refresh_from_db()
    assert task.planned_week == THIS_WEEK


def test_my_work_plans_only_my_own_suggestions_whoever_the_post_names(member_client, tom):
    other = PersonFactory(kind=Person.Kind.TEAM)
    theirs = mine(other, title="Theirs", impact=2, effort=1, estimate_hours=1)

    response = member_client.post(
        PLAN_SUGGESTION, suggestion(theirs, person=other.pk), headers=HTMX
    )

    assert response.status_code == 409
    assert "Someone else is Responsible for “Theirs” now" in response.content.decode()
    theirs.refresh_from_db()
    assert theirs.planned_week is None


def test_making_myself_responsible_for_unowned_work_is_the_leads(member_client, tom):
    nobodys = TaskFactory(title="Unowned fill-in", impact=2, effort=1, estimate_hours=1)
    spare = section(member_client.get(MY_WORK).content.decode(), "spare-hours")
    assert ">Unowned fill-in</a>" in spare and "Plan it for next week: Unowned fill-in" not in spare

    response = member_client.post(PLAN_SUGGESTION, suggestion(nobodys), headers=HTMX)

    assert response.status_code == 403
    nobodys.refresh_from_db()
    assert nobodys.planned_week is None and not nobodys.assignments.exists()


def test_a_lead_plans_unowned_work_for_themselves_and_dismisses_another(lead, lead_client):
    me = PersonFactory(kind=Person.Kind.TEAM, weekly_capacity_hours=32, user=lead)
    nobodys = TaskFactory(title="Unowned fill-in", impact=2, effort=1, estimate_hours=1)
    later = mine(me, title="Later", impact=2, effort=1, estimate_hours=1)

    planned = lead_client.post(PLAN_SUGGESTION, suggestion(nobodys), headers=HTMX)
    dismissed = lead_client.post(DISMISS_SUGGESTION, suggestion(later), headers=HTMX)

    assert planned.status_code == 200 and dismissed.status_code == 200
    assert nobodys.assignments.get().person == me
    assert SuggestionDismissal.objects.filter(task=later, person=me, week=NEXT_WEEK).exists()
    next_week = section(dismissed.content.decode(), "spare-hours").split('id="my-spare-1"')[1]
    assert ">Later</a>" not in next_week
    assert (
        ">Later</a>"
        in section(dismissed.content.decode(), "spare-hours").split('id="my-spare-1"')[0]
    )


def test_only_those_who_may_get_the_buttons_or_the_writes(member_client, viewer, tom):
    task = mine(tom, title="Fix UTM parameters", impact=2, effort=1, estimate_hours=2)
    spare = section(member_client.get(MY_WORK).content.decode(), "spare-hours")
    assert "Not next week" not in spare
    assert member_client.post(DISMISS_SUGGESTION, suggestion(task)).status_code == 403
    PersonFactory(kind=Person.Kind.TEAM, user=viewer)
    viewer_client = Client()
    viewer_client.force_login(viewer)
    assert "Plan it" not in section(viewer_client.get(MY_WORK).content.decode(), "spare-hours")
    assert viewer_client.post(PLAN_SUGGESTION, suggestion(task)).status_code == 403
    nobody = Client()
    nobody.force_login(UserFactory(role=MEMBER))
    refused = nobody.post(PLAN_SUGGESTION, suggestion(task), follow=True)
    assert "No team member is linked to your login" in refused.content.decode()
    assert not SuggestionDismissal.objects.exists()
    task.refresh_from_db()
    assert task.planned_week is None


def test_a_suggestion_for_a_week_gone_by_is_refused_and_nothing_is_written(member_client, tom):
    task = mine(tom, impact=2, effort=1, estimate_hours=2)
    gone = THIS_WEEK - datetime.timedelta(weeks=1)
    response = member_client.post(PLAN_SUGGESTION, suggestion(task, week=gone), headers=HTMX)
    assert response.status_code == 422
    assert "is over: its spare hours are gone" in response.content.decode()
    task.refresh_from_db()
    assert task.planned_week is None
