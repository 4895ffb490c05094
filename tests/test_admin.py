"""Every page of the admin, as the superuser who may open all of them: an empty form
posted to the add, change and delete page of every registered model is refused or
shown again, never a server error."""

import inspect

import factory
import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse
from procrastinate.contrib.django.models import ProcrastinateJob

from mopsboard.tasks import remove_old_jobs
from tests import factories
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
REGISTERED = [model for model in apps.get_models() if admin.site.is_registered(model)]
FACTORIES = {
    made._meta.model: made
    for _, made in inspect.getmembers(factories, inspect.isclass)
    if issubclass(made, factory.django.DjangoModelFactory) and made._meta.model
}


@pytest.fixture
def superuser_client(client, settings):
    settings.AXES_ENABLE_ACCESS_FAILURE_LOG = True
    superuser = UserFactory(username="admin", is_staff=True, is_superuser=True)
    # Signing in through the form, then failing once, makes the login records the admin
    # shows (django-axes).
    client.post(reverse("login"), {"username": "admin", "password": PASSWORD})
    client.post(reverse("login"), {"username": "admin", "password": "wrong"})
    client.force_login(superuser)
    return client


def _one_of_each() -> dict:
    remove_old_jobs.defer(timestamp=0)
    objects = {}
    for model in REGISTERED:
        made = FACTORIES.get(model)
        objects[model] = made() if made else model.objects.first()
    return objects


def test_every_admin_page_takes_an_empty_post_without_a_server_error(superuser_client):
    objects = _one_of_each()
    # A model registered later needs a factory (or a row made above) to be walked here.
    assert all(objects.values()), [model for model, found in objects.items() if not found]
    assert ProcrastinateJob in objects
    for model, instance in objects.items():
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        for url in (
            reverse(f"{prefix}_add"),
            reverse(f"{prefix}_change", args=[instance.pk]),
            reverse(f"{prefix}_delete", args=[instance.pk]),
        ):
            response = superuser_client.post(url, {})
            assert response.status_code < 500, (url, response.status_code)
