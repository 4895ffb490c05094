"""Inputs of the API app's pages and of its read-only endpoints."""

from django import forms

from api.models import ApiToken, Scope
from mopsboard.forms import WeekField, no_control_characters


class TokenForm(forms.ModelForm):
    scope = forms.ChoiceField(
        choices=Scope.choices,
        initial=Scope.READ,
        widget=forms.RadioSelect,
        help_text="Either way it can do only what your role allows.",
    )

    class Meta:
        model = ApiToken
        fields = ["name", "scope"]

    def clean_name(self):
        return no_control_characters(self.cleaned_data["name"].strip())


class LoadForm(forms.Form):
    week = WeekField(required=False, help_text="An ISO week like 2026-W48; this week if left out.")
