"""The backlog's filters, shared by the board, the scatter view and the CSV export."""

from collections.abc import Callable

import django_filters
from django import forms
from django.db.models import Q, QuerySet

from backlog.forms import DateInput
from backlog.models import OPEN_STATUSES, Category, Status, Task
from people.models import Person

# Who is Responsible for a task is RACI's to say, an app above the backlog: raci gives
# the rule for each choice of the Responsible filter at start-up (RaciConfig.ready), as
# capacity adds its task actions, so the board filters by it without importing raci.
# Each takes the tasks and the signed-in user (None without a request).
RESPONSIBLE_FILTERS: dict[str, Callable[[QuerySet, object], QuerySet]] = {}
# Goals sit above the backlog too: goals gives its "choices" (a goal's id and short name)
# and the "tasks" serving a goal at start-up (GoalsConfig.ready).
GOAL_FILTERS: dict[str, Callable] = {}


class GoalFilterSet(django_filters.FilterSet):
    """The "Goal" filter, which the board and the triage inbox share."""

    goal = django_filters.ChoiceFilter(
        choices=lambda: GOAL_FILTERS["choices"](),
        method="filter_goal",
        empty_label="Any goal",
        label="Goal",
    )

    class Meta:
        model = Task
        fields = ["goal"]

    def filter_goal(self, queryset, name, value):
        return GOAL_FILTERS["tasks"](queryset, value)


class TaskFilter(GoalFilterSet):
    # With no status ticked, the board shows the work the team still means to do.
    default_statuses = OPEN_STATUSES

    q = django_filters.CharFilter(method="filter_text", label="Search")
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(), empty_label="Any category"
    )
    requester = django_filters.ModelChoiceFilter(
        queryset=Person.objects.all(), empty_label="Anyone"
    )
    responsible = django_filters.ChoiceFilter(
        choices=[("me", "Me"), ("nobody", "Nobody")],
        method="filter_responsible",
        empty_label="Anyone",
        label="Responsible",
    )
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices,
        method="filter_status",
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: the open work (backlog, planned, in progress).",
    )
    due_before = django_filters.DateFilter(
        field_name="due_date",
        lookup_expr="lt",
        label="Due before",
        widget=DateInput(),
    )

    class Meta:
        model = Task
        fields = ["q", "category", "requester", "responsible", "goal", "status", "due_before"]

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def filter_responsible(self, queryset, name, value):
        return RESPONSIBLE_FILTERS[value](queryset, getattr(self.request, "user", None))

    def filter_status(self, queryset, name, value):
        return queryset.filter(status__in=value)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status__in=self.default_statuses)
        return queryset
