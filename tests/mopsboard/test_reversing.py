"""reverse_ids gives what reverse() gives, under any script prefix and URLconf."""

import pytest
from django.http import HttpResponse
from django.urls import NoReverseMatch, clear_script_prefix, path, reverse, set_script_prefix

from mopsboard.reversing import reverse_ids

urlpatterns = [path("elsewhere/<int:pk>/{odd}/", lambda request, pk: HttpResponse(), name="odd")]


@pytest.mark.parametrize(
    ("viewname", "ids"),
    [
        ("backlog:task-detail", (1,)),
        ("backlog:task-detail", (2147483647,)),
        ("capacity:review-bar", (12, 0)),
        ("capacity:review-bar", (0, 12)),
    ],
)
def test_the_same_address_as_reverse(viewname, ids):
    assert reverse_ids(viewname, *ids) == reverse(viewname, args=ids)


def test_a_script_prefix_is_kept():
    set_script_prefix("/mops/")
    try:
        assert reverse_ids("backlog:task-detail", 7) == "/mops/tasks/7/"
    finally:
        clear_script_prefix()
    assert reverse_ids("backlog:task-detail", 7) == "/tasks/7/"


@pytest.mark.urls(__name__)
def test_another_urlconf_is_read_and_its_braces_stay_text():
    assert reverse_ids("odd", 3) == reverse("odd", args=[3]) == "/elsewhere/3/%7Bodd%7D/"


@pytest.mark.parametrize("pk", [None, -3])
def test_anything_but_an_id_is_refused_as_reverse_refuses_it(pk):
    with pytest.raises(NoReverseMatch):
        reverse_ids("backlog:task-detail", pk)
