"""The lead's input: a new endpoint."""

from django import forms

from webhooks.addresses import UnsafeAddress, target
from webhooks.models import Endpoint, Event


class EndpointForm(forms.ModelForm):
    url = forms.URLField(
        label="URL",
        max_length=500,
        assume_scheme="https",
        help_text="Where mopsboard POSTs each event, e.g. https://hooks.example.com/mopsboard.",
    )
    events = forms.MultipleChoiceField(
        choices=Event.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event."},
    )

    class Meta:
        model = Endpoint
        fields = ["url", "description", "events"]
        help_texts = {"description": "What receives it, e.g. “Team chat”."}

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            target(url)
        except UnsafeAddress as refused:
            raise forms.ValidationError(refused.message, code="unsafe") from refused
        return url

    def clean_description(self):
        return self.cleaned_data["description"].strip()
