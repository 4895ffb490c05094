"""Anyone on a task's RACI from the task's page: the people with a letter, the search for
more, someone new as a stakeholder, and the checks the grid and planning make."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from backlog.models import Status
from mopsboard.weeks import week_label, week_of
from people.models import Person
from raci.models import Assignment, Role
from tests.factories import AssignmentFactory, PersonFactory, TaskFactory, TimeOffFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def search(client, task, text, **headers):
    return client.get(reverse("raci:task-people", args=[task.pk]), {"people": text}, **headers)


def found_names(response) -> list[str]:
    found = response.content.decode().split('id="people-found"')[1]
    return re.findall(r'<strong id="raci-person-\d+">([^<]+)</strong>', found)


def give(client, task, person, role, expected="", **extra):
    data = {"person": person.pk, "role": role, "expected": expected, **extra}
    return client.post(reverse("raci:task-role", args=[task.pk]), data, headers=HTMX)


def add_new(client, task, **data):
    url = reverse("raci:task-person-new", args=[task.pk])
    return client.post(url, {"role": "I", **data}, headers=HTMX)


def roles_on(task) -> dict[str, str]:
    return dict(Assignment.objects.filter(task=task).values_list("person__name", "role"))


def test_the_task_page_lists_the_people_with_a_letter_and_nobody_else(lead_client):
    task = TaskFactory()
    AssignmentFactory(task=task, person=PersonFactory(name="Ana Lima"), role=Role.ACCOUNTABLE)
    AssignmentFactory(task=task, person=PersonFactory(name="Sam Sales", kind="stakeholder"))
    PersonFactory(name="Tom Team", kind=Person.Kind.TEAM)
    body = lead_client.get(task.get_absolute_url()).content.decode()
    panel = body.split('id="task-raci"')[1].split('id="people-search"')[0]
    assert "Ana Lima" in panel and "Sam Sales" in panel
    assert "Tom Team" not in panel
    # Each letter is a button; the one they hold is pressed, and it can be taken away.
    assert re.search(r'value="A" [^>]*aria-pressed="true"', panel)
    assert '>Remove<span class="visually-hidden"> Ana Lima\u2019s letter' in panel
    assert "raci-scroll" not in panel


def test_a_viewer_reads_the_letters_with_nothing_to_press(viewer_client):
    task = TaskFactory()
    AssignmentFactory(task=task, person=PersonFactory(name="Ana Lima"), role=Role.CONSULTED)
    body = viewer_client.get(task.get_absolute_url()).content.decode()
    panel = body.split('id="task-raci"')[1].split("</section>")[0]
    assert "Ana Lima" in panel and 'class="raci-letter" title="Consulted">C<' in panel
    assert "<form" not in panel


def test_search_finds_name_and_email_in_any_case_with_or_without_accents(htmx_client):
    task = TaskFactory(requester=PersonFactory(name="Rex Quest", email="rex@requests.test"))
    zoe = PersonFactory(name="Zoë Ångström", email="zoe@example.com", kind=Person.Kind.TEAM)
    PersonFactory(name="Chloé Durand", email="CHLOE.DURAND@Exämple.org", kind="stakeholder")
    PersonFactory(name="Tom Becker", email="tom@example.com")
    for text in ("zoe", "ZOË", "angstrom", "ÅNGSTRÖM", "zoë ång"):
        assert found_names(search(htmx_client, task, text, headers=HTMX)) == [zoe.name], text
    assert found_names(search(htmx_client, task, "chloe.durand@examp", headers=HTMX)) == [
        "Chloé Durand"
    ]
    assert found_names(search(htmx_client, task, "EXAMPLE.ORG", headers=HTMX)) == ["Chloé Durand"]


def test_search_lists_the_requester_first_then_by_name(htmx_client):
    requester = PersonFactory(name="Zed Requester", email="zed@example.com", kind="stakeholder")
    task = TaskFactory(requester=requester)
    PersonFactory(name="Abe Example", email="abe@example.com")
    PersonFactory(name="Bea Example", email="bea@example.com", kind="stakeholder")
    PersonFactory(name="Cal Left", email="cal@example.com", is_active=False)
    response = search(htmx_client, task, "example.com", headers=HTMX)
    assert response.status_code == 200
    assert response["Vary"].count("HX-Request") == 1
    assert found_names(response) == ["Zed Requester", "Abe Example", "Bea Example"]
    assert "Requester ·" in response.content.decode()


def test_people_with_a_letter_are_not_found_again(htmx_client):
    task = TaskFactory()
    AssignmentFactory(task=task, person=PersonFactory(name="Ruth Okafor"), role=Role.CONSULTED)
    response = search(htmx_client, task, "ruth", headers=HTMX)
    assert found_names(response) == []
    assert "Nobody else matches “ruth”" in response.content.decode()


@pytest.mark.parametrize("text", ["ruth\x00", "r" * 121])
def test_a_search_that_cannot_be_read_says_so(lead_client, htmx_client, text):
    task = TaskFactory()
    PersonFactory(name="Ruth Okafor")
    response = search(htmx_client, task, text, headers=HTMX)
    assert response.status_code == 422
    assert 'class="field-error"' in response.content.decode()
    assert found_names(response) == []
    page = lead_client.get(task.get_absolute_url(), {"people": text})
    assert page.status_code == 200
    assert found_names(page) == []


def test_a_search_works_as_a_plain_page(lead_client):
    task = TaskFactory()
    PersonFactory(name="Ruth Okafor")
    response = search(lead_client, task, "ruth")
    assert response.status_code == 302
    assert response.url == f"{task.get_absolute_url()}?people=ruth#task-raci"
    page = lead_client.get(response.url)
    assert found_names(page) == ["Ruth Okafor"]
    assert 'value="ruth"' in page.content.decode()


def test_giving_a_letter_from_the_task_page_answers_with_its_raci(htmx_client):
    task = TaskFactory(title="Preference centre")
    ruth = PersonFactory(name="Ruth Okafor")
    response = give(htmx_client, task, ruth, "C")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<section id="task-raci"')
    assert "Ruth Okafor is now C on “Preference centre”." in body
    # The keyboard stays on the letter just given, now in the list.
    assert re.search(r'value="C" [^>]*aria-pressed="true" autofocus', body)
    assert roles_on(task) == {"Ruth Okafor": Role.CONSULTED}

    assert give(htmx_client, task, ruth, "", expected="C").status_code == 200
    assert roles_on(task) == {}


def test_a_plain_post_gives_the_letter_and_goes_back_to_the_task(lead_client):
    task = TaskFactory(title="Preference centre")
    ruth = PersonFactory(name="Ruth Okafor")
    url = reverse("raci:task-role", args=[task.pk])
    response = lead_client.post(url, {"person": ruth.pk, "role": "I", "expected": ""})
    assert response.status_code == 302
    assert response.url == f"{task.get_absolute_url()}#task-raci"
    page = lead_client.get(response.url).content.decode()
    assert "Ruth Okafor is now I on “Preference centre”." in page
    assert roles_on(task) == {"Ruth Okafor": Role.INFORMED}


def test_a_second_accountable_gets_the_grids_answer(htmx_client):
    task = TaskFactory(title="Webinar")
    AssignmentFactory(task=task, person=PersonFactory(name="Ana Lima"), role=Role.ACCOUNTABLE)
    tom = PersonFactory(name="Tom Becker")
    from_grid = htmx_client.post(
        reverse("raci:cell-update"),
        {"task": task.pk, "person": tom.pk, "role": "A", "expected": ""},
    )
    from_page = give(htmx_client, task, tom, "A")
    assert from_grid.status_code == from_page.status_code == 409
    said = "<strong>Ana Lima</strong> is Accountable for “Webinar”. A task has one Accountable."
    assert said in from_grid.content.decode()
    assert said in from_page.content.decode()
    assert "Make Tom Becker A instead? Ana Lima leaves the task." in from_page.content.decode()
    assert roles_on(task) == {"Ana Lima": Role.ACCOUNTABLE}

    # The answer's button gives it all the same, as the grid's does.
    button = from_page.content.decode().split('class="conflict"')[1]
    assert 'name="move_accountable" value="on"' in button
    assert give(htmx_client, task, tom, "A", move_accountable="on").status_code == 200
    assert roles_on(task) == {"Tom Becker": Role.ACCOUNTABLE}


def test_the_grid_and_the_task_page_say_a_letter_given_or_taken_alike_with_undo(
    settings, htmx_client
):
    settings.MOPSBOARD_UNDO_SECONDS = 10
    task = TaskFactory(title="Webinar")
    tom, ann = PersonFactory(name="Tom Becker"), PersonFactory(name="Ann Lima")

    def from_grid(role, expected=""):
        data = {"task": task.pk, "person": tom.pk, "role": role, "expected": expected}
        return htmx_client.post(reverse("raci:cell-update"), data).content.decode()

    def from_page(role, expected=""):
        return give(htmx_client, task, ann, role, expected=expected).content.decode()

    for said, grid, page in [
        ("is now C on “Webinar”.", from_grid("C"), from_page("C")),
        ("is off on “Webinar”.", from_grid("", "C"), from_page("", "C")),
    ]:
        assert f"Tom Becker {said}" in grid
        assert f"Ann Lima {said}" in page
        assert 'aria-keyshortcuts="z"' in grid
        assert 'aria-keyshortcuts="z"' in page


def test_a_second_accountable_by_a_plain_post_is_told_as_the_grid_tells_it(lead_client):
    task = TaskFactory(title="Webinar")
    AssignmentFactory(task=task, person=PersonFactory(name="Ana Lima"), role=Role.ACCOUNTABLE)
    tom = PersonFactory(name="Tom Becker")
    url = reverse("raci:task-role", args=[task.pk])
    response = lead_client.post(url, {"person": tom.pk, "role": "A"}, follow=True)
    assert "Ana Lima is Accountable for “Webinar”." in response.content.decode()
    assert roles_on(task) == {"Ana Lima": Role.ACCOUNTABLE}


@pytest.fixture
def ruth_at_a_conference():
    """Ruth works 20 hours; next week 16 of them are a conference: 4 hours to give."""
    next_week = week_of(timezone.localdate()) + datetime.timedelta(weeks=1)
    ruth = PersonFactory(name="Ruth Okafor", kind=Person.Kind.TEAM, weekly_capacity_hours=20)
    TimeOffFactory(person=ruth, week=next_week, hours=16)
    return ruth, next_week


def test_giving_r_warns_as_planning_does_when_it_puts_them_over(htmx_client, ruth_at_a_conference):
    ruth, next_week = ruth_at_a_conference
    task = TaskFactory(
        title="Preference centre",
        status=Status.PLANNED,
        planned_week=next_week,
        estimate_hours=20,
    )
    response = give(htmx_client, task, ruth, "R")
    assert response.status_code == 409
    body = response.content.decode()
    assert f"Ruth Okafor would be at 20 of 4 h in {week_label(next_week)}." in body
    assert "Give R anyway" in body
    assert roles_on(task) == {}

    # Consulted takes no hours: no warning.
    assert give(htmx_client, task, ruth, "C").status_code == 200
    response = give(htmx_client, task, ruth, "R", expected="C", allow_over="on")
    assert response.status_code == 200
    assert roles_on(task) == {"Ruth Okafor": Role.RESPONSIBLE}


def test_giving_r_for_work_in_no_week_or_within_their_hours_just_gives_it(
    htmx_client, ruth_at_a_conference
):
    ruth, next_week = ruth_at_a_conference
    unplanned = TaskFactory(estimate_hours=40)
    small = TaskFactory(status=Status.PLANNED, planned_week=next_week, estimate_hours=3)
    assert give(htmx_client, unplanned, ruth, "R").status_code == 200
    assert give(htmx_client, small, ruth, "A/R").status_code == 200
    assert Assignment.objects.filter(person=ruth).count() == 2


def test_someone_new_is_added_as_a_stakeholder_with_their_letter(htmx_client):
    task = TaskFactory(title="Partner webinar")
    response = add_new(htmx_client, task, name="Nia Partner", email="nia@partner.example")
    assert response.status_code == 200
    assert "Nia Partner is now I on “Partner webinar”." in response.content.decode()
    nia = Person.objects.get(email="nia@partner.example")
    assert (nia.name, nia.kind, nia.weekly_capacity_hours) == ("Nia Partner", "stakeholder", 0)
    assert roles_on(task) == {"Nia Partner": Role.INFORMED}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "Nia Partner", "email": "nia-at-partner"}, "email", "Enter a valid email"),
        ({"name": "", "email": "nia@partner.example"}, "name", "This field is required"),
        ({"name": "   ", "email": "nia@partner.example"}, "name", "This field is required"),
    ],
)
def test_a_bad_email_or_no_name_is_said_beside_the_field_and_nothing_written(
    htmx_client, data, field, message
):
    task = TaskFactory()
    people = Person.objects.count()
    response = add_new(htmx_client, task, **data)
    assert response.status_code == 422
    body = response.content.decode()
    beside = body.split(f'for="new-person-{field}"')[1].split("<input")[0]
    assert message in beside
    assert '<details class="raci-new" open>' in body
    assert Person.objects.count() == people
    assert roles_on(task) == {}


def test_an_address_already_known_is_given_the_letter_not_added_twice(htmx_client):
    task = TaskFactory()
    ruth = PersonFactory(name="Ruth Okafor", email="ruth@example.com", kind=Person.Kind.TEAM)
    people = Person.objects.count()
    response = add_new(htmx_client, task, name="R. Okafor", email="RUTH@Example.com", role="C")
    assert response.status_code == 200
    assert Person.objects.count() == people
    assert Assignment.objects.get(task=task).person == ruth
    ruth.refresh_from_db()
    assert ruth.name == "Ruth Okafor"


def test_someone_new_refused_a_second_accountable_is_not_added_either(htmx_client):
    task = TaskFactory(title="Webinar")
    AssignmentFactory(task=task, person=PersonFactory(name="Ana Lima"), role=Role.ACCOUNTABLE)
    people = Person.objects.count()
    response = add_new(htmx_client, task, name="Nia Partner", email="nia@example.com", role="A")
    assert response.status_code == 409
    body = response.content.decode()
    assert "<strong>Ana Lima</strong> is Accountable for “Webinar”." in body
    assert Person.objects.count() == people
    # Asked again with the answer's fields, it is done.
    asked = body.split('class="conflict"')[1].split("</form>")[0]
    again = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', asked))
    again.pop("csrfmiddlewaretoken")
    assert again == {
        "name": "Nia Partner",
        "email": "nia@example.com",
        "role": "A",
        "move_accountable": "on",
    }
    assert add_new(htmx_client, task, **again).status_code == 200
    assert roles_on(task) == {"Nia Partner": Role.ACCOUNTABLE}


@pytest.mark.parametrize("name", ["task-role", "task-person-new"])
@pytest.mark.parametrize("client", ["viewer_client", "member_client"])
def test_only_the_lead_changes_a_tasks_raci(request, client, name):
    task = TaskFactory()
    ruth = PersonFactory()
    client = request.getfixturevalue(client)
    data = {"person": ruth.pk, "role": "R", "name": "Nia", "email": "nia@example.com"}
    assert client.post(reverse(f"raci:{name}", args=[task.pk]), data).status_code == 403
    assert search(client, task, "a").status_code == 403
    assert not Assignment.objects.exists()
    assert not Person.objects.filter(email="nia@example.com").exists()


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_task_page_reads_its_raci_in_as_many_queries_for_50_people(
    lead_client, django_assert_max_num_queries
):
    task = TaskFactory()
    AssignmentFactory(task=task, role=Role.ACCOUNTABLE)
    small = count_queries(lead_client, task.get_absolute_url())
    for _ in range(49):
        AssignmentFactory(task=task, role=Role.INFORMED)
    with django_assert_max_num_queries(small):
        body = lead_client.get(task.get_absolute_url()).content.decode()
    assert body.count("data-raci-keys") == 50
