"""Write one workbook with XlsxWriter: the cells of `content`, inputs from `layout`, locked, printable, signed."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from piano_xlsx import content as c
from piano_xlsx.computation import CardResult, Value, evaluate
from piano_xlsx.layout import (
    COLUMNS,
    LABEL_COL,
    SUMMARY_COLUMNS,
    SUMMARY_HEADER_ROW,
    TABLE_HEADER_ROW,
    CardLayout,
    col,
    indicators_text,
    row_height,
    summary_row,
)
from piano_xlsx.manifest import manifest_and_text, manifest_rows
from piano_xlsx.plan.loader import LoadedPlan
from piano_xlsx.plan.resolve import (
    GATE_FAILED,
    GATE_PASSED,
    INSTRUCTIONS_SHEET,
    MANIFEST_SHEET,
    NEUTRALISED,
    SUMMARY_SHEET,
)
from piano_xlsx.signing import key_id, sign

CREATED = dt.datetime(2000, 1, 1)  # fixed, so the same plan and key give the same bytes
INPUT_FILL, EMPTY_FILL, INVALID_FILL = "#FFF9E0", "#FFE699", "#F4B183"
DATE_MIN, DATE_MAX = dt.date(2000, 1, 1), dt.date(2100, 12, 31)

_STYLES: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "font_size": 14},
    "label": {"bold": True},
    "legend": {"italic": True, "font_color": "#595959"},
    "header_value": {},
    "table_header": {"bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF", "text_wrap": True,
                     "valign": "vcenter", "border": 1},
    "section": {"bold": True, "bg_color": "#DDEBF7"},
    "number": {"valign": "top", "align": "center", "border": 1},
    "wrap": {"text_wrap": True, "valign": "top", "border": 1},
    "weight": {"num_format": "0.00", "valign": "top", "border": 1},
    "gate": {"italic": True, "valign": "top", "align": "center", "border": 1},
    "points": {"num_format": "0.00", "valign": "top", "border": 1},
    "status": {"valign": "top", "border": 1},
    "subtotal_label": {"bold": True, "align": "right"},
    "subtotal": {"bold": True, "num_format": "0.00", "top": 1},
    "factor": {"num_format": "0.0000"},
    "total_label": {"bold": True, "align": "right"},
    "total": {"bold": True, "num_format": "0.00"},
    "total_text": {"bold": True},
    "count": {"num_format": "0"},
    "percent": {"bold": True, "num_format": "0.##%"},
    "money": {"bold": True, "num_format": "#,##0.00 [$€-410]"},
    "text": {"text_wrap": True, "valign": "top"},
    "heading": {"bold": True, "font_size": 12},
    "input": {"locked": False, "bg_color": INPUT_FILL, "border": 1, "valign": "top"},
    "input_wrap": {"locked": False, "bg_color": INPUT_FILL, "border": 1, "valign": "top", "text_wrap": True},
    "input_score": {"locked": False, "bg_color": INPUT_FILL, "border": 1, "valign": "top", "align": "center"},
    "input_date": {"locked": False, "bg_color": INPUT_FILL, "border": 1, "num_format": "dd/mm/yyyy"},
}


class _Workbook(xlsxwriter.Workbook):
    """XlsxWriter has no workbook (structure) protection: write <workbookProtection> where OOXML puts it."""

    structure_password_hash: str | None = None

    def _write_book_views(self) -> None:
        if self.structure_password_hash:
            self._xml_empty_tag("workbookProtection", [
                ("workbookPassword", self.structure_password_hash), ("lockStructure", 1)])
        super()._write_book_views()


def legacy_password_hash(password: str) -> str:
    """The 16-bit hash of ECMA-376 Part 4 §14.7.1 used by sheet and workbook protection (a convenience, not security)."""
    digest = 0
    for char in password[::-1]:
        digest = ((digest >> 14) & 0x01) | ((digest << 1) & 0x7FFF)
        digest ^= ord(char)
    digest = ((digest >> 14) & 0x01) | ((digest << 1) & 0x7FFF)
    digest ^= len(password) ^ 0xCE4B
    return f"{digest:X}"


@dataclass
class Issued:
    """A workbook as generated: its bytes and what the Python model says its cards compute when empty."""

    data: bytes
    results: dict[str, CardResult]


def write_workbook(loaded: LoadedPlan, layouts: list[CardLayout], *, password: str,
                   private_key: Ed25519PrivateKey | None = None, plan_hash: str | None = None) -> Issued:
    """Write one workbook holding `layouts`; `plan_hash` spares recomputing the plan's hash for every workbook."""
    plan = loaded.plan
    buffer = io.BytesIO()
    wb = _Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                            "strings_to_numbers": False})
    wb.structure_password_hash = legacy_password_hash(password)
    wb.set_properties({"title": c.plan_label(plan), "subject": "Valutazione della performance",
                       "author": plan.plan.ente, "company": plan.plan.ente, "created": CREATED,
                       "comments": "Generato da piano-xlsx"})
    formats = {name: wb.add_format({"font_name": "Calibri", "font_size": 9, **spec}) for name, spec in _STYLES.items()}
    formats["title"].set_font_size(14)
    formats["heading"].set_font_size(12)
    empty = wb.add_format({"bg_color": EMPTY_FILL})
    invalid = wb.add_format({"bg_color": INVALID_FILL, "font_color": "#9C0006", "bold": True})

    issued_cells: dict[str, dict[str, c.Cell]] = {}
    validations: dict[str, list[list[str]]] = {}
    results: dict[str, CardResult] = {}

    instructions = wb.add_worksheet(INSTRUCTIONS_SHEET)
    issued_cells[INSTRUCTIONS_SHEET] = c.instruction_cells(plan, layouts)
    _write_cells(instructions, issued_cells[INSTRUCTIONS_SHEET], formats, {})
    instructions.set_column("A:A", 120)
    _finish_sheet(instructions, plan, password, last_row=max(_rows(issued_cells[INSTRUCTIONS_SHEET])), last_col="A",
                  portrait=True)

    for layout in layouts:
        ws = wb.add_worksheet(layout.sheet)
        cells = c.card_cells(plan, layout)
        result = evaluate(layout, {})
        results[layout.card.id] = result
        issued_cells[layout.sheet] = cells
        _write_cells(ws, cells, formats, result.cells)
        validations[layout.sheet] = _write_inputs(ws, layout, formats, empty, invalid)
        _size_card(ws, layout)
        _finish_sheet(ws, plan, password, last_row=layout.last_row, last_col=col("note"),
                      repeat_row=TABLE_HEADER_ROW)

    summary = wb.add_worksheet(SUMMARY_SHEET)
    issued_cells[SUMMARY_SHEET] = c.summary_cells(plan, layouts)
    cached = _summary_cached(layouts, results)
    _write_cells(summary, issued_cells[SUMMARY_SHEET], formats, cached)
    for letter, _, _, width in SUMMARY_COLUMNS:
        summary.set_column(f"{letter}:{letter}", width)
    summary.set_row(SUMMARY_HEADER_ROW - 1, 30)
    _finish_sheet(summary, plan, password, last_row=summary_row(len(layouts) - 1), last_col=SUMMARY_COLUMNS[-1][0],
                  repeat_row=SUMMARY_HEADER_ROW)

    manifest, text = manifest_and_text(
        plan_info={"id": plan.plan.id, "version": plan.plan.version, "hash": plan_hash or loaded.hash,
                   "ente": plan.plan.ente, "title": plan.plan.title},
        sheets=[{"name": INSTRUCTIONS_SHEET, "role": "instructions", "card": None},
                *({"name": lay.sheet, "role": "card", "card": lay.card.id} for lay in layouts),
                {"name": SUMMARY_SHEET, "role": "summary", "card": None}],
        cards=[_card_entry(lay) for lay in layouts],
        cells=issued_cells,
        validations=validations,
        defined_names={},
    )
    signature, key = "", ""
    if private_key is not None:
        signature, key = sign(private_key, text), key_id(private_key.public_key())
    hidden = wb.add_worksheet(MANIFEST_SHEET)
    for row, chunk in enumerate(manifest_rows(manifest, signature, key, text)):
        hidden.write_string(row, 0, chunk)
    hidden.protect(password)
    hidden.very_hidden()
    wb.close()
    return Issued(buffer.getvalue(), results)


