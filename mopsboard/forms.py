"""Form parts every app uses: dates and weeks people plan with, errors as a sentence."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from mopsboard.weeks import week_from_input, week_label


class DateInput(forms.DateInput):
    """The browser's date picker, which only reads ISO dates whatever the locale."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_ahead(value: datetime.date, *, after_today: bool) -> datetime.date:
    """A date people plan with: not in the past, not absurdly far ahead."""
    today = timezone.localdate()
    if after_today and value <= today:
        raise ValidationError("Choose a date after today.")
    if value < today:
        raise ValidationError("Choose today or a later date.")
    if value > today + datetime.timedelta(days=3 * 366):
        raise ValidationError("Choose a date within the next three years.")
    return value


def has_control_characters(value: str) -> bool:
    return any(ord(character) < 32 or ord(character) == 127 for character in value)


def no_control_characters(value: str) -> str:
    """Refuse control characters (a tab or line break too, where only one line is asked
    for): they hide text from readers and, in a name, can start a new email header."""
    if has_control_characters(value):
        raise ValidationError(
            "Remove the control characters (such as line breaks or tabs) from this field.",
            code="control_characters",
        )
    return value


def no_control_characters_but_lines(value: str) -> str:
    """Text of several lines: line breaks and tabs are fine, other control characters not."""
    no_control_characters(value.replace("\r", "").replace("\n", "").replace("\t", ""))
    return value


def errors_text(form) -> str:
    """All of a form's errors in one sentence, for a message."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


# Weeks 01 to 53 of the years 0001 to 9999 (only some years have a week 53).
WEEK_PATTERN = r"(000[1-9]|00[1-9]\d|0[1-9]\d\d|[1-9]\d{3})-W(0[1-9]|[1-4]\d|5[0-3])"


class WeekField(forms.CharField):
    """An ISO week, typed or picked as "2026-W48", cleaned to its Monday."""

    widget = forms.TextInput(attrs={"type": "week", "pattern": WEEK_PATTERN})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return week_from_input(value)
        except ValueError as error:
            raise ValidationError(
                "Choose a week like 2026-W48; only some years have a week 53.", code="week"
            ) from error

    def prepare_value(self, value):
        return week_label(value) if hasattr(value, "isocalendar") else value
