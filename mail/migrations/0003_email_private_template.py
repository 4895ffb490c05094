"""A private email keeps its template and ids, never its text: the links already kept in
readable form are removed, and one not yet delivered is withdrawn (asking again sends a
new one)."""

from django.db import migrations, models


def private_links_remove(apps, schema_editor):
    Email = apps.get_model("mail", "Email")
    private = Email.objects.filter(private=True)
    private.exclude(status="sent").update(
        status="failed", last_error="Withdrawn: its link was kept readable. Ask for a new one."
    )
    private.update(text="", html="")
    Email.objects.filter(event="Requests link").update(event="Link to all their requests")


class Migration(migrations.Migration):
    dependencies = [
        ("mail", "0002_email_delivery_job"),
    ]

    operations = [
        migrations.AddField(
            model_name="email",
            name="context",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AddField(
            model_name="email",
            name="template",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.RunPython(private_links_remove, migrations.RunPython.noop),
    ]
