"""Person moves to the people app: assignments point at it there, and raci forgets it.
The table is the same, so only Django's state changes."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("backlog", "0003_requester_is_a_person_of_people"),
        ("capacity", "0003_people_of_people"),
        ("people", "0001_initial"),
        ("raci", "0002_raci_assignments_share_links"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="assignment",
                    name="person",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="assignments",
                        to="people.person",
                    ),
                ),
                migrations.AlterField(
                    model_name="assignmentevent",
                    name="person",
                    field=models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        related_query_name="+",
                        to="people.person",
                    ),
                ),
                migrations.DeleteModel(name="Person"),
            ]
        )
    ]
