"""Linking tasks to goals through every door: triage, the board's card menu, the board's
filter at once, and a requester's suggestion from the intake form, as the lead, a
member, a viewer and a forger meet them over HTTP."""

import html

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backlog.models import Task
from goals.models import Suggestion
from goals.services import tasks_goal_link
from intake.tracking import tracking_token
from tests.factories import (
    CategoryFactory,
    GoalFactory,
    IntakeLinkFactory,
    StepFactory,
    TaskFactory,
)
from tests.intake.conftest import request_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def intake_link(db):
    return IntakeLinkFactory()


@pytest.fixture
def htmx_member(member):
    client = Client(headers={"HX-Request": "true"})
    client.force_login(member)
    return client


def _link(client, task, **data):
    return client.post(reverse("backlog:triage-action", args=[task.pk, "link-goal"]), data)


# --- Triage -----------------------------------------------------------------------------


def test_triage_offers_the_picker_of_active_goals_and_steps_and_its_key(lead_client):
    goal = GoalFactory(title="Email leads up 40%", short_name="Leads +40%")
    StepFactory(goal=goal, title="Q1 +10%")
    GoalFactory(title="An old goal", archived=True)
    TaskFactory(unscored=True)

    page = lead_client.get(reverse("backlog:triage")).content.decode()

    assert 'id="goal-picker"' in page and 'role="listbox"' in page
    assert "Email leads up 40%" in page and "Leads +40%: step Q1 +10%" in page
    assert "An old goal" not in page
    assert "<dt><kbd>g</kbd></dt>" in page and 'aria-keyshortcuts="g"' in page


def test_linking_from_triage_keeps_the_request_on_screen_to_be_scored(htmx_member, member):
    goal = GoalFactory(short_name="Leads +40%")
    request = TaskFactory(unscored=True, title="Webinar landing page")

    response = _link(htmx_member, request, goal=goal.pk)

    body = response.content.decode()
    assert response.status_code == 200
    # The row comes back (not only the counter): the lead scores it next.
    assert f'id="triage-row-{request.pk}"' in body and 'name="effort"' in body
    assert "“Webinar landing page” now serves Leads +40%." in body
    assert list(request.goals.all()) == [goal]
    request.refresh_from_db()
    assert request.awaiting_triage
    history = htmx_member.get(request.get_absolute_url()).context["history"]
    assert [(e.who, e.changes) for e in history if e.label == "Linked to a goal"] == [
        (member.username, [("Goal", None, "Leads +40%")])
    ]


def test_a_step_is_linked_from_triage_and_a_plain_post_goes_back_to_the_inbox(lead_client):
    step = StepFactory(goal=GoalFactory(short_name="Clicks +25%"), title="Q2 +6%")
    request = TaskFactory(unscored=True)

    response = _link(lead_client, request, step=step.pk)

    assert response.status_code == 302 and response.url == reverse("backlog:triage")
    assert list(request.goal_steps.all()) == [step]
    history = lead_client.get(request.get_absolute_url()).context["history"]
    assert [e.changes for e in history if e.label == "Linked to a step"] == [
        [("Step", None, "Clicks +25%: Q2 +6%")]
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"goal": "999999"}, "not among the team's active goals"),
        ({"goal": "nope"}, "not among the team's active goals"),
        ({}, "Pick one goal or one step."),
    ],
)
def test_a_forged_or_missing_goal_is_refused_with_a_message(htmx_client, data, message):
    request = TaskFactory(unscored=True)

    response = _link(htmx_client, request, **data)

    assert response.status_code == 422
    assert message in html.unescape(response.content.decode())
    assert not request.goals.exists()


def test_an_archived_goal_cannot_be_linked(htmx_client):
    goal = GoalFactory(archived=True)
    request = TaskFactory(unscored=True)

    response = _link(htmx_client, request, goal=goal.pk)

    assert response.status_code == 422 and not request.goals.exists()


