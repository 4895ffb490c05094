from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("imports", "0002_import_worker_reports"),
    ]

    operations = [
        migrations.AddField(
            model_name="import",
            name="readings",
            field=models.JSONField(default=list),
        ),
    ]
