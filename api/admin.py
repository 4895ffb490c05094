from django.contrib import admin

from api.models import ApiToken
from api.services import token_revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """The lead sees every token and when it was used, renames one or revokes it; the key
    itself (and its hash) is nowhere to see. Scope and revocation are read-only, so no one
    widens a token or brings a revoked one back here."""

    list_display = ["name", "user", "prefix", "scope", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope"]
    fields = ["name", "user", "prefix", "scope", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "prefix", "scope", "created_at", "last_used_at", "revoked_at"]
    search_fields = ["name", "user__username", "prefix"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke the selected tokens", permissions=["change"])
    def revoke(self, request, queryset):
        for token in queryset:
            token_revoke(token=token)
