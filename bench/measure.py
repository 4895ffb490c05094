"""Timing loops and query counts for each endpoint the bench measures."""

import itertools
import json
import re
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.server import Browser, Response

MIN_SAMPLES = 30


@dataclass
class Timing:
    samples_ms: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        if len(self.samples_ms) < 2:
            return self.samples_ms[0]
        return statistics.quantiles(self.samples_ms, n=20, method="inclusive")[18]


def time_calls(
    call: Callable[[], object], *, warmup: int, requests: int, budget_seconds: float
) -> Timing:
    """Run `call` `warmup` times untimed, then time it up to `requests` times.

    A slow endpoint stops early once it has used its time budget and has at least
    MIN_SAMPLES samples, so the default run stays within minutes at 100,000 tasks.
    """
    for _ in range(warmup):
        call()
    samples = []
    deadline = time.perf_counter() + budget_seconds
    for _ in range(requests):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
        if len(samples) >= MIN_SAMPLES and time.perf_counter() > deadline:
            break
    return Timing(samples)


def http_call(
    browser: Browser, request: Callable[[Browser], Response], expected_status: int
) -> Callable[[], object]:
    def call() -> Response:
        response = request(browser)
        if response.status != expected_status:
            raise RuntimeError(
                f"HTTP {response.status} (expected {expected_status}): {response.body[:200]!r}"
            )
        return response

    return call


class CountedCalls:
    """A request function that counts how often it was called."""

    def __init__(self, request: Callable[[Browser], Response]) -> None:
        self.request = request
        self.calls = 0

    def __call__(self, browser: Browser) -> Response:
        self.calls += 1
        return self.request(browser)


def score_next(ids: Iterator[int]) -> Callable[[Browser], Response]:
    """Score a different untouched task each time, so every POST really writes."""

    def request(browser: Browser) -> Response:
        return browser.post(
            f"/triage/{next(ids)}/score/",
            {"impact": "4", "effort": "2", "version": "1"},
            headers={"HX-Request": "true"},
        )

    return request


def intake_request(number: Iterator[int]) -> dict[str, str]:
    """A request as a requester fills the intake form, a new title each time."""
    n = next(number)
    return {
        "title": f"Landing page for campaign {n}",
        "details": "A form, a thank-you page and the list in the CRM.",
        "why": "The campaign launches next month; without it the leads go nowhere.",
        "name": "Bench Requester",
        "email": f"requester{n % 50}@example.com",
        "team": "Demand generation",
    }


def send_intake_next(path: str, number: Iterator[int]) -> Callable[[Browser], Response]:
    """Send the intake form at `path` as an anonymous requester; each POST writes a task."""

    def request(browser: Browser) -> Response:
        if "csrftoken" not in browser.cookies:
            browser.get(path)
        return browser.post(path, intake_request(number))

    return request


def set_cell_next(cells: Iterator[tuple[int, int]]) -> Callable[[Browser], Response]:
    """Give someone C or I on a different empty RACI cell each time, so every POST writes.

    Never A: the one-Accountable rule is not what this measures.
    """
    roles = itertools.cycle(["C", "I"])

    def request(browser: Browser) -> Response:
        task_id, person_id = next(cells)
        return browser.post(
            "/raci/cell/",
            {"task": str(task_id), "person": str(person_id), "role": next(roles), "expected": ""},
            headers={"HX-Request": "true"},
        )

    return request


def api_patch_next(tasks: Iterator[tuple[int, int]], key: str) -> Callable[[Browser], Response]:
    """Re-score a different untouched task (id, version) through the API each time, so
    every PATCH really writes."""
    scores = itertools.cycle([(4, 2), (2, 4)])

    def request(browser: Browser) -> Response:
        impact, effort = next(scores)
        task_id, version = next(tasks)
        return browser.request(
            "PATCH",
            f"/api/v1/tasks/{task_id}",
            body=json.dumps({"impact": impact, "effort": effort}),
            headers={
                "Authorization": f"Bearer {key}",
                "Content-Type": "application/json",
                "If-Match": f'"{version}"',
            },
        )

    return request


def count_queries(
    client: Client,
    method: str,
    path: str,
    *,
    check: Callable[[bytes], None] | None = None,
    expected: int = 200,
    **kwargs,
) -> int:
    """Queries one in-process request runs (the bench process uses the same database).

    `check`, if given, looks at the response body and raises if the page is not what the
    bench means to measure.
    """
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(path, **kwargs)
    if response.status_code != expected:
        raise RuntimeError(f"{method.upper()} {path}: HTTP {response.status_code}")
    if check is not None:
        check(response.content)
    return len(queries)


def check_matrix_shape(rows: int, columns: int) -> Callable[[bytes], None]:
    """Raise unless the matrix page shows `rows` tasks and `columns` people."""

    def check(body: bytes) -> None:
        cells = re.findall(rb'data-task-id="(\d+)" data-person-id="(\d+)"', body)
        shown = (len({task for task, _ in cells}), len({person for _, person in cells}))
        if shown != (rows, columns):
            raise RuntimeError(
                f"the matrix shows {shown[0]} tasks x {shown[1]} people, not {rows} x {columns}"
            )

    return check
