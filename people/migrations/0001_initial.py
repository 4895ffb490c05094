"""Person moves here from raci: the table stays raci_person until 0002 renames it, so
this migration only tells Django where the model now lives."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("raci", "0002_raci_assignments_share_links"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Person",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=120)),
                        ("email", models.EmailField(blank=True, max_length=254)),
                        (
                            "title",
                            models.CharField(
                                blank=True,
                                help_text="Job title or team, e.g. Demand generation.",
                                max_length=120,
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[("team", "Team member"), ("stakeholder", "Stakeholder")],
                                default="team",
                                max_length=12,
                            ),
                        ),
                        (
                            "weekly_capacity_hours",
                            models.PositiveSmallIntegerField(
                                default=32,
                                help_text="Hours a week this person can give the team; 0 for stakeholders.",
                            ),
                        ),
                        ("is_active", models.BooleanField(default=True)),
                        (
                            "user",
                            models.OneToOneField(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "raci_person",
                        "verbose_name_plural": "people",
                        "ordering": ["name"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("weekly_capacity_hours__lte", 168)),
                                name="person_capacity_within_a_week",
                            )
                        ],
                    },
                ),
            ],
        ),
    ]
