"""Canaries for the few private parts of Django and procrastinate that mopsboard relies
on: each test says which code leans on what, and fails loudly when an upgrade changes it.
The README's "Upgrading Django, psycopg, django-filter" lists them."""

import inspect
import re

import pytest
from django.contrib.auth.backends import ModelBackend
from django.db.backends.postgresql import base
from django.forms import models as model_forms
from procrastinate import sql

from tests.factories import UserFactory


def test_a_model_form_asks_which_fields_to_leave_out_of_the_models_validation():
    """backlog.forms.TaskForm and imports.forms extend ModelForm._get_validation_exclusions
    with what their own fields already checked."""
    assert "self._get_validation_exclusions()" in inspect.getsource(
        model_forms.BaseModelForm._post_clean
    )


def test_djangos_backend_keeps_a_loader_whose_time_zone_matches():
    """mopsboard.postgres registers psycopg's compiled timestamptz loader under a stand-in
    carrying the `timezone` Django compares before copying its own loader to a cursor."""
    source = inspect.getsource(base.DatabaseWrapper.create_cursor)
    assert "adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)" in source
    assert "tzloader.timezone" in source
    assert base.TIMESTAMPTZ_OID == 1184


@pytest.mark.django_db
def test_model_backend_keeps_a_users_permissions_as_perm_cache():
    """mopsboard.permissions.PermissionsBackend fills the same cache, so Django's own code
    that clears it (or reads it) keeps working."""
    user = UserFactory(role="member")
    ModelBackend().get_all_permissions(user)
    assert isinstance(user._perm_cache, set)


@pytest.mark.parametrize(
    ("query", "parameters"),
    [("fetch_job", {"queues", "worker_id"}), ("finish_job", {"job_id", "status", "delete_job"})],
)
def test_procrastinate_has_the_queries_its_jobs_run_with(query, parameters):
    """mopsboard.jobs.jobs_run takes and finishes a job with procrastinate's own queries."""
    assert set(re.findall(r"%\((\w+)\)s", sql.queries[query])) == parameters


@pytest.mark.django_db
def test_a_pghistory_context_entered_gives_the_id_its_events_carry():
    """mopsboard.history: `history_context` entered (and `current_change` inside it) gives
    pghistory's context, whose `id` and `metadata` the undo (raci.services) and the news
    it cancels (notifications.tasks) name a change by."""
    from backlog.models import TaskEvent
    from mopsboard.history import current_change, history_context
    from tests.factories import TaskFactory

    task = TaskFactory()
    with history_context(None, via="system", undoes="earlier") as change:
        task.title = "Renamed"
        task.save()
        assert current_change() == change
    event = TaskEvent.objects.filter(pgh_obj_id=task.pk, pgh_label="update").get()
    assert event.pgh_context_id == change.id
    assert event.pgh_context.metadata == change.metadata
    assert change.metadata["undoes"] == "earlier"