def test_a_viewer_cannot_link_from_triage_nor_the_board(viewer_client):
    goal = GoalFactory()
    request, task = TaskFactory(unscored=True), TaskFactory()

    assert _link(viewer_client, request, goal=goal.pk).status_code == 403
    board = viewer_client.post(
        reverse("backlog:board-action"), {"action": "link-goal", "task": task.pk, "goal": goal.pk}
    )
    assert board.status_code == 403
    assert not goal.tasks.exists()
    page = viewer_client.get(reverse("backlog:triage")).content.decode()
    assert 'id="goal-picker"' not in page and "Link to goal…" not in page


def test_triage_filters_by_goal(lead_client):
    goal = GoalFactory()
    served = TaskFactory(unscored=True, title="Serves the goal")
    through_a_step = TaskFactory(unscored=True, title="Serves a step")
    TaskFactory(unscored=True, title="Serves nothing")
    goal.tasks.add(served)
    StepFactory(goal=goal).tasks.add(through_a_step)

    everything = lead_client.get(reverse("backlog:triage")).content.decode()
    filtered = lead_client.get(reverse("backlog:triage"), {"goal": goal.pk}).content.decode()

    assert 'Goal <select name="goal"' in everything and "Serves nothing" in everything
    assert "Serves the goal" in filtered and "Serves a step" in filtered
    assert "Serves nothing" not in filtered


def test_a_tasks_history_reads_its_links_in_the_same_queries_however_many(lead_client, lead):
    task = TaskFactory()
    tasks = Task.objects.filter(pk=task.pk)

    def link(count):
        for _ in range(count):
            tasks_goal_link(tasks=tasks, goal=GoalFactory(), by=lead, via="task")
            tasks_goal_link(tasks=tasks, step=StepFactory(), by=lead, via="task")
        with CaptureQueriesContext(connection) as queries:
            history = lead_client.get(task.get_absolute_url()).context["history"]
        return len(queries), sum(entry.label.startswith("Linked to a") for entry in history)

    few, many = link(1), link(5)

    assert (few[1], many[1]) == (2, 12)
    assert few[0] == many[0]


# --- The board's card menu ----------------------------------------------------------------


def test_the_card_menu_links_a_card_and_the_card_names_its_goal(htmx_member):
    goal = GoalFactory(short_name="Sync errors")
    task = TaskFactory(title="CRM sync clean-up")

    page = htmx_member.get(reverse("backlog:board"), headers={"HX-Request": ""})
    assert 'data-goal-picker="card-goal-link"' in page.content.decode()
    response = htmx_member.post(
        reverse("backlog:board-action"), {"action": "link-goal", "task": task.pk, "goal": goal.pk}
    )

    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith('<div id="board-quadrants"')
    assert "Goal: Sync errors" in body
    assert list(task.goals.all()) == [goal]


def test_the_card_menu_refuses_a_forged_goal(htmx_member):
    task = TaskFactory()

    response = htmx_member.post(
        reverse("backlog:board-action"), {"action": "link-goal", "task": task.pk, "goal": "0"}
    )

    assert response.status_code == 422
    assert "not among the team's active goals" in html.unescape(response.content.decode())


# --- The board's filter, at once ---------------------------------------------------------------


def test_the_filtered_board_links_its_tasks_after_a_confirmation_naming_how_many(member_client):
    goal = GoalFactory(title="Email clicks +25%")
    events = CategoryFactory(name="Events")
    tasks = [TaskFactory(category=events, title=f"Webinar {n}") for n in range(3)]
    TaskFactory(title="Not an event")
    goal.tasks.add(tasks[0])  # linked already: left as it is

    board = member_client.get(reverse("backlog:board"), {"category": events.pk})
    assert "Link these 3 tasks to a goal…" in board.content.decode()
    confirm = member_client.get(
        reverse("goals:tasks-link"), {"category": events.pk, "link-goal": goal.pk}
    )
    page = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Link these 3 tasks to “Email clicks +25%”?" in page and "Webinar 2" in page
    assert not goal.tasks.filter(pk=tasks[1].pk).exists()

    done = member_client.post(
        f"{reverse('goals:tasks-link')}?category={events.pk}", {"link-goal": goal.pk}
    )

    assert done.status_code == 302
    assert done.url == f"{reverse('backlog:board')}?category={events.pk}"
    assert set(goal.tasks.all()) == set(tasks)
    followed = member_client.get(done.url).content.decode()
    assert "2 more tasks now serve “Email clicks +25%”." in followed


