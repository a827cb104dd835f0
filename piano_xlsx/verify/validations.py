"""The dropdown of every input cell: still there, of the type issued, with the values issued, still blocking."""

from __future__ import annotations

import functools

from openpyxl.utils import range_boundaries

from piano_xlsx.findings import finding
from piano_xlsx.reader.xlsx import SheetData, Validation
from piano_xlsx.verify import Add
from piano_xlsx.workbook.lists import is_range_source, range_source_change

SMALL_RANGE = 64  # cells: a validation range up to this size is indexed cell by cell
MAX_INDEXED = 20_000  # cells indexed in all; larger or further ranges are searched in order

Box = tuple[int, int, int, int]  # first column, first row, last column, last row


def check_validations(sheet: SheetData, issued: list[tuple[str, str, str]], name: str, add: Add) -> None:
    """Each (cell, type, allowed values) issued against the validation that now applies to the cell."""
    find = ValidationIndex(sheet)
    for address, vtype, allowed in issued:
        found = find(address)
        if found is None:
            detail: str | None = "convalida rimossa: la cella accetta qualsiasi valore"
        else:
            detail = judged(found, vtype, allowed)
        if detail:
            add(finding("VALIDATION_CHANGED", file=name, sheet=sheet.name, cell=address, detail=detail))


CACHED_LENGTH = 1_024  # characters of a validation and what was issued: longer ones are judged each time


def judged(found: Validation, vtype: str, allowed: str) -> str | None:
    """`validation_change`, once for each distinct validation: every card of a plan issues the same few, and
    every file returns them as issued (the cache is bounded in entries and in the length of what it keeps)."""
    texts = (found.formula1 or "", found.formula2 or "", found.type, found.error_style, vtype, allowed)
    if sum(map(len, texts)) > CACHED_LENGTH:
        return validation_change(found, vtype, allowed)
    return _change(found.type, found.formula1, found.formula2, found.show_error, found.error_style, vtype, allowed)


@functools.lru_cache(maxsize=4_096)
def _change(found_type: str, formula1: str | None, formula2: str | None, show_error: bool, error_style: str,
            vtype: str, allowed: str) -> str | None:
    found = Validation(sqref="", type=found_type, formula1=formula1, show_error=show_error, error_style=error_style,
                       allow_blank=False, formula2=formula2)  # sqref and allow_blank are not judged
    return validation_change(found, vtype, allowed)


def validation_change(found: Validation, vtype: str, allowed: str) -> str | None:
    """Italian description of how a validation differs from the one issued (None when it does not)."""
    if found.type != vtype:
        return f"tipo cambiato da «{vtype}» a «{found.type}»"
    if vtype == "list" and is_range_source(allowed):  # a long or decimal scale: a range of the list sheet
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
    if vtype == "decimal":
        changed = range_change(found, allowed)
        if changed:
            return changed
    if not found.show_error or found.error_style != "stop":
        return "il messaggio di errore bloccante è stato disattivato: la cella accetta qualsiasi valore"
    return None


def range_change(found: Validation, allowed: str) -> str | None:
    """How a decimal range (percentages, points) differs from the one issued, «low..high» (None when it does not)."""
    low, _, high = allowed.partition("..")
    try:
        same = (float(found.formula1 or "nan"), float(found.formula2 or "nan")) == (float(low), float(high))
    except ValueError:
        same = False
    if same:
        return None
    return f"intervallo cambiato da {low}–{high} a {found.formula1}–{found.formula2}"


def list_values(formula1: str | None) -> list[str]:
    """The values of an inline list ("4,6,8,10")."""
    text = (formula1 or "").strip()
    if text.startswith('"') and text.endswith('"'):
        text = text[1:-1]
    return [part.strip() for part in text.split(",") if part.strip()]


class ValidationIndex:
    """Which validation applies to a cell: the first one, in the sheet's order, whose range covers it.

    Small ranges are indexed cell by cell, larger ones searched in order, so a sheet with thousands of
    validations (or one covering a whole column) costs no more than its size.
    """

    def __init__(self, sheet: SheetData) -> None:
        self.validations = sheet.validations
        self.first_at: dict[tuple[int, int], int] = {}
        self.large: list[tuple[int, Box]] = []
        for index, validation in enumerate(sheet.validations):
            for c1, r1, c2, r2 in boxes(validation.sqref):
                if c1 > c2 or r1 > r2:
                    continue
                if (c2 - c1 + 1) * (r2 - r1 + 1) <= SMALL_RANGE and len(self.first_at) < MAX_INDEXED:
                    for c in range(c1, c2 + 1):
                        for r in range(r1, r2 + 1):
                            self.first_at.setdefault((c, r), index)
                else:
                    self.large.append((index, (c1, r1, c2, r2)))

    def __call__(self, address: str) -> Validation | None:
        try:
            column, row, _, _ = range_boundaries(address)
        except (ValueError, TypeError):
            return None
        if column is None or row is None:  # a whole row or column is no cell
            return None
        index = self.first_at.get((column, row), len(self.validations))
        for other, (c1, r1, c2, r2) in self.large:  # in order: the first that covers the cell and comes earlier
            if other >= index:
                break
            if c1 <= column <= c2 and r1 <= row <= r2:
                index = other
                break
        return self.validations[index] if index < len(self.validations) else None


def boxes(sqref: str) -> list[Box]:
    """The ranges of a validation's sqref ("B3 D5:D9") as (first column, first row, last column, last row)."""
    out = []
    for ref in sqref.split():
        try:
            c1, r1, c2, r2 = range_boundaries(ref.replace("$", ""))
        except (ValueError, TypeError):
            continue
        if c1 is not None and r1 is not None and c2 is not None and r2 is not None:  # not a whole row or column
            out.append((c1, r1, c2, r2))
    return out
