"""Two people edit one task: the second save is refused, shows every field the first
person changed (as loaded → theirs → yours), and keeps what the second person typed only
in the fields they changed, so saving again overwrites nothing unseen."""

import datetime
import re
from html import unescape

import pytest

from backlog.models import Task
from tests.conftest import _logged_in
from tests.factories import CategoryFactory, PersonFactory, TaskFactory

pytestmark = pytest.mark.django_db

# The conflict table's caption: its rows follow.
THEIR_CHANGES = "<caption>What they changed</caption>"

HTMX = {"HX-Request": "true"}


def form_data(task: Task, **changes) -> dict:
    """What the task page's form posts for `task` as loaded, with `changes` typed in."""
    data = {
        "title": task.title,
        "description": task.description,
        "requester": task.requester_id or "",
        "category": task.category_id or "",
        "due_date": task.due_date.isoformat() if task.due_date else "",
        "impact": task.impact,
        "effort": task.effort,
        "estimate_hours": task.estimate_hours or "",
        "version": task.version,
    }
    return {**data, **changes}


def field_value(body: str, name: str) -> str:
    """The value the re-shown form holds for `name`."""
    textarea = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', body, re.S)
    if textarea:
        return unescape(textarea.group(1)).strip()
    select = re.search(rf'<select name="{name}".*?</select>', body, re.S)
    if select:
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', select.group(0))
        return chosen.group(1) if chosen else ""
    radio = re.search(rf'name="{name}" value="(\d)"[^>]*checked', body)
    if radio:
        return radio.group(1)
    field = re.search(rf'<input[^>]*name="{name}"[^>]*>', body)
    value = re.search(r'value="([^"]*)"', field.group(0)) if field else None
    return unescape(value.group(1)) if value else ""


@pytest.fixture
def editors(lead, member):
    return _logged_in(lead, HTMX), _logged_in(member, HTMX)


def test_a_description_saved_meanwhile_is_not_written_back(editors):
    """The lost update a new user hit: one edits the description, the other the title."""
    lead, member = editors
    task = TaskFactory(title="Attribution dashboard", description="First draft")
    loaded = Task.objects.get(pk=task.pk)
    saved = lead.post(task.get_absolute_url(), form_data(loaded, description="Agreed scope"))
    assert saved.status_code == 200
    response = member.post(task.get_absolute_url(), form_data(loaded, title="Attribution v2"))
    body = response.content.decode()
    assert response.status_code == 409
    assert re.search(
        r"<th scope=\"row\">Description</th><td>First draft</td><td>Agreed scope", body
    )
    assert field_value(body, "description") == "Agreed scope"
    assert field_value(body, "title") == "Attribution v2"
    # The heading and the history come up to date too.
    assert 'id="task-head" class="page-head" hx-swap-oob="true"' in body
    assert 'id="task-history"' in body and "Agreed scope" in body

    again = member.post(task.get_absolute_url(), form_data(loaded, **extract(body)))
    assert again.status_code == 200
    task.refresh_from_db()
    assert (task.title, task.description) == ("Attribution v2", "Agreed scope")


def extract(body: str) -> dict:
    names = ["title", "description", "requester", "category", "due_date", "impact", "effort"]
    return {
        **{name: field_value(body, name) for name in names},
        "estimate_hours": field_value(body, "estimate_hours"),
        "version": field_value(body, "version"),
    }


def _other_values():
    return {
        "title": "Renamed by the lead",
        "description": "Scope agreed with sales",
        "requester": lambda: PersonFactory(name="Dana Requester").pk,
        "category": lambda: CategoryFactory(name="Reporting").pk,
        "due_date": "2031-03-31",
        "impact": 1,
        "effort": 5,
        "estimate_hours": "12.5",
    }


