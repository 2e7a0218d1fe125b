import django.db.models.deletion
from django.db import migrations, models


def drop_device_index(apps, schema_editor):
    """Drop the message table's own index on device_id, found by introspection (the field's state changes
    below): Django's way, rebuilding the table on SQLite, would copy every message kept."""
    model = apps.get_model("devices", "DeviceMessage")
    table = model._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        constraints = schema_editor.connection.introspection.get_constraints(cursor, table)
    for name, details in constraints.items():
        if (
            details["index"]
            and not details["unique"]
            and not details["primary_key"]
            and details["columns"] == ["device_id"]
        ):
            schema_editor.execute(schema_editor._delete_index_sql(model, name))


def add_device_index(apps, schema_editor):
    model = apps.get_model("devices", "DeviceMessage")
    field = model._meta.get_field("device")
    schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))


class Migration(migrations.Migration):
    dependencies = [
        ("devices", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="devicemessage",
                    name="device",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="messages",
                        to="devices.device",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_device_index, add_device_index)],
        ),
    ]
