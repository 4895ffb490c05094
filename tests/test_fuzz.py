"""Every form endpoint, fed random input as every role, never answers 500.

Random text with control characters, huge and negative numbers, dates and weeks that do
not exist, fields missing and fields repeated. `make test` tries a few examples a URL;
`make fuzz` runs the long profile (HYPOTHESIS_PROFILE=fuzz).
"""

import os

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import UserFactory
from tests.test_permissions import ACCESS

pytestmark = pytest.mark.django_db

settings.register_profile(
    "quick",
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.register_profile(
    "fuzz",
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "quick"))

FIELDS = [
    "action", "allow_over", "attendees", "category", "decisions", "description",
    "due_date", "effort", "email", "estimate_hours", "expected", "expires_on", "held_on",
    "hours", "impact", "label", "move_accountable", "new_password1", "new_password2", "note",
    "notes", "notify", "open", "page_tasks", "person", "quadrant", "query", "reason",
    "requester", "role", "status", "task", "title", "until", "version", "week",
    "weekly_capacity_hours", "details", "why", "wanted_by", "links", "name", "team", "website",
    "scope", "file", "column_0", "column_1", "url", "events", "keep_span", "start", "weeks",
    "who", "from_week", "stretch",
]  # fmt: skip
# Values a person (or a script) might send: plausible ones, edge cases and junk.
VALUES = st.one_of(
    st.sampled_from(
        [
            "",
            "0",
            "1",
            "3",
            "5",
            "6",
            "-1",
            "A",
            "A/R",
            "C",
            "none",
            "move",
            "plan",
            "shift",
            "defer",
            "decline",
            "quick-win",
            "money-pit",
            "read-write",
            "task.created",
            "http://127.0.0.1:9/hook",
            "2026-W48",
            "2027-W53",
            "2025-W01",
            "1999-12-31",
            "2026-02-30",
            "on",
            "9" * 40,
            "x" * 20_000,
            "<script>alert(1)</script>",
            "\x00",
        ]
    ),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.text(st.characters(codec="utf-8"), max_size=200),
)
FORM_DATA = st.dictionaries(
    st.sampled_from(FIELDS), st.lists(VALUES, min_size=1, max_size=3), max_size=10
)

POSTS = [
    (name, action)
    for name, access in ACCESS.items()
    if access.post and name not in ("logout", "backlog:home")
    for action in access.actions or (None,)
]


@pytest.mark.parametrize("role", ["viewer", "member", "lead"])
@pytest.mark.parametrize(("name", "action"), POSTS, ids=[f"{n}[{a}]" if a else n for n, a in POSTS])
def test_no_input_makes_a_500(world, name, action, role):
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(username=role, role=role, is_staff=role == "lead"))
    access = ACCESS[name]
    url = reverse(name, args=access.args(world) + ([action] if action else []))

    @given(data=FORM_DATA)
    def post(data):
        response = client.post(url, data)
        assert response.status_code < 500, (url, data, response.status_code)

    post()
