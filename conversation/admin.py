from django.contrib import admin

from conversation.models import Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """For the lead to find a comment, or remove one that should not have been written."""

    list_display = ["task", "author", "requester", "shared", "created_at"]
    list_filter = ["shared"]
    list_select_related = ["task", "author", "requester"]
    raw_id_fields = ["task", "author", "requester"]
    search_fields = ["body"]
