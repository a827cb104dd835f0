"""The workbook as a whole: links to other files, defined names, hidden sheets, sheets missing, added or renamed."""

from __future__ import annotations

from piano_xlsx.findings import Severity, finding
from piano_xlsx.plan.resolve import LISTS_SHEET, MANIFEST_SHEET
from piano_xlsx.reader.xlsx import WorkbookData
from piano_xlsx.verify import Add
from piano_xlsx.verify.issued import Issued
from piano_xlsx.verify.protection import saved_by

STATE_WORDS = {"hidden": "nascosto", "veryHidden": "molto nascosto", "visible": "visibile"}

# Gnumeric (1.12.55, measured) reads hidden and very hidden sheets (its own .gnumeric files keep them) but its
# .xlsx writer writes no `state`: every sheet of every file it saves is visible, the manifest's too. Seeing the
# manifest then says nothing about the office; its content is still verified by its signature.
SHOWS_EVERY_SHEET = {"gnumeric": "Gnumeric"}

# Print_Area and Print_Titles are Excel's built-in names (_xlnm.Print_Area, _xlnm.Print_Titles in the file).
# Gnumeric (1.12.55, measured) writes the print titles of every sheet without the prefix ("Print_Titles"):
# Excel reads that spelling as the same built-in name, so it is no name of the office's own.
BUILT_IN_NAMES = {"print_area", "print_titles"}


def check_links_and_names(book: WorkbookData, issued: Issued, name: str, add: Add) -> None:
    if book.external_links:
        add(finding("EXTERNAL_LINK", file=name, detail=", ".join(sorted(set(book.external_links)))[:300]))
    extra = sorted(n for n in book.defined_names if not _built_in(n) and n not in issued.defined_names)
    if extra:
        shown = ", ".join(f"{n.split('@')[0]} = {book.defined_names[n]}" for n in extra)
        add(finding("DEFINED_NAME_CHANGED", file=name, detail=shown[:300]))


def _built_in(defined: str) -> bool:
    """Excel's own names (print area and titles, filters…), written _xlnm.X or, by Gnumeric, without the prefix."""
    bare = defined.split("@")[0]
    return bare.startswith("_xlnm.") or bare.casefold() in BUILT_IN_NAMES


def check_hidden_sheets(book: WorkbookData, name: str, add: Add) -> None:
    """Sheets hidden other than the manifest, and the manifest made visible."""
    for sheet in book.sheets.values():
        if sheet.name == MANIFEST_SHEET:
            if sheet.state == "visible":
                application = saved_by(book, SHOWS_EVERY_SHEET)
                state = f"salvata con {application}, che rende visibili tutti i fogli" if application \
                    else STATE_WORDS["visible"]
                add(finding("MANIFEST_VISIBLE", file=name, sheet=sheet.name, state=state,
                            severity=Severity.INFO if application else None))
        elif sheet.state != "visible" and sheet.name != LISTS_SHEET:  # the list sheet is issued hidden
            add(finding("SHEET_HIDDEN", file=name, sheet=sheet.name, state=STATE_WORDS.get(sheet.state, sheet.state)))


def check_sheets(book: WorkbookData, issued: Issued, name: str, add: Add) -> None:
    """Every sheet issued is there, and no other: a card sheet missing may have been renamed (its title says)."""
    for sheet_name in issued.sheets:
        if sheet_name not in book.sheets and sheet_name != MANIFEST_SHEET:  # a missing manifest: MANIFEST_MISSING
            add(finding("SHEET_MISSING", file=name, sheet=sheet_name, detail=_missing(book, issued, sheet_name)))
    for sheet_name in book.sheets:
        if sheet_name not in issued.sheets:
            add(finding("SHEET_ADDED", file=name, sheet=sheet_name))


def _missing(book: WorkbookData, issued: Issued, sheet_name: str) -> str:
    card = issued.card_of_sheet(sheet_name)
    if card is not None:
        for sheet in book.sheets.values():
            title = sheet.cells.get("A1")
            if sheet.name not in issued.sheets and title is not None and isinstance(title.value, str) \
                    and card.title in title.value:
                return f" (rinominato in «{sheet.name}»?)"
    return " (eliminato o rinominato)"
