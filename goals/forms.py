"""Every input to goals goes through one of these forms; a refusal is said beside its field."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from goals.models import CheckIn, Goal, Step, fingerprint
from mopsboard.forms import (
    DateField,
    DateInput,
    LinesField,
    TitleField,
    date_ahead,
    no_control_characters,
)
from people.models import Person

NUMBER = {"invalid": "Enter a number, such as 1250 or 12.5."}


class SeenForm(forms.Form):
    """An edit page's form, carrying the fingerprint of the goal, step or check-in as the
    editor loaded it: the services refuse the save once someone else has saved since."""

    seen = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen"].initial = fingerprint(self.instance)


class GoalForm(forms.ModelForm):
    """The whole goal. A draft may lack its KPI, target or deadline (the page says which
    SMART letter is missing); what it has must hold together."""

    title = TitleField(max_length=200)
    description = LinesField(required=False, max_length=10_000, widget=forms.Textarea)
    status_note = LinesField(
        label="Why", required=False, max_length=2_000, widget=forms.Textarea(attrs={"rows": 2})
    )

    class Meta:
        model = Goal
        fields = [
            "title",
            "short_name",
            "owner",
            "description",
            "kpi_name",
            "unit",
            "direction",
            "baseline",
            "baseline_date",
            "target",
            "deadline",
            "status_override",
            "status_note",
            "archived",
        ]
        field_classes = {"baseline_date": DateField, "deadline": DateField}
        widgets = {"baseline_date": DateInput(), "deadline": DateInput()}
        error_messages = {"baseline": NUMBER, "target": NUMBER}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Person.objects.active()
        for name in ("title", "short_name", "kpi_name"):
            self.fields[name].validators.append(no_control_characters)

    def clean(self):
        cleaned = super().clean()
        baseline_date, deadline = cleaned.get("baseline_date"), cleaned.get("deadline")
        if baseline_date and deadline and deadline <= baseline_date:
            self.add_error("deadline", "The deadline comes after the baseline's date.")
        if cleaned.get("status_override") and not cleaned.get("status_note"):
            self.add_error("status_note", "Say why, when you set the status yourself.")
        baseline, target = cleaned.get("baseline"), cleaned.get("target")
        if baseline is not None and target is not None and target == baseline:
            self.add_error("target", "The target is the baseline: set one the KPI must reach.")
        return cleaned


class StepForm(forms.ModelForm):
    title = TitleField(max_length=200)

    class Meta:
        model = Step
        fields = ["title", "owner", "due_date", "target", "reached", "done"]
        field_classes = {"due_date": DateField}
        widgets = {"due_date": DateInput()}
        error_messages = {"target": NUMBER, "reached": NUMBER}
        help_texts = {"done": "For a step without a target."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = Person.objects.active()
        self.fields["title"].validators.append(no_control_characters)


class CheckInForm(forms.ModelForm):
    """The KPI's value on a day that has been: a check-in records, it does not forecast."""

    note = LinesField(required=False, max_length=2_000, widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = CheckIn
        fields = ["on", "value", "note"]
        field_classes = {"on": DateField}
        widgets = {"on": DateInput()}
        error_messages = {"value": NUMBER}
        labels = {"value": "Value"}

    def __init__(self, *args, goal: Goal, **kwargs):
        super().__init__(*args, **kwargs)
        self.goal = goal
        if goal.kpi_name:
            self.fields["value"].label = f"{goal.kpi_name} ({goal.get_unit_display() or 'value'})"

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise ValidationError(
                "A check-in records a value seen: choose today or an earlier day."
            )
        others = self.goal.check_ins.filter(on=on).exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError("That day has a check-in already; edit it instead.")
        return on


class GoalEditForm(SeenForm, GoalForm):
    pass


class StepEditForm(SeenForm, StepForm):
    pass


class CheckInEditForm(SeenForm, CheckInForm):
    pass


class TaskGoalsForm(forms.Form):
    """Which goals and steps a task serves."""

    goals = forms.ModelMultipleChoiceField(
        queryset=Goal.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    steps = forms.ModelMultipleChoiceField(
        queryset=Step.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = Goal.objects.active()
        self.fields["steps"].queryset = Step.objects.filter(goal__archived=False).select_related(
            "goal"
        )
        self.fields["steps"].label_from_instance = lambda step: f"{step.goal.short_name}: {step}"


class GoalShareLinkForm(forms.Form):
    """A share link for leadership: who it is for, until when, and which goals."""

    label = forms.CharField(
        max_length=120,
        help_text="Who it is for, e.g. Marketing leadership. Shown in your list, not to them.",
    )
    expires_on = DateField(
        required=False,
        widget=DateInput(),
        help_text="Leave empty for a link that works until you revoke it.",
    )
    goals = forms.ModelMultipleChoiceField(
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick none to share every active goal, those added later too.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goals"].queryset = Goal.objects.active()

    def clean_label(self):
        return no_control_characters(self.cleaned_data["label"].strip())

    def clean_expires_on(self):
        expires_on = self.cleaned_data["expires_on"]
        return expires_on and date_ahead(expires_on, after_today=False)


NOT_ACTIVE = "That goal is not among the team's active goals; reload the page and pick again."


class GoalLinkForm(forms.Form):
    """One goal, or one step of a goal, that a task (or the board's filtered tasks) will
    serve: what the goal picker sends. Only active goals and their steps are offered."""

    goal = forms.ModelChoiceField(
        queryset=Goal.objects.none(), required=False, error_messages={"invalid_choice": NOT_ACTIVE}
    )
    step = forms.ModelChoiceField(
        queryset=Step.objects.none(), required=False, error_messages={"invalid_choice": NOT_ACTIVE}
    )

    def __init__(self, *args, task=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["goal"].queryset = Goal.objects.active()
        self.fields["step"].queryset = Step.objects.filter(goal__archived=False).select_related(
            "goal"
        )
        self.fields["step"].label_from_instance = lambda step: f"{step.goal.short_name}: {step}"

    def clean(self):
        cleaned = super().clean()
        if not self.errors and bool(cleaned.get("goal")) == bool(cleaned.get("step")):
            raise ValidationError("Pick one goal or one step.")
        return cleaned


class SuggestionForm(forms.Form):
    """The goal a requester suggested, as the lead saw it in triage, to set aside."""

    goal = forms.ModelChoiceField(queryset=Goal.objects.all(), widget=forms.HiddenInput)

    def __init__(self, *args, task=None, **kwargs):
        super().__init__(*args, **kwargs)
