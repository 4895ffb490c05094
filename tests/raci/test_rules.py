"""The RACI rules and the database guarantee of one Accountable per task."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from backlog.models import Task
from raci import services
from raci.models import Assignment, Level, Role, health_of, task_problems
from tests.factories import AssignmentFactory, PersonFactory, TaskFactory

pytestmark = pytest.mark.django_db

A, AR, R, C, INFORMED = (
    Role.ACCOUNTABLE,
    Role.ACCOUNTABLE_RESPONSIBLE,
    Role.RESPONSIBLE,
    Role.CONSULTED,
    Role.INFORMED,
)


@pytest.mark.parametrize(
    ("roles", "health", "messages"),
    [
        ([], Level.ERROR, ["No Accountable", "No Responsible"]),
        ([A], Level.WARNING, ["No Responsible"]),
        ([R], Level.ERROR, ["No Accountable"]),
        ([A, R], Level.FINE, []),
        ([AR], Level.FINE, []),
        ([AR, C, C, C], Level.FINE, []),
        ([AR, C, C, C, C], Level.HINT, ["4 Consulted"]),
        ([A, R, R, INFORMED], Level.FINE, []),
    ],
)
def test_task_rules_at_their_boundaries(roles, health, messages):
    problems = task_problems(roles)
    assert health_of(problems) == health
    assert [p.message.split(":")[0] for p in problems] == messages


def test_one_responsible_setting_warns_about_a_second(settings):
    settings.MOPSBOARD_RACI_ONE_RESPONSIBLE = True
    assert health_of(task_problems([A, R])) == Level.FINE
    assert [p.message for p in task_problems([A, R, R])] == [
        "2 Responsible: the team wants one per task."
    ]


def test_the_database_refuses_a_second_accountable_by_update():
    task = TaskFactory()
    AssignmentFactory(task=task, role=A)
    other = AssignmentFactory(task=task, role=R)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.filter(pk=other.pk).update(role=AR)


def test_the_database_refuses_a_second_accountable_by_bulk_create():
    task = TaskFactory()
    people = PersonFactory.create_batch(2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.bulk_create(
            [
                Assignment(task=task, person=people[0], role=A),
                Assignment(task=task, person=people[1], role=AR),
            ]
        )


def test_roles_of_new_tasks_are_written_together_and_recorded_as_the_import(lead):
    tasks, ana, tom = TaskFactory.create_batch(2), PersonFactory(), PersonFactory()
    roles = [(tasks[0], ana, AR), (tasks[0], tom, R), (tasks[1], tom, A)]
    services.assignments_create(roles=roles, by=lead, via="import", history={"import_id": 7})
    assert set(Assignment.objects.values_list("task", "person", "role")) == {
        (tasks[0].pk, ana.pk, AR),
        (tasks[0].pk, tom.pk, R),
        (tasks[1].pk, tom.pk, A),
    }
    contexts = {
        event.pgh_context.metadata["import_id"]
        for event in Assignment.pgh_event_model.objects.all()
    }
    assert contexts == {7}


def test_roles_of_new_tasks_with_two_accountable_write_nothing(lead):
    task, ana, tom = TaskFactory(), PersonFactory(), PersonFactory()
    with pytest.raises(IntegrityError):
        services.assignments_create(roles=[(task, ana, A), (task, tom, A)], by=lead, via="import")
    assert not Assignment.objects.exists()


def test_giving_a_to_a_second_person_asks_first_then_moves_it_atomically():
    task = TaskFactory()
    priya, tom = PersonFactory(name="Priya"), PersonFactory(name="Tom")
    AssignmentFactory(task=task, person=priya, role=AR)
    with pytest.raises(services.AccountableTaken) as taken:
        services.assignment_set(task=task, person=tom, role=A, expected="", by=None, via="raci")
    assert taken.value.holder.person == priya
    services.assignment_set(
        task=task, person=tom, role=A, expected="", move_accountable=True, by=None, via="raci"
    )
    roles = dict(Assignment.objects.filter(task=task).values_list("person__name", "role"))
    assert roles == {"Priya": R, "Tom": A}


def test_moving_a_plain_a_takes_the_old_holder_off_the_task():
    task = TaskFactory()
    old = AssignmentFactory(task=task, role=A)
    new = PersonFactory()
    services.assignment_set(
        task=task, person=new, role=AR, expected="", move_accountable=True, by=None, via="raci"
    )
    assert not Assignment.objects.filter(pk=old.pk).exists()


def test_a_cell_changed_since_the_editor_saw_it_is_not_overwritten():
    cell = AssignmentFactory(role=C)
    with pytest.raises(services.CellChanged) as changed:
        services.assignment_set(
            task=cell.task, person=cell.person, role=INFORMED, expected="", by=None, via="raci"
        )
    assert changed.value.current == C
    cell.refresh_from_db()
    assert cell.role == C


def test_empty_role_takes_the_person_off_the_task():
    cell = AssignmentFactory(role=C)
    services.assignment_set(
        task=cell.task, person=cell.person, role="", expected=C, by=None, via="raci"
    )
    assert not Assignment.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_editors_giving_a_at_once_exactly_one_wins():
    task = TaskFactory()
    people = PersonFactory.create_batch(2)
    start = threading.Barrier(2)
    outcomes = []

    def give_a(person):
        try:
            start.wait()
            services.assignment_set(
                task=task, person=person, role=A, expected="", by=None, via="raci"
            )
            outcomes.append("won")
        except services.AccountableTaken:
            outcomes.append("told someone else is Accountable")
        finally:
            connection.close()

    threads = [threading.Thread(target=give_a, args=[person]) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["told someone else is Accountable", "won"]
    assert Assignment.objects.filter(task=task, role=A).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_editors_filling_the_same_empty_cell_at_once_one_wins_one_is_told():
    cell = {"task": TaskFactory(), "person": PersonFactory()}
    start = threading.Barrier(2)
    outcomes = []

    def give(role):
        try:
            start.wait()
            services.assignment_set(**cell, role=role, expected="", by=None, via="raci")
            outcomes.append(("won", role))
        except services.CellChanged as changed:
            outcomes.append(("told", changed.current))
        finally:
            connection.close()

    threads = [threading.Thread(target=give, args=[role]) for role in (C, INFORMED)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    (won, kept), (told, seen) = sorted(outcomes, reverse=True)
    assert (won, told) == ("won", "told")
    assert seen == kept == Assignment.objects.get(**cell).role


def test_assignment_changes_are_in_the_history():
    from pghistory.models import Events

    cell = AssignmentFactory(role=C)
    services.assignment_set(
        task=cell.task, person=cell.person, role=R, expected=C, by=None, via="raci"
    )
    labels = list(
        Events.objects.references(cell.task)
        .filter(pgh_model="raci.AssignmentEvent")
        .order_by("pgh_created_at")
        .values_list("pgh_label", flat=True)
    )
    assert labels == ["insert", "update"]


def test_the_task_history_shows_raci_changes_with_names():
    from backlog.selectors import task_history
    from tests.factories import UserFactory

    lead = UserFactory(username="priya")
    task = TaskFactory()
    tom = PersonFactory(name="Tom Becker")
    services.assignment_set(task=task, person=tom, role=R, expected="", by=lead, via="raci")
    services.assignment_set(task=task, person=tom, role=AR, expected=R, by=lead, via="raci")
    services.assignment_set(task=task, person=tom, role="", expected=AR, by=lead, via="raci")
    raci = [(e.label, e.who, e.changes) for e in task_history(task) if e.label == "RACI"]
    assert raci == [
        ("RACI", "priya", [("Tom Becker", AR, "none")]),
        ("RACI", "priya", [("Tom Becker", R, AR)]),
        ("RACI", "priya", [("Tom Becker", None, R)]),
    ]


def test_team_hints_flag_an_accountable_over_the_share_of_open_work(settings):
    from raci.selectors import page_problems, raci_matrix, team_hints

    settings.MOPSBOARD_RACI_MAX_ACCOUNTABLE_SHARE = 0.5
    priya = PersonFactory(name="Priya", kind="team")
    tasks = TaskFactory.create_batch(4)
    for task in tasks[:2]:
        AssignmentFactory(task=task, person=priya, role=AR)
    assert team_hints().overloaded == []  # 2 of 4 is the share, not over it
    AssignmentFactory(task=tasks[2], person=priya, role=A)
    assert [(person.name, count) for person, count in team_hints().overloaded] == [("Priya", 3)]
    problems = page_problems(raci_matrix(list(Task.objects.all())))
    assert (problems.tasks, problems.no_accountable, problems.no_responsible) == (4, 1, 2)


def test_team_hints_name_active_team_members_responsible_for_nothing():
    from raci.selectors import team_hints

    busy = PersonFactory(name="Busy", kind="team")
    PersonFactory(name="Idle", kind="team")
    PersonFactory(name="Gone", kind="team", is_active=False)
    PersonFactory(name="Sales", kind="stakeholder")
    AssignmentFactory(task=TaskFactory(), person=busy, role=R)
    done = TaskFactory(status="done")
    AssignmentFactory(task=done, person=PersonFactory(name="Only done work", kind="team"), role=R)
    idle = [person.name for person in team_hints().idle_team]
    assert idle == ["Idle", "Only done work"]
