"""The API, version 1: its operations, its OpenAPI schema and the reference page."""

import copy

import orjson
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase
from ninja.renderers import JSONRenderer

from api import goal_routes, people_routes, problems, task_routes
from api.auth import BearerToken
from api.reference import reference

DESCRIPTION = """\
Tasks, their RACI, people and their load, and goals, for scripts and other tools. Every call sends
a personal token (`Authorization: Bearer <token>`) made on your API tokens page, and acts
as you, with your role. Errors are `application/problem+json` (RFC 9457). Writes to a
task send its ETag back in `If-Match`; a task changed since answers 412.
"""


class ReferencePage(DocsBase):
    """The schema drawn as a page of the app: no script, so it needs no CDN, keeps to
    the Content-Security-Policy, and reads well with a screen reader."""

    def render_page(self, request, api, **kwargs):
        schema = api.get_openapi_schema(path_params=kwargs)
        return render(
            request,
            "api/reference.html",
            {
                "reference": reference(schema),
                "schema_url": reverse(f"{api.urls_namespace}:openapi-json"),
                "rate_limit": settings.MOPSBOARD_API_RATE_LIMIT,
            },
        )


DJANGO_ENCODER = DjangoJSONEncoder()


class OrjsonRenderer(JSONRenderer):
    """Answers written by orjson, a fraction of the standard library encoder's time for a
    page of tasks (bench/README.md). Dates and times still go through Django's encoder, so
    they read exactly as in a problem's body and a webhook's payload (milliseconds, "Z")."""

    def render(self, request, data, *, response_status):
        return orjson.dumps(
            data, default=DJANGO_ENCODER.default, option=orjson.OPT_PASSTHROUGH_DATETIME
        )


class MopsboardApi(NinjaAPI):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # The schema follows from the code alone, and ninja builds it anew on every call
        # (the reference page, /openapi.json): built once a process for each address.
        self._schemas: dict[str, dict] = {}

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        if path_prefix not in self._schemas:
            self._schemas[path_prefix] = self._described(
                super().get_openapi_schema(path_prefix=path_prefix)
            )
        # A copy: whoever reads it may change theirs.
        return copy.deepcopy(self._schemas[path_prefix])

    @staticmethod
    def _described(schema: dict) -> dict:
        for operations in schema["paths"].values():
            for operation in operations.values():
                for parameter in operation.get("parameters", []):
                    # Read as optional, so that leaving it out is a 428 rather than 422.
                    if parameter["name"] == IF_MATCH:
                        parameter["required"] = True
                for status, answer in operation["responses"].items():
                    _describe_answer(int(status), answer)
        return schema


IF_MATCH = "If-Match"
HEADER = {"required": True, "schema": {"type": "string"}}


def _describe_answer(status: int, answer: dict) -> None:
    """What ninja cannot say from the code: refusals are problem+json, and the headers."""
    content = answer.get("content", {})
    if status >= 400 and "application/json" in content:
        content[problems.PROBLEM] = content.pop("application/json")
    headers = answer.setdefault("headers", {})
    ref = content.get("application/json", {}).get("schema", {}).get("$ref", "")
    if ref.endswith(("/TaskOut", "/GoalOut", "/StepOut", "/CheckInOut")) or status == 412:
        headers["ETag"] = {**HEADER, "description": "Its version, for If-Match."}
    if status == 201:
        headers["Location"] = {**HEADER, "description": "Its address."}
    if status == 401:
        headers["WWW-Authenticate"] = {**HEADER, "description": "Bearer."}
    if status == 429:
        headers["Retry-After"] = {**HEADER, "description": "Seconds until the next window."}
    if not headers:
        del answer["headers"]


api = MopsboardApi(
    title="mopsboard",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=BearerToken(),
    renderer=OrjsonRenderer(),
    docs=ReferencePage(),
    docs_url="/",
    docs_decorator=require_GET,
)
problems.install(api)
api.add_router("", task_routes.router)
api.add_router("", people_routes.router)
api.add_router("", goal_routes.router)
