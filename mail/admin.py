from django.contrib import admin

from mail.models import Email


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "to", "event", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "event"]
    search_fields = ["to", "subject"]
    readonly_fields = [field.name for field in Email._meta.fields]
