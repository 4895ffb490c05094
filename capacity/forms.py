"""Inputs to capacity: weeks, hours, time off, planning a task into a week, a review."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from backlog.forms import VersionedForm
from backlog.models import Task
from capacity.models import Review
from mopsboard.forms import DateField, DateInput, WeekField
from people.models import Person


class PlanForm(VersionedForm):
    week = WeekField(label="Week")
    # Ticked after the over-capacity warning: plan anyway.
    allow_over = forms.BooleanField(required=False, widget=forms.HiddenInput)


class SeenForm(forms.Form):
    """My work's "Mark as seen": the moment the page was read, so a change made after it
    stays new."""

    until = forms.DateTimeField(widget=forms.HiddenInput)


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
        field_classes = {"held_on": DateField}
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


class SuggestionForm(forms.Form):
    """A spare-hours suggestion, as the review's buttons name it: a task for a person in a
    week."""

    task = forms.ModelChoiceField(
        queryset=Task.objects.all(),
        error_messages={"invalid_choice": "That task is gone: reload the review."},
    )
    person = forms.ModelChoiceField(
        queryset=Person.objects.filter(kind=Person.Kind.TEAM, is_active=True),
        error_messages={"invalid_choice": "Choose someone on the team."},
    )
    week = WeekField()


class SuggestionPlanForm(SuggestionForm):
    # The task's version as suggested: planned only if nobody changed it since.
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
