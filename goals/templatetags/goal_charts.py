"""Drawing a goal's KPI: the chart on its page, the sparkline on the list."""

from dataclasses import dataclass
from decimal import Decimal

from django import template

from goals.progress import Kpi

register = template.Library()

# The chart's drawing area, in SVG user units, inside a margin for the axis labels.
WIDTH, HEIGHT, LEFT, BOTTOM = 600, 220, 70, 24
SPARK_WIDTH, SPARK_HEIGHT = 100, 24


@dataclass
class Point:
    x: float
    y: float
    label: str


def _scale(kpi: Kpi, width: float, height: float, left: float = 0):
    """Functions placing a day and a value in a box `width` by `height`, from the baseline's
    date to the deadline (or the latest check-in, if later) and over every value shown."""
    goal = kpi.goal
    last_day = max([goal.deadline, *(c.on for c in kpi.check_ins)])
    days = (last_day - goal.baseline_date).days or 1
    values = [goal.baseline, goal.target, *(c.value for c in kpi.check_ins)]
    low, high = min(values), max(values)
    span = (high - low) or Decimal(1)

    def x(day):
        return round(left + (day - goal.baseline_date).days / days * width, 1)

    def y(value):
        return round(float((high - value) / span) * height, 1)

    return x, y, low, high


@register.simple_tag
def kpi_chart(kpi: Kpi) -> dict | None:
    """The KPI chart's geometry: the straight line from baseline to target, the check-ins
    as a line of points, and the axes' labels. None for a draft, which has no line."""
    goal = kpi.goal
    if goal.is_draft:
        return None
    x, y, low, high = _scale(kpi, WIDTH - LEFT, HEIGHT, LEFT)
    points = [Point(x(goal.baseline_date), y(goal.baseline), "Baseline")] + [
        Point(x(c.on), y(c.value), f"{c.on:%-d %b %Y}: {goal.format_value(c.value)}")
        for c in kpi.check_ins
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "bottom": HEIGHT + BOTTOM,
        "left": LEFT,
        "plan": (x(goal.baseline_date), y(goal.baseline), x(goal.deadline), y(goal.target)),
        "points": points,
        "line": " ".join(f"{p.x},{p.y}" for p in points),
        "high": (goal.format_value(high), y(high)),
        "low": (goal.format_value(low), y(low)),
        "start": f"{goal.baseline_date:%b %Y}",
        "end": (f"{goal.deadline:%b %Y}", x(goal.deadline)),
    }


@register.simple_tag
def sparkline(kpi: Kpi) -> str:
    """The points of the KPI's small line on the list, baseline first; empty for a draft."""
    if kpi.goal.is_draft:
        return ""
    x, y, *_ = _scale(kpi, SPARK_WIDTH, SPARK_HEIGHT)
    days = [(kpi.goal.baseline_date, kpi.goal.baseline)] + [(c.on, c.value) for c in kpi.check_ins]
    return " ".join(f"{x(day)},{y(value)}" for day, value in days)
