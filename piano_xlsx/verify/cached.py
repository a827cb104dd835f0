"""The values a spreadsheet cached in the file against the values its issued formulas give from the inputs.

`collect` recomputes them with the plan's Python model, `audit` with the independent engine (the workbook's own
inputs, its issued formulas and constants put back); both judge them here, so a CACHED_MISMATCH means one thing:
what the file shows is not what the scores give. A file never recalculated caches nothing: NO_CACHED_VALUES.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from piano_xlsx.findings import finding
from piano_xlsx.reader.xlsx import CellData, SheetData
from piano_xlsx.verify import Add
from piano_xlsx.verify.formulas import kept_as_error
from piano_xlsx.verify.inputs import show_value
from piano_xlsx.workbook.computation import values_equal

LISTED = 12  # other stale cells named in the finding


def has_cached(cell: CellData) -> bool:
    """Whether the file holds a cached value for this formula cell (an empty text result is one)."""
    return cell.value is not None or cell.type == "str"


def compare_cached(sheet: SheetData, computed: Mapping[str, Any], name: str, add: Add, *,
                   first: Sequence[str] = ()) -> None:
    """Each formula cell's cached value against `computed` (address -> value); at most one finding per sheet.

    A stale or forged value usually drags every cell that depends on it along, so the finding sits on the most
    telling cell (the first of `first` that is stale: the card's total, then its band…) and names the others.
    Cells whose formula is gone, or was kept as an error (`formulas.kept_as_error`), are skipped: that is
    already reported.
    """
    cached_any = False
    stale: list[tuple[str, Any, Any]] = []
    for address, value in computed.items():
        cell = sheet.cells.get(address)
        if cell is None or cell.formula is None or kept_as_error(cell.formula) is not None or not has_cached(cell):
            continue  # a formula gone, or kept as an error by Gnumeric, is reported as such
        cached_any = True
        if not values_equal(cell.value, value):
            stale.append((address, cell.value, value))
    if stale:
        rank = {address: i for i, address in enumerate(first)}
        address, cached, value = min(stale, key=lambda s: rank.get(s[0], len(rank)))
        others = [a for a, _, _ in stale if a != address]
        listed = ", ".join(others[:LISTED]) + (" …" if len(others) > LISTED else "")
        add(finding("CACHED_MISMATCH", file=name, sheet=sheet.name, cell=address, cached=show_value(cached),
                    computed=show_value(value),
                    others=f"; differiscono anche {len(others)} altre celle: {listed}" if others else ""))
    if computed and not cached_any:
        add(finding("NO_CACHED_VALUES", file=name, sheet=sheet.name,
                    detail="i valori mostrati non sono verificabili; vale il ricalcolo"))
