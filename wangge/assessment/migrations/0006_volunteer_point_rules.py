"""The shipped rules of volunteer points (editable in the admin like the others)."""

from django.db import migrations

RULES = [
    ("wish-fulfilled", "微心愿圆梦", "wish_fulfilled", 5),
    ("call-out-done", "志愿服务响应", "call_out_done", 3),
    ("errand-done", "红色代办", "errand_done", 3),
    ("activity-attended", "参加服务活动", "activity_attended", 1),
]


def seed(apps, schema_editor):
    PointRule = apps.get_model("assessment", "PointRule")
    for code, name, trigger, points in RULES:
        PointRule.objects.get_or_create(code=code, defaults={"name": name, "trigger": trigger, "points": points})


def unseed(apps, schema_editor):
    apps.get_model("assessment", "PointRule").objects.filter(code__in=[r[0] for r in RULES], entries=None).delete()


class Migration(migrations.Migration):
    dependencies = [("assessment", "0005_point_entry_source")]
    operations = [migrations.RunPython(seed, unseed)]
