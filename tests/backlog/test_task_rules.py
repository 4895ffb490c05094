"""A task's database rules (check constraints), as Django's validation reports them."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from backlog.models import Status, Task
from tests.factories import TaskFactory

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


@pytest.mark.parametrize(
    "constraint",
    [
        models.UniqueConstraint(fields=["title"], name="task_title_unique_for_this_test"),
        models.UniqueConstraint(Lower("title"), name="task_title_lower_unique_for_this_test"),
        models.CheckConstraint(condition=~Q(title="Webinar"), name="task_not_webinar_for_test"),
    ],
    ids=["unique without a condition", "unique on an expression", "check"],
)
def test_every_kind_of_constraint_is_validated_the_django_way(constraint, monkeypatch):
    TaskFactory(title="Webinar")
    monkeypatch.setattr(Task._meta, "constraints", [*Task._meta.constraints, constraint])
    task = Task(title="Webinar", status=Status.NEW)

    with pytest.raises(ValidationError):
        task.validate_constraints()
    task.validate_constraints(exclude={"title"})  # a form that does not edit the title
