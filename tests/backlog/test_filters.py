"""The board's filter set: each request gets its own filters, with django-filter's own copy."""

import pytest
from django.http import QueryDict

from backlog.filters import TaskFilter
from backlog.models import Task
from raci.filters import MatrixFilter
from tests.factories import CategoryFactory, TaskFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("filter_class", [TaskFilter, MatrixFilter])
def test_each_filter_set_has_filters_of_its_own(filter_class):
    first = filter_class(QueryDict(), queryset=Task.objects.all())
    second = filter_class(QueryDict(), queryset=Task.objects.all())
    for name, base in filter_class.base_filters.items():
        assert first.filters[name] is not base
        assert first.filters[name] is not second.filters[name]
        assert first.filters[name].parent is first
        assert first.filters[name].field is not second.filters[name].field
        assert not hasattr(base, "parent")


def test_method_filters_answer_for_their_own_filter_set():
    TaskFactory(title="Webinar follow-up emails", impact=4, effort=2)
    TaskFactory(title="Refresh the brand deck", impact=4, effort=2)
    TaskFactory(title="Deferred idea", status="deferred", deferred_until="2027-01-04")
    webinar = TaskFilter(QueryDict("q=webinar"), queryset=Task.objects.all())
    deferred = TaskFilter(QueryDict("status=deferred"), queryset=Task.objects.all())
    everything = TaskFilter(QueryDict(), queryset=Task.objects.all())
    assert [task.title for task in webinar.qs] == ["Webinar follow-up emails"]
    assert [task.title for task in deferred.qs] == ["Deferred idea"]
    assert everything.qs.count() == 2


def test_a_filter_sets_choices_are_read_for_each_request():
    """The category choices are the categories as they are now, not as they were for the
    first filter set made."""
    first = TaskFilter(QueryDict(), queryset=Task.objects.all())
    assert [label for _, label in first.form.fields["category"].choices] == ["Any category"]
    CategoryFactory(name="Events")
    second = TaskFilter(QueryDict(), queryset=Task.objects.all())
    assert [label for _, label in second.form.fields["category"].choices] == [
        "Any category",
        "Events",
    ]


def test_a_filter_set_writes_into_its_own_copy_of_each_filters_options():
    first = TaskFilter(QueryDict(), queryset=Task.objects.all())
    second = TaskFilter(QueryDict(), queryset=Task.objects.all())
    first.filters["requester"].extra["empty_label"] = "Nobody in particular"
    assert second.filters["requester"].extra["empty_label"] == "Anyone"
    assert TaskFilter.base_filters["requester"].extra["empty_label"] == "Anyone"
