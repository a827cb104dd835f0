"""`collect`'s result as DataFrames: cards, items, payments, files, findings (columns and dtypes in docs/analisi.md).

They hold what `collect --json` says, row for row and value for value, and the report's sheets and CSV are
made from them (collect/report.py). They are built only when asked: `collect` itself does not build them.
"""

from __future__ import annotations

import typing
from typing import TYPE_CHECKING, Any

from piano_xlsx.collect import CollectResult
from piano_xlsx.collect import status as st
from piano_xlsx.collect.exclusions import EXCLUDED_BAND, exclusions_by_card
from piano_xlsx.files.container import KINDS
from piano_xlsx.money.numbers import amount
from piano_xlsx.plan.frames import INPUTS, PLAN_CARD_COLUMNS, card_row
from piano_xlsx.plan.model import Exclusion
from piano_xlsx.plan.payouts import PayoutMode
from piano_xlsx.tabular import (
    BOOL,
    CATEGORY,
    FLOAT,
    INT,
    MONEY,
    OBJECT,
    TEXT,
    TIME,
    Column,
    exact,
    findings_table,
    frame,
)
from piano_xlsx.workbook.computation import BAND_EXCLUDED
from piano_xlsx.workbook.layout import (
    STATUS_GATE_FAILED,
    STATUS_INVALID,
    STATUS_MISSING,
    STATUS_NEUTRALISED,
    STATUS_OK,
)
from piano_xlsx.workbook.lists import BAND_OUTSIDE
from piano_xlsx.workbook.wording import source_text

if TYPE_CHECKING:
    import pandas as pd

ITEM_STATUSES = (STATUS_OK, STATUS_MISSING, STATUS_INVALID, STATUS_NEUTRALISED, STATUS_GATE_FAILED)
_PLAN_PART = ("card", "title", "evaluatee_id", "evaluatee", "role", "sector_id", "sector")

CARD_COLUMNS = (
    *(c for c in PLAN_CARD_COLUMNS if c.name in _PLAN_PART),
    Column("status", CATEGORY, st.STATUSES),
    Column("status_text", TEXT),
    Column("total", FLOAT),
    Column("max", FLOAT),
    Column("band", CATEGORY),  # the plan's band labels, then «Esclusa…», «Escluso dal premio», «Fuori fascia»
    Column("percent", FLOAT),
    Column("bonus", MONEY),
    Column("complete", BOOL),
    Column("errors", INT),
    Column("warnings", INT),
    Column("excluded", BOOL),  # the HR office excluded the evaluatee from the bonus (plan key exclusions, hr)
    Column("exclusion_reason", TEXT),
    Column("exclusion_source", TEXT),
    Column("file", TEXT),
    Column("sheet", TEXT),
    Column("files", OBJECT),  # tuple of paths: every file that bears the card, the one that counts first
    Column("evaluator", TEXT),
    Column("date", TEXT),
    Column("amount", MONEY),  # every amount due to the card's evaluatee (payments_frame), where the plan pays
    Column("provisional", BOOL),  # some of those amounts may still change (cards of the group not all in)
)

PAYMENT_COLUMNS = (
    Column("payout", TEXT),
    Column("payout_title", TEXT),
    Column("mode", CATEGORY, typing.get_args(PayoutMode)),
    Column("card", TEXT),
    Column("evaluatee_id", TEXT),
    Column("evaluatee", TEXT),
    Column("state", TEXT),
    Column("score", FLOAT),
    Column("band", CATEGORY),
    Column("coefficient_or_percent", TEXT),
    Column("base", MONEY),
    Column("factors", TEXT),
    Column("gross", MONEY),
    Column("bonus", MONEY),
    Column("rounding", MONEY),
    Column("amount", MONEY),
    Column("provisional", BOOL),
    Column("excluded", TEXT),
    Column("reason", TEXT),
    Column("steps", TEXT),
)

