"""Inputs to capacity: weeks, hours, time off, planning a task into a week, a review."""

import datetime
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode

from backlog.filters import GOAL_FILTERS
from backlog.forms import VersionedForm
from backlog.models import Category, Task
from capacity.horizon import DEFAULT_WEEKS, MAX_WEEKS, MIN_WEEKS
from capacity.models import PlannedHours, Review
from capacity.services import MAX_SPAN_WEEKS, TENTH, UNDER_WAY, span_weeks
from mopsboard.forms import DateField, DateInput, WeekField
from mopsboard.templatetags.hours import hours_text
from mopsboard.weeks import week_label, week_of
from people.models import Person


class PlanForm(VersionedForm):
    """A week, or a span of weeks (`until` its last), with each week's hours if the lead
    sets them; evenly spread (less where people are away) if not."""

    week = WeekField(label="Week")
    until = WeekField(
        label="Until",
        required=False,
        help_text="For work over several weeks: the last week. Empty for one week.",
    )
    hours = forms.CharField(
        label="Hours per week",
        required=False,
        max_length=400,
        help_text="Optional, one figure a week, e.g. 10, 10, 12, 8: they add up to the "
        "estimate. Empty spreads the estimate evenly, less in weeks people are away.",
    )
    # Moving a planned task (the horizon, the review, the board, the task page's week
    # shortcuts) without a last week: the span keeps its length, its last week follows.
    keep_span = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # Ticked after the over-capacity warning: plan anyway.
    allow_over = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        # The task page has a defer form with an `until` too: ids of their own.
        kwargs.setdefault("auto_id", "id_plan_%s")
        super().__init__(*args, **kwargs)

    @cached_property
    def plan(self) -> list[PlannedHours]:
        """The task's plan as it stands, week by week."""
        return list(self.task.planned_hours.order_by("week")) if self.task else []

    def clean_hours(self):
        hours = self.cleaned_data["hours"].replace(";", ",").strip(" ,")
        if not hours:
            return None
        try:
            figures = [Decimal(figure.strip()).quantize(TENTH) for figure in hours.split(",")]
            # "NaN" is read and rounded without complaint, yet is no number of hours.
            if not all(figure.is_finite() for figure in figures):
                raise InvalidOperation
        except InvalidOperation:
            raise ValidationError(
                "Write each week's hours as a number, separated by commas: 10, 10, 12, 8.",
                code="hours",
            ) from None
        return figures

    def clean(self):
        cleaned = super().clean()
        week, until, hours = (cleaned.get(name) for name in ("week", "until", "hours"))
        if not week:
            return cleaned
        this_week = week_of(timezone.localdate())
        # A span under way keeps its first week, gone by (capacity.services.task_plan).
        under_way = week < this_week and self.task and week == self.task.planned_week
        if week < this_week and not under_way:
            self.add_error("week", f"{week_label(week)} is over: pick this week or a later one.")
            return cleaned
        if cleaned.pop("keep_span", False) and not until and self.plan:
            until = cleaned["until"] = week + (self.plan[-1].week - self.plan[0].week)
        if until and until < week:
            self.add_error("until", "The span ends before it starts: pick a later last week.")
            return cleaned
        if under_way and (until or week) < this_week:
            self.add_error("until", "It is under way: pick this week or a later one to end it.")
            return cleaned
        if under_way and hours is not None:
            self.add_error("hours", UNDER_WAY.format(week=week_label(week)))
            return cleaned
        weeks = span_weeks(week, until)
        if len(weeks) > MAX_SPAN_WEEKS:
            self.add_error("until", f"A plan spans {MAX_SPAN_WEEKS} weeks at most.")
        elif hours is not None:
            if len(hours) != len(weeks) or any(figure < 0 for figure in hours):
                self.add_error(
                    "hours", f"Give {len(weeks)} figures, one for each week, none below 0."
                )
            elif self.task and sum(hours) != Decimal(self.task.estimate or 0):
                self.add_error(
                    "hours",
                    f"These add up to {hours_text(sum(hours))} h; the estimate is "
                    f"{self.task.estimate_label}. Make them add up, or change the estimate.",
                )
        return cleaned


