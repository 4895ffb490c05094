"""What the weekly capacity review looks at: the bars of load against hours, and the
agenda of what changed since the last review, read from the history."""

import datetime
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from backlog.models import OPEN_STATUSES, Status, Task, TaskEvent, quadrant_of
from capacity.fill_ins import SPARE_HOURS_SHOWN, fill_in_suggestions
from capacity.horizon import (
    DEFAULT_WEEKS,
    due_dates_at_risk,
    due_dates_unchecked,
    horizon,
    peaks_ahead,
)
from capacity.load import LOADED_STATUSES, WeekLoad, team_load
from capacity.models import Review
from mopsboard.counts import capped_counts, count_label
from mopsboard.reversing import reverse_ids
from mopsboard.templatetags.hours import hours_text
from mopsboard.weeks import (
    this_and_next_week,
    week_label,
    week_of,
    working_days_between,
    working_days_label,
)
from people.models import Person
from raci.models import ACCOUNTABLE_ROLES, RESPONSIBLE_ROLES, Assignment

ACCOUNTABLE, RESPONSIBLE = set(ACCOUNTABLE_ROLES), set(RESPONSIBLE_ROLES)

# Each agenda heading lists this many items; its count says how many there are in all.
AGENDA_ITEMS = 20
# Deferred work due back within this many days is on the agenda before it returns.
RETURNING_SOON_DAYS = 14
# Looked back over when no review has been recorded yet.
FIRST_REVIEW_LOOKS_BACK = datetime.timedelta(days=7)
# Headings the apps above add to the agenda, after capacity's own, each a function of the
# review's day giving (key, title, count, items): goals names its goals at risk and the
# check-ins due (goals.agenda) in its AppConfig.ready(). Kept in a recorded review's
# figures like the rest; their queries come on top of the agenda's own.
MORE_HEADINGS: dict[str, Callable[..., list[tuple[str, str, int, list[dict]]]]] = {}


def review_since(now: datetime.datetime) -> datetime.datetime:
    """Where the next review's agenda starts: the moment the last one was recorded."""
    last = Review.objects.order_by("-recorded_at").values_list("recorded_at", flat=True).first()
    return last or now - FIRST_REVIEW_LOOKS_BACK


def review_figures(
    *,
    today: datetime.date,
    since: datetime.datetime,
    with_tasks: bool = True,
    with_spare_hours: bool = True,
    with_ahead: bool = True,
) -> dict:
    """What the weekly review looks at, as plain JSON, so a recorded review keeps it as is.

    Each person's capacity and load this week and next with the tasks behind the load
    (not `with_tasks`: none, as the live page loads a bar's tasks when it is opened), the
    team's totals, the agenda of what changed since `since`, the fill-ins that fit next
    week's spare hours (not `with_spare_hours`: None), and the actions taken from the
    review page since then. The agenda ends with the peaks and due dates at risk in the
    weeks ahead, unless not `with_ahead`. The live page loads those two parts after it
    is drawn: they read every open fill-in and the whole horizon. A constant number of
    queries, about fifteen.
    """
    weeks = this_and_next_week(today)
    team = team_load(weeks=weeks, with_tasks=with_tasks, with_unassigned=True)
    totals = [team.week_totals(week) for week in weeks]
    scale = _widest(week_load for row in team.people for week_load in row.weeks.values())
    people = [
        {
            "id": row.person.pk,
            "name": row.person.name,
            "title": row.person.title,
            "weeks": [
                {
                    "bar": f"{row.person.pk}-{index}",
                    "summary": _bar_summary(row.person.name, index, row.weeks[week]),
                    **_week_figures(row.weeks[week]),
                }
                for index, week in enumerate(weeks)
            ],
        }
        for row in team.people
    ]
    return {
        "today": today.isoformat(),
        "since": since.isoformat(),
        "weeks": review_weeks(today),
        "people": people,
        # The longest bar's hours: each bar is drawn to it (capacity_charts.load_bar).
        "scale": _hours(scale),
        "totals_scale": _hours(_widest(totals)),
        "totals": [
            {
                **_week_figures(total),
                "free_hours": _hours(total.free_hours),
                "over_hours": _hours(total.over_hours),
            }
            for total in totals
        ],
        "unassigned": [
            [_task_figures(task, hours) for task, hours in team.unassigned.get(week, [])]
            for week in weeks
        ],
        "agenda": review_agenda(today=today, since=since, people=people, weeks=weeks)
        + (ahead_headings(today) if with_ahead else []),
        "ahead_loaded": with_ahead,
        "spare_hours": spare_hours_figures(weeks[1]) if with_spare_hours else None,
        "actions": review_actions(since=since),
    }