ITEM_COLUMNS = (
    Column("card", TEXT),
    Column("title", TEXT),
    Column("evaluatee", TEXT),
    Column("sector", TEXT),
    Column("section", TEXT),
    Column("item", TEXT),
    Column("number", TEXT),
    Column("item_title", TEXT),
    Column("gate", BOOL),
    Column("input", CATEGORY, INPUTS),  # how the score is given
    Column("weight", FLOAT),
    Column("applied_weight", FLOAT),  # the weight the points use: raised where a neutralised item's is shared out
    Column("score", OBJECT),  # as the cell holds it: a number, a text («N.V.», «Sì»), None when empty
    Column("points", FLOAT),
    Column("status", CATEGORY, ITEM_STATUSES),
    Column("note", TEXT),
    Column("card_status", CATEGORY, st.STATUSES),
)

FILE_COLUMNS = (
    Column("path", TEXT),
    Column("sha256", TEXT),
    Column("size", INT),
    Column("kind", CATEGORY, KINDS),
    Column("status", CATEGORY, ("ok", "error")),
    Column("modified", TIME),
    Column("ignored", TEXT),
    Column("cards", OBJECT),  # tuple of card ids read from the file
)


def band_labels(result: CollectResult) -> list[str]:
    """Every band a card can be given, the plan's in plan order first."""
    labels = (b.label for layout in result.expected.layouts.values() for b in layout.card.bands)
    return list(dict.fromkeys([*labels, BAND_EXCLUDED, EXCLUDED_BAND, BAND_OUTSIDE]))


def final_values(status: st.CardStatus) -> dict[str, Any]:
    """Band, percentage and bonus of the return that counts, where they may be shown as the card's (else None)."""
    r = status.card.result if status.card is not None and status.final else None
    return {"band": (r.band or None) if r else None, "percent": r.percent if r else None,
            "bonus": r.bonus if r else None}


def _bonus(base: float | None, percent: float | None, bonus: float | None) -> Any:
    """The bonus as the exact decimal of the plan's base × band % (the workbook's float, without its error)."""
    if bonus is None:
        return None
    if base is None or percent is None:
        return amount(exact(bonus))
    return amount(exact(base) * exact(percent) / 100)  # type: ignore[operator]


def cards_frame(result: CollectResult) -> pd.DataFrame:
    """One row per card of the plan, in plan order: its status (collect.status) and its score.

    `band`, `percent` and `bonus` are set only where the return that counts may show them as the card's (a
    card returned clean, or the one clean copy of a duplicate); `total` is recomputed from the scores of the
    return that counts, whatever its status.
    """
    rows = []
    amounts = _amounts(result)
    exclusions = exclusions_by_card(result.expected)
    for status in result.consolidated.statuses:
        layout = result.expected.layouts[status.card_id]
        plan = card_row(layout.card)
        card = status.card
        r = card.result if card is not None else None
        final = final_values(status)
        rows.append({**{name: plan[name] for name in _PLAN_PART},
                     "status": status.status, "status_text": status.text, "total": r.total if r else None,
                     "max": layout.card.maximum, "band": final["band"], "percent": final["percent"],
                     "bonus": _bonus(layout.card.base, final["percent"], final["bonus"]),
                     "complete": r.complete if r else False, "errors": status.errors, "warnings": status.warnings,
                     **_exclusion(exclusions.get(status.card_id)),
                     "file": card.file if card else None, "sheet": card.sheet if card else None,
                     "files": tuple(status.files), "evaluator": card.evaluator if card else None,
                     "date": card.date if card else None, **amounts.get(status.card_id, _NO_AMOUNT)})
    return frame(CARD_COLUMNS, rows, categories={"band": band_labels(result)})


_NO_AMOUNT: dict[str, Any] = {"amount": None, "provisional": None}


