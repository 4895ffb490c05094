"""What goals add to the weekly review's agenda (capacity.agenda.MORE_HEADINGS): the goals
at risk, each with why, and the goals whose monthly check-in is due."""

import datetime

from capacity.agenda import AGENDA_ITEMS
from goals.models import Goal, Status
from goals.progress import GoalProgress, goals_progress

AT_RISK = {Status.AT_RISK, Status.OFF_TRACK}


def review_headings(*, today: datetime.date) -> list[tuple[str, str, int, list[dict]]]:
    """The agenda's "Goals at risk" (the lead's word where they set the status) and "Goal
    check-ins due" (a month or more since the last check-in, or since the baseline when
    there is none), of the active SMART goals; the same few queries however many."""
    goals = list(Goal.objects.active().select_related("owner"))
    rows = [row for row in goals_progress(goals, today=today) if not row.goal.is_draft]
    at_risk = [row for row in rows if row.status in AT_RISK]
    due = sorted(
        (row for row in rows if row.next_check_in and row.next_check_in <= today),
        key=lambda row: (row.next_check_in, row.goal.title),
    )
    return [
        (
            "goals-at-risk",
            "Goals at risk",
            len(at_risk),
            [_at_risk(row) for row in at_risk[:AGENDA_ITEMS]],
        ),
        (
            "check-ins-due",
            "Goal check-ins due",
            len(due),
            [_due(row) for row in due[:AGENDA_ITEMS]],
        ),
    ]


def _item(row: GoalProgress, detail: str) -> dict:
    return {
        "title": row.goal.title,
        "url": row.goal.get_absolute_url(),
        "state": row.status.label.lower(),
        "detail": detail,
    }


def _at_risk(row: GoalProgress) -> dict:
    if row.overridden:
        return _item(row, f"Set by the lead: {row.goal.status_note}")
    return _item(row, " ".join(row.reasons))


def _due(row: GoalProgress) -> dict:
    latest = row.kpi.latest
    since = (
        f"last check-in {latest.on:%-d %b}"
        if latest
        else f"no check-in since the baseline on {row.goal.baseline_date:%-d %b}"
    )
    return _item(row, f"{row.goal.owner}: {since}, due {row.next_check_in:%-d %b}")
