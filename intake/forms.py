"""Inputs to intake: an intake link, and the request form (public and signed in)."""

from django import forms
from django.conf import settings
from django.core.validators import URLValidator

from backlog.models import Category, Task
from goals.models import Goal
from mopsboard.forms import (
    DateField,
    DateInput,
    LinesField,
    TitleField,
    date_ahead,
    no_control_characters,
    no_control_characters_but_lines,
)

# At most this many web addresses in "Links", each at most this long.
MOST_LINKS = 5
LINK_LENGTH = 500


class IntakeLinkForm(forms.Form):
    label = forms.CharField(
        max_length=120,
        validators=[no_control_characters],
        help_text="Who it is for, e.g. Sales requests. Shown in your list and in the history "
        "of what comes in through it.",
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.all(),
        required=False,
        empty_label="None: the requester picks",
        help_text="Picked in advance on the form; the requester can change it.",
    )
    expires_on = DateField(
        required=False,
        widget=DateInput(),
        help_text="Leave empty for a link that works until you revoke it.",
    )

    def clean_expires_on(self):
        expires_on = self.cleaned_data["expires_on"]
        return expires_on and date_ahead(expires_on, after_today=False)


def _text(label: str, *, max_length: int, lines: bool = False, required=True, **options):
    """A text field with its size limit and the control characters it refuses."""
    return (LinesField if lines else forms.CharField)(
        label=label,
        max_length=max_length,
        required=required,
        validators=[no_control_characters_but_lines if lines else no_control_characters],
        widget=forms.Textarea(attrs={"rows": 4}) if lines else forms.TextInput,
        **options,
    )


class RequestForm(forms.Form):
    """A request as its requester puts it. `website` is a honeypot: hidden from people,
    screen readers and the keyboard, so only a program filling every field fills it."""

    title = TitleField(
        label="What do you need?",
        max_length=Task._meta.get_field("title").max_length,
        validators=[no_control_characters],
        help_text="One line, e.g. “A landing page form for the partner webinar”.",
    )
    details = _text(
        "Details",
        max_length=4000,
        lines=True,
        required=False,
        help_text="What it is, for whom, anything we should know.",
    )
    why = _text(
        "Why it matters, and what happens if it is not done",
        max_length=2000,
        lines=True,
        help_text="This is what the team scores your request on.",
    )
    wanted_by = DateField(
        label="Wanted by",
        required=False,
        widget=DateInput(),
        help_text="Optional. The date you need it by, if there is one.",
    )
    category = forms.ModelChoiceField(
        queryset=Category.objects.all(), required=False, empty_label="Not sure"
    )
    goal = forms.ModelChoiceField(
        label="Which of the team's goals does it serve?",
        queryset=Goal.objects.none(),
        required=False,
        empty_label="Not sure",
        help_text="Optional. The team confirms it when they look at your request.",
    )
    links = _text(
        "Links",
        max_length=MOST_LINKS * (LINK_LENGTH + 2),
        lines=True,
        required=False,
        help_text=f"Optional. Up to {MOST_LINKS} web addresses (a brief, a document, a "
        "page), one a line.",
    )
    name = _text("Your name", max_length=120)
    email = forms.EmailField(
        label="Your email",
        max_length=254,
        validators=[no_control_characters],
        help_text="Where we tell you what happens to your request.",
    )
    team = _text("Your team", max_length=120, required=False, help_text="e.g. Sales development.")
    website = forms.CharField(
        label="Leave this empty",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    HONEYPOT = "website"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The goals' titles only: the rest of a goal (its figures, owner, status) is the team's.
        goals = Goal.objects.active().only("pk", "title")
        if settings.MOPSBOARD_INTAKE_GOALS and goals.exists():
            self.fields["goal"].queryset = goals
        else:
            del self.fields["goal"]

    def clean_links(self):
        lines = [line.strip() for line in self.cleaned_data["links"].splitlines() if line.strip()]
        if len(lines) > MOST_LINKS:
            raise forms.ValidationError(f"Give at most {MOST_LINKS} links.")
        validate = URLValidator(schemes=["http", "https"])
        for line in lines:
            if len(line) > LINK_LENGTH:
                raise forms.ValidationError(f"A link can be at most {LINK_LENGTH} characters.")
            try:
                validate(line)
            except forms.ValidationError as error:
                raise forms.ValidationError(
                    f"“{line[:80]}” is not a web address; write one like https://example.com/page, "
                    "one a line."
                ) from error
        return lines

    def clean_wanted_by(self):
        wanted_by = self.cleaned_data["wanted_by"]
        return wanted_by and date_ahead(wanted_by, after_today=False)

    @property
    def is_spam(self) -> bool:
        """Only a program fills the honeypot: nothing is stored, and it is not told."""
        return bool(self.data.get(self.HONEYPOT))

    def request_fields(self) -> dict:
        """The cleaned request, without the honeypot: what intake.services takes."""
        return {name: value for name, value in self.cleaned_data.items() if name != self.HONEYPOT}
