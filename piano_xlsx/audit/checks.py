"""Everything else an auditor must know about a workbook: hidden sheets, links, names, validations, protection,
locked cells. The checks are `piano_xlsx.verify`'s, the same `collect` runs, so both give the same findings."""

from __future__ import annotations

from piano_xlsx.audit.result import HiddenSheet
from piano_xlsx.plan.resolve import LISTS_SHEET, MANIFEST_SHEET
from piano_xlsx.reader.xlsx import SheetData, WorkbookData
from piano_xlsx.verify import Add
from piano_xlsx.verify import cells as cell_checks
from piano_xlsx.verify.issued import Issued
from piano_xlsx.verify.protection import check_sheet_protection, check_workbook_protection
from piano_xlsx.verify.structure import check_hidden_sheets, check_links_and_names, check_sheets
from piano_xlsx.verify.validations import check_validations

PEEK_CELLS = 8  # non-empty cells shown of a hidden sheet


def check_workbook(book: WorkbookData, issued: Issued, name: str, add: Add, *, has_sheets: bool,
                   has_cells: bool) -> list[HiddenSheet]:
    """Findings about the workbook as a whole, each sheet issued and its locked cells; what hidden sheets hold.

    Args:
        has_sheets: `issued` says which sheets were issued (a manifest, or the plan for a file without one).
        has_cells: `issued` says what every locked cell holds (a manifest).
    """
    check_workbook_protection(book, name, add)
    check_links_and_names(book, issued, name, add)
    check_hidden_sheets(book, name, add)
    if has_sheets:
        check_sheets(book, issued, name, add)
        for sheet_name in issued.sheets:
            sheet = book.sheets.get(sheet_name)
            if sheet is not None and sheet_name != MANIFEST_SHEET:
                check_sheet_protection(sheet, name, add)
        for sheet_name, entries in issued.validations.items():
            sheet = book.sheets.get(sheet_name)
            if sheet is not None:
                check_validations(sheet, entries, name, add)
    if has_cells:
        for sheet_name, cells in issued.cells.items():
            sheet = book.sheets.get(sheet_name)
            if sheet is not None and sheet_name != MANIFEST_SHEET:
                card = issued.card_of_sheet(sheet_name) is not None
                cell_checks.report(cell_checks.compare_sheet(sheet, cells, book, rows_may_shift=card), name, add)
    issued_hidden = (MANIFEST_SHEET, LISTS_SHEET)  # the tool's own sheets, checked against the manifest
    return [peek(sheet) for sheet in book.sheets.values()
            if sheet.name not in issued_hidden and sheet.state != "visible"]


def peek(sheet: SheetData) -> HiddenSheet:
    """The first non-empty cells of a sheet, in reading order."""
    filled = [(a, c) for a, c in sheet.cells.items() if c.formula is not None or c.value not in (None, "")]
    filled.sort(key=lambda ac: cell_checks.reading_order(ac[0]))
    cells = [(a, "=" + c.formula if c.formula is not None else c.value) for a, c in filled[:PEEK_CELLS]]
    return HiddenSheet(sheet.name, sheet.state, cells, len(filled))

