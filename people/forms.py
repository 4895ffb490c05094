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


class StakeholderForm(PersonForm):
    """Someone new, by name and email address, added where they are needed (a task's RACI)."""

    class Meta(PersonForm.Meta):
        fields = ["name", "email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].required = True
