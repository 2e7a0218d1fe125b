from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wangge.workcalendar import services
from wangge.workcalendar.models import WorkingHours

NOTICE_EXAMPLE = "2027-01-01 holiday 元旦\n2027-02-06 workday 调休上班\n2027-02-10..2027-02-16 holiday 春节"


class HolidayNoticeForm(forms.Form):
    notice = forms.CharField(
        label=_("Holiday notice"),
        widget=forms.Textarea(attrs={"rows": 20, "cols": 60, "placeholder": NOTICE_EXAMPLE}),
        help_text=_(
            "One line per date or range: the date (YYYY-MM-DD) or range (YYYY-MM-DD..YYYY-MM-DD), then "
            "holiday or workday, then a name such as 春节 or 调休上班. Blank lines and lines starting with # "
            "are skipped. Nothing is written unless every line is valid."
        ),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=services.NOTE_MAX,
        help_text=_("Written on every day of the notice, e.g. the notice's document number."),
    )
    replace_years = forms.BooleanField(
        label=_("Replace the years in the notice"),
        required=False,
        help_text=_("Delete the overrides of those years that the notice does not mention."),
    )

    def __init__(self, *args, allow_replace: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_replace:  # replacing deletes days
            del self.fields["replace_years"]

    def clean_notice(self):
        text = self.cleaned_data["notice"]
        try:
            services.parse_holiday_notice(text)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["notice"]) from exc
        return text


class WorkingHoursForm(forms.ModelForm):
    class Meta:
        model = WorkingHours
        fields = ("start", "end")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is not None and end is not None:
            services.check_working_period(start, end, exclude_pk=self.instance.pk)
        return cleaned