def _rows(cells: dict[str, c.Cell]) -> list[int]:
    return [int(addr.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) for addr in cells]


def _write_cells(ws: Any, cells: dict[str, c.Cell], formats: dict[str, Any], cached: dict[str, Value]) -> None:
    for address, cell in cells.items():
        fmt = formats[cell.style]
        if cell.kind == "f":
            ws.write_formula(address, "=" + str(cell.value), fmt, cached.get(address, 0))
        elif cell.kind == "n":
            ws.write_number(address, float(cell.value), fmt)
        else:
            ws.write_string(address, str(cell.value), fmt)


def _write_inputs(ws: Any, layout: CardLayout, formats: dict[str, Any], empty: Any, invalid: Any) -> list[list[str]]:
    """Input cells unlocked, with dropdowns, date validation and highlights; returns the validations issued."""
    issued: list[list[str]] = []
    evaluator, date = layout.header_cell("evaluator"), layout.header_cell("date")
    ws.write_blank(evaluator, None, formats["input"])
    ws.write_blank(date, None, formats["input_date"])
    ws.data_validation(date, {
        "validate": "date", "criteria": "between", "minimum": DATE_MIN, "maximum": DATE_MAX,
        "input_title": "Data della valutazione", "input_message": "Inserire la data nel formato gg/mm/aaaa.",
        "error_type": "stop", "error_title": "Data non valida",
        "error_message": "Inserire una data valida nel formato gg/mm/aaaa."})
    issued.append([date, "date", f"{DATE_MIN.isoformat()}..{DATE_MAX.isoformat()}"])
    for cell in (evaluator, date):
        ws.conditional_format(cell, {"type": "formula", "criteria": f"=ISBLANK({cell})", "format": empty})
    scale = [f"{v:g}" for v in layout.card.scale.numbers()]
    for section in layout.sections:
        for item in section.items:
            options = [GATE_PASSED, GATE_FAILED] if item.item.gate else scale + (
                [NEUTRALISED] if item.item.neutralisable else [])
            score = item.cell("score")
            ws.write_blank(score, None, formats["input_score"])
            ws.write_blank(item.cell("note"), None, formats["input_wrap"])
            ws.data_validation(score, {
                "validate": "list", "source": options,
                "input_title": f"Valutazione obiettivo {item.item.number}"[:32],
                "input_message": "Scegliere un valore dall'elenco: " + ", ".join(options) + ".",
                "error_type": "stop", "error_title": "Valore non ammesso",
                "error_message": "Sono ammessi solo i valori dell'elenco: " + ", ".join(options) + "."})
            issued.append([score, "list", ",".join(options)])
        first, last = section.first_item_row, section.last_item_row
        scores = f"{col('score')}{first}:{col('score')}{last}"
        status = f"${col('status')}{first}"
        ws.conditional_format(scores, {"type": "formula", "criteria": f'={status}="Manca"', "format": empty})
        ws.conditional_format(scores, {"type": "formula", "criteria": f'={status}="Non ammesso"', "format": invalid})
    return issued


