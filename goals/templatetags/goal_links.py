"""The goals a task serves, for the pages the backlog draws: the task page's Goals panel
and the board's cards, which load this library rather than the backlog importing goals."""

from django import template

from goals import selectors

register = template.Library()


@register.simple_tag
def task_goals(task):
    """`{% task_goals task as goals_panel %}`: the task page's Goals panel."""
    return selectors.task_goals(task)


def _tasks(groups) -> list:
    """Tasks given as lists of them (cards, a page, a slice) or one by one."""
    return [task for group in groups for task in (group if hasattr(group, "__iter__") else [group])]


@register.simple_tag
def goal_names(*groups) -> dict[int, str]:
    """`{% goal_names cards as goals %}`, then `goals|names_for:task` (raci_owners); the
    triage inbox gives its page and the requests due back (or one request)."""
    return selectors.goal_names(_tasks(groups))


@register.inclusion_tag("goals/goal_picker.html")
def goal_picker():
    """`{% goal_picker %}`: the dialog that picks a goal or a step for a task (triage, the
    board's card menu) or for the board's filtered tasks; one a page."""
    return {"goals": selectors.picker_goals()}


@register.simple_tag
def goal_suggestions(*groups) -> dict[int, object]:
    """`{% goal_suggestions page due_back as suggested %}`: the goal each request's
    requester suggested (tasks, or lists of them), then `suggested|names_for:task`."""
    return selectors.goal_suggestions(_tasks(groups))
