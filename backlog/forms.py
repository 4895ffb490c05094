"""Every input to the backlog goes through one of these forms."""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst

from backlog.models import (
    SCORE_RANGE,
    STATUS_MOVES,
    Category,
    Quadrant,
    Status,
    Task,
    new_year_after,
    status_moves_refusal,
)
from mopsboard.forms import (
    DateField,
    DateInput,
    LinesField,
    TitleField,
    date_ahead,
    no_control_characters,
)
from people.models import Person

SCORE_CHOICES = [(score, str(score)) for score in SCORE_RANGE]


class ScoreField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("error_messages", {})
        kwargs["error_messages"].setdefault("invalid_choice", "Choose a score from 1 to 5.")
        kwargs["error_messages"].setdefault("required", "Choose a score from 1 to 5.")
        super().__init__(choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect, **kwargs)


class VersionedForm(forms.Form):
    """An action on `task`, carrying the version the editor saw so a stale edit is refused."""

    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, task: Task | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.task = task


SCORE_PAIR = {"impact", "effort"}


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name"]

    def clean_name(self):
        return no_control_characters(self.cleaned_data["name"])


class TaskForm(forms.ModelForm):
    """Create or edit a request. Scores are optional: an unscored request goes to triage."""

    impact = ScoreField(required=False, empty_value=None)
    effort = ScoreField(required=False, empty_value=None)
    estimate_hours = forms.DecimalField(
        required=False,
        min_value=Decimal("0.5"),
        max_value=Decimal("2000"),
        decimal_places=1,
        help_text="Leave empty to use the default for the effort score.",
    )

    class Meta:
        model = Task
        fields = [
            "title",
            "description",
            "requester",
            "category",
            "due_date",
            "impact",
            "effort",
            "estimate_hours",
        ]
        field_classes = {"title": TitleField, "description": LinesField, "due_date": DateField}
        widgets = {
            "due_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("impact", "effort"):
            self.fields[name].choices = [("", "Not scored"), *SCORE_CHOICES]

    def clean_title(self):
        return no_control_characters(self.cleaned_data["title"].strip())

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("impact") is None) != (cleaned.get("effort") is None):
            raise ValidationError("Score both impact and effort, or leave both empty for triage.")
        return cleaned


class TaskEditForm(TaskForm):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)

    # What this form's fields check already, and the model's validation would check again
    # at a query each, on every save of the task page and every API edit: the requester
    # and category exist (their fields read them), the scores are 1 to 5, both or neither
    # (the score fields and TaskForm.clean), the estimate is positive (its field). The
    # status is not edited here, so no check constraint is left to fail.
    CHECKED_BY_THE_FORM = {"requester", "category", "impact", "effort", "estimate_hours"}

    def _get_validation_exclusions(self):
        return super()._get_validation_exclusions() | self.CHECKED_BY_THE_FORM

    def check_only(self, names) -> None:
        """Check and change only the fields `names` (an API PATCH sends only what changes);
        the stored values of the rest were checked when they were written. The scores go
        together, as TaskForm.clean reads both."""
        keep = {*names, "version"}
        if keep & SCORE_PAIR:
            keep |= SCORE_PAIR
        for name in set(self.fields) - keep:
            del self.fields[name]

    def clean(self):
        cleaned = super().clean()
        scored = self.instance.impact is not None
        if scored and "impact" in self.fields and cleaned.get("impact") is None:
            raise ValidationError("A scored task keeps its scores: change them, don't clear them.")
        return cleaned


class ScoreForm(VersionedForm):
    impact = ScoreField()
    effort = ScoreField()


class MoveForm(VersionedForm):
    quadrant = forms.TypedChoiceField(
        choices=Quadrant.choices,
        coerce=Quadrant,
        error_messages={"invalid_choice": "Choose one of the four quadrants."},
    )


