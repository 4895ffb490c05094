"""The horizon's cells: a person's load against their hours, week by week, each a link
that opens the cell.

A row's cells are built by f-strings, not a template: the grid has 600 of them (50 people
by 12 weeks), and a template per cell was most of the page's drawing time
(bench/README.md). Only known values reach the markup unescaped: ids, hours and week
labels the code writes, and a fill word of four; the name and the link are escaped.
"""

from django import template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from capacity.horizon import HorizonRow
from mopsboard.templatetags.hours import hours_text
from mopsboard.weeks import week_label

register = template.Library()


@register.simple_tag
def horizon_cells(row: HorizonRow, query: str) -> SafeString:
    """`row`'s cells, each linking to its tasks with the page's filters (`query`)."""
    person_id, name = int(row.person.pk), escape(row.person.name)
    cells = []
    for monday, load in row.load.weeks.items():
        week, fill = week_label(monday), load.fill
        url = escape(f"{reverse('capacity:horizon-cell', args=[person_id, week])}?{query}")
        planned, hours = hours_text(load.load), hours_text(load.capacity)
        cells.append(
            f'\n        <td class="fill-{fill}" data-person-id="{person_id}" data-week="{week}">'
            f'\n          <a id="cell-{person_id}-{week}" href="{url}" hx-get="{url}"'
            ' hx-target="#horizon-cell" hx-swap="outerHTML"'
            f' aria-label="{name}, {week}: {planned} of {hours} hours, {fill}. Show the tasks.">'
            f'{planned}/{hours} h <span class="fill-word">{fill}</span></a>\n        </td>'
        )
    return mark_safe(  # nosec B308 B703 # escaped or known values (module docstring)
        "".join(cells)
    )
