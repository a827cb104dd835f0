"""A manifest against the plan the office holds: the same plan and version, the cards it has, the cells it issues."""

from __future__ import annotations

from typing import Any

from piano_xlsx.findings import Finding, finding
from piano_xlsx.plan.resolve import MANIFEST_SHEET
from piano_xlsx.reader.xlsx import WorkbookData
from piano_xlsx.verify import Add
from piano_xlsx.verify.expected import Expected
from piano_xlsx.verify.issued import Issued, IssuedCard


def check_plan(manifest: dict[str, Any], issued: Issued, expected: Expected, name: str,
               add: Add) -> list[IssuedCard] | None:
    """The cards of this file that the plan has; None when the manifest names another plan or version.

    A manifest that names cards the plan does not have, or lists other cells than the plan issues for its
    cards, was edited or comes from elsewhere.
    """
    plan = expected.loaded.plan.plan
    problem = plan_identity(manifest.get("plan"), plan.id, plan.version, expected.plan_hash, name)
    if problem is not None:
        add(problem)
        return None
    known = [card for card in issued.cards if card.id in expected.layouts]
    unknown = [card.id for card in issued.cards if card.id not in expected.layouts]
    if unknown:
        add(finding("MANIFEST_UNKNOWN_CARD", file=name, sheet=MANIFEST_SHEET, cards=", ".join(unknown)[:300]))
    stored = manifest.get("cells")
    stored = stored if isinstance(stored, dict) else {}
    ids = tuple(card.id for card in known)
    wanted = {card.sheet: expected.card_cells[card.id] for card in known} | dict(expected.group_sheets(ids))
    if any(stored.get(sheet) != cells for sheet, cells in wanted.items()):
        add(finding("CONTENT_HASH_MISMATCH", file=name, sheet=MANIFEST_SHEET))
    return known


def plan_identity(info: Any, plan_id: str, version: str, plan_hash: str, name: str) -> Finding | None:
    """PLAN_MISMATCH or VERSION_MISMATCH when the manifest names another plan, or another version of this one."""
    info = info if isinstance(info, dict) else {}
    if info.get("id") != plan_id:
        return finding("PLAN_MISMATCH", file=name, found=info.get("id"), expected=plan_id)
    if info.get("version") != version or info.get("hash") != plan_hash:
        found = f"versione {info.get('version')}, impronta {str(info.get('hash'))[:12]}…"
        return finding("VERSION_MISMATCH", file=name, found=found,
                       expected=f"versione {version}, impronta {plan_hash[:12]}…")
    return None


def plan_cards(book: WorkbookData, expected: Expected) -> list[IssuedCard]:
    """The plan's cards whose sheet is in the workbook, as the plan issues them (for a file without manifest)."""
    return [IssuedCard(cid, layout.card.card.title, layout.sheet, None, [], {})
            for cid, layout in expected.layouts.items() if layout.sheet in book.sheets]


def issued_by_plan(expected: Expected, cards: list[IssuedCard]) -> Issued:
    """What the plan issues in a workbook holding these cards: its sheets and cards (for a file without manifest)."""
    group = expected.group_sheets(tuple(card.id for card in cards))
    sheets = {sheet: "" for sheet in group} | {card.sheet: "card" for card in cards} | {MANIFEST_SHEET: "manifest"}
    return Issued(sheets=sheets, cards=cards)
