"""Two people edit one goal, step or check-in: the second save is refused (409) with what
the first saved beside the form, the second person's input kept, nothing overwritten."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from goals.models import CheckIn, Goal, Step
from mopsboard.roles import LEAD
from tests.conftest import _logged_in
from tests.factories import CheckInFactory, GoalFactory, PersonFactory, StepFactory, UserFactory

pytestmark = pytest.mark.django_db


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def editors(lead):
    return _logged_in(lead), _logged_in(UserFactory(username="second-lead", role=LEAD))


def opened(client, url: str) -> dict:
    """What the edit page's form posts as it was opened, hidden fields included."""
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    return {name: "" if form[name].value() is None else form[name].value() for name in form.fields}


def shown(response, name: str):
    return response.context["form"][name].value()


def test_a_goal_saved_meanwhile_is_not_written_over(editors):
    first, second = editors
    goal = GoalFactory(title="Email leads up 40%", target=140)
    url = reverse("goals:edit", args=[goal.pk])
    theirs, yours = opened(first, url), opened(second, url)

    saved = first.post(url, {**theirs, "title": "Email leads up 50%"})
    assert saved.status_code == 302
    response = second.post(url, {**yours, "target": "160"})

    body = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this goal since you opened it: here is what they saved." in body
    assert "<h1>Edit “Email leads up 50%”</h1>" in body
    assert re.search(r'<th scope="row">Title</th><td>Email leads up 50%</td>', body)
    assert re.search(r'<th scope="row">Target</th><td>140.00</td><td>160', body)
    assert (shown(response, "title"), shown(response, "target")) == ("Email leads up 40%", "160")
    goal.refresh_from_db()
    assert (goal.title, goal.target) == ("Email leads up 50%", 140)

    # Seen, the form saves: it now carries the goal as the first person left it.
    again = second.post(
        url,
        {**yours, "title": "Email leads up 50%", "target": "160", "seen": shown(response, "seen")},
    )
    assert again.status_code == 302
    goal.refresh_from_db()
    assert (goal.title, goal.target) == ("Email leads up 50%", 160)


def test_a_step_saved_meanwhile_is_not_written_over(editors):
    first, second = editors
    step = StepFactory(title="Q1 +10%", due_date=days(60))
    url = reverse("goals:step-edit", args=[step.pk])
    theirs, yours = opened(first, url), opened(second, url)

    assert first.post(url, {**theirs, "done": "on"}).status_code == 302
    response = second.post(url, {**yours, "title": "Q1 +12%"})

    body = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this step since you opened it" in body
    assert re.search(r'<th scope="row">Done</th><td>yes</td><td>no</td>', body)
    assert shown(response, "title") == "Q1 +12%"
    assert Step.objects.values_list("title", "done").get() == ("Q1 +10%", True)


def test_a_check_in_corrected_meanwhile_is_not_written_over(editors, member):
    """The goal's Accountable member and the lead correct the same check-in."""
    lead, _ = editors
    owner = _logged_in(member)
    check_in = CheckInFactory(
        goal=GoalFactory(owner=PersonFactory(user=member)), on=days(-1), value=110
    )
    url = reverse("goals:check-in-edit", args=[check_in.pk])
    theirs, yours = opened(owner, url), opened(lead, url)

    assert owner.post(url, {**theirs, "value": "118", "note": "Recounted"}).status_code == 302
    response = lead.post(url, {**yours, "value": "121"})

    body = response.content.decode()
    assert response.status_code == 409
    assert "Someone else changed this check-in since you opened it" in body
    # Each field is named as the form names it: the value by the goal's KPI.
    assert re.search(
        r'<th scope="row">Email-sourced leads \(count\)</th><td>118.00</td><td>121<', body
    )
    assert re.search(r'<th scope="row">Note</th><td>Recounted</td><td>\u2013<', body)
    assert shown(response, "value") == "121"
    assert CheckIn.objects.values_list("value", "note").get() == (118, "Recounted")


def test_an_edit_without_the_goal_as_opened_is_refused(lead_client):
    goal = GoalFactory(title="Email leads up 40%")
    url = reverse("goals:edit", args=[goal.pk])
    data = opened(lead_client, url)
    del data["seen"]

    response = lead_client.post(url, {**data, "title": "Blind overwrite"})

    assert response.status_code == 422
    assert Goal.objects.get().title == "Email leads up 40%"
