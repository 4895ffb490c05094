from django.contrib import admin

from mail.models import Email


@admin.register(Email)
class EmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "to", "event", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "event"]
    search_fields = ["to", "subject"]
    # The text through `shown_text` and `shown_html`, which a private email never shows.
    exclude = ["text", "html"]
    readonly_fields = [
        *(field.name for field in Email._meta.fields if field.name not in ("text", "html")),
        "shown_text",
        "shown_html",
    ]

    @admin.display(description="Text")
    def shown_text(self, email):
        return email.private_note if email.private else email.text

    @admin.display(description="HTML")
    def shown_html(self, email):
        return "" if email.private else email.html
