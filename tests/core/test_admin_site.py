"""The administration pages are the platform's, in its language."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_administration_pages_carry_the_platforms_name(browser_client):
    body = browser_client("admin").get("/admin/").content.decode()
    assert "网格通 管理后台" in body and "Django" not in body.split("</title>", 1)[0]