def spare_hours_figures(week: datetime.date) -> dict:
    """Spare hours: each person with free hours in `week` and up to SPARE_HOURS_SHOWN
    fill-ins suggested for them (capacity.fill_ins), with why."""
    return {
        "week": week_label(week),
        "people": [
            {
                "id": row.person.pk,
                "name": row.person.name,
                "free": _hours(row.free),
                "more": row.more,
                "suggestions": [
                    {
                        **_task_figures(suggestion.task, suggestion.hours),
                        "why": suggestion.why,
                        "unowned": suggestion.unowned,
                    }
                    for suggestion in row.suggestions
                ],
            }
            for row in fill_in_suggestions(week=week, limit=SPARE_HOURS_SHOWN)
        ],
    }


def review_weeks(today: datetime.date) -> list[dict]:
    return [
        {"label": week_label(week), "monday": week.isoformat()}
        for week in this_and_next_week(today)
    ]


def review_bar_figures(*, person_id: int, index: int, today: datetime.date) -> dict:
    """One person's bar in the review's first (0) or second (1) week, with its tasks."""
    weeks = this_and_next_week(today)
    team = team_load(weeks=weeks, people=Person.objects.filter(pk=person_id), with_tasks=True)
    week_load = team.people[0].weeks[weeks[index]]
    return {"bar": f"{person_id}-{index}", **_week_figures(week_load)}


def _bar_summary(name: str, index: int, week_load: WeekLoad) -> str:
    """What a bar says to a screen reader, which does not see the drawing."""
    over = ", over capacity" if week_load.over else ""
    return (
        f"{name}, {('this', 'next')[index]} week: {hours_text(week_load.load)} of "
        f"{hours_text(week_load.capacity)} hours{over}. Show the tasks."
    )


def _widest(week_loads) -> Decimal:
    """The longest bar's hours, load or capacity: every bar is drawn to this scale."""
    return max((max(week.load, week.capacity) for week in week_loads), default=Decimal(0))


def _hours(value) -> float:
    return float(round(Decimal(value or 0), 2))


def _week_figures(week_load: WeekLoad) -> dict:
    """One bar's figures: load against capacity, and the tasks behind the load."""
    return {
        "capacity": _hours(week_load.capacity),
        "load": _hours(week_load.load),
        "over": week_load.over,
        "over_by": _hours(max(-week_load.free, 0)),
        "tasks": [_task_figures(task, hours) for task, hours in week_load.tasks],
    }


def _task_figures(task: Task, hours) -> dict:
    return {
        "id": task.pk,
        "title": task.title,
        "hours": _hours(hours),
        "status": task.status,
        "version": task.version,
        "url": task.get_absolute_url(),
    }


