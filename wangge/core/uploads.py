"""The one upload guard: every uploaded file is checked here before anything decodes or unpacks it.

A small file can stand for a huge one: a 12 KB PNG of 10,000 × 10,000 pixels costs half a gigabyte to
decode, and a 300 KB workbook whose shared strings unpack to 100 MB keeps a worker busy for half a
minute. So each check reads only what describes the content, and refuses before the expensive part:

- ``check_image``: the size in bytes, then the format sniffed from the content (Pillow's ``Image.open``
  reads the header only) against the accepted formats and the declared content type, then the pixel
  count from the header against ``UPLOAD_MAX_IMAGE_PIXELS``, then ``verify()`` (structure, no decoding).
  ``Image.MAX_IMAGE_PIXELS`` is set to the same limit at start-up (``CoreConfig.ready``), so decoding a
  stored image anywhere (thumbnails) refuses a bomb too.
- ``check_zip`` (xlsx is a zip): the size, the zip signature, then the central directory: the number of
  entries and the sum of their declared unpacked sizes against ``UPLOAD_MAX_UNPACKED_BYTES``. The
  declared sizes can be trusted as a bound: Python's ``zipfile`` never inflates an entry past the size
  its directory declares (the stream ends there), and openpyxl reads through it.
- ``check_size``: a plain size check for anything else (GeoJSON, documents).

Each refusal is a ``ValidationError({field: message})`` naming the limit: the API answers 400 in its
usual shape, a form shows it under the field, an importer lists it as a problem.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
XLSX_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel",  # what some systems declare for any Excel file
    "application/zip",
    "application/x-zip-compressed",
}
# Declared types that say nothing about the content: accepted for any kind.
GENERIC_TYPES = {"", "application/octet-stream", "binary/octet-stream", "application/unknown"}
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class ImageFacts:
    format: str  # Pillow's name: JPEG, PNG, WEBP
    content_type: str
    width: int
    height: int
    size: int


def max_image_pixels() -> int:
    return int(getattr(settings, "UPLOAD_MAX_IMAGE_PIXELS", 40_000_000))


def max_unpacked_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_UNPACKED_BYTES", 64 * 2**20))


def max_zip_entries() -> int:
    return int(getattr(settings, "UPLOAD_MAX_ZIP_ENTRIES", 1000))


def _megabytes(n: int) -> str:
    return f"{n / 2**20:g}"


def _mb(n: int) -> int:
    return n // 2**20


def _size_of(upload) -> int:
    if isinstance(upload, bytes | bytearray | memoryview):
        return len(upload)
    size = getattr(upload, "size", None)
    if size is None:
        position = upload.tell()
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
        upload.seek(position)
    return int(size)


def _stream(upload):
    if isinstance(upload, bytes | bytearray | memoryview):
        return io.BytesIO(upload)
    upload.seek(0)
    return upload


def _declared(upload, declared_type: str | None) -> str:
    value = declared_type if declared_type is not None else getattr(upload, "content_type", "") or ""
    return value.split(";")[0].strip().lower()


def check_size(upload, *, max_bytes: int, field: str = "file", message: str | None = None) -> int:
    """The size of ``upload`` (bytes or a file), or 400 naming the limit in MB (``message`` with ``%(mb)d``
    words it for the kind of file)."""
    size = _size_of(upload)
    if size > max_bytes:
        raise ValidationError({field: (message or _("The file is larger than %(mb)d MB.")) % {"mb": _mb(max_bytes)}})
    return size


def check_image(
    upload,
    *,
    field: str = "file",
    max_bytes: int,
    max_pixels: int | None = None,
    formats: dict[str, str] = IMAGE_TYPES,
    declared_type: str | None = None,
    too_big_message: str | None = None,
    not_image_message: str | None = None,
) -> ImageFacts:
    """Facts about an uploaded image, checked without decoding it; ``ValidationError`` naming the limit."""
    size = check_size(upload, max_bytes=max_bytes, field=field, message=too_big_message)
    max_pixels = max_pixels or max_image_pixels()
    names = ", ".join(sorted({name if name != "WEBP" else "WebP" for name in formats}))
    not_an_image = not_image_message or _("The file is not a %(formats)s image.") % {"formats": names}
    stream = _stream(upload)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(stream, formats=list(formats)) as image:
                kind, (width, height) = image.format, image.size
                if kind in formats and width * height <= max_pixels:
                    image.verify()
    except Image.DecompressionBombError:
        raise ValidationError({field: _too_many_pixels(max_pixels)}) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ValidationError({field: not_an_image}) from exc
    finally:
        stream.seek(0)
    if kind not in formats:
        raise ValidationError({field: not_an_image})
    declared = _declared(upload, declared_type)
    if declared not in GENERIC_TYPES and declared != formats[kind]:
        raise ValidationError(
            {
                field: _("The file is declared as %(declared)s but its content is %(actual)s.")
                % {"declared": declared, "actual": formats[kind]}
            }
        )
    if width * height > max_pixels:
        raise ValidationError({field: _too_many_pixels(max_pixels, width, height)})
    return ImageFacts(format=kind, content_type=formats[kind], width=width, height=height, size=size)


def _too_many_pixels(limit: int, width: int = 0, height: int = 0) -> str:
    megapixels = f"{limit / 1_000_000:g}"
    if width and height:
        return _("The image is %(width)d × %(height)d pixels; at most %(mp)s megapixels are accepted.") % {
            "width": width,
            "height": height,
            "mp": megapixels,
        }
    return _("The image has more than %(mp)s megapixels; it was not opened.") % {"mp": megapixels}


def check_zip(
    upload,
    *,
    field: str = "file",
    max_bytes: int,
    max_unpacked: int | None = None,
    max_entries: int | None = None,
    declared_type: str | None = None,
    accepted_types: set[str] = XLSX_TYPES,
    not_zip_message: str | None = None,
    too_big_message: str | None = None,
) -> int:
    """The unpacked size of a zip-based upload (xlsx), checked from its directory before anything is
    inflated; ``ValidationError`` naming the limit."""
    check_size(upload, max_bytes=max_bytes, field=field, message=too_big_message)
    max_unpacked = max_unpacked or max_unpacked_bytes()
    max_entries = max_entries or max_zip_entries()
    not_zip = not_zip_message or _("The file is not an Excel workbook (.xlsx).")
    declared = _declared(upload, declared_type)
    if declared not in GENERIC_TYPES and declared not in accepted_types:
        raise ValidationError({field: not_zip})
    stream = _stream(upload)
    try:
        if stream.read(4) != ZIP_MAGIC:
            raise ValidationError({field: not_zip})
        stream.seek(0)
        try:
            with zipfile.ZipFile(stream) as archive:
                entries = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise ValidationError({field: not_zip}) from exc
    finally:
        stream.seek(0)
    if len(entries) > max_entries:
        raise ValidationError(
            {field: _("The file holds more than %(n)d parts; it was not opened.") % {"n": max_entries}}
        )
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > max_unpacked:
        raise ValidationError(
            {
                field: _("The file unpacks to more than %(mb)s MB; it was not opened. Split it into smaller files.")
                % {"mb": _megabytes(max_unpacked)}
            }
        )
    return unpacked


def set_pillow_limit() -> None:
    """Make Pillow refuse to decode images over the upload limit anywhere in the process."""
    Image.MAX_IMAGE_PIXELS = max_image_pixels()
