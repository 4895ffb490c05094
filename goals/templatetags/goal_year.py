"""The goals' section of the year in review, which capacity's page loads rather than
capacity importing goals (as the task page draws its Goals panel)."""

from django import template

from goals.year import goals_of_year

register = template.Library()


@register.inclusion_tag("goals/year.html")
def year_goals(year: int) -> dict:
    """`{% year_goals summary.year %}`: a section a goal, target against achieved."""
    return {"year": year, "rows": goals_of_year(year)}
