"""The one upload guard: type, size, pixels and unpacked size are checked from what describes the file,
before anything is decoded or inflated."""

import io
import struct
import tracemalloc
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from wangge.core import uploads


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, "PNG")
    return out.getvalue()


def huge_png(width: int, height: int) -> bytes:
    """A valid PNG header of ``width`` × ``height`` with a tiny, truncated data stream (as a bomb is)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    row = b"\0" + b"\0" * width
    data = zlib.compress(row * 16, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def messages(error) -> dict:
    return error.value.message_dict


def test_a_real_image_gives_its_format_and_size():
    facts = uploads.check_image(SimpleUploadedFile("a.png", png(30, 20), "image/png"), max_bytes=2**20)
    assert (facts.format, facts.content_type, facts.width, facts.height) == ("PNG", "image/png", 30, 20)


def test_an_image_larger_than_the_limit_in_bytes_names_the_limit():
    with pytest.raises(ValidationError) as error:
        uploads.check_image(png(30, 20) + b"\0" * 2**20, max_bytes=2**20, field="photo")
    assert messages(error) == {"photo": ["The file is larger than 1 MB."]}


@pytest.mark.parametrize(("width", "height"), [(7_000, 7_000), (10_000, 10_000), (20_000, 20_000)])
def test_a_pixel_bomb_is_refused_from_its_header_without_decoding(width, height, settings):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 40_000_000
    uploads.set_pillow_limit()
    bomb = huge_png(width, height)
    assert len(bomb) < 50_000
    tracemalloc.start()
    with pytest.raises(ValidationError) as error:
        uploads.check_image(SimpleUploadedFile("bomb.png", bomb, "image/png"), max_bytes=2**20)
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 20 * 2**20  # decoding would take 100-400 MB
    expected = (
        "The image is 7000 × 7000 pixels; at most 40 megapixels are accepted."
        if width == 7_000
        else "The image has more than 40 megapixels; it was not opened."
    )
    assert messages(error) == {"file": [expected]}


def test_pillow_itself_refuses_to_decode_past_the_limit_anywhere(settings):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 1_000_000
    uploads.set_pillow_limit()
    try:
        with pytest.raises(Image.DecompressionBombError):
            Image.open(io.BytesIO(huge_png(2_000, 2_000)))
    finally:
        settings.UPLOAD_MAX_IMAGE_PIXELS = 40_000_000
        uploads.set_pillow_limit()


@pytest.mark.parametrize(
    ("content", "declared"),
    [(b"GIF89a" + b"\0" * 40, "image/gif"), (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"), (b"", "")],
)
def test_anything_but_an_accepted_image_is_refused(content, declared):
    with pytest.raises(ValidationError) as error:
        uploads.check_image(SimpleUploadedFile("x", content, declared), max_bytes=2**20)
    assert messages(error) == {"file": ["The file is not a JPEG, PNG, WebP image."]}


def test_a_declared_type_that_disagrees_with_the_content_is_refused():
    upload = SimpleUploadedFile("x.jpg", png(4, 4), "image/jpeg")
    with pytest.raises(ValidationError) as error:
        uploads.check_image(upload, max_bytes=2**20)
    assert messages(error) == {"file": ["The file is declared as image/jpeg but its content is image/png."]}
    generic = SimpleUploadedFile("x", png(4, 4), "application/octet-stream")
    assert uploads.check_image(generic, max_bytes=2**20).content_type == "image/png"


def zip_of(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_zip_bomb_is_refused_from_its_directory_before_inflating(settings):
    settings.UPLOAD_MAX_UNPACKED_BYTES = 64 * 2**20
    bomb = zip_of({"[Content_Types].xml": b"<x/>", "xl/sharedStrings.xml": b"<si>" + b"A" * (100 * 2**20)})
    assert len(bomb) < 300_000
    with pytest.raises(ValidationError) as error:
        uploads.check_zip(SimpleUploadedFile("bomb.xlsx", bomb, uploads.XLSX_TYPES.copy().pop()), max_bytes=2**20)
    assert messages(error) == {
        "file": ["The file unpacks to more than 64 MB; it was not opened. Split it into smaller files."]
    }


def test_a_zip_of_too_many_entries_is_refused():
    many = zip_of({f"f{i}.xml": b"" for i in range(12)})
    with pytest.raises(ValidationError) as error:
        uploads.check_zip(many, max_bytes=2**20, max_entries=10)
    assert messages(error) == {"file": ["The file holds more than 10 parts; it was not opened."]}


def test_zipfile_never_inflates_an_entry_past_its_declared_size():
    """The bound rests on this: a directory that lies about an entry's size cannot make it bigger."""
    honest = zip_of({"a.xml": b"A" * 1_000_000})
    info = zipfile.ZipFile(io.BytesIO(honest)).infolist()[0]
    lying = bytearray(honest)
    # Rewrite the declared size (local header and central directory) to 1,000 bytes.
    for offset in (info.header_offset + 22, honest.rfind(b"PK\x01\x02") + 24):
        lying[offset : offset + 4] = struct.pack("<I", 1000)
    with zipfile.ZipFile(io.BytesIO(bytes(lying))) as archive:
        assert archive.infolist()[0].file_size == 1000
        with archive.open("a.xml") as entry, pytest.raises(zipfile.BadZipFile):
            data = entry.read()
            assert len(data) <= 1000


def test_a_workbook_within_the_limits_passes_and_reports_its_unpacked_size():
    book = zip_of({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<w/>" * 10})
    assert uploads.check_zip(book, max_bytes=2**20) == 4 + 40


@pytest.mark.parametrize(
    ("content", "declared"),
    [(b"not a zip at all", ""), (b"PK\x03\x04broken", ""), (zip_of({"a": b"x"}), "image/png")],
)
def test_what_is_not_a_workbook_is_refused_as_such(content, declared):
    with pytest.raises(ValidationError) as error:
        uploads.check_zip(SimpleUploadedFile("x.xlsx", content, declared), max_bytes=2**20)
    assert messages(error) == {"file": ["The file is not an Excel workbook (.xlsx)."]}


def test_a_plain_size_check_can_word_its_message_for_the_file():
    with pytest.raises(ValidationError) as error:
        uploads.check_size(b"x" * 2**21, max_bytes=2**20, field="geojson", message="The map is larger than %(mb)d MB.")
    assert messages(error) == {"geojson": ["The map is larger than 1 MB."]}
    assert uploads.check_size(b"x" * 10, max_bytes=2**20) == 10
