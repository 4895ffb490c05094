"""Fixtures every test may use: users per role, logged-in clients, an htmx client, the
waiting notification jobs run as a worker would."""

import functools
import logging
import os

import pytest
from django.test import Client

from mopsboard.jobs import jobs_run
from mopsboard.logs import OncePerOutage
from mopsboard.roles import LEAD, MEMBER, VIEWER
from notifications.tasks import QUEUE as NOTIFICATIONS
from people.models import Person
from tests.factories import (
    CheckInFactory,
    DeliveryFactory,
    EmailFactory,
    GoalFactory,
    IntakeLinkFactory,
    PersonFactory,
    ReviewFactory,
    ShareLinkFactory,
    StepFactory,
    TaskFactory,
    UserFactory,
)

# The SMTP server and queue worker fixtures (`smtp`, `workers`), a webhook receiver
# (`receiver`).
pytest_plugins = ["tests.mailserver", "tests.webhooks.receiver"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings_parallel_suffix):
    """Each test run gets a database of its own, so two runs at once can't collide; with
    --reuse-db (`make test-fast`) kept ones, migrated only when migrations change."""
    from django.conf import settings

    name = "fast" if request.config.getoption("reuse_db") else os.getpid()
    # pytest-xdist's workers (`make test-fast` runs two) keep a database each.
    worker = getattr(request.config, "workerinput", {}).get("workerid")
    suffix = f"_{worker}" if worker else ""
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"test_mopsboard_{name}{suffix}"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """A kept database starts with an empty queue: the transactional tests of an earlier
    run commit jobs, and Django's flush leaves procrastinate's unmanaged tables alone."""
    from django.db import connection
    from procrastinate.contrib.django.models import ProcrastinateJob

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {ProcrastinateJob._meta.db_table} CASCADE")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def new_outage(monkeypatch):
    """The log's once-per-outage filter, as if no outage had been logged yet: the test's is
    the first (an earlier test's would otherwise keep it quiet)."""
    for handler in logging.getLogger().handlers:
        for log_filter in handler.filters:
            if isinstance(log_filter, OncePerOutage):
                monkeypatch.setattr(log_filter, "last_reported", 0.0)


@pytest.fixture
def run_tell_jobs(db):
    """Tell the news queued so far: run the waiting `notifications.tasks.tell` jobs here,
    in the test's transaction, as a worker would; how many ran. Call it after an action,
    then read the notifications and emails it wrote."""
    return functools.partial(jobs_run, queue=NOTIFICATIONS)


@pytest.fixture
def lead(db):
    return UserFactory(username="lead", role=LEAD)


@pytest.fixture
def member(db):
    return UserFactory(username="member", role=MEMBER)


@pytest.fixture
def viewer(db):
    return UserFactory(username="viewer", role=VIEWER)


def _logged_in(user, headers=None) -> Client:
    client = Client(headers=headers)
    client.force_login(user)
    return client


@pytest.fixture
def lead_client(lead):
    return _logged_in(lead)


@pytest.fixture
def lead_admin_client(lead):
    """The lead signed in to the admin (staff, with the lead's permissions only)."""
    lead.is_staff = True
    lead.save()
    return _logged_in(lead)


@pytest.fixture
def member_client(member):
    return _logged_in(member)


@pytest.fixture
def viewer_client(viewer):
    return _logged_in(viewer)


@pytest.fixture
def htmx_client(lead):
    return _logged_in(lead, {"HX-Request": "true"})


@pytest.fixture
def world(db):
    """One of everything a URL can name: a task, a request in triage, a team member, a
    share link, an intake link, a recorded review, a failed email, a failed webhook
    delivery (its endpoint with it), and a goal with a step and a check-in."""
    team = PersonFactory(kind=Person.Kind.TEAM)
    goal = GoalFactory(owner=team)
    return {
        "goal": goal,
        "step": StepFactory(goal=goal, owner=team),
        "check_in": CheckInFactory(goal=goal, on=goal.baseline_date),
        "task": TaskFactory(impact=5, effort=1),
        "request": TaskFactory(unscored=True),
        "person": team,
        "link": ShareLinkFactory(),
        "intake_link": IntakeLinkFactory(),
        "review": ReviewFactory(),
        "email": EmailFactory(failed=True),
        "delivery": DeliveryFactory(failed=True),
    }
