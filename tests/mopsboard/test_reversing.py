"""reverse_ids gives what reverse() gives, under any script prefix, URLconf and language."""

import sys
import types

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.http import HttpResponse
from django.urls import (
    NoReverseMatch,
    clear_script_prefix,
    path,
    reverse,
    set_script_prefix,
    set_urlconf,
)
from django.utils import translation

from mopsboard.reversing import reverse_ids

urlpatterns = [path("elsewhere/<int:pk>/{odd}/", lambda request, pk: HttpResponse(), name="odd")]

# A URLconf whose addresses carry the language (filled in by the test, with i18n on).
by_language = types.ModuleType("tests.mopsboard.by_language_urls")
sys.modules[by_language.__name__] = by_language


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


def test_a_requests_own_urlconf_is_read():
    """What a middleware does when it sets request.urlconf."""
    set_urlconf(__name__)
    try:
        assert reverse_ids("odd", 5) == "/elsewhere/5/%7Bodd%7D/"
    finally:
        set_urlconf(None)
    assert reverse_ids("backlog:task-detail", 5) == "/tasks/5/"


@pytest.mark.urls(by_language.__name__)
def test_each_language_gets_its_own_address(settings):
    settings.USE_I18N = True
    # Django binds its translation functions on first use, to the null ones while i18n is
    # off (mopsboard's setting today); let them bind again with i18n on, and after.
    translation._trans.__dict__.clear()
    request_finished = translation._trans.__dict__.clear
    settings.LANGUAGES = [("fr", "French"), ("de", "German")]
    by_language.urlpatterns = i18n_patterns(
        path("tasks/<int:pk>/", lambda request, pk: HttpResponse(), name="task")
    )
    with translation.override("fr"):
        assert reverse_ids("task", 4) == "/fr/tasks/4/"
    with translation.override("de"):
        assert reverse_ids("task", 4) == "/de/tasks/4/"
    request_finished()