class StatusForm(VersionedForm):
    """The status menu: the task's status, selected, and the moves allowed from it
    (STATUS_MOVES)."""

    # Without a task (the API's schema): every status some move leads to.
    status = forms.TypedChoiceField(
        choices=[
            (status.value, status.label)
            for status in Status
            if any(status in moves for moves in STATUS_MOVES.values())
        ],
        coerce=Status,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.task is not None:
            current = Status(self.task.status)
            field = self.fields["status"]
            field.choices = [
                (status.value, status.label) for status in (current, *STATUS_MOVES[current])
            ]
            field.error_messages["invalid_choice"] = status_moves_refusal(current)

    def clean_status(self):
        status = self.cleaned_data["status"]
        if self.task is None:
            return status
        if status == self.task.status:
            raise ValidationError(f"It is {status.label.lower()} already.")
        if self.task.impact is None:
            raise ValidationError("Score impact and effort first: unscored work stays in triage.")
        return status


class DeferForm(VersionedForm):
    until = DateField(
        label="Comes back on",
        widget=DateInput(),
        help_text="It returns to the triage inbox on this date.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["until"].initial = new_year_after(timezone.localdate())

    def clean_until(self):
        return date_ahead(self.cleaned_data["until"], after_today=True)


class DeclineForm(VersionedForm):
    reason = forms.CharField(
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The requester reads this.",
        error_messages={"required": "Give the requester a reason."},
    )

    def clean_reason(self):
        return self.cleaned_data["reason"].strip()


class TaskChoiceForm(forms.Form):
    """Which task a page acted on, and how: the board and the review post both with the
    action's own fields (see backlog.actions)."""

    task = forms.ModelChoiceField(
        # As the services give a changed task back, and the answers show it.
        queryset=Task.objects.select_related("requester", "category"),
        error_messages={
            "required": "Pick the task to act on.",
            "invalid_choice": "That task no longer exists.",
        },
    )
    action = forms.ChoiceField(
        error_messages={"invalid_choice": "That action is not offered here."}
    )

    def __init__(self, *args, actions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [(name, name) for name in actions]


@dataclass
class FieldConflict:
    """A field someone else saved while you were editing: as you loaded it, as they saved
    it, and what you typed (`yours`, only where you changed it too and differently)."""

    label: str
    before: object
    theirs: object
    yours: object
    you_changed: bool


def edit_conflict(
    form: TaskEditForm, *, current: Task, base: dict | None
) -> tuple[list[FieldConflict], dict]:
    """Compare a refused edit with the task as it now is and as the editor loaded it.

    Their changes are the saved task against what the editor loaded (`base`, from the
    history); the editor's are what they typed against it. Returns the fields the other
    person changed, and the data to show the editor again: what they typed in the fields
    they changed, the newer value everywhere else, so saving again overwrites nothing
    they did not see. Without `base` neither side's changes are known: every field where
    the saved task and the input differ is shown, as changed by both.
    """
    states = {}
    for name in TaskForm.Meta.fields:
        attname = Task._meta.get_field(name).attname
        yours = form.cleaned_data.get(name)
        yours = getattr(yours, "pk", yours)
        states[name] = (base[attname] if base else None, getattr(current, attname), yours)
    show = _shown_values(states)
    conflicts, data = [], {"version": current.version}
    for name, (before, now, yours) in states.items():
        they_changed = now != before if base else now != yours
        you_changed = yours != before if base else True
        if they_changed:
            conflicts.append(
                FieldConflict(
                    label=capfirst(Task._meta.get_field(name).verbose_name),
                    before=show(name, before),
                    theirs=show(name, now),
                    yours=show(name, yours),
                    you_changed=you_changed and yours != now,
                )
            )
        data[name] = _as_input(yours if you_changed else now)
    return conflicts, data


def _shown_values(states: dict):
    """How a conflict shows a value: the requester's and category's names (one query
    each), None for nothing, anything else as it is."""
    names = {
        name: dict(
            model.objects.filter(pk__in=set(states[name]) - {None}).values_list("pk", "name")
        )
        for name, model in (("requester", Person), ("category", Category))
    }

    def show(name, value):
        if value in (None, ""):
            return None
        return names[name].get(value, value) if name in names else value

    return show


def _as_input(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
