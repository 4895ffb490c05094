"""Inputs to capacity: weeks, hours, time off, planning a task into a week."""

from django import forms
from django.core.exceptions import ValidationError

from backlog.forms import VersionedForm
from capacity.models import week_from_input, week_label
from raci.models import Person


class WeekField(forms.CharField):
    """An ISO week, typed or picked as "2026-W48", cleaned to its Monday."""

    widget = forms.TextInput(attrs={"type": "week", "pattern": r"\d{4}-W\d{2}"})

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


class PlanForm(VersionedForm):
    week = WeekField(label="Week")
    allow_over = forms.BooleanField(required=False, widget=forms.HiddenInput)


class CapacityForm(forms.Form):
    weekly_capacity_hours = forms.IntegerField(
        label="Hours a week",
        min_value=0,
        max_value=80,
        error_messages={
            "min_value": "Hours can't be negative.",
            "max_value": "More than 80 hours a week is not a plan.",
            "invalid": "Enter whole hours, like 32.",
        },
    )


class TimeOffForm(forms.Form):
    person = forms.ModelChoiceField(
        queryset=Person.objects.filter(is_active=True),
        error_messages={"invalid_choice": "Choose someone on the team."},
    )
    week = WeekField()
    hours = forms.IntegerField(
        min_value=0,
        max_value=80,
        help_text="0 removes the time off.",
        error_messages={
            "min_value": "Hours can't be negative.",
            "max_value": "A week off is at most 80 hours here.",
            "invalid": "Enter whole hours, like 8.",
        },
    )
    note = forms.CharField(max_length=120, required=False)