# Linking the board's filtered tasks: the session and user, the form's goal, the tasks, the
# links there are, the new ones and the suggestion settled; and the goal's status read
# before and after, for goal.status_changed.
QUERIES = 26


def test_linking_the_filtered_board_asks_the_same_queries_however_many_tasks(
    lead_client, django_assert_num_queries
):
    goal = GoalFactory()
    url = reverse("goals:tasks-link")
    counts = []
    for size in (2, 12):
        category = CategoryFactory()
        for _ in range(size):
            TaskFactory(category=category)
        Suggestion.objects.create(task=TaskFactory(category=category), goal=goal)
        with django_assert_num_queries(QUERIES) as captured:
            response = lead_client.post(f"{url}?category={category.pk}", {"link-goal": goal.pk})
        assert response.status_code == 302
        assert goal.tasks.filter(category=category).count() == size + 1
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_a_viewer_cannot_link_the_filtered_board_and_a_forged_goal_is_refused(
    viewer_client, lead_client
):
    task = TaskFactory()
    url = f"{reverse('goals:tasks-link')}?category={task.category_id}"

    assert viewer_client.get(url, {"link-goal": GoalFactory().pk}).status_code == 403
    assert viewer_client.post(url, {"link-goal": GoalFactory().pk}).status_code == 403
    forged = lead_client.post(url, {"link-goal": "123456"})
    assert forged.status_code == 422
    assert "not among the team's active goals" in html.unescape(forged.content.decode())
    assert not task.goals.exists()


# --- Intake: the requester suggests, the lead confirms or rejects ------------------------------


def test_the_public_form_offers_the_active_goals_titles_when_the_setting_says_so(
    client, intake_link, settings
):
    GoalFactory(title="Email leads up 40%", kpi_name="Secret KPI name")
    GoalFactory(title="Retired goal", archived=True)

    settings.MOPSBOARD_INTAKE_GOALS = False
    assert 'name="goal"' not in client.get(intake_link.get_absolute_url()).content.decode()
    settings.MOPSBOARD_INTAKE_GOALS = True
    page = client.get(intake_link.get_absolute_url()).content.decode()

    assert 'name="goal"' in page and "Email leads up 40%" in page
    assert "Retired goal" not in page and "Secret KPI name" not in page


def _suggested(client, intake_link, goal):
    response = client.post(intake_link.get_absolute_url(), request_data(goal=goal.pk))
    assert response.status_code == 303
    return Suggestion.objects.select_related("task").get(goal=goal).task


def test_a_suggested_goal_is_confirmed_in_triage_and_then_named_to_the_requester(
    client, intake_link, settings, htmx_client
):
    settings.MOPSBOARD_INTAKE_GOALS = True
    goal = GoalFactory(title="Email leads up 40%")
    request = _suggested(client, intake_link, goal)
    requester_page = reverse("intake:request", args=[tracking_token(request)])

    assert not request.goals.exists()
    assert "Email leads up 40%" not in client.get(requester_page).content.decode()
    triage = htmx_client.get(reverse("backlog:triage"), headers={"HX-Request": ""})
    assert "The requester says it serves the goal <strong>Email leads up 40%</strong>" in (
        triage.content.decode()
    )

    confirmed = _link(htmx_client, request, goal=goal.pk)

    assert confirmed.status_code == 200 and list(request.goals.all()) == [goal]
    assert "The requester says" not in confirmed.content.decode()
    assert not Suggestion.objects.exists()
    assert "Email leads up 40%" in client.get(requester_page).content.decode()


