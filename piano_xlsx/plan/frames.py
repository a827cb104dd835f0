"""The plan as DataFrames: one row per card, one row per item of every card (columns in docs/analisi.md)."""

from __future__ import annotations

import typing
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from piano_xlsx.plan.loader import LoadedPlan
from piano_xlsx.plan.model import ScaleKind
from piano_xlsx.plan.resolve import ResolvedCard, resolve_cards
from piano_xlsx.tabular import BOOL, CATEGORY, FLOAT, MONEY, TEXT, Column, exact, frame, money

if TYPE_CHECKING:
    import pandas as pd

INPUTS = ("gate", *typing.get_args(ScaleKind))  # how an item's score is given: Sì/No, or a scale of this kind

PLAN_CARD_COLUMNS = (
    Column("card", TEXT),
    Column("title", TEXT),
    Column("evaluatee_id", TEXT),
    Column("evaluatee", TEXT),
    Column("role", TEXT),
    Column("sector_id", TEXT),
    Column("sector", TEXT),
    Column("max", FLOAT),
    Column("scale", TEXT),
    Column("bands", TEXT),
    Column("base", MONEY),
)

PLAN_ITEM_COLUMNS = (
    Column("card", TEXT),
    Column("section", TEXT),
    Column("section_title", TEXT),
    Column("item", TEXT),
    Column("number", TEXT),
    Column("item_title", TEXT),
    Column("weight", FLOAT),
    Column("gate", BOOL),
    Column("input", CATEGORY, INPUTS),
    Column("neutralisable", BOOL),
    Column("shared", TEXT),
)


def card_row(card: ResolvedCard) -> dict[str, Any]:
    """What the plan says of a card, as the cards frames of the plan and of `collect` both begin."""
    person = card.evaluatee
    return {"card": card.id, "title": card.card.title, "evaluatee_id": card.card.evaluatee,
            "evaluatee": person.name if person else card.card.evaluatee, "role": person.role if person else None,
            "sector_id": card.sector.id if card.sector else None, "sector": card.sector.title if card.sector else None,
            "max": card.maximum, "scale": card.scale.id, "bands": card.bandset.id if card.bandset else None,
            "base": money(exact(person.base)) if person and person.base is not None else None}


def cards_table(cards: Iterable[ResolvedCard]) -> pd.DataFrame:
    return frame(PLAN_CARD_COLUMNS, map(card_row, cards))


def items_table(cards: Iterable[ResolvedCard]) -> pd.DataFrame:
    return frame(PLAN_ITEM_COLUMNS, (
        {"card": card.id, "section": section.section.id,
         "section_title": section.section.title, "item": item.id, "number": item.number,
         "item_title": item.title, "weight": item.weight, "gate": item.gate,
         "input": "gate" if item.gate else item.scale.kind,
         "neutralisable": item.neutralisable, "shared": item.ref}
        for card in cards for section in card.sections for item in section.items))


def plan_cards_frame(loaded: LoadedPlan) -> pd.DataFrame:
    """One row per card of the plan, in plan order: who is evaluated, in which sector, out of how many points."""
    return cards_table(resolve_cards(loaded.plan))


def plan_items_frame(loaded: LoadedPlan) -> pd.DataFrame:
    """One row per item (objective, behaviour, gate) of every card, in card order: its weight at full score."""
    return items_table(resolve_cards(loaded.plan))
