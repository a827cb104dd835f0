"""What every check reads: the plan, its resolved cards and level table, and where a key path sits."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from piano_xlsx.plan.loader import KeyPath, LoadedPlan, format_path
from piano_xlsx.plan.model import Card, Item, Plan, Section, SharedObjective
from piano_xlsx.plan.resolve import ResolvedCard, resolve_card

TOLERANCE = 1e-9


@dataclass
class Context:
    """The plan as every check reads it, built once per `check_plan`."""

    loaded: LoadedPlan
    plan: Plan
    levels: dict[str, float]
    shared: dict[str, SharedObjective]  # first definition of each id
    cards: list[ResolvedCard]  # resolved, index for index with plan.cards

    @classmethod
    def build(cls, loaded: LoadedPlan) -> Context:
        plan = loaded.plan
        shared: dict[str, SharedObjective] = {}
        for objective in plan.shared_objectives:
            shared.setdefault(objective.id, objective)
        return cls(loaded=loaded, plan=plan, levels={k: float(v) for k, v in plan.levels.items()},
                   shared=shared, cards=[resolve_card(plan, card) for card in plan.cards])

    def at(self, path: KeyPath) -> dict[str, Any]:
        """The `where` and `line` of a finding about `path`."""
        return {"where": format_path(path), "line": self.loaded.line(path)}

    def items(self) -> Iterator[tuple[KeyPath, int, Card, Section, Item]]:
        """Every item of every card, with its key path and its card's index."""
        for ci, card in enumerate(self.plan.cards):
            for si, section in enumerate(card.sections):
                for ii, item in enumerate(section.items):
                    yield ("cards", ci, "sections", si, "items", ii), ci, card, section, item

    def item_label(self, ci: int, si: int, ii: int) -> str:
        """How messages name an item: its number as shown, and its card."""
        number = self.cards[ci].sections[si].items[ii].number
        return f"{number} della scheda «{self.plan.cards[ci].title}»"


def format_number(value: float) -> str:
    """A number as Italian readers write it: 40, 40,5."""
    return f"{value:.9g}".replace(".", ",")

