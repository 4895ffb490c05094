"""The webhooks' admin: deliveries are made by the app, never added by hand."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory
from webhooks.models import Delivery

pytestmark = pytest.mark.django_db


def test_adding_a_delivery_in_the_admin_is_refused_not_a_server_error(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    add = reverse("admin:webhooks_delivery_add")
    assert client.get(add).status_code == 403
    assert client.post(add, {}).status_code == 403
    assert not Delivery.objects.exists()
