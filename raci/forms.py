"""Inputs to the RACI: one cell, a task page's search for people and its new stakeholder,
and a share link."""

from django import forms
from django.http import QueryDict

from backlog.models import Task
from mopsboard.forms import (
    DateField,
    DateInput,
    date_ahead,
    has_control_characters,
    no_control_characters,
)
from people.forms import StakeholderForm
from raci.filters import MatrixFilter
from raci.models import Role

CELL_CHOICES = [("", "None"), *Role.choices]


class LetterForm(forms.Form):
    """A person's letter, the letter the editor saw, and whether to move the A to them."""

    person = forms.IntegerField(min_value=1)
    role = forms.ChoiceField(
        choices=CELL_CHOICES,
        required=False,
        error_messages={"invalid_choice": "Choose R, A, A/R, C, I or none."},
    )
    expected = forms.ChoiceField(choices=CELL_CHOICES, required=False)
    move_accountable = forms.BooleanField(required=False)


class CellForm(LetterForm):
    """A cell of the matrix: who, on what, the role now and the role the editor saw."""

    task = forms.IntegerField(min_value=1)
    # The tasks on the editor's page, so its summary can be counted again.
    page_tasks = forms.CharField(required=False, max_length=4000)

    def clean_page_tasks(self):
        ids = [part for part in self.cleaned_data["page_tasks"].split(",") if part]
        if len(ids) > 200 or not all(part.isdigit() for part in ids):
            raise forms.ValidationError("The page's tasks were not understood.")
        return [int(part) for part in ids]


class TaskRoleForm(LetterForm):
    """A person's letter on the task whose page it is, and the letter the editor saw; the
    two checks to get past once the editor has read why they were asked."""

    allow_over = forms.BooleanField(required=False)


class PeopleSearchForm(forms.Form):
    people = forms.CharField(
        label="Find someone by name or email", max_length=120, required=False, strip=True
    )

    def clean_people(self):
        return no_control_characters(self.cleaned_data["people"])


class StakeholderRoleForm(StakeholderForm):
    """Someone new on a task's RACI: a stakeholder by name and email, with their letter."""

    role = forms.ChoiceField(
        label="Letter",
        choices=[
            ("", "Choose a letter"),
            *((value, f"{value} — {label}") for value, label in Role.choices),
        ],
        error_messages={"required": "Choose the letter to give them."},
    )
    move_accountable = forms.BooleanField(required=False, widget=forms.HiddenInput)
    allow_over = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        # Ids of its own: the task page holds other forms.
        super().__init__(*args, auto_id="new-person-%s", **kwargs)


# The matrix's paging travels in its query string too; the shared page ignores it.
PAGING = {"page", "per_page"}


class ShareLinkForm(forms.Form):
    label = forms.CharField(
        max_length=120,
        help_text="Who it is for, e.g. Sales leadership. Shown in your list, not to them.",
    )
    expires_on = DateField(
        required=False,
        widget=DateInput(),
        help_text="Leave empty for a link that works until you revoke it.",
    )

    # The matrix's filter, as its query string: passed along from "Share this view…".
    query = forms.CharField(
        max_length=1000,
        required=False,
        widget=forms.HiddenInput,
        error_messages={"max_length": "That filter is too long to share; narrow it down."},
    )

    def clean_label(self):
        return no_control_characters(self.cleaned_data["label"].strip())

    def clean_query(self):
        """Only the matrix's own filter, as the matrix writes it."""
        query = self.cleaned_data["query"]
        again = "share from the matrix."
        if has_control_characters(query):
            raise forms.ValidationError(f"The filter holds control characters; {again}")
        data = QueryDict(query)
        if unknown := set(data) - set(MatrixFilter.base_filters) - PAGING:
            names = ", ".join(sorted(unknown))
            raise forms.ValidationError(f"The matrix has no filter called {names}; {again}")
        if not MatrixFilter(data, queryset=Task.objects.none()).is_valid():
            raise forms.ValidationError(f"The filter to share was not understood; {again}")
        return query

    def clean_expires_on(self):
        expires_on = self.cleaned_data["expires_on"]
        return expires_on and date_ahead(expires_on, after_today=False)
