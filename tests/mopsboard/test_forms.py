"""The rule against control characters (mopsboard.forms), at every door that takes a task's
title or a person's name: the task form, the intake form, the API and the import. It
refuses characters that hide or reorder text, and keeps those words need."""

import html

import pytest
from django.urls import reverse

from api.models import ApiToken
from backlog.models import Category, Task
from imports.models import Import
from people.models import Person
from raci.models import ShareLink
from tests.api.conftest import ApiClient
from tests.factories import ApiTokenFactory, IntakeLinkFactory, TaskFactory
from tests.imports.conftest import csv_bytes, uploaded
from tests.intake.conftest import request_data

pytestmark = pytest.mark.django_db

HIDDEN = {
    "right-to-left-override": "\u202e",
    "zero-width-space": "\u200b",
    "line-separator": "\u2028",
    "paragraph-separator": "\u2029",
    "c1-next-line": "\u0085",
    "c1-control-sequence": "\u009b",
    "byte-order-mark": "\ufeff",
}
WORDS = {
    "emoji-with-zwj": "Pairing day 👩\u200d💻",
    "persian-with-zwnj": "می\u200cخواهم",  # noqa: RUF001 (Persian letters, meant)
}
MESSAGE = "Remove the control characters"


def _beside(response, field: str) -> str:
    """The page's text from the field's label to the next field's label."""
    text = html.unescape(response.content.decode())
    start = text.index(f'<label for="id_{field}"')
    return text[start : text.find("<label for=", start + 1)]


@pytest.fixture
def lead_api(lead):
    return ApiClient(ApiTokenFactory(user=lead))


@pytest.mark.parametrize("hidden", HIDDEN.values(), ids=HIDDEN.keys())
def test_the_task_form_refuses_them_beside_the_title(lead_client, hidden):
    response = lead_client.post(reverse("backlog:task-new"), {"title": f"Launch{hidden} plan"})
    assert response.status_code == 422
    assert MESSAGE in _beside(response, "title")
    assert not Task.objects.exists()


@pytest.mark.parametrize("field", ["title", "name"])
@pytest.mark.parametrize("hidden", HIDDEN.values(), ids=HIDDEN.keys())
def test_the_intake_form_refuses_them_beside_the_field(client, field, hidden):
    link = IntakeLinkFactory()
    response = client.post(
        reverse("intake:link-form", args=[link.token]), request_data(**{field: f"Da{hidden}na"})
    )
    assert response.status_code == 422
    assert MESSAGE in _beside(response, field)
    assert not Task.objects.exists() and not Person.objects.exists()


@pytest.mark.parametrize("hidden", HIDDEN.values(), ids=HIDDEN.keys())
def test_the_names_of_share_links_and_api_tokens_refuse_them(lead_client, hidden):
    for url, field, data in (
        ("raci:share-link-create", "label", {}),
        ("api:tokens", "name", {"scope": "read"}),
    ):
        response = lead_client.post(reverse(url), {field: f"Sa{hidden}les", **data})
        assert response.status_code == 422, url
        assert MESSAGE in _beside(response, field)
    assert not ShareLink.objects.exists() and not ApiToken.objects.exists()


@pytest.mark.parametrize("hidden", HIDDEN.values(), ids=HIDDEN.keys())
def test_the_admin_refuses_them_in_names(lead_admin_client, hidden):
    person = {"kind": "team", "weekly_capacity_hours": 32, "notify": "at_once"}
    for url, data in (
        ("admin:people_person_add", {**person, "name": f"Da{hidden}na"}),
        ("admin:people_person_add", {**person, "name": "Dana", "title": f"Sa{hidden}les"}),
        ("admin:backlog_category_add", {"name": f"Ev{hidden}ents"}),
    ):
        response = lead_admin_client.post(reverse(url), data)
        assert response.status_code == 200, url
        assert MESSAGE in html.unescape(response.content.decode()), url
    assert not Person.objects.exists() and not Category.objects.exists()


@pytest.mark.parametrize("hidden", HIDDEN.values(), ids=HIDDEN.keys())
def test_the_api_refuses_them_with_422(lead_api, hidden):
    sent = {key: value for key, value in request_data().items() if key != "website" and value}
    for field in ("title", "name"):
        response = lead_api.send("post", "/api/v1/tasks", {**sent, field: f"Da{hidden}na"})
        assert response.status_code == 422
        (error,) = response.json()["errors"]
        assert error["pointer"] == f"#/{field}" and MESSAGE in error["detail"]
    task = TaskFactory(title="Launch plan")
    response = lead_api.send(
        "patch",
        f"/api/v1/tasks/{task.pk}",
        {"title": f"Launch{hidden} plan"},
        **{"If-Match": f'"{task.version}"'},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "#/title"
    assert Task.objects.get().title == "Launch plan"


def test_the_import_reports_them_in_titles_and_names(lead_client):
    rows = [["Title", "Requester", "Category"]]
    rows += [[f"Launch{hidden} plan", "Dana", "Events"] for hidden in HIDDEN.values()]
    rows += [["Launch plan", f"Da{hidden}na", f"Ev{hidden}ents"] for hidden in HIDDEN.values()]
    imp = uploaded(lead_client, csv_bytes(rows))
    assert imp.state == Import.State.CHECKED
    reported = [(problem["column"], MESSAGE in problem["message"]) for problem in imp.problems]
    count = len(HIDDEN)
    assert reported == [("Title", True)] * count + [("Requester", True), ("Category", True)] * count


@pytest.mark.parametrize("words", WORDS.values(), ids=WORDS.keys())
def test_the_joiners_words_need_are_kept_at_every_door(
    client, lead_client, lead_api, lead_admin_client, words
):
    response = lead_client.post(reverse("backlog:task-new"), {"title": words})
    assert response.status_code == 302
    link = IntakeLinkFactory()
    response = client.post(
        reverse("intake:link-form", args=[link.token]), request_data(title=words, name=words)
    )
    assert response.status_code == 303
    task = TaskFactory(title="Launch plan")
    response = lead_api.send(
        "patch", f"/api/v1/tasks/{task.pk}", {"title": words}, **{"If-Match": f'"{task.version}"'}
    )
    assert response.status_code == 200
    imp = uploaded(lead_client, csv_bytes([["Title", "Requester"], [words, words]]))
    assert imp.problem_count == 0, imp.problems
    for url in ("admin:people_person_add", "admin:backlog_category_add"):
        data = {"name": f"{words} 2", "kind": "team", "weekly_capacity_hours": 32}
        response = lead_admin_client.post(reverse(url), {**data, "notify": "at_once"})
        assert response.status_code == 302, url
    assert Task.objects.filter(title=words).count() == 3
    assert Person.objects.filter(name=words).exists()
    assert Person.objects.filter(name=f"{words} 2").exists()
    assert Category.objects.filter(name=f"{words} 2").exists()
