from django.contrib import admin

from raci.models import Assignment, ShareLink


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["task", "person", "role"]
    list_filter = ["role"]
    list_select_related = ["task", "person"]
    raw_id_fields = ["task", "person"]


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    list_display = ["label", "query", "expires_on", "created_by", "created_at", "revoked_at"]
    readonly_fields = ["created_by", "created_at"]
