"""The RACI matrix's filters: the backlog's, plus quadrant, person (in a role), open work
and "has problems"."""

import django_filters
from django import forms

from backlog.filters import TaskFilter
from backlog.models import Quadrant, Status
from people.models import Person
from raci.models import (
    ACCOUNTABLE_ROLES,
    RESPONSIBLE_ROLES,
    annotate_raci_checks,
    problem_conditions,
)

ROLES_BY_NAME = {"responsible": RESPONSIBLE_ROLES, "accountable": ACCOUNTABLE_ROLES}


def responsible_is_me(tasks, user):
    """The tasks `user`'s person is Responsible for (R or A/R); none for a user without one."""
    if user is None or not user.is_authenticated:
        return tasks.none()
    return tasks.filter(assignments__person__user=user, assignments__role__in=RESPONSIBLE_ROLES)


def responsible_is_nobody(tasks, user):
    """The tasks with no Responsible person."""
    return tasks.exclude(assignments__role__in=RESPONSIBLE_ROLES)


class MatrixFilter(TaskFilter):
    # Everyone's roles matter until the work is done or declined.
    default_statuses = (
        Status.NEW,
        Status.BACKLOG,
        Status.PLANNED,
        Status.IN_PROGRESS,
        Status.DEFERRED,
    )

    quadrant = django_filters.ChoiceFilter(
        choices=Quadrant.choices,
        method="filter_quadrant",
        empty_label="Any quadrant",
        label="Quadrant",
    )
    person = django_filters.ModelChoiceFilter(
        queryset=Person.objects.all(),
        method="filter_person",
        empty_label="Anyone",
        label="Person on the task",
    )
    role = django_filters.ChoiceFilter(
        choices=[
            ("responsible", "Responsible (R or A/R)"),
            ("accountable", "Accountable (A or A/R)"),
        ],
        method="filter_role",
        empty_label="Any role",
        label="In the role",
    )
    open = django_filters.BooleanFilter(
        method="filter_open",
        widget=forms.CheckboxInput,
        label="Only open work (backlog, planned, in progress)",
    )
    has_problems = django_filters.BooleanFilter(
        method="filter_has_problems",
        widget=forms.CheckboxInput,
        label="Only tasks with problems",
    )

    class Meta(TaskFilter.Meta):
        fields = [*TaskFilter.Meta.fields, "quadrant", "person", "role", "open", "has_problems"]

    def filter_quadrant(self, queryset, name, value):
        return queryset.in_quadrant(Quadrant(value))

    def filter_person(self, queryset, name, value):
        # The role is the person's: both in one filter(), so one assignment matches both.
        roles = ROLES_BY_NAME.get(self.form.cleaned_data.get("role"))
        if roles:
            return queryset.filter(assignments__person=value, assignments__role__in=roles)
        return queryset.filter(assignments__person=value)

    def filter_role(self, queryset, name, value):
        # Applied with the person (filter_person): a role is someone's.
        return queryset

    def filter_open(self, queryset, name, value):
        return queryset.open() if value else queryset

    def filter_has_problems(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            pk__in=annotate_raci_checks(queryset.order_by())
            .filter(problem_conditions())
            .values("pk")
        )
