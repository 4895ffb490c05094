"""Spare hours suggest their own fill-ins: for each person with free hours in a week, the
open fill-ins and quick wins they are Responsible for (or nobody is yet) that fit those
hours best.

The method is an exact 0/1 knapsack over hours in tenths (estimates are written in
tenths): the most impact the free hours hold, and among sets of equal impact the one
with the soonest due dates. It never chooses more hours than are free, so planning a
suggestion never pushes anyone over. Its limits: each person's candidates are capped at
CANDIDATES, the best for their hours first (most impact an hour, then soonest due); the
unowned candidates are the team's CANDIDATES best that fit the largest free hours, so a
person with few free hours may miss a small unowned task further down that list.

What a suggestion's buttons write is capacity/suggestions.py.
"""

import datetime
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from operator import or_

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    Case,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Value,
    When,
)

from backlog.models import Quadrant, Status, Task, estimate_expression
from capacity.load import TeamLoad, team_load
from capacity.models import SuggestionDismissal
from mopsboard.templatetags.hours import hours_text
from people.models import Person
from raci.models import RESPONSIBLE_ROLES, Assignment

# The quadrants whose work fits between larger pieces: little effort each.
FILL_IN_QUADRANTS = (Quadrant.QUICK_WIN, Quadrant.FILL_IN)
# At most this many candidates a person go into the knapsack (its table grows with them).
CANDIDATES = 40
# Fill-ins suggested for a person's spare hours in a week, on the review and the horizon;
# My work lists all of theirs.
SPARE_HOURS_SHOWN = 3
TENTHS = 10


@dataclass(frozen=True)
class Candidate:
    key: int
    hours: Decimal
    impact: int
    due_date: datetime.date | None = None


def fill_ins_chosen(candidates: list[Candidate], free: Decimal) -> list[Candidate]:
    """The candidates that fit `free` hours best, soonest due first.

    Each candidate's value is its impact, above a bit for its place in due-date order
    (soonest highest, none for no due date): the bits of a set never carry into its
    impact, so the knapsack maximises impact and, among equal impact, prefers the set
    holding the soonest due work.
    """
    free_tenths = math.floor(Decimal(free) * TENTHS)
    fitting = [
        (candidate, math.ceil(candidate.hours * TENTHS))
        for candidate in candidates
        if 0 < candidate.hours * TENTHS <= free_tenths
    ]
    if not fitting:
        return []
    # Every sum of the hours is a multiple of their greatest common divisor: counted in
    # it, whole-hour estimates need a table of a few dozen cells, not hundreds.
    unit = reduce(math.gcd, (tenths for _, tenths in fitting))
    room = free_tenths // unit
    by_due = sorted(
        (n for n, (candidate, _) in enumerate(fitting) if candidate.due_date),
        key=lambda n: (fitting[n][0].due_date, fitting[n][1], fitting[n][0].key),
    )
    urgency = {n: 1 << (len(fitting) - rank) for rank, n in enumerate(by_due)}
    shift = len(fitting) + 1
    # best[c]: the best value and the chosen set (a bitmask) within c units.
    best = [(0, 0)] * (room + 1)
    for n, (candidate, tenths) in enumerate(fitting):
        size = tenths // unit
        value = (candidate.impact << shift) + urgency.get(n, 0)
        for c in range(room, size - 1, -1):
            with_it = best[c - size][0] + value
            if with_it > best[c][0]:
                best[c] = (with_it, best[c - size][1] | 1 << n)
    chosen = [fitting[n][0] for n in range(len(fitting)) if best[room][1] >> n & 1]
    return sorted(chosen, key=_shown_order)


def _shown_order(candidate: Candidate):
    return (
        candidate.due_date or datetime.date.max,
        -candidate.impact,
        candidate.hours,
        candidate.key,
    )


@dataclass
class Suggestion:
    task: Task
    hours: Decimal
    free: Decimal
    # Nobody is Responsible for it yet: planning it makes the person Responsible.
    unowned: bool

    @property
    def why(self) -> str:
        reasons = [
            f"{self.task.quadrant.label}, fits {hours_text(self.hours)} of "
            f"{hours_text(self.free)} free hours"
        ]
        if self.task.due_date:
            reasons.append(f"due {self.task.due_date:%-d %B}")
        if self.unowned:
            reasons.append("nobody is Responsible yet")
        return "; ".join(reasons)


@dataclass
class PersonSuggestions:
    person: object
    free: Decimal
    suggestions: list[Suggestion]
    # Chosen beyond the `limit` shown.
    more: int = 0


