"""ISO weeks written one way on every page, as in CSV and the API: "2027-W02". A builtin:
no {% load %}."""

from django import template

from mopsboard.weeks import week_label

register = template.Library()


@register.filter(name="week")
def week_text(monday) -> str:
    return week_label(monday) if monday else ""
