from django.contrib import admin

from imports.models import Import, ValueMapping


@admin.register(Import)
class ImportAdmin(admin.ModelAdmin):
    list_display = ["filename", "state", "rows_total", "rows_written", "created_by", "created_at"]
    list_filter = ["state"]
    exclude = ["content"]
    readonly_fields = [field.name for field in Import._meta.fields if field.name != "content"]


@admin.register(ValueMapping)
class ValueMappingAdmin(admin.ModelAdmin):
    """What the lead said values mean, per tool and column: deleting one asks again next
    time."""

    list_display = ["tool", "field", "column", "value", "becomes", "updated_at"]
    list_filter = ["field"]
    search_fields = ["tool", "column", "value", "becomes"]
