"""A third opinion (audit --plan): the plan's own Python model of every card formula, from the scores found.

The model needs each card's layout, which only the plan gives; the audit
itself never needs it. It is used only when the file was issued from exactly
this plan (same id and hash), on the cards the manifest and the plan share.
"""

from __future__ import annotations

from typing import Any

from piano_xlsx.audit.issued import Issued
from piano_xlsx.audit.result import FileAudit
from piano_xlsx.findings import finding
from piano_xlsx.plan.loader import LoadedPlan
from piano_xlsx.reader.xlsx import WorkbookData
from piano_xlsx.workbook.computation import Value, evaluate
from piano_xlsx.workbook.layout import CardLayout

Key = tuple[str, str]


def model_values(loaded: LoadedPlan, layouts: list[CardLayout], issued: Issued, book: WorkbookData,
                 audit: FileAudit) -> dict[Key, Value]:
    """(sheet, cell) -> the value the Python model gives every formula of the cards this file holds."""
    plan = loaded.plan.plan
    info = audit.plan
    if not info:
        return {}
    if info.get("id") != plan.id:
        audit.findings.append(finding("PLAN_MISMATCH", file=audit.path, found=info.get("id"), expected=plan.id))
        return {}
    if info.get("hash") != loaded.hash:
        audit.findings.append(finding(
            "VERSION_MISMATCH", file=audit.path, found=f"versione {info.get('version')}, "
                                                       f"impronta {str(info.get('hash'))[:12]}…",
            expected=f"versione {plan.version}, impronta {loaded.hash[:12]}…"))
        return {}
    by_id = {lay.card.id: lay for lay in layouts}
    out: dict[Key, Value] = {}
    for card in issued.cards:
        layout = by_id.get(card.id)
        sheet = book.sheets.get(card.sheet)
        if layout is None or layout.sheet != card.sheet or sheet is None:
            continue
        scores: dict[str, Value] = {}
        for item in layout.items:
            cell = sheet.cells.get(item.cell("score"))
            value: Any = cell.value if cell is not None else None
            scores[item.item.id] = None if value == "" else value
        result = evaluate(layout, scores)
        out |= {(card.sheet, address): value for address, value in result.cells.items()}
    return out
