import django.contrib.postgres.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("webhooks", "0001_endpoints_and_deliveries"),
    ]

    operations = [
        migrations.AlterField(
            model_name="endpoint",
            name="events",
            field=django.contrib.postgres.fields.ArrayField(
                base_field=models.CharField(
                    choices=[
                        ("task.created", "A request or task is created"),
                        ("task.scored", "A task is scored (impact, effort)"),
                        ("task.status_changed", "A task's status changes"),
                        ("task.planned", "A task is planned into a week"),
                        ("task.deferred", "A task is deferred"),
                        ("task.declined", "A task is declined"),
                        ("raci.changed", "Someone's RACI role on a task changes"),
                        ("review.recorded", "A weekly capacity review is recorded"),
                        (
                            "goal.checked_in",
                            "A goal's KPI gets a check-in (or one is corrected)",
                        ),
                        ("goal.status_changed", "A goal's status changes"),
                    ],
                    max_length=40,
                ),
                size=None,
            ),
        ),
    ]
