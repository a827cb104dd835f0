"""Each card's status on the campaign page, from collect's result: the one place that maps collect to the app.

The app shows four kinds, each with collect's finer word beside it:
restituita (back and clean), da verificare (back, but with errors, incomplete, or returned twice with different
contents), esclusa (a file for it came back but does not count: the office left it out, or it cannot be read),
mancante (nothing came back).
"""

from __future__ import annotations

from dataclasses import dataclass

from piano_xlsx.collect import CollectResult

RETURNED, TO_CHECK, EXCLUDED, MISSING = "restituita", "da verificare", "esclusa", "mancante"
KINDS = (RETURNED, TO_CHECK, EXCLUDED, MISSING)

# collect's own per-card status, where the result carries one (cards[].status): its kind here
COLLECT_STATUS = {"clean": RETURNED, "to_check": TO_CHECK, "to check": TO_CHECK, "incomplete": TO_CHECK,
                  "duplicate": TO_CHECK, "unreadable": EXCLUDED, "missing": MISSING}


@dataclass(frozen=True)
class CardStatus:
    kind: str  # one of KINDS
    label: str  # what happened, in collect's words


def card_statuses(result: CollectResult, excluded_cards: set[str]) -> dict[str, CardStatus]:
    """Card id -> status; `excluded_cards` are the cards of files the office left out of this consolidation."""
    counted = {card.card_id: card for card in result.consolidated.cards}
    in_files = {c.card_id for report in result.files for c in report.cards}
    titles = {cid: lay.card.card.title for cid, lay in result.expected.layouts.items()}
    duplicated = {cid for cid, title in titles.items()
                  if any(f.code == "DUPLICATE_RETURN" and f"«{title}»" in f.message for f in result.findings)}
    out = {}
    for card_id in result.expected.layouts:
        card = counted.get(card_id)
        own = getattr(card, "status", None)
        if isinstance(own, str) and own in COLLECT_STATUS:
            out[card_id] = CardStatus(COLLECT_STATUS[own], own)
        elif card is not None:
            twice = " (restituita più volte)" if card_id in duplicated else ""
            if card.errors:
                out[card_id] = CardStatus(TO_CHECK, f"con errori{twice}")
            elif not card.result.complete:
                out[card_id] = CardStatus(TO_CHECK, f"incompleta: {card.result.status}{twice}")
            else:
                out[card_id] = CardStatus(RETURNED, f"completa{twice}")
        elif card_id in in_files:
            out[card_id] = CardStatus(TO_CHECK, "restituita più volte con contenuti diversi: escludere il file che "
                                                "non vale")
        elif card_id in excluded_cards:
            out[card_id] = CardStatus(EXCLUDED, "file escluso dall'ufficio")
        else:
            out[card_id] = CardStatus(MISSING, "non restituita")
    return out
