import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from wangge.core import bodies, uploads

MAX_IMPORT_BYTES = 50 * 1024 * 1024


class GeoJSONImportForm(forms.Form):
    file = forms.FileField(
        label=_("GeoJSON file"),
        help_text=_("A FeatureCollection whose properties carry code, name, level and parent_code."),
    )
    dry_run = forms.BooleanField(label=_("Dry run (check only, write nothing)"), required=False, initial=True)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            uploads.check_size(upload, max_bytes=MAX_IMPORT_BYTES)
            upload.seek(0)
            data = upload.read()
            bodies.check_json_depth(data, field="file")  # before the parser recurses into it
        except ValidationError as refusal:
            raise ValidationError(refusal.message_dict["file"]) from None
        try:
            return json.loads(data.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValidationError(_("The file is not valid JSON: %(reason)s") % {"reason": str(exc)[:120]}) from exc
