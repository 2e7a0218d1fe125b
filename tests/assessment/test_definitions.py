"""Indicator definitions speak the reader's language, as their names do."""

from django.utils import translation

from wangge.assessment.models import Indicator


def test_shipped_definitions_are_chinese_with_the_english_beside_them(db):
    indicator = Indicator.objects.get(code="response_rate")
    assert indicator.description.startswith("统计期内上报的案件中")
    assert indicator.description_en.startswith("Of the cases reported in the period")
    with translation.override("zh-hans"):
        assert indicator.definition == indicator.description
    with translation.override("en"):
        assert indicator.definition == indicator.description_en


def test_an_indicator_without_an_english_definition_shows_its_own_in_english(db):
    indicator = Indicator.objects.get(code="rework_rate")
    indicator.description_en = ""
    with translation.override("en"):
        assert indicator.definition == indicator.description


def test_the_assessment_page_shows_definitions_in_the_chosen_language(browser_client):
    zh = browser_client("leader", language="zh-hans").get("/assessment/").content.decode()
    en = browser_client("leader", language="en").get("/assessment/").content.decode()
    assert "统计期内的核查中，退回返工的比例。" in zh and "sent the case back for rework" not in zh
    assert "Of the verifications in the period, the share that sent the case back for rework." in en