def _size_card(ws: Any, layout: CardLayout) -> None:
    for key, (letter, _, width) in COLUMNS.items():
        ws.set_column(f"{letter}:{letter}", width)
    ws.set_column(f"{LABEL_COL}:{LABEL_COL}", COLUMNS["objective"][2])
    ws.set_row(0, 22)
    ws.set_row(TABLE_HEADER_ROW - 1, 26)
    for item in layout.items:
        for offset, chunk in enumerate(item.text_chunks):
            texts = {"objective": chunk}
            if offset == 0:
                texts |= {"indicators": indicators_text(item.item), "deadline": item.item.deadline or ""}
            ws.set_row(item.row + offset - 1, row_height(texts))
    ws.freeze_panes(TABLE_HEADER_ROW, 0)


def _escape(text: str) -> str:
    return text.replace("&", "&&")


def _finish_sheet(ws: Any, plan: Any, password: str, *, last_row: int, last_col: str,
                  repeat_row: int | None = None, portrait: bool = False) -> None:
    """Protection and printing, the same on every sheet."""
    ws.protect(password, {"select_locked_cells": True, "select_unlocked_cells": True})
    ws.set_paper(9)  # A4
    if portrait:
        ws.set_portrait()
    else:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.6)
    ws.print_area(f"A1:{last_col}{last_row}")
    if repeat_row:
        ws.repeat_rows(repeat_row - 1)
    ws.set_header(f"&L&9{_escape(plan.plan.ente)}&R&9{_escape(c.plan_label(plan))}")
    ws.set_footer("&L&9&A&R&9Pagina &P di &N")


def _summary_cached(layouts: list[CardLayout], results: dict[str, CardResult]) -> dict[str, Value]:
    cached: dict[str, Value] = {}
    for index, layout in enumerate(layouts):
        for letter, _, key, _ in SUMMARY_COLUMNS:
            if key and key in layout.totals:
                values = results[layout.card.id].cells
                cached[f"{letter}{summary_row(index)}"] = values.get(layout.total_cell(key), layout.card.maximum)
    return cached


def _card_entry(layout: CardLayout) -> dict[str, Any]:
    card = layout.card
    return {
        "id": card.id,
        "title": card.card.title,
        "sheet": layout.sheet,
        "evaluatee": card.card.evaluatee,
        "scale": list(card.scale.numbers()),
        "inputs": {"evaluator": layout.header_cell("evaluator"), "date": layout.header_cell("date")},
        "items": [{"id": i.item.id, "number": i.item.number, "score": i.cell("score"), "note": i.cell("note"),
                   "weight": i.item.weight, "gate": i.item.gate, "neutralisable": i.item.neutralisable,
                   "ref": i.item.ref}
                  for i in layout.items],
        "totals": {key: layout.total_cell(key) for key in layout.totals},
    }
