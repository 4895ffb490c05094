"""Inputs to the RACI: one cell, and a share link."""

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
from raci.filters import MatrixFilter
from raci.models import Role

CELL_CHOICES = [("", "None"), *Role.choices]


class CellForm(forms.Form):
    """A cell of the matrix: who, on what, the role now and the role the editor saw."""

    task = forms.IntegerField(min_value=1)
    person = forms.IntegerField(min_value=1)
    role = forms.ChoiceField(
        choices=CELL_CHOICES,
        required=False,
        error_messages={"invalid_choice": "Choose R, A, A/R, C, I or none."},
    )
    expected = forms.ChoiceField(choices=CELL_CHOICES, required=False)
    move_accountable = forms.BooleanField(required=False)
    # The tasks on the editor's page, so its summary can be counted again.
    page_tasks = forms.CharField(required=False, max_length=4000)

    def clean_page_tasks(self):
        ids = [part for part in self.cleaned_data["page_tasks"].split(",") if part]
        if len(ids) > 200 or not all(part.isdigit() for part in ids):
            raise forms.ValidationError("The page's tasks were not understood.")
        return [int(part) for part in ids]


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