def review_agenda(
    *, today: datetime.date, since: datetime.datetime, people: list[dict], weeks: list
) -> list[dict]:
    """What changed since the last review, heading by heading, read from the history.

    Eight queries at most: the history's headings (moved, re-scored, finished, back from deferral)
    come from comparing tasks with their state at `since`; the rest are counted together
    and listed AGENDA_ITEMS at a time.
    """
    changes = _changes_since(since)
    # Work that came in and was finished within the week is new and finished: its
    # hours were delivered.
    changes["finished"] = [
        *Task.objects.filter(created_at__gte=since, status=Status.DONE)
        .order_by("title", "pk")
        .values_list("pk", flat=True),
        *changes["finished"],
    ]
    this_week = weeks[0]
    listed = {
        "new": Task.objects.filter(created_at__gte=since).order_by("-created_at"),
        "overdue": Task.objects.filter(
            due_date__lt=today, status__in=[Status.NEW, *OPEN_STATUSES]
        ).order_by("due_date"),
        "slipped": Task.objects.filter(
            planned_week__lt=this_week, status__in=LOADED_STATUSES
        ).order_by("planned_week"),
        "over_sla": Task.objects.over_triage_sla(today),
        "returning": Task.objects.filter(
            status=Status.DEFERRED,
            deferred_until__lte=today + datetime.timedelta(days=RETURNING_SOON_DAYS),
        ).order_by("deferred_until", "title"),
    }
    counts = capped_counts(listed)
    found = {
        key: list(queryset.select_related("requester")[:AGENDA_ITEMS]) if counts[key] else []
        for key, queryset in listed.items()
    }
    gaps = _raci_gaps(weeks)
    by_heading = {key: ids for key, ids in changes.items() if key != "before"}
    by_heading["raci"] = list(gaps)
    shown = {key: ids[:AGENDA_ITEMS] for key, ids in by_heading.items()}
    tasks = Task.objects.select_related("requester").in_bulk(
        {task_id for ids in shown.values() for task_id in ids}
    )
    for task in tasks.values():
        before = changes["before"].get(task.pk, (None, None, None))
        task.before_status, task.before_impact, task.before_effort = before
        task.has_accountable, task.has_responsible = gaps.get(task.pk, (True, True))
    found.update({key: [tasks[task_id] for task_id in ids] for key, ids in shown.items()})
    counts.update({key: len(ids) for key, ids in by_heading.items()})
    sla = working_days_label(settings.MOPSBOARD_TRIAGE_SLA_DAYS)
    headings = [
        ("new", "New requests", _new_detail),
        (
            "over_sla",
            f"Waiting for triage longer than {sla}",
            lambda task: _over_sla_detail(task, today),
        ),
        ("moved", "Moved quadrant", _moved_detail),
        ("rescored", "Re-scored, same quadrant", _rescored_detail),
        ("overdue", "Past their due date", _overdue_detail),
        ("slipped", "Planned for a past week, not done", _slipped_detail),
        ("finished", "Finished", lambda task: task.estimate_label),
        ("returned", "Back from deferral", _returned_detail),
        ("raci", "Planned this week or next with RACI gaps", _raci_detail),
    ]
    # Work back since the last review comes first, then what is due back soon.
    found["returned"] = (found["returned"] + found.pop("returning"))[:AGENDA_ITEMS]
    counts["returned"] += counts.pop("returning")
    agenda = [
        _heading(
            key,
            title,
            counts[key],
            [
                {
                    "title": task.title,
                    "url": task.get_absolute_url(),
                    "state": _state(task),
                    "detail": detail(task),
                }
                for task in found[key]
            ],
        )
        for key, title, detail in headings
    ]
    over = [
        {
            "title": person["name"],
            "url": f"#person-{person['id']}",
            "detail": f"{label}: {hours_text(week['load'])} of {hours_text(week['capacity'])} h",
        }
        for person in people
        for label, week in zip(("this week", "next week"), person["weeks"], strict=True)
        if week["over"]
    ]
    agenda.append(_heading("over", "Over capacity", len(over), over))
    for more in MORE_HEADINGS.values():
        agenda.extend(_heading(*heading) for heading in more(today=today))
    return agenda


# A peak names this many of the tasks planned that week, the biggest first.
PEAK_TASKS_NAMED = 3


