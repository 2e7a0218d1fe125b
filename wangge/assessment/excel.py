"""A bulletin as a page and as an Excel workbook, both drawn from one view of its frozen data, so the
workbook holds exactly the numbers the page shows."""

from datetime import date
from urllib.parse import urlencode

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl.styles import Font, PatternFill

from wangge.assessment.models import Bulletin
from wangge.core import excel
from wangge.core.excel import XLSX, header, to_bytes, widths

__all__ = ["XLSX", "bulletin_view", "bulletin_workbook"]

TIER_FILLS = {"green": "D3F9D8", "yellow": "FFF3BF", "red": "FFE3E3"}


def _label(item: dict) -> str:
    if (get_language() or "").startswith("en") and item.get("name_en"):
        return item["name_en"]
    return item["name"]


def _definition(item: dict) -> str:
    if (get_language() or "").startswith("en") and item.get("description_en"):
        return item["description_en"]
    return item.get("description", "")


def _pct(value) -> float | None:
    return None if value is None else round(value * 100, 2)


def _num(value) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 2)


def _drill(query: str, figure: str, start: str, end: str, **extra) -> str:
    if not query:
        return ""
    params = {"figure": figure, "date_from": start, "date_to": end, **{k: v for k, v in extra.items() if v}}
    return f"/dashboard/cases/?{query}&{urlencode(params)}"


def _row(row: dict, indicators: list[dict], data: dict, region_query: str, drill: bool = True) -> dict:
    """A row of the bulletin's view; ``drill`` False: its figures have no case list behind them (patrols)."""
    start, end = data["period"]["start"], data["period"]["end"]
    cells = {}
    for item in indicators:
        value = row["values"].get(item["code"], {"numerator": 0, "denominator": 0, "value": None})
        department = row.get("code") if row["kind"] == "department" else ""
        query = row.get("query") or ""
        cells[item["code"]] = {
            "num": _num(value["numerator"]),
            "den": _num(value["denominator"]),
            "pct": _pct(value["value"]),
            "num_link": ""
            if row["kind"] == "person" or not drill
            else _drill(query, item["numerator"], start, end, department=department),
            "den_link": ""
            if row["kind"] == "person" or not drill
            else _drill(query, item["denominator"], start, end, department=department),
        }
    person_links = {}
    if row["kind"] == "person":
        for figure in ("reports", "valid_reports", "solved_in_grid", "verifications"):
            person_links[figure] = _drill(region_query, figure, start, end, person=row["code"])
        person_links["points"] = (
            f"/assessment/points/?{region_query}&month={start[:7]}&person={row['key']}" if row.get("key") else ""
        )
    return {
        "rank": row["rank"],
        "name": row["name"],
        "code": row["code"],
        "kind": row["kind"],
        "tier": row["tier"],
        "score": None if row["score"] is None else round(row["score"], 1),
        "points": row["points"],
        "solved_in_grid": row.get("solved_in_grid", 0),
        "counters": row.get("counters", {}),
        "cells": cells,
        "links": person_links,
    }


def bulletin_view(bulletin: Bulletin) -> dict:
    data = bulletin.data
    indicators = [{**i, "label": _label(i), "description": _definition(i)} for i in data["indicators"]]
    person_indicators = [{**i, "label": _label(i), "description": _definition(i)} for i in data["person_indicators"]]
    region_query = f"region={data['region']['code']}"
    weighted = [i for i in indicators if i["weight"]]
    total = _row(data["total"], indicators, data, region_query)
    ranking = [_row(r, indicators, data, region_query) for r in data["units"]]
    departments = [_row(r, indicators, data, region_query) for r in data["departments"]]
    people = [_row(r, person_indicators, data, region_query) for r in data["people"]]
    for row in [total, *ranking, *departments]:
        row["weighted_cells"] = [row["cells"][i["code"]] for i in weighted]
    for row in people:
        row["cell_list"] = [row["cells"][i["code"]] for i in person_indicators]
    tables = [
        {
            "item": item,
            "rows": [
                {"name": r["name"], "cell": r["cells"][item["code"]], "total": r is total}
                for r in [*ranking, *departments, total]
            ],
        }
        for item in indicators
    ]
    patrol_indicators = [
        {**i, "label": _label(i), "description": _definition(i)} for i in data.get("patrol_indicators", [])
    ]
    patrol_rows = [_row(r, patrol_indicators, data, region_query, drill=False) for r in data.get("patrol_units", [])]
    if data.get("patrol_total"):
        patrol_rows.append(
            {**_row(data["patrol_total"], patrol_indicators, data, region_query, drill=False), "total": True}
        )
    for row in patrol_rows:
        row["cell_list"] = [{**row["cells"][i["code"]], "label": i["label"]} for i in patrol_indicators]
    return {
        "patrol_indicators": patrol_indicators,
        "patrol_rows": patrol_rows,
        "patrol_workers": data.get("patrol_workers", []),
        "title": bulletin.title,
        "start": date.fromisoformat(data["period"]["start"]),
        "end": date.fromisoformat(data["period"]["end"]),
        "region": data["region"],
        "tiers": data["tiers"],
        "indicators": indicators,
        "weighted": weighted,
        "person_indicators": person_indicators,
        "total": total,
        "ranking": ranking,
        "departments": departments,
        "people": people,
        "tables": tables,
    }


