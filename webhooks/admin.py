from django.contrib import admin

from webhooks.forms import EndpointForm
from webhooks.models import Delivery, Endpoint


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "description", "disabled_at", "consecutive_failures", "created_at"]
    # The Webhooks page's form, so the admin refuses the addresses the page refuses.
    form = EndpointForm
    # The secret is shown once, on the Webhooks page; not here.
    fields = [
        "url",
        "description",
        "events",
        "disabled_at",
        "disabled_reason",
        "consecutive_failures",
        "created_by",
        "created_at",
    ]
    readonly_fields = ["consecutive_failures", "created_by", "created_at"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["event", "endpoint", "status", "attempts", "response_status", "created_at"]
    list_filter = ["status", "event"]
    readonly_fields = [field.name for field in Delivery._meta.fields]

    def has_add_permission(self, request):
        # A delivery is the app's record of an event sent; with every field read-only,
        # an add form saved an empty row and failed on the database's constraints.
        return False