def test_a_suggested_goal_rejected_in_triage_is_not_linked(
    client, intake_link, settings, htmx_client
):
    settings.MOPSBOARD_INTAKE_GOALS = True
    goal = GoalFactory()
    request = _suggested(client, intake_link, goal)

    response = htmx_client.post(
        reverse("backlog:triage-action", args=[request.pk, "reject-goal"]), {"goal": goal.pk}
    )

    assert (
        response.status_code == 200 and f'id="triage-row-{request.pk}"' in response.content.decode()
    )
    assert not Suggestion.objects.exists() and not request.goals.exists()


def test_a_requester_cannot_suggest_a_goal_the_form_does_not_offer(client, intake_link, settings):
    settings.MOPSBOARD_INTAKE_GOALS = True
    archived = GoalFactory(archived=True)
    GoalFactory()

    response = client.post(intake_link.get_absolute_url(), request_data(goal=archived.pk))

    assert response.status_code == 422 and not Suggestion.objects.exists()


@pytest.mark.parametrize("shared", [True, False])
def test_the_requester_page_names_the_linked_goals_only_with_the_setting_on(
    client, settings, shared
):
    settings.MOPSBOARD_INTAKE_GOALS = shared
    request = TaskFactory()
    GoalFactory(title="Email leads up 40%").tasks.add(request)
    StepFactory(goal=GoalFactory(title="Webinar sign-ups doubled")).tasks.add(request)

    page = client.get(reverse("intake:request", args=[tracking_token(request)]))

    body = page.content.decode()
    assert page.status_code == 200
    assert ("Serves the team's goals" in body) is shared
    assert ("Email leads up 40%" in body) is shared
    assert ("Webinar sign-ups doubled" in body) is shared


# --- Every door settles the requester's suggestion -----------------------------------------


def test_linking_the_suggested_goal_from_the_task_page_settles_the_suggestion(
    member_client, lead_client
):
    goal, other = GoalFactory(title="Email leads up 40%"), GoalFactory()
    step = StepFactory(goal=GoalFactory())
    request = TaskFactory(unscored=True)
    Suggestion.objects.create(task=request, goal=goal)
    elsewhere = Suggestion.objects.create(task=TaskFactory(unscored=True), goal=goal)

    unrelated = member_client.post(
        reverse("goals:task-goals", args=[request.pk]), {"goals": [other.pk], "steps": [step.pk]}
    )
    assert unrelated.status_code == 302
    assert Suggestion.objects.filter(task=request).exists()
    member_client.post(
        reverse("goals:task-goals", args=[request.pk]), {"goals": [goal.pk, other.pk]}
    )

    assert not Suggestion.objects.filter(task=request).exists()
    assert Suggestion.objects.filter(pk=elsewhere.pk).exists()
    triage = lead_client.get(reverse("backlog:triage")).content.decode()
    assert triage.count("The requester says it serves the goal") == 1


def test_linking_a_step_of_the_suggested_goal_from_the_task_page_settles_it(member_client):
    step = StepFactory(title="Q1 +10%")
    request = TaskFactory(unscored=True)
    Suggestion.objects.create(task=request, goal=step.goal)

    member_client.post(reverse("goals:task-goals", args=[request.pk]), {"steps": [step.pk]})

    assert not Suggestion.objects.exists()


def test_the_card_menu_and_the_filtered_board_settle_the_suggestion_too(htmx_member):
    goal = GoalFactory()
    events = CategoryFactory(name="Events")
    from_card, from_filter = (TaskFactory(category=events, impact=4, effort=2) for _ in range(2))
    for task in (from_card, from_filter):
        Suggestion.objects.create(task=task, goal=goal)

    htmx_member.post(
        reverse("backlog:board-action"),
        {"action": "link-goal", "task": from_card.pk, "goal": goal.pk},
    )
    assert list(Suggestion.objects.values_list("task", flat=True)) == [from_filter.pk]
    htmx_member.post(
        f"{reverse('goals:tasks-link')}?category={events.pk}",
        {"link-goal": goal.pk},
    )

    assert not Suggestion.objects.exists()
