"""Issued against found, cell by cell: which formulas are intact, changed, replaced or deleted, which constants moved.

Formulas are compared by meaning and constants as the manifest stores them (`piano_xlsx.verify.cells`, as
`collect` compares them), so a file re-saved by Excel, LibreOffice or Gnumeric compares equal to the one issued.
"""

from __future__ import annotations

from typing import Any

from piano_xlsx.audit.engine import Source
from piano_xlsx.audit.result import (
    CHANGE_ADDED,
    CHANGE_CONSTANT,
    CHANGE_FORMULA,
    CHANGED,
    MISSING,
    OK,
    ConstantRow,
    FormulaRow,
)
from piano_xlsx.plan.resolve import MANIFEST_SHEET
from piano_xlsx.reader.xlsx import WorkbookData
from piano_xlsx.verify.cells import found_key, reading_order, same_content
from piano_xlsx.verify.formulas import kept_as_error, same_formula
from piano_xlsx.verify.issued import Issued
from piano_xlsx.workbook.computation import values_equal

Key = tuple[str, str]


def issued_value(kind: str, value: str) -> Any:
    """The constant as the engine and reports should see it (numbers as numbers)."""
    if kind == "n":
        try:
            return float(value)
        except ValueError:
            return value
    return value


def found_sources(book: WorkbookData) -> dict[str, dict[str, Source]]:
    """Every cell of every sheet as the engine must see it: the workbook as found."""
    out: dict[str, dict[str, Source]] = {}
    for name, sheet in book.sheets.items():
        cells = {}
        for address, cell in sheet.cells.items():
            if cell.formula is not None and kept_as_error(cell.formula) is not None:
                cells[address] = Source(value=cell.value, error=True)  # what Gnumeric left: an error, not a formula
            elif cell.formula is not None:
                cells[address] = Source(formula=cell.formula)
            elif cell.value is not None:
                cells[address] = Source(value=cell.value, error=cell.type == "e")
        out[name] = cells
    return out


def sort_key(sheet_order: dict[str, int], sheet: str, address: str) -> tuple[int, str, int, int]:
    """Sheets in workbook order, then rows, then columns."""
    row, column = reading_order(address)
    return (sheet_order.get(sheet, len(sheet_order)), sheet, row, column)


def formula_rows(book: WorkbookData, issued: Issued, *, has_manifest: bool = True) -> list[FormulaRow]:
    """Every formula issued and every formula found, with the status that comparing the texts gives.

    "stale" needs the engine and is decided later; here an intact formula is "ok". Without a manifest nothing
    was issued to compare with: the found formulas are listed as they are, judged on their values alone.
    """
    rows: list[FormulaRow] = []
    done: set[Key] = set()
    for sheet_name, address, want in issued.formula_cells():
        done.add((sheet_name, address))
        sheet = book.sheets.get(sheet_name)
        cell = sheet.cells.get(address) if sheet is not None else None
        key = found_key(cell)
        row = FormulaRow(sheet=sheet_name, cell=address, issued="=" + want, found=None,
                         cached=cell.value if cell is not None else None, recomputed=None, status=OK)
        if cell is None or key is None:
            row.status = MISSING
            row.cached = None
        elif cell.formula is not None:
            row.found = "=" + cell.formula
            if not same_formula(want, cell.formula):
                row.status, row.change = CHANGED, CHANGE_FORMULA
        else:
            row.found = cell.value
            row.cached = None  # a constant has no cached value: it is the value
            row.status, row.change = CHANGED, CHANGE_CONSTANT
        rows.append(row)
    for sheet_name, sheet in book.sheets.items():
        if sheet_name == MANIFEST_SHEET:
            continue
        for address, cell in sheet.cells.items():
            if cell.formula is None or (sheet_name, address) in done:
                continue
            issued_cell = issued.cells.get(sheet_name, {}).get(address)
            row = FormulaRow(sheet=sheet_name, cell=address, issued=None, found="=" + cell.formula,
                             cached=cell.value, recomputed=None, status=OK)
            if has_manifest:
                row.status, row.change = CHANGED, CHANGE_ADDED
                row.expected = issued_value(*issued_cell) if issued_cell else None
            rows.append(row)
    order = {name: i for i, name in enumerate(dict.fromkeys([*issued.sheets, *book.sheets]))}
    rows.sort(key=lambda r: sort_key(order, r.sheet, r.cell))
    return rows


def constant_rows(book: WorkbookData, issued: Issued) -> list[ConstantRow]:
    """Locked constants (weights, base of the bonus, texts) found different from those issued.

    A constant replaced by a formula is a formula row ("added"); a sheet that is missing is reported once.
    """
    rows = []
    for sheet_name, cells in issued.cells.items():
        sheet = book.sheets.get(sheet_name)
        if sheet is None or sheet_name == MANIFEST_SHEET:
            continue
        for address, (kind, want) in cells.items():
            if kind == "f":
                continue
            cell = sheet.cells.get(address)
            key = found_key(cell)
            if (key is not None and key[0] == "f") or same_content((kind, want), cell, key):
                continue
            rows.append(ConstantRow(sheet=sheet_name, cell=address, issued=issued_value(kind, want),
                                    found=cell.value if cell is not None else None))
    return rows


def restored_sources(found: dict[str, dict[str, Source]], formulas: list[FormulaRow],
                     constants: list[ConstantRow]) -> dict[str, dict[str, Source]]:
    """The workbook with every issued formula and constant put back; inputs stay as found."""
    out = {sheet: dict(cells) for sheet, cells in found.items()}
    for row in formulas:
        if row.status in (CHANGED, MISSING):
            if row.issued is not None:
                out.setdefault(row.sheet, {})[row.cell] = Source(formula=row.issued[1:])
            elif row.expected is not None:  # a formula typed over an issued constant
                out.setdefault(row.sheet, {})[row.cell] = Source(value=row.expected)
    for const in constants:
        out.setdefault(const.sheet, {})[const.cell] = Source(value=const.issued)
    return out


def cached_differs(cached: Any, recomputed: Any) -> bool:
    """A cached value that disagrees with the engine; a file never recalculated caches nothing, which is not stale."""
    if cached is None or recomputed is None:
        return False
    return not values_equal(cached, recomputed)
