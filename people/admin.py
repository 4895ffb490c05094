from django.contrib import admin

from people.forms import PersonForm
from people.models import Person


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    form = PersonForm
    list_display = ["name", "title", "kind", "weekly_capacity_hours", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "email", "title"]
