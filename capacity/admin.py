from django.contrib import admin

from capacity.models import Review, TimeOff


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):
    list_display = ["person", "week", "hours", "note"]
    list_filter = ["week"]
    raw_id_fields = ["person"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["held_on", "recorded_by", "recorded_at"]
    date_hierarchy = "held_on"
    filter_horizontal = ["attendees"]
    readonly_fields = ["since", "recorded_by"]
