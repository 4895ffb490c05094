"""The API's inputs are the pages' forms: each request body and query is described to
OpenAPI by a schema made from a Django form's fields, and validated by that same form.

So a rule (a score from 1 to 5, a date after today, a reason the requester reads) lives
in one place, and the schema cannot drift from what the form accepts. The schema checks
types and limits; the form then checks everything, as it does for a page.
"""

import datetime
from typing import Annotated, Any, Literal

from django import forms
from django.db.models import QuerySet
from ninja import Field
from pydantic import BaseModel, create_model

from mopsboard.forms import WEEK_PATTERN, no_control_characters, no_control_characters_but_lines

# PostgreSQL's bigint: a larger id is refused as input rather than sent to the database.
ID = Annotated[int, Field(ge=1, le=2**63 - 1)]


def form_schema(
    form: forms.Form, name: str, *, exclude=(), partial: bool = False, required=()
) -> type[BaseModel]:
    """A schema with `form`'s fields (less `exclude`). With `partial`, every field may be
    left out: a PATCH sends only what it changes. The fields in `required` must be sent
    even where the form takes them empty: null says "empty" on purpose, where leaving
    it out could be a typo that empties it by mistake.

    Plain pydantic, not ninja's Schema: that reads any object's attributes, so it took a
    body of "x" or [1, 2] for one that sent no fields at all."""
    fields: dict[str, Any] = {}
    for field_name, field in form.fields.items():
        if field_name in exclude:
            continue
        annotation = _annotation(field)
        optional = partial or not field.required
        if optional:
            annotation = annotation | None
        fields[field_name] = (
            annotation,
            Field(
                None if optional and field_name not in required else ...,
                title=str(field.label or field_name.replace("_", " ").capitalize()),
                description=str(field.help_text) or None,
            ),
        )
    return create_model(name, **fields)


def form_data(payload: BaseModel) -> dict:
    """The fields a payload sent, as a form's data: JSON values, and null as the empty
    input it stands for."""
    data = payload.model_dump(mode="json", exclude_unset=True)
    return {name: "" if value is None else value for name, value in data.items()}


def _annotation(field: forms.Field):
    if isinstance(field, forms.ModelMultipleChoiceField):  # before ModelChoiceField, its base
        return list[ID]
    if isinstance(field, forms.ModelChoiceField):
        return ID
    if isinstance(field, forms.MultipleChoiceField):
        return list[_choice(field)]
    if isinstance(field, forms.ChoiceField):
        return _choice(field)
    if isinstance(field, forms.BooleanField):
        return bool
    if isinstance(field, forms.DateField):
        return datetime.date
    if isinstance(field, forms.DecimalField):  # before IntegerField, its base class
        return Annotated[
            float,
            Field(ge=_number(field.min_value), le=_number(field.max_value), allow_inf_nan=False),
        ]
    if isinstance(field, forms.IntegerField):
        return Annotated[int, Field(ge=field.min_value, le=field.max_value)]
    if isinstance(field, forms.CharField):
        return Annotated[
            str,
            Field(
                min_length=1 if field.required else None,
                max_length=field.max_length,
                pattern=_text_pattern(field),
                json_schema_extra={"format": "email"}
                if isinstance(field, forms.EmailField)
                else None,
            ),
        ]
    raise TypeError(f"No schema for {type(field).__name__}: add it here.")


# What a text field lets through: one line (no control characters), several lines (line
# breaks and tabs too), anything but the null character (which every CharField refuses);
# and the character a required field needs besides blanks, which the form strips first.
ONE_LINE = r"[^\x00-\x1f\x7f]"
LINES = r"[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
NOT_NULL = r"[^\x00]"
NOT_BLANK = r"[^\s\x00-\x1f\x7f]"
# The text patterns in words, for the reference page.
TEXT_PATTERNS = {
    f"^{WEEK_PATTERN}$": "an ISO week like 2026-W48",
    **{
        pattern: words
        for allowed, kind in ((ONE_LINE, "one line"), (LINES, "lines"), (NOT_NULL, "text"))
        for pattern, words in (
            (f"^{allowed}*$", kind),
            (f"^{allowed}*{NOT_BLANK}{allowed}*$", f"{kind}, not blank"),
        )
    },
}


def _text_pattern(field: forms.CharField) -> str:
    """The form's rules for a text, as a pattern: its widget's, or the characters it
    refuses and, when required, not only blanks."""
    if pattern := field.widget.attrs.get("pattern"):
        return f"^{pattern}$"
    if no_control_characters in field.validators:
        allowed = ONE_LINE
    elif no_control_characters_but_lines in field.validators:
        allowed = LINES
    else:
        allowed = NOT_NULL
    if field.required and field.strip:
        return f"^{allowed}*{NOT_BLANK}{allowed}*$"
    return f"^{allowed}*$"


def _number(limit) -> float | None:
    return None if limit is None else float(limit)


def _choice(field: forms.ChoiceField):
    """The choices' values; the empty choice is null (see form_data)."""
    choices = field.choices
    if isinstance(choices, QuerySet):
        raise TypeError("A ModelChoiceField is an id.")
    values = [value for value, _ in choices if value != ""]
    return Literal[tuple(values)]
