"""What the office filled in on a card: its header (evaluator, date), every score and note, each judged."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from piano_xlsx.findings import finding
from piano_xlsx.reader.xlsx import CellData, SheetData
from piano_xlsx.verify import Add
from piano_xlsx.verify.scores import invalid_score
from piano_xlsx.workbook.computation import Value, is_number, item_status
from piano_xlsx.workbook.layout import STATUS_GATE_FAILED, STATUS_INVALID, STATUS_MISSING, CardLayout

TITLE_SHOWN = 50  # characters of an objective's title named in a finding


@dataclass
class CardInputs:
    evaluator: str | None
    date: str | None  # ISO date
    scores: dict[str, Value]  # item id -> the score cell's value, None when empty
    notes: dict[str, str | None]  # item id -> the note


def read_scores(sheet: SheetData, layout: CardLayout) -> dict[str, Value]:
    """Item id -> the value of its score cell (None when empty), as the card's formulas see it."""
    scores: dict[str, Value] = {}
    for item in layout.items:
        cell = sheet.cells.get(item.cell("score"))
        value = cell.value if cell is not None else None
        scores[item.item.id] = None if value == "" else value
    return scores


def read_inputs(sheet: SheetData, layout: CardLayout, name: str, add: Add) -> CardInputs:
    """The card's inputs, with a finding for each one missing or not allowed."""
    cells = sheet.cells
    evaluator = text(cells.get(layout.header_cell("evaluator")))
    if evaluator is None:
        add(finding("EVALUATOR_MISSING", file=name, sheet=sheet.name, cell=layout.header_cell("evaluator")))
    date_cell = cells.get(layout.header_cell("date"))
    date: str | None = None
    if date_cell is not None and is_number(date_cell.value):
        parsed = excel_date(date_cell.value)
        date = parsed.isoformat() if parsed else None
    if date is None:
        detail = f" (trovato «{text(date_cell)}», non una data)" if text(date_cell) else ""
        add(finding("DATE_MISSING", file=name, sheet=sheet.name, cell=layout.header_cell("date"), detail=detail))
    scores = read_scores(sheet, layout)
    notes = {item.item.id: text(cells.get(item.cell("note"))) for item in layout.items}
    for item in layout.items:
        value = scores[item.item.id]
        status = item_status(layout, item, value)
        where: dict[str, Any] = {"file": name, "sheet": sheet.name, "cell": item.cell("score")}
        title = item.item.title if len(item.item.title) <= TITLE_SHOWN else item.item.title[:TITLE_SHOWN - 1] + "…"
        label = f"{item.item.number} «{title}»"  # numbers repeat across sections; the title does not
        if status == STATUS_MISSING:
            add(finding("SCORE_MISSING", item=label, **where))
        elif status == STATUS_INVALID:
            add(invalid_score(item.item, value, label, **where))  # said for the item's input kind
        elif status == STATUS_GATE_FAILED:
            add(finding("GATE_FAILED", item=label, **where))
    return CardInputs(evaluator, date, scores, notes)


def text(cell: CellData | None) -> str | None:
    """A cell as text (numbers as written), None when empty."""
    if cell is None or cell.value is None:
        return None
    if isinstance(cell.value, float):
        return f"{cell.value:g}"
    value = str(cell.value).strip()
    return value or None


def excel_date(value: float) -> dt.date | None:
    """A date serial number of the 1900 system as a date (None when out of range)."""
    try:
        return (dt.datetime(1899, 12, 30) + dt.timedelta(days=float(value))).date()
    except (OverflowError, ValueError):
        return None


def show_value(value: Value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)
