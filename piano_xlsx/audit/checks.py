"""Everything else an auditor must know about a workbook: hidden sheets, links, names, validations, protection."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from piano_xlsx.audit.issued import Issued
from piano_xlsx.audit.result import HiddenSheet
from piano_xlsx.findings import Finding, Severity, finding
from piano_xlsx.plan.resolve import MANIFEST_SHEET
from piano_xlsx.reader.xlsx import SheetData, Validation, WorkbookData, split_address
from piano_xlsx.workbook.lists import is_range_source, range_source_change

PEEK_CELLS = 8  # non-empty cells shown of a hidden sheet

Add = Callable[[Finding], None]


def check_workbook(book: WorkbookData, issued: Issued, name: str, add: Add, *, has_manifest: bool) -> list[HiddenSheet]:
    """Findings about the workbook as a whole and each sheet; returns what the hidden sheets hold."""
    _check_structure(book, name, add)
    if book.external_links:
        add(finding("EXTERNAL_LINK", file=name, detail=", ".join(sorted(set(book.external_links)))[:300]))
    extra = sorted(n for n in book.defined_names if not n.startswith("_xlnm.") and n not in issued.defined_names)
    if extra:
        shown = ", ".join(f"{n.split('@')[0]} = {book.defined_names[n]}" for n in extra)
        add(finding("DEFINED_NAME_CHANGED", file=name, detail=shown[:300]))
    hidden: list[HiddenSheet] = []
    for sheet in book.sheets.values():
        if sheet.name == MANIFEST_SHEET:
            if sheet.state == "visible":
                add(finding("MANIFEST_VISIBLE", file=name, sheet=sheet.name, state="visibile"))
            continue
        if sheet.state != "visible" and issued.sheets.get(sheet.name) != "lists":  # the list sheet is issued hidden
            add(finding("SHEET_HIDDEN", file=name, sheet=sheet.name, state=_state_word(sheet.state)))
            hidden.append(peek(sheet))
    if has_manifest:
        for sheet_name in issued.sheets:
            sheet = book.sheets.get(sheet_name)
            if sheet is None:
                add(finding("SHEET_MISSING", file=name, sheet=sheet_name, detail=" (eliminato o rinominato)"))
            elif not sheet.protected:
                add(finding("PROTECTION_REMOVED", file=name, sheet=sheet_name, detail="protezione del foglio rimossa"))
        for sheet_name in book.sheets:
            if sheet_name not in issued.sheets:
                add(finding("SHEET_ADDED", file=name, sheet=sheet_name))
        for sheet_name, entries in issued.validations.items():
            sheet = book.sheets.get(sheet_name)
            if sheet is not None:
                _check_validations(sheet, entries, name, add)
    return hidden


def _state_word(state: str) -> str:
    return {"hidden": "nascosto", "veryHidden": "molto nascosto"}.get(state, state)


def _check_structure(book: WorkbookData, name: str, add: Add) -> None:
    if book.structure_locked:
        return
    # LibreOffice (7.4, measured) writes an empty <workbookProtection/> whenever it saves an .xlsx: expected there.
    by_calc = "libreoffice" in book.application.lower()
    detail = "struttura della cartella di lavoro non protetta"
    if by_calc:
        detail += " (salvata con LibreOffice, che non conserva questa protezione)"
    add(finding("PROTECTION_REMOVED", file=name, severity=Severity.WARNING if by_calc else None, detail=detail))


def peek(sheet: SheetData) -> HiddenSheet:
    """The first non-empty cells of a sheet, in reading order."""
    filled = [(a, c) for a, c in sheet.cells.items() if c.formula is not None or c.value not in (None, "")]
    filled.sort(key=lambda ac: _order(ac[0]))
    cells = [(a, "=" + c.formula if c.formula is not None else c.value) for a, c in filled[:PEEK_CELLS]]
    return HiddenSheet(sheet.name, sheet.state, cells, len(filled))


def _order(address: str) -> tuple[int, int]:
    parsed = split_address(address)
    return (parsed[1], col_index(parsed[0])) if parsed else (0, 0)


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def covers(sqref: str, address: str) -> bool:
    target = split_address(address)
    if target is None:
        return False
    for ref in sqref.split():
        first, _, last = ref.replace("$", "").partition(":")
        a, b = split_address(first), split_address(last or first)
        if a and b and col_index(a[0]) <= col_index(target[0]) <= col_index(b[0]) and a[1] <= target[1] <= b[1]:
            return True
    return False


def list_values(formula1: str | None) -> list[str]:
    text = (formula1 or "").strip()
    if text.startswith('"') and text.endswith('"'):
        text = text[1:-1]
    return [part.strip() for part in text.split(",") if part.strip()]


def _check_validations(sheet: SheetData, entries: list[tuple[str, str, str]], name: str, add: Add) -> None:
    for address, vtype, allowed in entries:
        found = [v for v in sheet.validations if covers(v.sqref, address)]
        where: dict[str, Any] = {"file": name, "sheet": sheet.name, "cell": address}
        if not found:
            add(finding("VALIDATION_CHANGED", detail="convalida rimossa: la cella accetta qualsiasi valore", **where))
            continue
        detail = validation_change(found[0], vtype, allowed)
        if detail:
            add(finding("VALIDATION_CHANGED", detail=detail, **where))


def validation_change(found: Validation, vtype: str, allowed: str) -> str | None:
    """Italian description of how a validation differs from the one issued (None when it does not)."""
    if found.type != vtype:
        return f"tipo cambiato da «{vtype}» a «{found.type}»"
    if vtype == "list" and is_range_source(allowed):
        change = range_source_change(allowed, found.formula1)
        if change:
            return change
    elif vtype == "list":
        want = [p.strip() for p in allowed.split(",")]
        have = list_values(found.formula1)
        if not (found.formula1 or "").strip().startswith('"'):
            return f"l'elenco ora è preso da «{found.formula1}» invece dei valori «{allowed}»"
        added = [v for v in have if v.casefold() not in {w.casefold() for w in want}]
        removed = [v for v in want if v.casefold() not in {h.casefold() for h in have}]
        if added:
            return f"ampliata: ammette anche {', '.join(added)} (emessa con {allowed})"
        if removed:
            return f"ristretta: non ammette più {', '.join(removed)} (emessa con {allowed})"
    if not found.show_error or found.error_style != "stop":
        return "il messaggio di errore bloccante è stato disattivato: la cella accetta qualsiasi valore"
    return None