class PlanBeforeDueForm(VersionedForm):
    """The one-click fix for a due date at risk: the service picks the weeks."""

    # Ticked after the over-capacity warning: plan anyway.
    allow_over = forms.BooleanField(required=False, widget=forms.HiddenInput)


class CellMoveForm(PlanForm):
    """A task taken from a cell of the horizon (`from_week`) to `week`: moved, its whole
    span goes along by as many weeks, so the hours the cell showed land in `week`; or,
    with `stretch`, its span reaches out to `week` and its hours spread over it again."""

    from_week = WeekField(widget=forms.HiddenInput)
    stretch = forms.BooleanField(required=False)

    def clean(self):
        cleaned = self.cleaned_data
        week, from_week = cleaned.get("week"), cleaned.pop("from_week", None)
        stretch = cleaned.pop("stretch", False)
        # Where the task's hours are to be seen after the change: the horizon opens there.
        self.lands_in = week
        if week and from_week and self.plan:
            first, last = self.plan[0].week, self.plan[-1].week
            if not stretch:
                later = week - from_week
                cleaned["week"], cleaned["until"] = first + later, last + later
            elif first <= week <= last:
                self.add_error(
                    "week",
                    "It is planned in that week already: stretch it to a week before or "
                    "after its span.",
                )
            else:
                cleaned["week"], cleaned["until"] = min(week, first), max(week, last)
        return super().clean()


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


class HorizonForm(forms.Form):
    """The horizon's filters, read from the query string: which weeks, whose rows, which
    work. A figure out of range falls back to the default, with a message beside it."""

    WHO = [("team", "Team members"), ("all", "With stakeholders")]

    start = WeekField(label="From week", required=False)
    weeks = forms.IntegerField(
        label="Weeks",
        required=False,
        min_value=MIN_WEEKS,
        max_value=MAX_WEEKS,
        error_messages={
            "min_value": f"Show {MIN_WEEKS} to {MAX_WEEKS} weeks.",
            "max_value": f"Show {MIN_WEEKS} to {MAX_WEEKS} weeks.",
            "invalid": f"Show {MIN_WEEKS} to {MAX_WEEKS} weeks.",
        },
    )
    who = forms.ChoiceField(label="People", choices=WHO, required=False)
    category = forms.ModelChoiceField(
        queryset=Category.objects.order_by("name"),
        required=False,
        empty_label="Every category",
        error_messages={"invalid_choice": "That category is gone: showing every category."},
    )
    # The goals' own choices, as the board's Goal filter has them (GoalsConfig.ready).
    goal = forms.ChoiceField(
        label="Goal",
        choices=lambda: [("", "Every goal"), *GOAL_FILTERS["choices"]()],
        required=False,
        error_messages={
            "invalid_choice": "That goal is gone or archived: showing the work for every goal."
        },
    )

    def filters(self, *, today: datetime.date) -> dict:
        """The filters to show: what was asked where it is valid, the defaults elsewhere."""
        self.is_valid()
        chosen = getattr(self, "cleaned_data", {})
        return {
            "start": chosen.get("start") or week_of(today),
            "weeks": chosen.get("weeks") or DEFAULT_WEEKS,
            "with_stakeholders": chosen.get("who") == "all",
            "category": chosen.get("category"),
            "goal": chosen.get("goal") or None,
        }

    def query(self, **changes) -> str:
        """The query string of these filters, as asked, with `changes`."""
        data = {name: self.data.get(name, "") for name in self.fields} | changes
        return urlencode({name: value for name, value in data.items() if value})


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

    def clean_week(self):
        week = self.cleaned_data["week"]
        if week < week_of(timezone.localdate()):
            raise ValidationError(f"{week_label(week)} is over: its spare hours are gone.")
        return week


class SuggestionPlanForm(SuggestionForm):
    # The task's version as suggested: planned only if nobody changed it since.
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
