"""Hours, written one way on every page, in CSV and in messages: at most one decimal,
none when whole (3, 2.5, 20.2 — never 3.0, 20.17 or 4E+1). A builtin: no {% load %}."""

from django import template

register = template.Library()


@register.filter(name="hours")
def hours_text(hours) -> str:
    return f"{round(float(hours or 0), 1):g}"
