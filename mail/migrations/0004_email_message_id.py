"""Each email keeps its Message-ID, random for new mail.

Emails already there keep the Message-ID they were sent (or tried) with, made from their
primary key, so one still queued carries the same one on its next try; new ones are
random, so never one of those.
"""

from django.conf import settings
from django.db import migrations, models
from django.db.models.functions import Cast, Concat

import mail.models


def message_id_keep(apps, schema_editor):
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "mopsboard"
    apps.get_model("mail", "Email").objects.update(
        message_id=Concat(
            models.Value("<mopsboard-email-"),
            Cast("pk", models.CharField()),
            models.Value(f"@{domain}>"),
        )
    )


class Migration(migrations.Migration):
    dependencies = [("mail", "0003_email_private_template")]

    operations = [
        migrations.AddField(
            model_name="email",
            name="message_id",
            field=models.CharField(editable=False, max_length=255, null=True),
        ),
        migrations.RunPython(message_id_keep, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="email",
            name="message_id",
            field=models.CharField(
                default=mail.models.message_id_new, editable=False, max_length=255
            ),
        ),
        migrations.AddConstraint(
            model_name="email",
            constraint=models.UniqueConstraint(fields=("message_id",), name="one_message_id"),
        ),
    ]
