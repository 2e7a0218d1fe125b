"""Forms of the device pages: the statistics' period and place, and the Excel import's file."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wangge.core.validators import date_range_message, day_out_of_range
from wangge.core.widgets import DayInput


class StatisticsForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DayInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DayInput())
    region = forms.CharField(label=_("Region"), required=False, max_length=20)  # a picker on the page

    def clean(self):
        data = super().clean()
        for name in ("date_from", "date_to"):
            if day_out_of_range(data.get(name)):
                self.add_error(name, date_range_message())
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
