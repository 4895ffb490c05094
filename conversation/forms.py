"""What people write: a team member's comment (and its correction), a requester's reply."""

from django import forms

from backlog.models import STATUS_MOVES, Status
from conversation.models import BODY_LENGTH
from mopsboard.forms import LinesField, no_control_characters_but_lines


def _body(label: str) -> LinesField:
    return LinesField(
        label=label,
        max_length=BODY_LENGTH,
        validators=[no_control_characters_but_lines],
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Write something first: an empty comment says nothing."},
        help_text="Plain text; web addresses become links.",
    )


class ReplyForm(forms.Form):
    body = _body("Your answer")


class CommentEditForm(forms.Form):
    body = _body("Comment")


class CommentForm(forms.Form):
    body = _body("Comment")
    shared = forms.BooleanField(
        label="Share with the requester and the people Informed (they are emailed)",
        required=False,
    )
    close = forms.BooleanField(
        label="Mark it done, with this as the closing note the requester reads",
        required=False,
    )

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, **kwargs)
        # Only where the status menu would allow "done" from the task's status.
        if Status.DONE not in STATUS_MOVES[task.status]:
            del self.fields["close"]
