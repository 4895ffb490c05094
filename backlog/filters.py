"""The backlog's filters, shared by the board, the scatter view and the CSV export."""

import copy

import django_filters
from django import forms
from django.db.models import Q

from backlog.forms import DateInput
from backlog.models import OPEN_STATUSES, Category, Status, Task
from people.models import Person


class FilterCopies(dict):
    """A filter set's filters, copied one level deep for each request.

    django-filter deep-copies its filters for every filter set it makes, and with them
    their choices and querysets (0.3 ms of each board and API page). A request sets only
    the copy's own attributes (its filter set, its model, its form field) and its `extra`,
    so a copy of each filter and of its `extra` keeps requests apart as well."""

    def __deepcopy__(self, memo):
        copies = {}
        for name, filter_ in self.items():
            copies[name] = copy.copy(filter_)
            # django-filter writes into `extra` as it makes a field (a queryset, choices).
            copies[name].extra = dict(filter_.extra)
            # Setting it again binds the filter's method (filter_text...) to the copy,
            # which is the one that knows its filter set.
            copies[name].method = filter_.method
        return copies


class TaskFilter(django_filters.FilterSet):
    # With no status ticked, the board shows the work the team still means to do.
    default_statuses = OPEN_STATUSES

    q = django_filters.CharFilter(method="filter_text", label="Search")
    category = django_filters.ModelChoiceFilter(
        queryset=Category.objects.all(), empty_label="Any category"
    )
    requester = django_filters.ModelChoiceFilter(
        queryset=Person.objects.all(), empty_label="Anyone"
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
        fields = ["q", "category", "requester", "status", "due_before"]

    @classmethod
    def get_filters(cls):
        return FilterCopies(super().get_filters())

    def get_form_class(self):
        """Made once for each filter class: django-filter makes it again for every request
        (0.4 ms of each board and API page), from fields that are the same every time.
        Each form still has its own copy of the fields, and of their querysets."""
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def filter_status(self, queryset, name, value):
        return queryset.filter(status__in=value)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("status"):
            queryset = queryset.filter(status__in=self.default_statuses)
        return queryset
