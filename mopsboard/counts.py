"""Counts that stop at a cap, so a page over a huge backlog reads no more rows than it
shows ("1,000+"): the board's quadrants, the review's agenda, the People page."""

from django.conf import settings
from django.db import connection
from django.db.models import IntegerField, QuerySet, Subquery


class CappedCount(Subquery):
    """How many rows a (correlated) queryset has, reading at most its LIMIT of them."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS capped)"
    output_field = IntegerField()


def capped_counts(querysets: dict[str, QuerySet], *, cap: int | None = None) -> dict[str, int]:
    """How many rows each queryset has, reading at most `cap` + 1 of each
    (MOPSBOARD_COUNT_CAP by default). All the counts come back in one query."""
    limit = (cap or settings.MOPSBOARD_COUNT_CAP) + 1
    parts, params = [], []
    for queryset in querysets.values():
        sql, part_params = queryset.order_by().values("pk")[:limit].query.sql_with_params()
        parts.append(CappedCount.template % {"subquery": sql})
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        return dict(zip(querysets, cursor.fetchone(), strict=True))


def count_label(count: int, *, cap: int | None = None) -> str:
    """ "1,234", or "1,000+" past the cap the count stopped at."""
    cap = cap or settings.MOPSBOARD_COUNT_CAP
    return f"{cap:,}+" if count > cap else f"{count:,}"
