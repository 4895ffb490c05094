from django import forms

from people.models import Person


class NotifyForm(forms.Form):
    notify = forms.ChoiceField(
        label="Email me about the requests I follow",
        choices=Person.Notify.choices,
        widget=forms.RadioSelect,
    )
