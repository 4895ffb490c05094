"""Rules on typed values that the models, the forms and so the API share."""

import datetime

from django.core.exceptions import ValidationError

EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


def date_in_range(value: datetime.date) -> None:
    """Refuse a date no team plans with, such as a year typed as 0001 or 2206: it would
    sort every list, fill the year in review and count working days wrongly, unnoticed."""
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(
            f"Choose a date from {EARLIEST_DATE:%-d %B %Y} to {LATEST_DATE:%-d %B %Y}.",
            code="date_range",
        )
