"""Which cards each payout pays, and which payout pays each card: the groups population rules run over."""

from __future__ import annotations

from piano_xlsx.plan.model import Card, Plan
from piano_xlsx.plan.payouts import Payout


def covered_cards(plan: Plan, payout: Payout) -> list[Card]:
    """The cards of `payout`, in plan order: those it names and those that use its band set."""
    named = set(payout.cards)
    return [card for card in plan.cards
            if card.id in named or (payout.bands is not None and (card.bands or plan.default_bands) == payout.bands)]


def needs_base(payout: Payout) -> bool:
    """Whether the payout reads each person's base (salary base or individual budget) from the HR data."""
    return payout.mode in ("band_percent", "proportional", "segments") and payout.base in ("salary", "budget", None)
