from django.contrib import admin

from intake.models import IntakeLink


@admin.register(IntakeLink)
class IntakeLinkAdmin(admin.ModelAdmin):
    list_display = ["label", "category", "expires_on", "created_at", "revoked_at"]
    readonly_fields = ["created_by", "created_at"]
