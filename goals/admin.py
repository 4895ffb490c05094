from django.contrib import admin

from goals.models import CheckIn, Goal, GoalShareLink, Step


class StepInline(admin.TabularInline):
    model = Step
    raw_id_fields = ["owner", "tasks"]
    extra = 0


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["title", "short_name", "owner", "deadline", "archived"]
    list_filter = ["archived"]
    list_select_related = ["owner"]
    raw_id_fields = ["owner", "tasks"]
    inlines = [StepInline]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["goal", "on", "value", "by"]
    list_select_related = ["goal", "by"]
    readonly_fields = ["by", "recorded_at"]


@admin.register(GoalShareLink)
class GoalShareLinkAdmin(admin.ModelAdmin):
    list_display = ["label", "expires_on", "created_by", "created_at", "revoked_at"]
    readonly_fields = ["created_by", "created_at"]
    filter_horizontal = ["goals"]
