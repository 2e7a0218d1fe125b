"""One definition per ledger record (``people.records``): the forms, the API bodies, the Excel ledgers,
the services and the importer read a field's title, length, choices and conversion from it, and text is
checked by the one guard everywhere, naming the field."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.people.conftest import id_number, xlsx
from wangge.people import excel, forms, records, schemas, services

BIDI = "王\u202e建国"


@pytest.mark.parametrize(
    ("form", "record"),
    [
        (forms.PersonForm, records.PERSON),
        (forms.HouseForm, records.HOUSE),
        (forms.OrganisationForm, records.ORGANISATION),
        (forms.FacilityForm, records.FACILITY),
        (forms.BuildingForm, records.BUILDING),
    ],
)
def test_forms_take_titles_and_lengths_from_the_record(form, record):
    for name, field in form.base_fields.items():
        if name not in record._by_name():
            continue
        assert getattr(field, "max_length", None) == (record[name].max_length or None), name
        if name != "is_key":  # the page spells out 重点单位
            assert str(field.label) == str(record[name].title), name


@pytest.mark.parametrize(
    ("schema", "record"),
    [
        (schemas.PersonIn, records.PERSON),
        (schemas.PersonPatch, records.PERSON),
        (schemas.HouseIn, records.HOUSE),
        (schemas.OrganisationIn, records.ORGANISATION),
        (schemas.FacilityPatch, records.FACILITY),
    ],
)
def test_api_bodies_take_lengths_from_the_record(schema, record):
    for name, info in schema.model_fields.items():
        if name in record._by_name() and record[name].max_length:
            lengths = [m.max_length for m in info.metadata if hasattr(m, "max_length")]
            assert lengths == [record[name].max_length], name


def test_ledger_columns_are_the_record_fields():
    persons = {c.key: c for c in excel.LEDGERS["persons"]}
    assert persons["name"] is records.PERSON["name"]
    assert persons["id_number"].pii == "id_number" and persons["id_number"].text
    assert [c.key for c in excel.LEDGERS["persons"] if c.required] == ["name", "id_number", "room"]


@pytest.mark.parametrize(
    ("field", "value", "stored"),
    [
        (records.PERSON["gender"], "女", "female"),
        (records.PERSON["gender"], "Female", "female"),
        (records.PERSON["relation"], "长子", "son"),
        (records.PERSON["relation"], "son", "son"),
        (records.PERSON["population_type"], "", "registered"),
        (records.PERSON["birth_date"], "1980年5月1日", date(1980, 5, 1)),
        (records.PERSON["birth_date"], "19800501", date(1980, 5, 1)),
        (records.HOUSE["area"], "88.456", Decimal("88.46")),
        (records.HOUSE["unit"], 2.0, 2),
        (records.HOUSE["unit"], "", 1),
        (records.ORGANISATION["is_key"], "是", True),
        (records.ORGANISATION["is_key"], "否", False),
        (records.ORGANISATION["is_active"], None, True),
        (records.PERSON["name"], "  张三 ", "张三"),
        (records.PERSON["id_number"], 13800001111.0, "13800001111"),
    ],
)
def test_one_conversion_for_forms_bodies_and_cells(field, value, stored):
    assert field.parse(value) == stored


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (records.PERSON["gender"], "x", "“x” is not one of: Male、Female."),
        (records.HOUSE["unit"], "1.5", "Must be a whole number."),
        (records.HOUSE["floor"], 121, "Must be at most 120."),
        (records.PERSON["birth_date"], "May 1st", "Enter a date like 1980-05-01."),
        (records.PERSON["name"], "王" * 61, "Longer than 60 characters."),
        (records.PERSON["id_number"], 3.2e17, "Excel stored this number as a number and lost digits"),
        (records.PERSON["note"], BIDI, "Must not contain control characters"),
    ],
)
def test_a_bad_value_is_refused_naming_the_field(field, value, message):
    with pytest.raises(ValidationError) as refused:
        field.parse(value)
    assert list(refused.value.message_dict) == [field.name]
    assert refused.value.message_dict[field.name][0].startswith(message)


def test_the_services_refuse_direction_overrides_naming_the_field(ledger):
    with pytest.raises(ValidationError) as refused:
        services.update_person(actor=ledger.worker1, person=ledger.person1, data={"employer": BIDI})
    assert list(refused.value.message_dict) == ["employer"]


def test_the_api_refuses_direction_overrides_naming_the_field(ledger, caller):
    response = caller("gridworker1").patch(f"/persons/{ledger.person1.pk}", {"note": BIDI})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["note"]


def test_the_page_form_refuses_direction_overrides_naming_the_field(ledger, browser):
    page = browser("gridworker1").post(f"/people/houses/{ledger.house1.pk}/edit/", {"use": "rented", "hazards": BIDI})
    assert page.status_code == 400
    assert "direction overrides" in page.content.decode()
    ledger.house1.refresh_from_db()
    assert ledger.house1.use != "rented"


def test_the_importer_refuses_direction_overrides_at_the_cell(ledger):
    header = ["姓名", "身份证号", "小区", "楼栋", "单元", "房号", "与户主关系", "备注"]
    row = ["张三", id_number(date(1970, 1, 1), seq=71), "测试花园", "1幢", 2, "301", "户主", BIDI]
    sheet = excel.read_ledger("persons", xlsx([header, row]))
    report = services.import_ledger(actor=ledger.worker1, kind="persons", sheet=sheet, dry_run=True)
    assert [(p.row, p.column) for p in report.problems] == [(2, "H")]
    assert report.problems[0].message.startswith("Must not contain control characters")


def test_labels_refuse_direction_overrides_in_their_fields_and_note(ledger):
    with pytest.raises(ValidationError) as refused:
        services.add_label(actor=ledger.worker1, person=ledger.person1b, kind="elderly_alone", note=BIDI)
    assert list(refused.value.message_dict) == ["note"]
    with pytest.raises(ValidationError) as refused:
        services.update_label(actor=ledger.worker1, label=ledger.label1, note=BIDI)
    assert list(refused.value.message_dict) == ["note"]


def test_a_label_field_refuses_direction_overrides_naming_it(ledger):
    with pytest.raises(ValidationError) as refused:
        services.add_label(actor=ledger.worker1, person=ledger.person1b, kind="key_petitioner", details={"topic": BIDI})
    assert list(refused.value.message_dict) == ["details.topic"]
