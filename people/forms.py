"""The admin's input of a person."""

from django import forms

from mopsboard.forms import no_control_characters
from people.models import Person


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "name",
            "email",
            "title",
            "kind",
            "weekly_capacity_hours",
            "is_active",
            "notify",
            "user",
        ]

    def clean_name(self):
        return no_control_characters(self.cleaned_data["name"])

    def clean_title(self):
        return no_control_characters(self.cleaned_data["title"])