def ahead_headings(today: datetime.date) -> list[dict]:
    """Peaks ahead and due dates at risk in the horizon's weeks from this one: the same
    selectors as the horizon page (capacity.horizon), seven queries. Past the due dates
    checked, the count says "at least" ("20+")."""
    grid = horizon(start=week_of(today), weeks=DEFAULT_WEEKS, today=today)
    peaks = [
        {
            "title": f"{peak.label}: {peak.who}",
            "url": f"{reverse('capacity:horizon')}?start={peak.label}",
            "state": "",
            "detail": _peak_detail(peak),
        }
        for peak in peaks_ahead(grid)
    ]
    at_risk = [
        {
            "title": risk.task.title,
            "url": risk.task.get_absolute_url(),
            "state": _state(risk.task),
            "detail": risk.why,
            # The one-click fix, where a week before the date has free hours.
            "fix": {"task": risk.task.pk, "version": risk.task.version} if risk.fix else None,
        }
        for risk in due_dates_at_risk(grid)
    ]
    unchecked = due_dates_unchecked(grid)
    return [
        _heading("peaks", "Peaks ahead", len(peaks), peaks[:AGENDA_ITEMS]),
        _heading(
            "at_risk",
            "Due dates at risk",
            len(at_risk),
            at_risk[:AGENDA_ITEMS],
            at_least=bool(unchecked),
        ),
    ]


def _peak_detail(peak) -> str:
    """ "12 h over: 52 of 40 h planned; planned then: Webinar (20 h), Audit (12 h) and 2 more"."""
    tasks = sorted(peak.tasks, key=lambda planned: (-planned[1], planned[0].title))
    named = ", ".join(
        f"{task.title} ({hours_text(hours)} h)" for task, hours in tasks[:PEAK_TASKS_NAMED]
    )
    more = f" and {len(tasks) - PEAK_TASKS_NAMED} more" if len(tasks) > PEAK_TASKS_NAMED else ""
    return f"{peak.summary}; planned then: {named}{more}" if tasks else peak.summary


def _changes_since(since: datetime.datetime) -> dict:
    """The ids of tasks that moved quadrant, were re-scored, finished or came back from
    deferral since `since`, each list in title order, and ("before") every changed
    task's status and scores at `since`.

    A task's state at `since` is its last event before then, so a change undone within
    the week is no change; a task that did not exist yet is a new request instead.
    """
    # Tasks that came in since are new requests, not changes: only older ones compare.
    now = list(
        Task.objects.filter(
            created_at__lt=since,
            # Changes are updates: a task older than `since` has no later insert.
            pk__in=TaskEvent.objects.filter(pgh_created_at__gte=since, pgh_label="update").values(
                "pgh_obj_id"
            ),
        )
        .order_by("title", "pk")
        .values_list("pk", "status", "impact", "effort")
    )
    before = {
        task_id: (status, impact, effort)
        for task_id, status, impact, effort in TaskEvent.objects.filter(
            pgh_obj_id__any_of=[task_id for task_id, *_ in now], pgh_created_at__lt=since
        )
        .order_by("pgh_obj_id", "-pgh_created_at", "-pgh_id")
        .distinct("pgh_obj_id")
        .values_list("pgh_obj_id", "status", "impact", "effort")
    }
    changes = {"moved": [], "rescored": [], "finished": [], "returned": [], "before": before}
    for task_id, status, impact, effort in now:
        if task_id not in before:
            continue
        was_status, was_impact, was_effort = before[task_id]
        if quadrant_of(was_impact, was_effort) != quadrant_of(impact, effort):
            changes["moved"].append(task_id)
        elif was_impact is not None and (was_impact, was_effort) != (impact, effort):
            changes["rescored"].append(task_id)
        if status == Status.DONE != was_status:
            changes["finished"].append(task_id)
        if was_status == Status.DEFERRED != status:
            changes["returned"].append(task_id)
    return changes


