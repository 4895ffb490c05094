"""Print the intake links that still open, as `make run` shows them."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils import timezone

from intake.models import IntakeLink


class Command(BaseCommand):
    help = "Print every live intake link as “Intake link: URL (label)”, oldest first."

    def handle(self, *args, **options):
        links = IntakeLink.objects.live(timezone.localdate()).order_by("created_at", "pk")
        for link in links:
            url = settings.MOPSBOARD_SITE_URL + link.get_absolute_url()
            self.stdout.write(f"Intake link: {url} ({link.label})")
        if not links:
            where = settings.MOPSBOARD_SITE_URL + reverse("intake:links")
            self.stdout.write(f"No intake link opens yet: the lead makes one at {where}")
