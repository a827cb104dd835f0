"""The money on the app's pages, read from collect's own result (`result.premi`): nothing is computed twice.

Per card its amount due and whether it is final (and if not, why); per payout its people with the steps of
each amount in Italian, its fund (amount, paid, leftover) and the convention shares.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from piano_xlsx.collect import CollectResult
from piano_xlsx.collect.premi_report import MODE_WORDS
from piano_xlsx.money.compute import Payment, PayoutResult


@dataclass(frozen=True)
class Due:
    """What one card is paid, over every payout that pays it."""

    amount: Decimal | None  # None: no amount yet
    provisional: bool
    why: str  # Definitivo, or why it is provisional or has no amount


def why(pay: Payment, outcome: PayoutResult) -> str:
    """The state of one amount in words, with the reason where it is not final."""
    text = pay.state
    if pay.provisional and outcome.group_dependent and outcome.pending:
        return f"{text}: dipende da tutto il gruppo, mancano o sono da verificare " + ", ".join(outcome.pending)
    if pay.provisional:
        return f"{text}: la scheda è da verificare"
    if pay.excluded:
        return f"{text}: {pay.excluded}"
    return text


def dues(result: CollectResult) -> dict[str, Due]:
    """Card id -> its amount due (the sum collect's cards table gives), with why it is or is not final; cards no
    payout covers are absent."""
    reasons: dict[str, list[str]] = {}
    for outcome in result.premi.results:
        for pay in outcome.payments:
            reasons.setdefault(pay.person.card_id, []).append(why(pay, outcome))
    return {card_id: Due(due.amount, due.provisional, "; ".join(dict.fromkeys(reasons[card_id])))
            for card_id, due in result.premi.due_by_card().items()}


def payouts(result: CollectResult) -> list[dict[str, Any]]:
    """Each payout as the Premi page shows it."""
    return [{"outcome": o, "mode": MODE_WORDS.get(o.payout.mode, o.payout.mode),
             "payments": [{"pay": p, "why": why(p, o)} for p in o.payments]}
            for o in result.premi.results]


def chart_rows(result: CollectResult) -> list[tuple[str, Decimal, bool]]:
    """(who, amount, provisional) for every amount computed, in plan order."""
    return [(f"{p.person.name} — {p.person.card_id}", p.amount, p.provisional)
            for p in result.premi.payments() if p.amount is not None and not p.excluded]
