"""A task's RACI through the API: read it with what its rules find wrong, set one person's
role; a task never gets a second Accountable, even from two clients at once."""

import threading

import pytest
from django.db import connection

from raci.models import Assignment
from tests.api.conftest import ApiClient
from tests.factories import (
    ApiTokenFactory,
    AssignmentFactory,
    PersonFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _cell(task, person):
    return f"/api/v1/tasks/{task.pk}/raci/{person.pk}"


def test_the_raci_with_what_its_rules_find(lead_api):
    task = TaskFactory()
    consulted = AssignmentFactory(task=task, role="C")
    response = lead_api.get(f"/api/v1/tasks/{task.pk}/raci")
    body = response.json()
    assert body["raci"] == [
        {"person": {"id": consulted.person.pk, "name": consulted.person.name}, "role": "C"}
    ]
    assert [problem["code"] for problem in body["problems"]] == ["no-accountable", "no-responsible"]
    assert body["problems"][0]["level"] == "error"


def test_set_change_and_clear_one_persons_role(lead_api):
    task, person = TaskFactory(), PersonFactory()
    response = lead_api.send("put", _cell(task, person), {"role": "A/R"})
    assert response.status_code == 200
    assert response.json()["problems"] == []
    assert (
        lead_api.send("put", _cell(task, person), {"role": "C", "expected": "A/R"}).status_code
        == 200
    )
    assert Assignment.objects.get().role == "C"
    assert lead_api.send("put", _cell(task, person), {"role": None}).status_code == 200
    assert not Assignment.objects.exists()
    assert lead_api.send("put", _cell(task, person), {"role": "Z"}).status_code == 422


def test_a_cell_changed_meanwhile_is_not_written_over(lead_api):
    task = TaskFactory()
    cell = AssignmentFactory(task=task, role="I")
    response = lead_api.send("put", _cell(task, cell.person), {"role": "R", "expected": None})
    assert response.status_code == 409
    assert response.json()["role"] == "I"
    assert Assignment.objects.get().role == "I"


def test_a_second_accountable_is_refused_naming_who_holds_it_unless_moved(lead_api):
    task = TaskFactory()
    holder = AssignmentFactory(task=task, role="A")
    newcomer = PersonFactory()
    response = lead_api.send("put", _cell(task, newcomer), {"role": "A"})
    assert response.status_code == 409
    assert response.json()["holder"] == {
        "person": {"id": holder.person.pk, "name": holder.person.name},
        "role": "A",
    }
    assert f"{holder.person} is Accountable" in response.json()["detail"]
    response = lead_api.send("put", _cell(task, newcomer), {"role": "A", "move_accountable": True})
    assert response.status_code == 200
    assert list(Assignment.objects.values_list("person", "role")) == [(newcomer.pk, "A")]


@pytest.mark.django_db(transaction=True)
def test_two_clients_giving_a_to_different_people_at_once_one_wins_one_gets_409():
    lead = UserFactory(username="lead", role="lead")
    task, people = TaskFactory(), [PersonFactory(), PersonFactory()]
    clients = [ApiClient(ApiTokenFactory(user=lead)) for _ in people]
    start, answers = threading.Barrier(2), {}

    def give_a(index):
        try:
            start.wait()
            answers[index] = clients[index].send("put", _cell(task, people[index]), {"role": "A"})
        finally:
            connection.close()

    threads = [threading.Thread(target=give_a, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(answer.status_code for answer in answers.values())
    assert statuses == [200, 409]
    winner = Assignment.objects.get(task=task)
    loser = next(answer for answer in answers.values() if answer.status_code == 409)
    assert loser.json()["holder"]["person"]["id"] == winner.person_id


@pytest.mark.parametrize(
    ("body", "pointer"),
    [({}, "#/role"), ({"rol": "A"}, "#/role"), ("x", "#/"), ([1, 2], "#/")],
    ids=["empty", "misspelt-role", "a-string", "a-list"],
)
def test_a_body_without_role_is_refused_and_the_role_stays(lead_api, body, pointer):
    cell = AssignmentFactory(role="C")
    response = lead_api.send("put", _cell(cell.task, cell.person), body)
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert pointer in [error.get("pointer") for error in response.json()["errors"]]
    assert Assignment.objects.get().role == "C"


@pytest.mark.parametrize(("role", "left"), [(None, []), ("A", ["A"])], ids=["null", "A"])
def test_a_role_sent_explicitly_is_set_and_null_takes_the_person_off(lead_api, role, left):
    cell = AssignmentFactory(role="C")
    response = lead_api.send("put", _cell(cell.task, cell.person), {"role": role})
    assert response.status_code == 200, response.content
    assert list(Assignment.objects.values_list("role", flat=True)) == left
