"""Reads that assemble a whole backlog page: the board, the scatter, a task's history."""

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from pghistory.models import Events

from backlog.models import Category, Quadrant, Task, TaskEvent, quadrant_split
from mopsboard.counts import capped_counts, count_label
from people.models import Person


@dataclass
class BoardQuadrant:
    quadrant: Quadrant
    count: int
    cards: list[Task] = field(default_factory=list)

    @property
    def hidden(self) -> bool:
        return self.count > len(self.cards)

    @property
    def count_label(self) -> str:
        return count_label(self.count)


def board_quadrants(tasks: QuerySet, *, cards_per_quadrant: int) -> list[BoardQuadrant]:
    """The four quadrants of `tasks` (scored ones only), each with its count and top cards.

    Five queries whatever the backlog's size, all read from the board's priority index:
    the capped counts together, then the top cards of each quadrant.
    """
    scored = tasks.filter(impact__isnull=False)
    by_quadrant = {quadrant: scored.in_quadrant(quadrant) for quadrant in Quadrant}
    counts = capped_counts(by_quadrant)
    return [
        BoardQuadrant(
            quadrant=quadrant,
            count=counts[quadrant],
            cards=list(cards.for_cards().by_priority()[:cards_per_quadrant]),
        )
        for quadrant, cards in by_quadrant.items()
    ]


def keep_in_sight(quadrants: list[BoardQuadrant], task: Task) -> None:
    """Show a card just moved in its new quadrant even where it does not rank among the
    top cards, so it stays under the person's eyes (and keyboard focus) until the next
    full load."""
    for column in quadrants:
        if column.quadrant == task.quadrant and task not in column.cards:
            column.cards.append(task)


@dataclass
class ScatterPoint:
    """One bubble, with its text ready: the scatter draws hundreds of them."""

    task_id: int
    url: str
    label: str
    quadrant: str
    # Said again in the table under the chart, one column each.
    title: str
    impact: int
    effort: int
    estimate_label: str
    x: float
    y: float
    radius: float


SCATTER_SIZE = 500
SCATTER_MARGIN = 50


def _jitter(task_id: int, axis: int) -> float:
    """A stable offset in [-0.3, 0.3] so tasks with the same scores don't hide each other."""
    return ((task_id * 2654435761 + axis * 40503) % 1000) / 1000 * 0.6 - 0.3


def scatter_points(tasks: QuerySet, *, limit: int) -> tuple[list[ScatterPoint], int]:
    """Scored tasks placed on the impact/effort plane, highest priority first, at most `limit`.

    Returns the points and how many scored tasks there are in all (capped, as on the board).
    """
    scored = tasks.filter(impact__isnull=False)
    total = capped_counts({"scored": scored})["scored"]
    unit = (SCATTER_SIZE - 2 * SCATTER_MARGIN) / 5
    points = []
    for task in scored.by_priority()[:limit]:
        x = SCATTER_MARGIN + (task.effort - 0.5 + _jitter(task.pk, 0)) * unit
        y = SCATTER_SIZE - SCATTER_MARGIN - (task.impact - 0.5 + _jitter(task.pk, 1)) * unit
        points.append(
            ScatterPoint(
                task_id=task.pk,
                url=task.get_absolute_url(),
                label=f"{task.title} — impact {task.impact}, effort {task.effort}, "
                f"{task.estimate_label}",
                quadrant=task.quadrant.value,
                title=task.title,
                impact=task.impact,
                effort=task.effort,
                estimate_label=task.estimate_label,
                x=round(x, 1),
                y=round(y, 1),
                radius=round(min(4 + 2 * math.sqrt(float(task.estimate or 1)), 20), 1),
            )
        )
    return points, total


def scatter_axes() -> dict:
    """Where the quadrant zones, split lines and score ticks sit on the scatter."""
    unit = (SCATTER_SIZE - 2 * SCATTER_MARGIN) / 5
    near, far = SCATTER_MARGIN, SCATTER_SIZE - SCATTER_MARGIN
    split_x = near + (quadrant_split() - 1) * unit
    split_y = far - (quadrant_split() - 1) * unit
    zones = []
    for quadrant in Quadrant:
        left, right = (split_x, far) if quadrant.high_effort else (near, split_x)
        top, bottom = (near, split_y) if quadrant.high_impact else (split_y, far)
        zones.append(
            {
                "quadrant": quadrant,
                "x": left,
                "y": top,
                "width": right - left,
                "height": bottom - top,
                "label_x": right - 6 if quadrant.high_effort else left + 6,
                "label_y": top + 16 if quadrant.high_impact else bottom - 8,
                "anchor": "end" if quadrant.high_effort else "start",
            }
        )
    return {
        "size": SCATTER_SIZE,
        "margin": near,
        "far": far,
        "middle": SCATTER_SIZE / 2,
        "split_x": split_x,
        "split_y": split_y,
        "zones": zones,
        "ticks": [
            {"score": score, "x": near + (score - 0.5) * unit, "y": far - (score - 0.5) * unit}
            for score in range(1, 6)
        ],
    }


@dataclass
class HistoryEntry:
    when: object
    who: str
    label: str
    changes: list[tuple[str, object, object]]
    task_id: int | None = None
    # The user who made the change; None for the system or a requester without an account.
    user_id: int | None = None


HIDDEN_HISTORY_FIELDS = {"id", "version", "created_at"}


