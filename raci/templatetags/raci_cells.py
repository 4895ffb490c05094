"""The RACI matrix's cells, and a task's own RACI for the task page.

A cell is built by one f-string, not a template: a grid has thousands of cells, and a
template per cell more than doubled the matrix page's time (bench/README.md). Only known
values reach the markup: the ids go through int(), and the role is looked up in a table
of the five roles written out once, so any other value raises instead of being drawn.
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from raci.models import Role
from raci.selectors import MatrixRow
from raci.task_page import TaskRaciPanel

register = template.Library()

# Each role as the markup writes it, escaped once; "" is an empty cell.
ROLE_MARKUP = {role: escape(role) for role in ["", *Role.values]}


def _cell(task_id: int, person_id: int, role: str, *, editable: bool, oob: bool) -> str:
    task_id, person_id, role = int(task_id), int(person_id), ROLE_MARKUP[role]
    cell_id = f' id="raci-cell-{task_id}-{person_id}" tabindex="-1"' if editable else ""
    swap = ' hx-swap-oob="true"' if oob else ""
    return (
        f'<td{cell_id}{swap} data-task-id="{task_id}" data-person-id="{person_id}" '
        f'data-role="{role}">{role}</td>'
    )


@register.simple_tag
def raci_cell(task_id: int, person_id: int, role: str, *, oob: bool = False) -> SafeString:
    """One editable cell, as a cell update answers it (`oob`: swapped out of band)."""
    cell = _cell(task_id, person_id, role, editable=True, oob=oob)
    return mark_safe(cell)  # nosec B308 B703 # integers and a known role (module docstring)


@register.simple_tag
def raci_cells(row: MatrixRow, *, editable: bool = True) -> SafeString:
    """A row's cells, with their ids (for htmx) only where they can be edited."""
    return mark_safe(  # nosec B308 B703 # integers and a known role (module docstring)
        "".join(
            _cell(row.task.pk, person.pk, role, editable=editable, oob=False)
            for person, role in row.cells
        )
    )


@register.simple_tag(takes_context=True)
def task_raci_panel(context, task) -> TaskRaciPanel:
    """The RACI panel of `task`'s page, with what the page's address searches for."""
    return TaskRaciPanel(
        task, context["request"].GET, stakeholder_form=context.get("stakeholder_form")
    )


@register.simple_tag
def raci_roles() -> list[tuple[str, str]]:
    """The roles a cell's menu offers, as (value, label)."""
    return Role.choices
