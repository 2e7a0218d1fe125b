"""POST /cases/{number}/photos: real images only, a size limit, photos listed with scoped URLs."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.cases.conftest import image_bytes
from wangge.accounts.models import User
from wangge.cases import services
from wangge.cases.models import CasePhoto


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _upload(caller, persona, number, name, content, content_type="image/png", **form):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    return caller(persona).post_multipart(f"/cases/{number}/photos", {"file": upload, **form})


@pytest.mark.parametrize(
    ("fmt", "content_type"), [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("WEBP", "image/webp")]
)
def test_it_stores_an_image_and_lists_it_on_the_case(caller, report, fmt, content_type):
    case = report("resident1")
    response = _upload(
        caller, "resident1", case.number, "x.bin", image_bytes(fmt, (40, 30)), "application/octet-stream"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    photo = CasePhoto.objects.get(pk=body["id"])
    assert body == {
        "id": photo.pk,
        "kind": "report",
        "url": f"/cases/{case.number}/photos/{photo.pk}/",
        "content_type": content_type,
        "width": 40,
        "height": 30,
    }
    assert photo.uploaded_by.username == "resident1"
    assert caller("resident1").get(f"/cases/{case.number}").json()["photos"] == [body]


def test_a_text_file_renamed_jpg_is_a_400_naming_file(caller, report):
    case = report("resident1")
    response = _upload(caller, "resident1", case.number, "photo.jpg", b"<html>not an image</html>", "image/jpeg")
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "file", "message": "The file is not a JPEG, PNG or WebP image."}]
    assert CasePhoto.objects.filter(case=case).count() == 0


def test_an_image_in_another_format_is_refused(caller, report):
    case = report("resident1")
    response = _upload(caller, "resident1", case.number, "x.gif", image_bytes("GIF"), "image/gif")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["file"]


def test_a_photo_over_the_limit_is_a_400_naming_file(caller, report, settings):
    settings.CASE_PHOTO_MAX_BYTES = 1024 * 1024
    case = report("resident1")
    big = image_bytes("PNG", (8, 8)) + b"\0" * (1024 * 1024)
    response = _upload(caller, "resident1", case.number, "big.png", big)
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "file", "message": "The photo is larger than 1 MB."}]


def test_the_kind_is_checked(caller, report):
    case = report("resident1")
    response = _upload(caller, "gridworker1", case.number, "x.png", image_bytes(), kind="photo_before")
    assert response.status_code == 201
    assert response.json()["kind"] == "photo_before"
    response = _upload(caller, "gridworker1", case.number, "x.png", image_bytes(), kind="selfie")
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["kind"]


def test_a_missing_file_is_a_422_naming_file(caller, report):
    case = report("resident1")
    response = caller("resident1").post_multipart(f"/cases/{case.number}/photos", {"kind": "report"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["file"]


def test_no_photos_on_a_rejected_case(caller, report):
    case = report("resident1")
    services.transition(case, "reject", actor=User.objects.get(username="operator"), opinion="重复")
    response = _upload(caller, "resident1", case.number, "x.png", image_bytes())
    assert response.status_code == 409


def huge_png(width: int, height: int) -> bytes:
    """A valid PNG header of ``width`` × ``height`` with a tiny, truncated data stream (as a bomb is)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    data = zlib.compress((b"\0" + b"\0" * width) * 16, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


@pytest.mark.parametrize("side", [10_000, 20_000])
def test_a_pixel_bomb_is_a_400_naming_the_limit_and_nothing_is_stored(caller, report, settings, side):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 40_000_000
    case = report("resident1")
    response = _upload(caller, "resident1", case.number, "bomb.png", huge_png(side, side))
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "file", "message": "The image has more than 40 megapixels; it was not opened."}
    ]
    assert CasePhoto.objects.filter(case=case).count() == 0


def test_an_image_just_over_the_pixel_limit_names_its_size(caller, report, settings):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 40_000_000
    case = report("resident1")
    response = _upload(caller, "resident1", case.number, "big.png", huge_png(7_000, 7_000))
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "file", "message": "The image is 7000 × 7000 pixels; at most 40 megapixels are accepted."}
    ]


def test_a_photo_url_from_an_api_answer_opens_with_the_bearer_token(caller, report):
    case = report("resident1")
    resident = caller("resident1")
    body = _upload(caller, "resident1", case.number, "x.png", image_bytes("PNG", (40, 30))).json()
    from django.test import Client

    response = Client().get(body["url"], **resident.headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert Client().get(body["url"], **caller("gridworker2").headers).status_code == 404  # outside the reach
    assert Client().get(body["url"]).status_code == 302  # no token, no session: the login page