RACI_EVENTS = "raci.AssignmentEvent"
TASK_EVENTS = "backlog.TaskEvent"
# Other records about a task whose history it shows, by their event model: each reads its
# events, all those of the page at once (so what they name is read once), as each entry's
# label and changes. Apps above the backlog add theirs at start-up (conversation its
# comments, goals the links to goals and steps).
HISTORY_EVENTS: dict[str, Callable[[list], list[tuple[str, list]]]] = {}
EVENT_LABELS = {"insert": "Created", "update": "Changed", "delete": "Deleted"}


def _related_names(events) -> dict[str, dict]:
    """Names for the requester, category and RACI people in `events`, one query each."""
    ids = {"requester_id": set(), "category_id": set(), "person_id": set()}
    for event in events:
        if event.pgh_model == RACI_EVENTS:
            ids["person_id"].add(event.pgh_data["person_id"])
        for name, values in (event.pgh_diff or {}).items():
            if name in ids:
                ids[name].update(value for value in values if value is not None)
    people = Person.objects.filter(pk__in=ids["requester_id"] | ids["person_id"])
    people_names = dict(people.values_list("pk", "name"))
    return {
        "requester_id": people_names,
        "person_id": people_names,
        "category_id": dict(
            Category.objects.filter(pk__in=ids["category_id"]).values_list("pk", "name")
        ),
    }


def _raci_change(event, names) -> tuple[str, list]:
    """A RACI event as "RACI" and one change: the person, their role before and after."""
    person = names["person_id"].get(event.pgh_data["person_id"], "someone")
    role = event.pgh_data["role"]
    before, after = {
        "insert": (None, role),
        "update": tuple((event.pgh_diff or {}).get("role", (role, role))),
        "delete": (role, "none"),
    }[event.pgh_label]
    return "RACI", [(person, before, after)]


def task_history(task: Task) -> list[HistoryEntry]:
    """Every recorded change to `task` and its RACI, newest first, with who and old → new."""
    return _history_entries(Events.objects.references(task).order_by("-pgh_created_at", "-pgh_id"))


def tasks_changed_since(tasks: QuerySet, since, *, limit: int) -> list[HistoryEntry]:
    """The changes to `tasks` and their RACI recorded after `since`, newest first, at
    most `limit`: what a person has not seen yet. Each entry names its task (`task_id`).
    A constant number of queries, however many tasks and changes."""
    events = (
        Events.objects.references(tasks)
        .filter(pgh_created_at__gt=since)
        .order_by("-pgh_created_at", "-pgh_id")
    )
    # Working out an event's data and diff is the cost, and the database does it for every
    # event it reads: a first, cheap pass finds the `limit`-th newest change, so that only
    # it and the newer ones are read whole. Its id too, as an import or a bulk RACI change
    # records many changes in the same moment. A query of its own: as subqueries of the
    # second, its copies of the events' union took longer to plan than both queries to run.
    oldest_shown = events.values_list("pgh_created_at", "pgh_id")[limit - 1 : limit].first()
    if oldest_shown:
        at, pgh_id = oldest_shown
        events = events.filter(Q(pgh_created_at__gt=at) | Q(pgh_created_at=at, pgh_id__gte=pgh_id))
    return _history_entries(events[:limit])


def _history_entries(events) -> list[HistoryEntry]:
    events = list(events)
    user_ids = {(event.pgh_context or {}).get("user") for event in events} - {None}
    usernames = dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "username"))
    names = _related_names(events)
    labels = {f.attname: f.verbose_name for f in Task._meta.concrete_fields}
    read = {}
    for model, reader in HISTORY_EVENTS.items():
        theirs = [event for event in events if event.pgh_model == model]
        if theirs:
            keys = [(model, event.pgh_id) for event in theirs]
            read.update(zip(keys, reader(theirs), strict=True))
    entries = []
    for event in events:
        context = event.pgh_context or {}
        if event.pgh_model == RACI_EVENTS:
            label, changes = _raci_change(event, names)
        elif event.pgh_model in HISTORY_EVENTS:
            label, changes = read[event.pgh_model, event.pgh_id]
        else:
            label = context.get("reason") or EVENT_LABELS[event.pgh_label]
            changes = [
                (
                    labels.get(name, name),
                    names.get(name, {}).get(old, old),
                    names.get(name, {}).get(new, new),
                )
                for name, (old, new) in (event.pgh_diff or {}).items()
                if name not in HIDDEN_HISTORY_FIELDS
            ]
            if event.pgh_label == "update" and not changes:
                continue
        entries.append(
            HistoryEntry(
                when=event.pgh_created_at,
                # A request from someone without an account names them (intake).
                who=usernames.get(context.get("user")) or context.get("requester") or "system",
                label=label,
                changes=changes,
                task_id=_task_of(event),
                user_id=context.get("user"),
            )
        )
    return entries


def _task_of(event) -> int:
    """The task an event is about: a RACI event's assignment (or a comment) names it in
    its data."""
    if event.pgh_model != TASK_EVENTS:
        return event.pgh_data["task_id"]
    return int(event.pgh_obj_id)


def task_at_version(task: Task, version: int, *, fields: list[str]) -> dict | None:
    """`fields` of the task as they were at `version`, from its history: what an editor
    who loaded that version started from. None when the history does not have it."""
    return (
        TaskEvent.objects.filter(pgh_obj_id=task.pk, version=version)
        .order_by("-pgh_id")
        .values(*(Task._meta.get_field(name).attname for name in fields))
        .first()
    )
