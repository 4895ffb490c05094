"""The review's load bar, drawn by one f-string: a page has a hundred of them."""

from django import template
from django.utils.safestring import SafeString

from capacity.models import hours_text

register = template.Library()


@register.filter
def load_bar(week: dict) -> SafeString:
    """Load against capacity, both to the page's widest bar; the line marks capacity.

    `week` holds only numbers and a flag (see capacity.selectors._week_figures), so
    nothing in it needs escaping.
    """
    at, width = float(week["capacity_at"]), float(week["load_width"])
    over = f" · <strong>{hours_text(week['over_by'])} h over</strong>" if week["over"] else ""
    return SafeString(
        '<svg class="bar" viewBox="0 0 100 12" preserveAspectRatio="none" aria-hidden="true">'
        f'<rect class="bar-capacity" x="0" y="0" width="{at:g}" height="12"></rect>'
        f'<rect class="bar-load" x="0" y="3" width="{width:g}" height="6"></rect>'
        f'<line class="bar-mark" x1="{at:g}" x2="{at:g}" y1="0" y2="12"'
        ' vector-effect="non-scaling-stroke"></line></svg>'
        f'<span class="bar-figure">{hours_text(week["load"])} of '
        f"{hours_text(week['capacity'])} h{over}</span>"
    )
