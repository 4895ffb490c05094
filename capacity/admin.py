from django.contrib import admin

from capacity.models import TimeOff


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):
    list_display = ["person", "week", "hours", "note"]
    list_filter = ["week"]
    raw_id_fields = ["person"]