def _raci_gaps(weeks: list[datetime.date]) -> dict[int, tuple[bool, bool]]:
    """Work planned in `weeks` with no Accountable or no Responsible, soonest week first:
    each task's id with whether it has an Accountable and a Responsible.

    Two queries: the planned tasks, then their roles, checked here. Asking PostgreSQL
    "has no Accountable" over them made it hash every Accountable in the database.
    """
    planned = list(
        Task.objects.filter(status__in=LOADED_STATUSES, planned_week__in=weeks)
        .order_by("planned_week", "title")
        .values_list("pk", flat=True)
    )
    roles = defaultdict(set)
    for task_id, role in Assignment.objects.filter(task_id__any_of=planned).values_list(
        "task_id", "role"
    ):
        roles[task_id].add(role)
    gaps = {}
    for task_id in planned:
        has = (bool(roles[task_id] & ACCOUNTABLE), bool(roles[task_id] & RESPONSIBLE))
        if not all(has):
            gaps[task_id] = has
    return gaps


def _heading(
    key: str, title: str, count: int, items: list[dict], *, at_least: bool = False
) -> dict:
    return {
        "key": key,
        "title": title,
        "count": count,
        # At least `count`: there may be more than were looked at.
        "count_label": f"{count_label(count)}+" if at_least else count_label(count),
        "items": items,
        "more": max(count - len(items), 0),
    }


def _state(task: Task) -> str:
    """Where a task stands as the agenda is read: "declined", "done, Quick win",
    "in triage". Kept in a recorded review's figures, so it says that day's."""
    status = "in triage" if task.status == Status.NEW else task.get_status_display().lower()
    return f"{status}, {task.quadrant.label}" if task.quadrant else status


def _new_detail(task: Task) -> str:
    return f"from {task.requester}" if task.requester else ""


def _over_sla_detail(task: Task, today: datetime.date) -> str:
    received = timezone.localdate(task.created_at)
    waited = working_days_label(working_days_between(received, today))
    where = f"from {task.requester}, " if task.requester else ""
    return f"{where}received {received:%-d %b}, {waited} ago"


def _moved_detail(task: Task) -> str:
    before, after = quadrant_of(task.before_impact, task.before_effort), task.quadrant
    return f"{before.label if before else 'Triage'} → {after.label if after else 'Triage'}"


def _rescored_detail(task: Task) -> str:
    return (
        f"impact {task.before_impact} → {task.impact}, effort {task.before_effort} → {task.effort}"
    )


def _overdue_detail(task: Task) -> str:
    return f"due {task.due_date:%-d %b}"


def _slipped_detail(task: Task) -> str:
    return f"planned for {week_label(task.planned_week)}"


def _returned_detail(task: Task) -> str:
    if task.status == Status.DEFERRED:
        return f"comes back {task.deferred_until:%-d %b}"
    return ""


def _raci_detail(task: Task) -> str:
    missing = [
        name
        for name, present in (
            ("Accountable", task.has_accountable),
            ("Responsible", task.has_responsible),
        )
        if not present
    ]
    return f"no {' and no '.join(missing)}, {week_label(task.planned_week)}"


ACTION_LABELS = {
    Status.PLANNED: "Planned",
    Status.IN_PROGRESS: "Planned",
    Status.BACKLOG: "Unplanned",
    Status.DEFERRED: "Deferred",
    Status.DECLINED: "Declined",
}


def review_actions(*, since: datetime.datetime) -> list[dict]:
    """What was planned, unplanned, deferred or declined from the review page since `since`,
    oldest first: the decisions the room took, linked to their tasks."""
    events = TaskEvent.objects.filter(
        pgh_created_at__gte=since,
        pgh_context__metadata__via="review",
        pgh_label="update",
    ).order_by("pgh_created_at", "pgh_id")
    return [
        {
            "title": event.title,
            "url": reverse_ids("backlog:task-detail", event.pgh_obj_id),
            "action": ACTION_LABELS.get(event.status, event.get_status_display()),
            "detail": _action_detail(event),
            "at": timezone.localtime(event.pgh_created_at).isoformat(),
        }
        for event in events
    ]


def _action_detail(event) -> str:
    if event.status in (Status.PLANNED, Status.IN_PROGRESS) and event.planned_week:
        return f"for {week_label(event.planned_week)}"
    if event.status == Status.DEFERRED:
        return f"until {event.deferred_until:%-d %B %Y}"
    if event.status == Status.DECLINED:
        return event.declined_reason
    return ""
