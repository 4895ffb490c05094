from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0005_import_undo"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="valuemapping",
            name="import_value_mapped_once_per_tool",
        ),
        # Answers kept before columns were told apart name no column: no header matches
        # "", so they are no longer read, and their values are asked once more.
        migrations.AddField(
            model_name="valuemapping",
            name="column",
            field=models.CharField(default="", max_length=200),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="valuemapping",
            constraint=models.UniqueConstraint(
                fields=("tool", "field", "column", "value"),
                name="import_value_mapped_once_per_column",
            ),
        ),
        migrations.AlterField(
            model_name="import",
            name="state",
            field=models.CharField(
                choices=[
                    ("mapping", "Waiting for its columns"),
                    ("checking", "Checking"),
                    ("checked", "Checked"),
                    ("writing", "Importing"),
                    ("done", "Imported"),
                    ("failed", "Failed"),
                    ("undoing", "Undoing"),
                    ("undone", "Undone"),
                ],
                default="mapping",
                max_length=10,
            ),
        ),
    ]
