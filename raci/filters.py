"""The RACI matrix's filters: the backlog's, plus quadrant, person and "has problems"."""

import django_filters
from django import forms

from backlog.filters import TaskFilter
from backlog.models import Quadrant, Status
from people.models import Person
from raci.models import annotate_raci_checks, problem_conditions


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
    has_problems = django_filters.BooleanFilter(
        method="filter_has_problems",
        widget=forms.CheckboxInput,
        label="Only tasks with problems",
    )

    class Meta(TaskFilter.Meta):
        fields = [*TaskFilter.Meta.fields, "quadrant", "person", "has_problems"]

    def filter_quadrant(self, queryset, name, value):
        return queryset.in_quadrant(Quadrant(value))

    def filter_person(self, queryset, name, value):
        return queryset.filter(assignments__person=value)

    def filter_has_problems(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(
            pk__in=annotate_raci_checks(queryset.order_by())
            .filter(problem_conditions())
            .values("pk")
        )
