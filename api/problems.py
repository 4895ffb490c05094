"""Every refusal the API gives, as application/problem+json (RFC 9457): the status, a
sentence a person can act on, and for wrong input each field's message."""

import logging
from http import HTTPStatus

import pydantic
from django.db import InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from api.schemas import etag, raci_data, represented, tasks_data
from backlog.models import Task
from backlog.services import StaleEdit
from capacity.services import OverCapacity
from mopsboard.errors import DomainError
from mopsboard.views import RETRY_AFTER
from mopsboard.weeks import week_label
from raci.services import AccountableTaken, CellChanged

PROBLEM = "application/problem+json"
# Where the 401 says which scheme to use.
WWW_AUTHENTICATE = 'Bearer realm="mopsboard"'

logger = logging.getLogger(__name__)


class ApiProblem(Exception):
    """Raised by an endpoint to answer with a problem: `extensions` are extra members."""

    def __init__(self, status: int, detail: str, *, headers: dict | None = None, **extensions):
        super().__init__(detail)
        self.status, self.detail = status, detail
        self.headers, self.extensions = headers or {}, extensions


def problem_response(problem: ApiProblem) -> JsonResponse:
    body = {
        "type": "about:blank",
        "title": HTTPStatus(problem.status).phrase,
        "status": problem.status,
        "detail": problem.detail,
        **problem.extensions,
    }
    response = JsonResponse(body, status=problem.status, content_type=PROBLEM)
    for name, value in problem.headers.items():
        response[name] = value
    return response


def form_problem(form, *, where: str = "pointer") -> ApiProblem:
    """422 with each of a form's errors; `where` says how a field is named ("pointer" for
    a body field, "parameter" for a query parameter)."""
    errors = []
    for name, messages in form.errors.items():
        for message in messages:
            error = {"detail": message}
            if name != "__all__":
                error[where] = f"#/{name}" if where == "pointer" else name
            errors.append(error)
    return ApiProblem(422, " ".join(error["detail"] for error in errors), errors=errors)


def _validation_problem(errors: list[dict]) -> ApiProblem:
    """422 from the schema's own checks (types, limits): ninja's and pydantic's errors.

    ninja's locations name the function's argument after the place ("body", "payload",
    "impact"; "query", "filters", "status", 0): the field is what follows it.
    """
    listed = []
    for error in errors:
        if "loc" not in error:  # ninja's pagination: {"cursor": "Invalid Cursor"}
            listed += [{"detail": f"{text}.", "parameter": name} for name, text in error.items()]
            continue
        place, *path = [str(part) for part in error.get("loc", ())] or [""]
        detail = f"{error.get('msg', 'Not valid')}."
        if place == "body":
            listed.append({"detail": detail, "pointer": "#/" + "/".join(path[1:])})
        elif names := [part for part in path if not part.isdigit()]:
            listed.append({"detail": detail, "parameter": names[-1]})
        else:
            listed.append({"detail": detail})
    summary = "; ".join(
        f"{error.get('pointer') or error.get('parameter') or 'input'}: {error['detail']}"
        for error in listed
    )
    return ApiProblem(422, f"The request was not understood: {summary}", errors=listed)


def _domain_problem(error: DomainError) -> ApiProblem:
    """A service's refusal, with what the client needs to decide what to do next."""
    if isinstance(error, StaleEdit):
        current = represented(Task.objects.filter(pk=error.current.pk)).first()
        return ApiProblem(
            412,
            error.message,
            headers={"ETag": etag(current)},
            current=tasks_data([current])[0],
        )
    extensions = {}
    if isinstance(error, AccountableTaken):
        extensions["holder"] = raci_data(error.holder)
    elif isinstance(error, CellChanged):
        extensions["role"] = error.current
    elif isinstance(error, OverCapacity):
        extensions["overloads"] = [
            {
                "person": {"id": overload.person.pk, "name": overload.person.name},
                "load": float(overload.load),
                "capacity": float(overload.capacity),
                "week": week_label(overload.week),
            }
            for overload in error.overloads
        ]
    retry_after = getattr(error, "retry_after", None)
    headers = {"Retry-After": str(retry_after)} if retry_after else {}
    return ApiProblem(error.status, error.message, headers=headers, **extensions)


def _database_away(error: Exception) -> ApiProblem:
    """503, as the pages answer while the database is away; its traceback is logged once
    per outage (mopsboard.logs.OncePerOutage), as theirs is."""
    logger.error("The database is unavailable", exc_info=error)
    return ApiProblem(
        503,
        "The database is not answering; it usually comes back within a minute: try again. "
        "Nothing you sent was saved.",
        headers={"Retry-After": str(RETRY_AFTER)},
    )


def install(api) -> None:
    """Answer every error `api` can meet with a problem."""
    handlers = {
        ApiProblem: lambda problem: problem,
        DomainError: _domain_problem,
        NinjaValidationError: lambda error: _validation_problem(error.errors),
        pydantic.ValidationError: lambda error: _validation_problem(error.errors()),
        AuthenticationError: lambda error: ApiProblem(
            401,
            "Send a token: Authorization: Bearer <token>. Make one on your API tokens page.",
            headers={"WWW-Authenticate": WWW_AUTHENTICATE},
        ),
        Http404: lambda error: ApiProblem(404, str(error) or "Not found."),
        HttpError: lambda error: ApiProblem(error.status_code, str(error)),
        OperationalError: _database_away,
        InterfaceError: _database_away,
    }
    for exception, handler in handlers.items():
        api.add_exception_handler(
            exception,
            lambda request, error, handler=handler: problem_response(handler(error)),
        )