def _fill(sheet, tier: str) -> None:
    if tier in TIER_FILLS:
        for cell in sheet[sheet.max_row]:
            cell.fill = PatternFill("solid", fgColor=TIER_FILLS[tier])


def tier_label(tier: str) -> str:
    return {"green": _("Green"), "yellow": _("Yellow"), "red": _("Red")}.get(tier, "")


def _ranking_sheet(sheet, rows, weighted) -> None:
    header(sheet, [_("Rank"), _("Name"), _("Code"), _("Score"), _("Tier")] + [f"{i['label']} (%)" for i in weighted])
    for row in rows:
        sheet.append(
            [row["rank"], row["name"], row["code"], row["score"], tier_label(row["tier"])]
            + [cell["pct"] for cell in row["weighted_cells"]]
        )
        _fill(sheet, row["tier"])
    widths(sheet, first=8, rest=14)


def bulletin_workbook(bulletin: Bulletin) -> bytes:
    view = bulletin_view(bulletin)
    book = excel.workbook()
    sheet = book.active
    sheet.title = _("Ranking")
    sheet.append([view["title"]])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([f"{view['start'].isoformat()} – {view['end'].isoformat()}"])
    _ranking_sheet(sheet, view["ranking"], view["weighted"])

    sheet = book.create_sheet(_("Departments"))
    _ranking_sheet(sheet, view["departments"], view["weighted"])

    for table in view["tables"]:
        item = table["item"]
        sheet = book.create_sheet(item["label"])
        sheet.append([item["label"], f"{item['numerator']} ÷ ({item['denominator']})", item["description"]])
        sheet["A1"].font = Font(bold=True)
        header(sheet, [_("Name"), _("Numerator"), _("Denominator"), _("Value (%)")])
        for row in table["rows"]:
            cell = row["cell"]
            sheet.append([row["name"], cell["num"], cell["den"], cell["pct"]])
        widths(sheet, first=24, rest=14)

    sheet = book.create_sheet(_("Grid workers"))
    header(
        sheet,
        [
            _("Rank"),
            _("Name"),
            _("Points"),
            _("Reports"),
            _("Valid reports"),
            _("Solved in the grid"),
            _("Verifications"),
        ]
        + [f"{i['label']} (%)" for i in view["person_indicators"]],
    )
    for row in view["people"]:
        sheet.append(
            [
                row["rank"],
                row["name"],
                row["points"],
                row["counters"].get("reports", 0),
                row["counters"].get("valid_reports", 0),
                row["solved_in_grid"],
                row["counters"].get("verifications", 0),
            ]
            + [cell["pct"] for cell in row["cell_list"]]
        )
    widths(sheet, first=8, rest=14)

    if view["patrol_rows"]:
        sheet = book.create_sheet(_("Patrols and visits"))
        header(
            sheet,
            [_("Rank"), _("Name"), _("Score")] + [f"{i['label']} (%)" for i in view["patrol_indicators"]],
        )
        for row in view["patrol_rows"]:
            sheet.append([row["rank"] or "", row["name"], row["score"]] + [cell["pct"] for cell in row["cell_list"]])
            _fill(sheet, row["tier"])
        sheet.append([])
        header(
            sheet,
            [_("Grid worker"), _("Grid"), _("Patrols"), _("Patrol hours"), _("Km on foot"), _("Km in patrol cars")]
            + [_("Visits")],
        )
        for worker in view["patrol_workers"]:
            sheet.append(
                [worker["name"], worker["region"], worker["patrols"], worker["hours"], worker["km"]]
                + [worker.get("car_km", 0), worker["visits"]]  # bulletins made before patrol cars have no car_km
            )
        widths(sheet, first=16, rest=14)
    return to_bytes(book)
