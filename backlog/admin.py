from django.contrib import admin

from backlog.forms import CategoryForm
from backlog.models import Category, Task


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    form = CategoryForm
    search_fields = ["name"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "requester", "category", "impact", "effort", "status", "due_date"]
    list_filter = ["status", "category"]
    search_fields = ["title", "description"]
    list_select_related = ["requester", "category"]
    autocomplete_fields = ["category"]
    raw_id_fields = ["requester"]
    readonly_fields = ["version", "created_at", "updated_at"]

    # Tasks are edited in the app, where every write is version-checked and the
    # requester-facing rules (decline reasons, return dates) are enforced.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
