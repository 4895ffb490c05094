"""Register a webhook from the command line and print its signing secret (scripts, tests)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from mopsboard.forms import errors_text
from webhooks.forms import EndpointForm
from webhooks.models import Event
from webhooks.services import endpoint_create


class Command(BaseCommand):
    help = "Register a webhook to URL for the chosen events and print its secret, this once."

    def add_arguments(self, parser):
        parser.add_argument("url")
        parser.add_argument(
            "--event",
            action="append",
            required=True,
            choices=Event.values,
            help="An event to send; repeat for more.",
        )
        parser.add_argument("--description", default="", help="What receives it.")
        parser.add_argument("--by", default=None, help="The lead it is registered as.")

    def handle(self, url, event, description, by, **options):
        user = None
        if by is not None:
            user = get_user_model().objects.filter(username=by, is_active=True).first()
            if user is None:
                raise CommandError(f"No active user called {by!r}.")
        form = EndpointForm({"url": url, "events": event, "description": description})
        if not form.is_valid():
            raise CommandError(errors_text(form))
        self.stdout.write(endpoint_create(by=user, **form.cleaned_data).secret)
