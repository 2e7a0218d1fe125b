"""Indicator definitions in both languages, like their names: the shipped ones get a Chinese definition
and keep the English one beside it (a definition an administrator has edited is left as it is)."""

from django.db import migrations, models

from wangge.assessment.migrations import _shipped_definitions as shipped


def translate_shipped(apps, schema_editor):
    Indicator = apps.get_model("assessment", "Indicator")
    for code, (english, chinese) in shipped.DEFINITIONS.items():
        Indicator.objects.filter(code=code, description=english).update(description=chinese, description_en=english)


def restore_english(apps, schema_editor):
    Indicator = apps.get_model("assessment", "Indicator")
    for code, (english, chinese) in shipped.DEFINITIONS.items():
        Indicator.objects.filter(code=code, description=chinese).update(description=english)


class Migration(migrations.Migration):
    dependencies = [("assessment", "0002_seed_indicators_and_rules")]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="description_en",
            field=models.TextField(blank=True, verbose_name="English definition"),
        ),
        migrations.RunPython(translate_shipped, restore_english),
    ]
