"""A third opinion (audit --plan): the plan's own Python model of every card formula, from the scores found.

The model needs each card's layout, which only the plan gives; the audit
itself never needs it. It is used only when the file was issued from exactly
this plan (same id and hash, `verify.planned.check_plan`), on the cards the
manifest and the plan share.
"""

from __future__ import annotations

from piano_xlsx.reader.xlsx import WorkbookData
from piano_xlsx.verify.inputs import read_scores
from piano_xlsx.verify.issued import IssuedCard
from piano_xlsx.workbook.computation import Value, evaluate
from piano_xlsx.workbook.layout import CardLayout

Key = tuple[str, str]


def model_values(layouts: list[CardLayout], cards: list[IssuedCard], book: WorkbookData) -> dict[Key, Value]:
    """(sheet, cell) -> the value the Python model gives every formula of these cards, from the scores found."""
    by_id = {lay.card.id: lay for lay in layouts}
    out: dict[Key, Value] = {}
    for card in cards:
        layout = by_id.get(card.id)
        sheet = book.sheets.get(card.sheet)
        if layout is None or layout.sheet != card.sheet or sheet is None:
            continue
        result = evaluate(layout, read_scores(sheet, layout))
        out |= {(card.sheet, address): value for address, value in result.cells.items()}
    return out
