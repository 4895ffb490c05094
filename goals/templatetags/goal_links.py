"""The goals a task serves, for the pages the backlog draws: the task page's Goals panel
and the board's cards, which load this library rather than the backlog importing goals."""

from django import template

from goals import selectors

register = template.Library()


@register.simple_tag
def task_goals(task):
    """`{% task_goals task as goals_panel %}`: the task page's Goals panel."""
    return selectors.task_goals(task)


@register.simple_tag
def goal_names(tasks) -> dict[int, str]:
    """`{% goal_names cards as goals %}`, then `goals|names_for:task` (raci_owners)."""
    return selectors.goal_names(list(tasks))
