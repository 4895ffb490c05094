"""Inputs of the API app's pages and of its read-only endpoints."""

from django import forms

from api.models import ApiToken, Scope
from capacity.horizon import DEFAULT_WEEKS, MAX_WEEKS, MIN_WEEKS
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


class LoadAheadForm(LoadForm):
    """/load: one week, or the weeks ahead as the horizon page shows them."""

    start = WeekField(
        required=False,
        help_text="The first of the weeks ahead, an ISO week; this week if left out.",
    )
    weeks = forms.IntegerField(
        required=False,
        min_value=MIN_WEEKS,
        max_value=MAX_WEEKS,
        help_text=f"How many weeks ahead, {MIN_WEEKS} to {MAX_WEEKS}; {DEFAULT_WEEKS} if left out.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The API's parameter is `from`, a word Python keeps for itself: so named here.
        self.fields = {("from" if name == "start" else name): f for name, f in self.fields.items()}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("week") and (cleaned.get("from") or cleaned.get("weeks")):
            raise forms.ValidationError(
                "Ask for one week (week) or the weeks ahead (from, weeks), not both.",
                code="both",
            )
        return cleaned