def _exclusion(exclusion: Exclusion | None) -> dict[str, Any]:
    return {"excluded": exclusion is not None, "exclusion_reason": exclusion.reason if exclusion else None,
            "exclusion_source": source_text(exclusion.source) if exclusion and exclusion.source else None}


def _amounts(result: CollectResult) -> dict[str, dict[str, Any]]:
    """Card id -> the sum of the amounts due over every payout rule that covers it, and whether any may change."""
    return {card_id: {"amount": due.amount, "provisional": due.provisional}
            for card_id, due in result.premi.due_by_card().items()}


def payments_frame(result: CollectResult) -> pd.DataFrame:
    """One row per amount (a person under a payout rule), in the plan's order of rules and cards: each step from
    the base to the amount due, exact to the cent (money/: Decimal and fractions, never a float)."""
    rows = []
    for outcome in result.premi.results:
        for pay in outcome.payments:
            person = pay.person
            rows.append({
                "payout": outcome.payout.id, "payout_title": outcome.payout.title or None,
                "mode": outcome.payout.mode, "card": person.card_id, "evaluatee_id": person.evaluatee,
                "evaluatee": person.name, "state": pay.state,
                "score": float(person.score) if person.score is not None else None, "band": person.band,
                "coefficient_or_percent": pay.coefficient_or_percent or None,
                "base": amount(pay.base.value) if pay.base and pay.base.text else None,
                "factors": "; ".join(t.legend() for t in pay.factors) or None, "gross": amount(pay.gross),
                "bonus": amount(pay.bonus), "rounding": amount(pay.rounding), "amount": amount(pay.amount),
                "provisional": pay.provisional, "excluded": pay.excluded, "reason": pay.reason,
                "steps": "\n".join(pay.steps) or None})
    return frame(PAYMENT_COLUMNS, rows, categories={"band": band_labels(result)})


def items_frame(result: CollectResult) -> pd.DataFrame:
    """One row per item of every return that counts, in plan order: score as typed, points as recomputed."""
    rows = []
    for status in result.consolidated.statuses:
        card = status.card
        if card is None:
            continue
        layout = result.expected.layouts[card.card_id]
        plan = card_row(layout.card)
        sections = {i.id: s.section.id for s in layout.card.sections for i in s.items}
        by_id = {i.item.id: i.item for i in layout.items}
        for item in card.result.items:
            resolved = by_id[item.id]
            rows.append({"card": card.card_id, "title": plan["title"], "evaluatee": plan["evaluatee"],
                         "sector": plan["sector"], "section": sections[item.id], "item": item.id,
                         "number": resolved.number, "item_title": resolved.title, "gate": resolved.gate,
                         "input": "gate" if resolved.gate else resolved.scale.kind,
                         "weight": item.weight, "applied_weight": item.applied_weight, "score": item.score,
                         "points": item.points, "status": item.status, "note": item.note,
                         "card_status": status.status})
    return frame(ITEM_COLUMNS, rows)


def files_frame(result: CollectResult) -> pd.DataFrame:
    """One row per file found, by path: those read (with their SHA-256), and those left out unopened (`ignored`
    says why)."""
    rows = [{"path": r.path, "sha256": r.sha256 or None, "size": r.size, "kind": r.kind or None,
             "status": r.status, "modified": _second(r.modified), "ignored": None,
             "cards": tuple(c.card_id for c in r.cards)} for r in result.files]
    rows += [{"path": str(s.path), "sha256": None, "size": None, "kind": None, "status": "ok", "modified": None,
              "ignored": s.reason, "cards": ()} for s in result.skipped]
    return frame(FILE_COLUMNS, sorted(rows, key=lambda row: row["path"]))


def _second(timestamp: float | None) -> float | None:
    """A modification time to the second, as every report gives it."""
    return None if timestamp is None else float(int(timestamp))


def findings_frame(result: CollectResult) -> pd.DataFrame:
    """One row per finding, errors first, as the report lists them."""
    return findings_table(result.findings)
