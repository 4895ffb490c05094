"""Who is Responsible for the tasks on a page of cards (the board, a quadrant's list),
read for all of them at once: a card asking for its own would be a query per card."""

from django import template

from raci import selectors

register = template.Library()


@register.simple_tag
def responsible_names(tasks) -> dict[int, str]:
    """`{% responsible_names cards as responsible %}`, then `responsible|names_for:task`."""
    return selectors.responsible_names(list(tasks))


@register.filter
def names_for(names: dict[int, str], task) -> str:
    return names.get(task.pk, "")
