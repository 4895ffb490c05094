from django.contrib import admin

from api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """The lead sees every token and when it was used; the key itself is nowhere to see."""

    list_display = ["name", "user", "prefix", "scope", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope"]
    readonly_fields = ["user", "digest", "prefix", "created_at", "last_used_at"]
    search_fields = ["name", "user__username", "prefix"]

    def has_add_permission(self, request):
        return False
