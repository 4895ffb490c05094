"""A request becomes a task in the triage inbox: its requester found or made, its
history naming intake and the link, all or nothing."""

import pytest
from django.db import IntegrityError
from pghistory.models import Events

from backlog.models import Status, Task
from backlog.selectors import task_history
from intake import services
from people.models import Person
from tests.factories import CategoryFactory, IntakeLinkFactory, PersonFactory

pytestmark = pytest.mark.django_db


def submit(link=None, by=None, **overrides):
    fields = {
        "title": "Webinar form",
        "details": "Name, company.",
        "why": "We lose sign-ups.",
        "wanted_by": None,
        "category": None,
        "links": ["https://example.com/brief"],
        "name": "Dana Whitfield",
        "email": "dana@example.com",
        "team": "Demand generation",
        **overrides,
    }
    return services.request_submit(link=link, by=by, **fields)


def test_a_known_address_in_any_case_is_the_same_person():
    dana = PersonFactory(name="Dana W.", email="Dana@Example.com", kind=Person.Kind.TEAM)
    task = submit(email="DANA@example.COM", name="Someone else")
    assert task.requester == dana
    assert Person.objects.count() == 1


def test_a_new_address_is_a_new_stakeholder_with_no_hours():
    task = submit(name="Marco Rossi", email="marco@example.com", team="Sales development")
    person = task.requester
    assert (person.name, person.email, person.title) == (
        "Marco Rossi",
        "marco@example.com",
        "Sales development",
    )
    assert person.kind == Person.Kind.STAKEHOLDER
    assert person.weekly_capacity_hours == 0


def test_the_request_lands_in_triage_with_its_sections_and_the_links_category():
    link = IntakeLinkFactory(category=CategoryFactory(name="Campaign build"))
    task = submit(link=link)
    assert task.status == Status.NEW and task.impact is None
    assert task.category.name == "Campaign build"
    assert task.description == (
        "Details:\nName, company.\n\n"
        "Why it matters, and what happens if it is not done:\nWe lose sign-ups.\n\n"
        "Links:\n- https://example.com/brief"
    )
    # The requester's own choice of category wins over the link's.
    chosen = CategoryFactory(name="Reporting")
    assert submit(link=link, category=chosen).category == chosen


def test_the_history_says_intake_and_which_link():
    link = IntakeLinkFactory(label="Sales requests")
    task = submit(link=link)
    event = Events.objects.references(task).get()
    metadata = event.pgh_context
    assert metadata["via"] == "intake"
    assert metadata["intake_link"] == link.pk
    assert metadata["intake_link_label"] == "Sales requests"
    (entry,) = task_history(task)
    assert entry.label == "Came in through the intake link “Sales requests”"
    assert entry.who == "Dana Whitfield"


def test_the_signed_in_form_names_the_team_member_in_the_history(member):
    task = submit(by=member)
    (entry,) = task_history(task)
    assert (entry.label, entry.who) == ("Came in through the request form", "member")


def test_a_failure_leaves_nothing_behind(monkeypatch):
    def broken(**kwargs):
        raise IntegrityError("the database said no")

    monkeypatch.setattr(services, "task_create", broken)
    with pytest.raises(IntegrityError):
        submit(email="new@example.com")
    assert not Person.objects.filter(email="new@example.com").exists()
    assert not Task.objects.exists()


def test_links_are_created_and_revoked(lead):
    link = services.intake_link_create(label="Events", category=None, expires_on=None, by=lead)
    services.intake_link_revoke(link=link)
    link.refresh_from_db()
    assert link.revoked_at is not None