def _candidate_tasks():
    """Open work in no week yet, in a fill-in quadrant, with its hours.

    The quadrants as their impact and effort conditions rather than with_quadrant's
    annotation: PostgreSQL knows how many tasks those match, and so reads the index
    task_fill_in_candidates best first until it has enough."""
    in_quadrants = reduce(
        or_, (Task.objects.in_quadrant(quadrant) for quadrant in FILL_IN_QUADRANTS)
    )
    return in_quadrants.filter(status=Status.BACKLOG, planned_week__isnull=True).annotate(
        hours=estimate_expression()
    )


def _best_first() -> list:
    """Most impact an hour first, then soonest due: the order the candidates are capped in.

    The index task_fill_in_candidates (backlog.models) holds the backlog in this order:
    change the two together."""
    per_hour = ExpressionWrapper(
        F("impact") / estimate_expression(),
        output_field=DecimalField(max_digits=8, decimal_places=4),
    )
    return [per_hour.desc(), F("due_date").asc(nulls_last=True), F("pk").asc()]


def fill_in_suggestions(
    *,
    week: datetime.date,
    people=None,
    limit: int | None = None,
    load: TeamLoad | None = None,
) -> list[PersonSuggestions]:
    """For each person (the active team by default) with free hours in `week`, the
    fill-ins chosen for those hours (fill_ins_chosen), not dismissed for that week; at
    most `limit` each. Reads the load with capacity.load.team_load unless the caller has
    it already (`load`, of `week` among others; `people` is then its people), then four
    queries whatever the size of the backlog. The unowned candidates are read best first
    from task_fill_in_candidates and stop at CANDIDATES, so their cost stays the same as
    the backlog grows; each person's own are read from the work they are Responsible
    for, so their cost is that person's work, not the backlog's."""
    if load is None:
        load = team_load(weeks=[week], people=people)
    free = {row.person.pk: row.weeks[week].free for row in load.people if row.weeks[week].free > 0}
    if not free:
        return []
    dismissed = set(
        SuggestionDismissal.objects.filter(week=week, person__in=list(free)).values_list(
            "person_id", "task_id"
        )
    )
    # Each person's best CANDIDATES of their own, per person: their Responsible work read
    # from raci_person_role_task first and each task looked up (any_of), so what is read
    # is their own work, never the whole backlog's fill-ins.
    own = (
        _candidate_tasks()
        .filter(
            pk__any_of=ArraySubquery(
                Assignment.objects.filter(
                    person=OuterRef(OuterRef("pk")), role__in=RESPONSIBLE_ROLES
                ).values("task_id")
            ),
            hours__lte=OuterRef("free"),
        )
        .exclude(
            Exists(
                SuggestionDismissal.objects.filter(
                    week=week, person=OuterRef(OuterRef("pk")), task=OuterRef("pk")
                )
            )
        )
        .order_by(*_best_first())
        .values("pk")[:CANDIDATES]
    )
    candidates = dict(
        Person.objects.filter(pk__in=list(free))
        .annotate(
            # Each person's free hours, which their own candidates must fit.
            free=Case(
                *(When(pk=person_id, then=Value(hours)) for person_id, hours in free.items()),
                output_field=DecimalField(),
            ),
            own=ArraySubquery(own),
        )
        .values_list("pk", "own")
    )
    unowned = list(
        _candidate_tasks()
        .exclude(Exists(Assignment.objects.filter(task=OuterRef("pk"), role__in=RESPONSIBLE_ROLES)))
        .filter(hours__lte=max(free.values()))
        .order_by(*_best_first())
        .values_list("pk", flat=True)[:CANDIDATES]
    )
    tasks = _candidate_tasks().in_bulk(
        {task_id for ids in candidates.values() for task_id in ids} | set(unowned)
    )
    found = []
    for row in load.people:
        person = row.person
        if person.pk not in free:
            continue
        offered = [
            Candidate(task_id, tasks[task_id].hours, tasks[task_id].impact, tasks[task_id].due_date)
            for task_id in candidates[person.pk]
            + [task_id for task_id in unowned if (person.pk, task_id) not in dismissed]
            if task_id in tasks
        ]
        offered = sorted(offered, key=_best_order)[:CANDIDATES]
        chosen = fill_ins_chosen(offered, free[person.pk])
        if not chosen:
            continue
        unowned_ids = set(unowned)
        found.append(
            PersonSuggestions(
                person=person,
                free=free[person.pk],
                suggestions=[
                    Suggestion(
                        task=tasks[candidate.key],
                        hours=candidate.hours,
                        free=free[person.pk],
                        unowned=candidate.key in unowned_ids,
                    )
                    for candidate in chosen[:limit]
                ],
                more=len(chosen[limit:]) if limit else 0,
            )
        )
    return found


def _best_order(candidate: Candidate):
    return (
        -candidate.impact / candidate.hours,
        candidate.due_date or datetime.date.max,
        candidate.key,
    )
