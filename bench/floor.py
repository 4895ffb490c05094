"""The floor: the board's visible rows read with bare psycopg and formatted with f-strings.

No ORM, no templates, no middleware: what showing the board costs with no framework,
to compare the real board against.
"""

from html import escape

import psycopg
from django.conf import settings
from psycopg import sql

from backlog.models import OPEN_STATUSES, Quadrant, default_estimate_hours, quadrant_split


def _quadrant_condition(quadrant: Quadrant, split: int) -> sql.Composable:
    impact = ">=" if quadrant.high_impact else "<"
    effort = ">=" if quadrant.high_effort else "<"
    return sql.SQL("t.impact {} {} AND t.effort {} {}").format(
        sql.SQL(impact), sql.Literal(split), sql.SQL(effort), sql.Literal(split)
    )


def board_queries() -> tuple[sql.Composed, sql.Composed]:
    """The per-quadrant counts (capped, as the board's), and the top cards of every
    quadrant in one UNION ALL.

    The statuses and split are literals, as Django's client-side binding sends them,
    so the planner can use the board's partial index.
    """
    split = quadrant_split()
    open_work = sql.SQL("t.status IN ({}) AND t.impact IS NOT NULL").format(
        sql.SQL(", ").join(sql.Literal(str(status)) for status in OPEN_STATUSES)
    )
    counts = sql.SQL("SELECT {}").format(
        sql.SQL(", ").join(
            sql.SQL(
                "(SELECT count(*) FROM (SELECT 1 FROM backlog_task t WHERE {} AND {} LIMIT {}) c)"
            ).format(
                open_work,
                _quadrant_condition(quadrant, split),
                sql.Literal(settings.MOPSBOARD_COUNT_CAP + 1),
            )
            for quadrant in Quadrant
        )
    )
    cards = sql.SQL(" UNION ALL ").join(
        sql.SQL(
            "(SELECT {}, t.id, t.title, p.name, t.impact, t.effort, t.estimate_hours,"
            " t.due_date, t.status, t.version"
            " FROM backlog_task t LEFT JOIN raci_person p ON p.id = t.requester_id"
            " WHERE {} AND {}"
            " ORDER BY t.impact DESC NULLS LAST, t.effort ASC NULLS LAST,"
            " t.due_date ASC NULLS LAST, t.created_at, t.id LIMIT {})"
        ).format(
            sql.Literal(quadrant.value),
            open_work,
            _quadrant_condition(quadrant, split),
            sql.Literal(settings.MOPSBOARD_QUADRANT_PAGE_SIZE),
        )
        for quadrant in Quadrant
    )
    return counts, cards


def render_board(connection: psycopg.Connection, queries: tuple[sql.Composed, sql.Composed]) -> str:
    counts_query, cards_query = queries
    row = connection.execute(counts_query).fetchone()
    counts = dict(zip((quadrant.value for quadrant in Quadrant), row, strict=True))
    cards: dict[str, list[tuple]] = {}
    for row in connection.execute(cards_query):
        cards.setdefault(row[0], []).append(row[1:])
    parts = []
    for quadrant in Quadrant:
        parts.append(
            f'<section data-quadrant="{quadrant.value}"><h2>{quadrant.action}'
            f" <small>{quadrant.label} · {counts.get(quadrant.value, 0)}</small></h2><ol>"
        )
        for pk, title, requester, impact, effort, hours, due, status, version in cards.get(
            quadrant.value, []
        ):
            estimate = hours if hours is not None else default_estimate_hours(effort)
            due_html = f' · due <time datetime="{due:%Y-%m-%d}">{due:%-d %b}</time>' if due else ""
            parts.append(
                f'<li id="task-{pk}" class="card" data-version="{version}">'
                f'<a href="/tasks/{pk}/">{escape(title)}</a>'
                f"<p>{escape(requester or 'No requester')} · {estimate} h{due_html}</p>"
                f"<p>Impact {impact} · Effort {effort} · {status}</p></li>"
            )
        parts.append("</ol></section>")
    return "".join(parts)
