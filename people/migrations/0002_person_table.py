"""Person's table takes its new app's name, and its permissions follow it from raci."""

from django.db import migrations


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="people", model="person").exists():
        ContentType.objects.filter(app_label="raci", model="person").update(app_label="people")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("people", "0001_initial"),
        ("backlog", "0003_requester_is_a_person_of_people"),
        ("capacity", "0003_people_of_people"),
        ("raci", "0003_person_moves_to_people"),
    ]

    operations = [
        migrations.AlterModelTable(name="person", table=None),
        migrations.RunPython(move_content_type, migrations.RunPython.noop),
    ]
