"""Every locked cell of a sheet as issued: texts, numbers and formulas; and rows inserted or deleted above them.

A cell is compared in the form the manifest stores it (`workbook.manifest.cell_key`): texts and numbers
normalised, formulas by meaning (`verify.formulas`). An issued empty text and an empty cell are the same.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import column_index_from_string

from piano_xlsx.findings import Finding, finding
from piano_xlsx.reader.xlsx import CellData, SheetData, WorkbookData, split_address
from piano_xlsx.verify import Add
from piano_xlsx.verify.formulas import same_formula, saved_as_error
from piano_xlsx.workbook.computation import is_number
from piano_xlsx.workbook.manifest import normalise_formula, normalise_number, normalise_text

Key = tuple[str, str]  # (kind, normalised value): "f" formula, "n" number, "t" text
MAX_SHIFT = 20  # rows: the row-shift heuristic looks this far up and down
SHOWN = 120  # characters of a formula or text shown in a finding


def found_key(cell: CellData | None) -> Key | None:
    """A found cell in the manifest's form; None for an empty cell."""
    if cell is None:
        return None
    if cell.formula is not None:
        return ("f", normalise_formula(cell.formula))
    if is_number(cell.value):
        return ("n", normalise_number(cell.value))
    if cell.value is None or cell.value == "":
        return None
    return ("t", normalise_text(str(cell.value)))


def same_content(issued: Sequence[str], cell: CellData | None, key: Key | None) -> bool:
    """Whether a found cell (and its key) holds what was issued ([kind, normalised value])."""
    kind, want = issued[0], issued[1]
    if kind == "f":
        return cell is not None and cell.formula is not None and same_formula(want, cell.formula)
    if key is None:
        return kind == "t" and want == ""
    return key[0] == kind and key[1] == want


def _as_issued(issued: Sequence[str], cell: CellData) -> bool:
    """A quick `same_content` for a cell that holds what was issued in the very form issued; False says nothing."""
    kind, want = issued[0], issued[1]
    if kind == "f":
        return cell.formula is not None and normalise_formula(cell.formula) == want
    if cell.formula is not None:
        return False
    value = cell.value
    if kind == "t":
        return type(value) is str and value != "" and normalise_text(value) == want
    return kind == "n" and type(value) is float and normalise_number(value) == want


@dataclass
class Difference:
    address: str
    issued: Key
    found: CellData | None
    key: Key | None  # the found cell's key


@dataclass
class SheetCheck:
    """The locked cells of one sheet compared with those issued."""

    sheet: str
    differences: list[Difference] = field(default_factory=list)
    unlocked: list[str] = field(default_factory=list)  # cells as issued but no longer locked
    shift: int = 0  # rows inserted (> 0) or deleted (< 0), when that explains the differences


def compare_sheet(sheet: SheetData, issued: Mapping[str, Sequence[str]], book: WorkbookData, *,
                  rows_may_shift: bool) -> SheetCheck:
    """Every issued cell against the sheet; `rows_may_shift` looks for inserted or deleted rows (card sheets)."""
    check = SheetCheck(sheet.name)
    cells, locked = sheet.cells, book.locked
    for address, want in issued.items():
        found = cells.get(address)
        if found is not None and _as_issued(want, found):  # what nearly every cell is: no key to build
            if not locked(found):
                check.unlocked.append(address)
            continue
        key = found_key(found)
        if not same_content(want, found, key):
            check.differences.append(Difference(address, (want[0], want[1]), found, key))
        elif found is not None and not book.locked(found):
            check.unlocked.append(address)
    if rows_may_shift and len(check.differences) >= 3:
        check.shift = row_shift(sheet, check.differences)
    return check


def report(check: SheetCheck, name: str, add: Add) -> None:
    """The findings of a sheet's comparison: cells unlocked, then rows shifted or each cell that differs."""
    for address in check.unlocked:
        add(finding("UNLOCKED_CELL", file=name, sheet=check.sheet, cell=address))
    if check.shift:
        moved = "inserite" if check.shift > 0 else "eliminate"
        words = f"{abs(check.shift)} righe {moved} sopra la riga {min(_row(d.address) for d in check.differences)}"
        add(finding("ROWS_SHIFTED", file=name, sheet=check.sheet, cell=check.differences[0].address, detail=words))
        return
    for diff in check.differences:
        add(difference_finding(diff, check.sheet, name))


def difference_finding(diff: Difference, sheet: str, name: str) -> Finding:
    where: dict[str, Any] = {"file": name, "sheet": sheet, "cell": diff.address}
    kind, want = diff.issued
    if kind != "f":
        return finding("LOCKED_CHANGED", old=show(diff.issued), new=show_found(diff), **where)
    formula = diff.found.formula if diff.found is not None else None
    if formula is not None and saved_as_error(want, formula):
        return finding("FORMULA_SAVED_AS_ERROR", old="=" + want, **where)
    if diff.key is not None and formula is None:
        return finding("FORMULA_REPLACED", old="=" + want, new=show(diff.key), **where)
    return finding("FORMULA_CHANGED", old="=" + want, new=show_found(diff), **where)


def show(key: Key | None) -> str:
    """A cell's content as a finding shows it."""
    if key is None:
        return "(vuota)"
    if key[0] == "n":
        return f"{float(key[1]):g}"
    return ("=" if key[0] == "f" else "") + key[1][:SHOWN]


def show_found(diff: Difference) -> str:
    """The found cell as it is in the file (a formula as written, not normalised)."""
    if diff.found is not None and diff.found.formula is not None:
        return "=" + diff.found.formula[:SHOWN]
    return show(diff.key)


def _row(address: str) -> int:
    return reading_order(address)[0]


def reading_order(address: str) -> tuple[int, int]:
    """(row, column) of an address, to sort cells as they are read; (0, 0) for one that is not an address."""
    parsed = split_address(address)
    return (parsed[1], column_index_from_string(parsed[0])) if parsed else (0, 0)


def row_shift(sheet: SheetData, differences: list[Difference]) -> int:
    """The row offset (±1…±MAX_SHIFT) that explains most differing text cells, or 0."""
    texts = [(d.address, d.issued[1]) for d in differences if d.issued[0] == "t" and d.issued[1]]
    by_value: dict[str, list[str]] = {}
    for address, cell in sheet.cells.items():
        key = found_key(cell)
        if key and key[0] == "t":
            by_value.setdefault(key[1], []).append(address)
    votes: dict[int, int] = {}
    for address, want in texts:
        place = split_address(address)
        for other in by_value.get(want, []):
            there = split_address(other)
            if place and there and there[0] == place[0] and there[1] != place[1] \
                    and abs(there[1] - place[1]) <= MAX_SHIFT:
                votes[there[1] - place[1]] = votes.get(there[1] - place[1], 0) + 1
    if not votes:
        return 0
    shift, count = max(votes.items(), key=lambda kv: kv[1])
    return shift if count >= max(2, len(texts) // 2) else 0
