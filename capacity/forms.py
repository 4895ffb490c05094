"""Inputs to capacity: weeks, hours, time off, planning a task into a week, a review."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from backlog.forms import DateInput, VersionedForm
from backlog.models import Status, Task
from capacity.models import Review, week_from_input, week_label
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

    def clean(self):
        cleaned = super().clean()
        if self.task is not None and self.task.status in (Status.DONE, Status.DECLINED):
            raise ValidationError(
                f"“{self.task.title}” is {self.task.get_status_display().lower()}: "
                "reopen it before planning it.",
                code="closed",
            )
        return cleaned


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


class ReviewForm(forms.ModelForm):
    """Record the review that just happened; its figures are taken by the server, not typed."""

    attendees = forms.ModelMultipleChoiceField(
        queryset=Person.objects.filter(kind=Person.Kind.TEAM, is_active=True).order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Choose people on the team."},
    )

    class Meta:
        model = Review
        fields = ["held_on", "attendees", "notes", "decisions"]
        labels = {"held_on": "Held on"}
        widgets = {
            "held_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "decisions": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "decisions": "What the room decided. Plans, deferrals and declines made from "
            "this page are added for you.",
        }

    @property
    def attendee_choices(self) -> list[dict]:
        """Each team member, ticked if chosen (or, before posting, by default)."""
        chosen = {str(value) for value in self["attendees"].value() or []}
        return [
            {"pk": person.pk, "name": person.name, "checked": str(person.pk) in chosen}
            for person in self.fields["attendees"].queryset
        ]

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise ValidationError("A review can't be recorded before it happens.", code="future")
        return held_on


class TaskActionForm(forms.Form):
    """Which task was acted on from the review or the board, and how; the fields of the
    action itself come from its own form (PlanForm, DeferForm, ...)."""

    task = forms.ModelChoiceField(
        queryset=Task.objects.filter(impact__isnull=False),
        error_messages={"invalid_choice": "That task no longer exists or is not scored."},
    )
    action = forms.ChoiceField(
        choices=[(name, name) for name in ("plan", "unplan", "defer", "decline")],
        error_messages={"invalid_choice": "Plan, unplan, defer or decline: nothing else."},
    )
