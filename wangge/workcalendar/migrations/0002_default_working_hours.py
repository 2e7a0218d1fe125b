import datetime

from django.db import migrations

DEFAULT_PERIODS = ((datetime.time(8, 30), datetime.time(12, 0)), (datetime.time(13, 30), datetime.time(17, 30)))


def seed(apps, schema_editor):
    WorkingHours = apps.get_model("workcalendar", "WorkingHours")
    if not WorkingHours.objects.exists():
        WorkingHours.objects.bulk_create(WorkingHours(start=a, end=b) for a, b in DEFAULT_PERIODS)


class Migration(migrations.Migration):
    dependencies = [
        ("workcalendar", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
