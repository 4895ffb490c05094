"""Make an API token for a user from the command line and print it (scripts, tests)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from api.forms import TokenForm
from api.models import Scope
from api.services import token_create
from mopsboard.forms import errors_text


class Command(BaseCommand):
    help = "Create an API token for USERNAME and print it. It is shown this once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What it is for, e.g. CRM sync.")
        parser.add_argument(
            "--read-only", action="store_true", help="A token that reads and never writes."
        )

    def handle(self, username, name, read_only, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user called {username!r}.")
        scope = Scope.READ if read_only else Scope.READ_WRITE
        form = TokenForm({"name": name, "scope": scope})
        if not form.is_valid():
            raise CommandError(errors_text(form))
        _, key = token_create(user=user, **form.cleaned_data)
        self.stdout.write(key)
