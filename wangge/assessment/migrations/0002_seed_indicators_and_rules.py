"""The shipped indicator definitions and points rules (editable in the admin afterwards)."""

from django.db import migrations

# code, name, English name, subject, numerator, denominator, weight, higher is better, definition
INDICATORS = [
    ("response_rate", "响应率", "Response rate", "cases", "responded_on_time", "reported", 30, True,
     "Of the cases reported in the period, the share whose first response (accept, reject, merge or solve on the "
     "spot) came before the accept deadline. Counted on the report day."),
    ("resolution_rate", "解决率", "Resolution rate", "cases", "resolved", "due", 35, True,
     "Of the cases filed in the period, the share closed now and not rated as unresolved. Counted on the filing day."),
    ("satisfaction_rate", "满意率", "Satisfaction rate", "cases", "satisfied", "rated", 35, True,
     "Of the ratings given in the period, the share that are satisfied (speed and result at least 3 of 5)."),
    ("closure_rate", "结案率", "Closure rate", "cases", "finished", "due - deferred", 0, True,
     "Closed ÷ (due − deferred): of the cases filed in the period and not parked now, the share closed now."),
    ("on_time_closure_rate", "按期结案率", "On-time closure rate", "cases", "finished_on_time", "due - deferred", 0,
     True, "Closed on time ÷ (due − deferred): closed now with no late step since last reopened."),
    ("rework_rate", "返工率", "Rework rate", "cases", "reworked", "verified", 0, False,
     "Of the verifications in the period, the share that sent the case back for rework."),
    ("extension_rate", "延期率", "Extension rate", "cases", "extended", "dispatched", 0, False,
     "Approved extensions ÷ dispatches in the period (credited to the department holding the case)."),
    ("overdue_rate", "超期率", "Overdue rate", "cases", "late", "due - deferred", 0, False,
     "Of the cases filed in the period and not parked now, the share with a late step since last reopened."),
    ("return_rate", "退单率", "Return rate", "cases", "returned", "dispatched", 0, False,
     "Approved returns ÷ dispatches in the period (a return is credited to the department that returned it)."),
    ("timely_sign_rate", "及时签收率", "Timely sign-for rate", "cases", "signed_on_time", "signed", 0, True,
     "Of the sign-fors in the period, the share before the sign deadline."),
    ("on_time_handling_rate", "按期处置率", "On-time handling rate", "cases", "handled_on_time", "handled", 0, True,
     "Of the feedbacks in the period, the share before the (possibly extended) handling deadline."),
    ("valid_report_rate", "有效上报率", "Valid-report rate", "person", "valid_reports", "reports", 40, True,
     "Of the person's reports in the period, the share that were filed (accepted or solved on the spot)."),
    ("timely_verification_rate", "及时核查率", "Timely verification rate", "person", "verifications_on_time",
     "verifications", 30, True, "Of the person's verifications in the period, the share before the deadline."),
    ("person_on_time_handling_rate", "按期处置率", "On-time handling rate", "person", "handled_on_time", "handled",
     30, True, "Of the person's feedbacks in the period, the share before the handling deadline."),
]

RULES = [
    ("valid-report", "有效上报", "valid_report", 2),
    ("on-spot", "一格解决", "on_spot", 3),
    ("timely-verification", "及时核查", "timely_verification", 1),
    ("handled-on-time", "按期处置", "handled_on_time", 2),
    ("rework", "返工", "rework", -2),
    ("satisfied", "群众满意", "satisfied", 1),
]


def seed(apps, schema_editor):
    Indicator = apps.get_model("assessment", "Indicator")
    PointRule = apps.get_model("assessment", "PointRule")
    for order, (code, name, name_en, subject, num, den, weight, higher, text) in enumerate(INDICATORS, start=1):
        Indicator.objects.update_or_create(
            code=code,
            defaults=dict(name=name, name_en=name_en, subject=subject, numerator=num, denominator=den,
                          weight=weight, higher_is_better=higher, description=text, order=order),
        )
    for code, name, trigger, points in RULES:
        PointRule.objects.update_or_create(code=code, defaults=dict(name=name, trigger=trigger, points=points))


def unseed(apps, schema_editor):
    apps.get_model("assessment", "Indicator").objects.filter(code__in=[i[0] for i in INDICATORS]).delete()
    apps.get_model("assessment", "PointRule").objects.filter(code__in=[r[0] for r in RULES], entries=None).delete()


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
