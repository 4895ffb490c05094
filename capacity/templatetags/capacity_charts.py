"""Drawing capacity: the review's load bars and the year in review's charts."""

from django import template
from django.utils.safestring import SafeString

from capacity.year import YearInReview
from mopsboard.templatetags.hours import hours_text

register = template.Library()


@register.filter
def load_bar(week: dict, scale=None) -> SafeString:
    """Load against capacity, both to `scale` (the page's widest bar, in hours); the line
    marks capacity.

    Drawn by one f-string: a page has a hundred of them. `week` holds only numbers and
    a flag (see capacity.agenda._week_figures), so nothing in it needs escaping. Reviews
    recorded before the scale was kept carry their bars' widths instead.
    """
    if scale:
        at, width = (float(week[key]) / float(scale) * 100 for key in ("capacity", "load"))
    else:
        at, width = float(week.get("capacity_at", 0)), float(week.get("load_width", 0))
    over = f" · <strong>{hours_text(week['over_by'])} h over</strong>" if week["over"] else ""
    return SafeString(  # nosec B703 # numbers and a flag only, see the docstring
        '<svg class="bar" viewBox="0 0 100 12" preserveAspectRatio="none" aria-hidden="true">'
        f'<rect class="bar-capacity" x="0" y="0" width="{at:.1f}" height="12"></rect>'
        f'<rect class="bar-load" x="0" y="3" width="{width:.1f}" height="6"></rect>'
        f'<line class="bar-mark" x1="{at:.1f}" x2="{at:.1f}" y1="0" y2="12"'
        ' vector-effect="non-scaling-stroke"></line></svg>'
        f'<span class="bar-figure">{hours_text(week["load"])} of '
        f"{hours_text(week['capacity'])} h{over}</span>"
    )


# The month chart's drawing area, in SVG user units.
CHART_HEIGHT, MONTH_WIDTH, BAR_WIDTH = 160, 48, 18


@register.simple_tag
def year_charts(summary: YearInReview) -> dict:
    """Geometry for the year page's SVG charts: a column pair per month, and each
    breakdown's longest bar, so the template only places rectangles."""
    tallest = max((max(m.received, m.done) for m in summary.breakdowns["month"]), default=0) or 1
    months = []
    for index, month in enumerate(summary.breakdowns["month"]):
        received = round(month.received / tallest * CHART_HEIGHT, 1)
        done = round(month.done / tallest * CHART_HEIGHT, 1)
        x = index * MONTH_WIDTH + 6
        months.append(
            {
                "row": month,
                "x_received": x,
                "x_done": x + BAR_WIDTH,
                "y_received": CHART_HEIGHT - received,
                "y_done": CHART_HEIGHT - done,
                "h_received": received,
                "h_done": done,
                "x_label": x + BAR_WIDTH,
            }
        )
    return {
        "months": months,
        "width": MONTH_WIDTH * 12,
        "height": CHART_HEIGHT,
        "longest": {
            key: max((max(row.received, row.done) for row in rows), default=0) or 1
            for key, rows in summary.breakdowns.items()
        },
    }
