"""Form parts every app uses: dates and weeks people plan with, errors as a sentence."""

import datetime
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import normalize_newlines

from mopsboard.validators import date_in_range
from mopsboard.weeks import week_from_input, week_label


class DateInput(forms.DateInput):
    """The browser's date picker, which only reads ISO dates whatever the locale."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateField(forms.DateField):
    """A date as people type it, within the years a plan holds (date_in_range)."""

    default_validators = [date_in_range]


class TitleField(forms.CharField):
    """A title, its length checked by the form alone: a browser keeping to `maxlength`
    cuts a longer title pasted in without a word, where the form says it is too long."""

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)
        return attrs


class LinesField(forms.CharField):
    """Text of several lines, its line breaks kept as LF whatever a browser posts (a
    textarea sends CRLF), so the same text saved from a page, the intake form or the API
    is the same text, and saving a page again changes nothing nobody typed."""

    def to_python(self, value):
        return normalize_newlines(super().to_python(value))


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


# Unicode's control (Cc: C0, DEL, C1), format (Cf: text-direction overrides, zero-width
# spaces) and line and paragraph separator (Zl, Zp) categories.
CONTROL_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}
# Format characters that words need: the zero-width non-joiner and joiner, which Persian and
# Indic scripts write with and which join emoji (👩‍💻).
JOINERS = {"\u200c", "\u200d"}


def has_control_characters(value: str) -> bool:
    # isprintable() is False for each of them (and for a few more, such as a no-break
    # space) and runs in C: most text needs no closer look.
    return not value.isprintable() and any(
        unicodedata.category(character) in CONTROL_CATEGORIES and character not in JOINERS
        for character in value
    )


def no_control_characters(value: str) -> str:
    """Refuse control characters (a tab or line break too, where only one line is asked
    for): they hide text from readers or reverse it, and, in a name, can start a new email
    header."""
    if has_control_characters(value):
        raise ValidationError(
            "Remove the control characters (such as line breaks, tabs, or invisible and "
            "text-direction marks) from this field.",
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


# Weeks 01 to 53 of the years 0001 to 9999 (only some years have a week 53): the form of a
# week; which years a plan holds is date_in_range's to say, with its own message.
WEEK_PATTERN = r"(000[1-9]|00[1-9]\d|0[1-9]\d\d|[1-9]\d{3})-W(0[1-9]|[1-4]\d|5[0-3])"


class WeekField(forms.CharField):
    """An ISO week, typed or picked as "2026-W48", cleaned to its Monday."""

    widget = forms.TextInput(attrs={"type": "week", "pattern": WEEK_PATTERN})
    default_validators = [date_in_range]

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
