from django.contrib import admin

from imports.models import Import


@admin.register(Import)
class ImportAdmin(admin.ModelAdmin):
    list_display = ["filename", "state", "rows_total", "rows_written", "created_by", "created_at"]
    list_filter = ["state"]
    exclude = ["content"]
    readonly_fields = [field.name for field in Import._meta.fields if field.name != "content"]
