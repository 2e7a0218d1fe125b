"""The indicators of patrols and household visits (``Subject.PATROLS``): shipped as data, editable in the
admin like the others."""

from django.db import migrations, models

# code, name, English name, numerator, denominator, weight, Chinese definition, English definition
PATROL_INDICATORS = [
    ("patrol_coverage_rate", "微网格巡查覆盖率", "Micro-grid patrol coverage", "cells_covered", "cells", 35,
     "期间至少被一次巡查经过的微网格（无微网格的网格）÷ 全部微网格。",
     "Micro-grids (grids without micro-grids) passed by at least one patrol in the period ÷ all of them."),
    ("patrol_workers_rate", "网格员巡查参与率", "Grid workers patrolling", "workers_patrolling", "workers", 15,
     "期间有巡查记录的网格员 ÷ 当前网格员。",
     "Grid workers with a patrol in the period ÷ current grid workers."),
    ("patrol_hours_rate", "巡查时长达标率", "Patrol hours against 40 h a month", "patrol_hours", "workers * 40", 15,
     "期间巡查总时长 ÷（网格员人数 × 每月 40 小时）。",
     "Patrol hours in the period ÷ (grid workers × 40 hours a month)."),
    ("visits_on_time_rate", "入户走访及时率", "Households visited on time", "households_visited_on_time",
     "households", 35,
     "期末仍在走访周期内（一般户 VISIT_EVERY_DAYS 天，重点人员户更短）的户数 ÷ 台账户数。",
     "Households whose last visit at the period's end is within their interval (VISIT_EVERY_DAYS, shorter "
     "with a labelled member) ÷ the ledger's households."),
]


def seed(apps, schema_editor):
    Indicator = apps.get_model("assessment", "Indicator")
    for order, (code, name, name_en, num, den, weight, zh, en) in enumerate(PATROL_INDICATORS, start=1):
        Indicator.objects.get_or_create(
            code=code,
            defaults=dict(name=name, name_en=name_en, subject="patrols", numerator=num, denominator=den,
                          weight=weight, higher_is_better=True, description=zh, description_en=en, order=order),
        )


def unseed(apps, schema_editor):
    apps.get_model("assessment", "Indicator").objects.filter(code__in=[i[0] for i in PATROL_INDICATORS]).delete()


class Migration(migrations.Migration):
    dependencies = [("assessment", "0006_volunteer_point_rules")]

    operations = [
        migrations.AlterField(
            model_name="indicator",
            name="subject",
            field=models.CharField(
                choices=[
                    ("cases", "Cases of a region or department"),
                    ("person", "A grid worker's own work"),
                    ("party", "Party work of a region"),
                    ("patrols", "Patrols and household visits of a region"),
                ],
                default="cases",
                max_length=16,
                verbose_name="applies to",
            ),
        ),
        migrations.RunPython(seed, unseed),
    ]
