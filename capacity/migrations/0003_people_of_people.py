"""Time off and review attendees point at Person in its new app; the tables are the
same, so only Django's state changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("capacity", "0002_review"),
        ("people", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="review",
                    name="attendees",
                    field=models.ManyToManyField(
                        blank=True, related_name="reviews", to="people.person"
                    ),
                ),
                migrations.AlterField(
                    model_name="timeoff",
                    name="person",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="time_off",
                        to="people.person",
                    ),
                ),
            ]
        )
    ]