@pytest.mark.parametrize("field", list(_other_values()))
def test_every_field_the_other_person_changed_is_shown_and_kept(editors, field):
    lead, member = editors
    task = TaskFactory(title="Webinar program", impact=4, effort=2)
    loaded = Task.objects.get(pk=task.pk)
    theirs = _other_values()[field]
    theirs = theirs() if callable(theirs) else theirs
    saved = lead.post(task.get_absolute_url(), form_data(loaded, **{field: theirs}))
    assert saved.status_code == 200
    # The member changes another field: the title, or the description when the lead
    # changed the title.
    mine = {"description": "My notes"} if field == "title" else {"title": "My title"}
    response = member.post(task.get_absolute_url(), form_data(loaded, **mine))
    body = response.content.decode()
    assert response.status_code == 409
    rows = re.findall(r'<th scope="row">([^<]+)</th>', body.split(THEIR_CHANGES)[1])
    assert len(rows) == 1, rows
    assert field_value(body, field) == str(theirs)
    for name, value in mine.items():
        assert field_value(body, name) == value

    member.post(task.get_absolute_url(), form_data(loaded, **extract(body)))
    task.refresh_from_db()
    stored = getattr(task, Task._meta.get_field(field).attname)
    assert str(stored.isoformat() if isinstance(stored, datetime.date) else stored) == str(theirs)
    assert all(getattr(task, name) == value for name, value in mine.items())


def test_both_changed_the_same_field_yours_is_kept_and_theirs_shown(editors):
    lead, member = editors
    task = TaskFactory(title="Bounce campaign")
    loaded = Task.objects.get(pk=task.pk)
    lead.post(task.get_absolute_url(), form_data(loaded, title="Bounce campaign (EMEA)"))
    response = member.post(task.get_absolute_url(), form_data(loaded, title="Bounce rules"))
    body = " ".join(response.content.decode().split())
    assert (
        '<th scope="row">Title</th><td>Bounce campaign</td><td>Bounce campaign (EMEA)</td>'
        "<td>Bounce rules <small>(kept in the form)</small></td>"
    ) in body
    assert field_value(body, "title") == "Bounce rules"
    assert Task.objects.get(pk=task.pk).title == "Bounce campaign (EMEA)"


def test_a_conflict_from_a_status_change_lists_no_field(editors):
    _, member = editors
    task = TaskFactory()
    loaded = Task.objects.get(pk=task.pk)
    Task.objects.filter(pk=task.pk).update(status="in_progress", version=2)
    response = member.post(task.get_absolute_url(), form_data(loaded, title="New title"))
    assert response.status_code == 409
    assert "They changed the status or the plan, not these fields." in response.content.decode()


def test_the_conflict_names_fields_as_the_form_does(editors):
    lead, member = editors
    task = TaskFactory(title="Webinar program", estimate_hours=4, due_date="2030-01-01")
    loaded = Task.objects.get(pk=task.pk)
    lead.post(task.get_absolute_url(), form_data(loaded, estimate_hours="6", due_date="2031-03-31"))
    response = member.post(task.get_absolute_url(), form_data(loaded, title="My title"))
    rows = re.findall(r'<th scope="row">([^<]+)</th>', response.content.decode())
    assert rows == ["Due date", "Estimate hours"]


def test_a_field_only_you_changed_is_not_listed_as_theirs(editors):
    """A browser posts a text's line breaks as CRLF; one stored from elsewhere (intake,
    the API) has LF. The other person saving the same description is no change of theirs."""
    lead, member = editors
    task = TaskFactory(title="Webinar program", description="Audience: partners\nDate: May")
    loaded = Task.objects.get(pk=task.pk)
    as_a_browser_posts = "Audience: partners\r\nDate: May"
    lead.post(
        task.get_absolute_url(),
        form_data(loaded, title="Partner webinar", description=as_a_browser_posts),
    )
    response = member.post(
        task.get_absolute_url(), form_data(loaded, description="Audience: partners and sales")
    )
    body = response.content.decode()
    assert response.status_code == 409
    rows = re.findall(r'<th scope="row">([^<]+)</th>', body.split(THEIR_CHANGES)[1])
    assert rows == ["Title"]
    assert field_value(body, "description") == "Audience: partners and sales"
