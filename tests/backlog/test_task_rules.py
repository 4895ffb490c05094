"""A task's database rules (check constraints), as Django's validation reports them."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from backlog.models import Status, Task

pytestmark = pytest.mark.django_db


def test_every_broken_rule_is_reported():
    task = Task(title="Webinar", status=Status.DECLINED, impact=6, effort=None)
    with pytest.raises(ValidationError) as raised:
        task.validate_constraints()
    assert set(raised.value.message_dict[NON_FIELD_ERRORS]) == {
        "Impact and effort are both scored 1 to 5, or both empty.",
        "Declined work needs a reason the requester can read.",
    }


def test_a_rule_on_a_field_left_out_is_not_checked(django_assert_num_queries):
    task = Task(title="Webinar", status=Status.DEFERRED, deferred_until=None, impact=6)
    # What a form that edits neither the status nor the scores leaves out.
    left_out = {"status", "impact", "effort", "estimate_hours"}
    with django_assert_num_queries(0):
        task.validate_constraints(exclude=left_out)
    with pytest.raises(ValidationError, match="needs the date it comes back"):
        task.validate_constraints(exclude=left_out - {"status"})
