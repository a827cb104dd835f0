"""Each card's status on the campaign page, from collect's result: the one place that maps collect to the app.

The app shows four kinds, each with collect's finer word beside it:
restituita (back and clean), da verificare (back, but with errors, incomplete, or returned twice with different
contents), esclusa (a file for it came back but does not count: the office left it out, or it cannot be read),
mancante (nothing came back).
"""

from __future__ import annotations

from dataclasses import dataclass

from piano_xlsx.collect import CollectResult
from piano_xlsx.collect import status as st

RETURNED, TO_CHECK, EXCLUDED, MISSING = "restituita", "da verificare", "esclusa", "mancante"
KINDS = (RETURNED, TO_CHECK, EXCLUDED, MISSING)

# collect's own per-card status: its kind here
COLLECT_STATUS = {st.CLEAN: RETURNED, st.ERRORS: TO_CHECK, st.INCOMPLETE: TO_CHECK, st.DUPLICATE: TO_CHECK,
                  st.UNREADABLE: EXCLUDED, st.MISSING: MISSING,
                  st.EXCLUDED: RETURNED}  # back; the HR office excluded the person from the bonus (label says why)


@dataclass(frozen=True)
class CardStatus:
    kind: str  # one of KINDS
    label: str  # what happened, in collect's words


def card_statuses(result: CollectResult, excluded_cards: set[str]) -> dict[str, CardStatus]:
    """Card id -> status; `excluded_cards` are the cards of files the office left out of this consolidation."""
    out = {}
    for status in result.consolidated.statuses:
        if status.status == st.MISSING and status.card_id in excluded_cards:
            out[status.card_id] = CardStatus(EXCLUDED, "file escluso dall'ufficio")
        else:
            out[status.card_id] = CardStatus(COLLECT_STATUS[status.status], status.text)
    return out
