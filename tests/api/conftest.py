"""API clients: a token of a user in each role, sent as `Authorization: Bearer`."""

import json

import pytest
from django.test import Client

from api.models import Scope
from tests.factories import ApiTokenFactory, UserFactory


class ApiClient:
    """A script holding one token: JSON in, JSON out."""

    def __init__(self, token):
        self.token = token
        self.client = Client(headers={"Authorization": f"Bearer {token.key}"})

    def get(self, path, params=None, **headers):
        return self.client.get(path, params or {}, headers=headers)

    def send(self, method, path, body=None, **headers):
        return getattr(self.client, method)(
            path, data=json.dumps(body or {}), content_type="application/json", headers=headers
        )


@pytest.fixture
def api_as(db):
    """api_as("member") is a member's read-write token; api_as("lead", Scope.READ) reads."""

    def make(role: str, scope: Scope = Scope.READ_WRITE) -> ApiClient:
        user = UserFactory(username=role, role=role)
        return ApiClient(ApiTokenFactory(user=user, scope=scope))

    return make


@pytest.fixture
def lead_api(api_as):
    return api_as("lead")
