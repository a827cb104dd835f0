"""The plan as the workbooks use it: each card with its scale, bands, and items with text and effective weight.

Resolution is tolerant: an unknown reference resolves to nothing and `check`
reports it; `generate` refuses a plan with errors, so it never sees those.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from piano_xlsx.plan.model import (
    Band,
    BandSet,
    Card,
    Evaluatee,
    Item,
    Plan,
    Rounding,
    Rule,
    Scale,
    Section,
    Sector,
    SharedObjective,
)

NEUTRALISED = "N.V."  # what an evaluator picks for an item that cannot be assessed (non valutabile)
GATE_PASSED = "Sì"
GATE_FAILED = "No"
ACHIEVED = "Raggiunto"  # the two values of an achieved / not achieved item
NOT_ACHIEVED = "Non raggiunto"
DEFAULT_SCALE = Scale.model_validate({"id": "4-10", "values": [4, 6, 8, 10]})

# sheets every generated workbook has besides the cards
INSTRUCTIONS_SHEET = "Istruzioni"
SUMMARY_SHEET = "Riepilogo"
LISTS_SHEET = "Elenchi"  # hidden: long scales and band tables (workbook/lists.py)
DETAILS_SHEET = "Dettaglio obiettivi"  # descriptions too long for the card to print on two pages (workbook/layout.py)
MANIFEST_SHEET = "_piano_xlsx"
RESERVED_SHEETS = (INSTRUCTIONS_SHEET, SUMMARY_SHEET, LISTS_SHEET, DETAILS_SHEET, MANIFEST_SHEET)

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_name(text: str) -> str:
    """Excel's rules: no []:*?/\\, at most 31 characters, not empty, no leading/trailing apostrophe."""
    name = _SHEET_FORBIDDEN.sub(" ", text)
    name = re.sub(r"\s+", " ", name).strip().strip("'")[:31].strip()
    return name or "Scheda"


@dataclass
class ResolvedItem:
    id: str  # unique within the card, e.g. "ind.3" or "org.org-1"
    number: str  # as shown in the N. column
    item: Item
    title: str
    description: str | None
    modes: str | None
    indicators: list[str]
    target: str | None
    deadline: str | None
    weight: float  # effective points at full score (0 for a gate)
    ref: str | None
    gate: bool
    neutralisable: bool
    scale: Scale = field(default_factory=lambda: DEFAULT_SCALE)  # the item's own, its section's, or its card's
    rule: Rule | None = None  # None: proportional, the default the specification states

    @property
    def proportional(self) -> bool:
        """Scored as points = weight × score ÷ scale maximum: the default, and what the seeds do."""
        return self.rule is None or self.rule.kind == "proportional"


@dataclass
class ResolvedSection:
    section: Section
    items: list[ResolvedItem]

    @property
    def id(self) -> str:
        return self.section.id

    @property
    def total(self) -> float:
        """Maximum points of the section: the declared total, else the sum of its weights."""
        if self.section.total is not None:
            return float(self.section.total)
        return sum(i.weight for i in self.items)


@dataclass
class ResolvedCard:
    card: Card
    sheet: str
    scale: Scale
    scale_undecided: bool
    bandset: BandSet | None
    evaluatee: Evaluatee | None
    sector: Sector | None
    sections: list[ResolvedSection] = field(default_factory=list)
    template: str | None = None  # the card template the card was made from, for a member of the staff list

    @property
    def id(self) -> str:
        return self.card.id

    @property
    def items(self) -> list[ResolvedItem]:
        return [item for section in self.sections for item in section.items]

    @property
    def maximum(self) -> float:
        return sum(s.total for s in self.sections)

    @property
    def bands(self) -> list[Band]:
        return list(self.bandset.bands) if self.bandset else []

    @property
    def rounding(self) -> Rounding | None:
        """How the total is rounded before its band is looked up; None when it is not."""
        rounding = self.bandset.rounding if self.bandset else None
        return rounding if rounding and rounding.mode != "none" else None

    @property
    def redistributes(self) -> bool:
        return any(i.neutralisable for i in self.items)

    @property
    def base(self) -> float | None:
        return None if self.evaluatee is None or self.evaluatee.base is None else float(self.evaluatee.base)


def item_weight(item: Item, levels: dict[str, float]) -> float | None:
    """The weight an item states, in points or by level; None when it states neither usable."""
    if item.gate:
        return 0.0
    if item.weight is not None:
        return float(item.weight)
    if item.level is not None and item.level in levels:
        return float(levels[item.level])
    return None


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


E = TypeVar("E", bound=_HasId)


def _first_by_id(elements: Iterable[E]) -> dict[str, E]:
    out: dict[str, E] = {}
    for element in elements:
        out.setdefault(element.id, element)
    return out


@dataclass
class _Index:
    """What resolving a card looks up in the plan, by id (the first of a repeated id counts, as in check)."""

    scales: dict[str, Scale]
    bandsets: dict[str, BandSet]
    shared: dict[str, SharedObjective]
    rules: dict[str, Rule]
    levels: dict[str, float]
    evaluatees: dict[str, Evaluatee]
    sectors: dict[str, Sector]

    @classmethod
    def of(cls, plan: Plan) -> _Index:
        return cls(_first_by_id(plan.scales), _first_by_id(plan.bands), _first_by_id(plan.shared_objectives),
                   _first_by_id(plan.rules), {k: float(v) for k, v in plan.levels.items()},
                   _first_by_id(plan.all_evaluatees()), _first_by_id(plan.sectors))


def resolve_card(plan: Plan, card: Card, sheet: str | None = None, ids: _Index | None = None) -> ResolvedCard:
    """`ids` is `_Index.of(plan)`, when the caller resolves many cards."""
    found = _Index.of(plan) if ids is None else ids
    scales, bandsets, shared, rules, levels = found.scales, found.bandsets, found.shared, found.rules, found.levels
    scale_id = card.scale or plan.default_scale
    scale = scales.get(scale_id) if scale_id else None
    band_id = card.bands or plan.default_bands
    resolved = ResolvedCard(
        card=card,
        sheet=sheet or sheet_name(card.sheet or card.title),
        scale=scale or DEFAULT_SCALE,
        scale_undecided=scale is None,
        bandset=bandsets.get(band_id) if band_id else None,
        evaluatee=found.evaluatees.get(card.evaluatee) if card.evaluatee is not None else None,
        sector=found.sectors.get(card.sector) if card.sector is not None else None,
    )
    for section in card.sections:
        stated = [item_weight(i, levels) or 0.0 for i in section.items]
        if section.weights == "shares" and section.total is not None and sum(stated) > 0:
            weights = [w / sum(stated) * float(section.total) for w in stated]
        else:
            weights = stated
        items = []
        section_scale = scales.get(section.scale) if section.scale else None
        for index, (item, weight) in enumerate(zip(section.items, weights, strict=True)):
            base = shared.get(item.ref) if item.ref else None
            number = item.number if item.number is not None else (base.number if base else None)
            shown = str(number) if number is not None else str(index + 1)
            scale = (scales.get(item.scale) if item.scale else None) or section_scale or resolved.scale
            items.append(ResolvedItem(
                id=f"{section.id}.{item.ref or shown}",
                number=shown,
                item=item,
                title=item.title or (base.title if base else ""),
                description=item.description or (base.description if base else None),
                modes=item.modes or (base.modes if base else None),
                indicators=list(item.indicators or (base.indicators if base else None) or []),
                target=item.target if item.target is not None else (base.target if base else None),
                deadline=item.deadline or (base.deadline if base else None),
                weight=weight,
                ref=item.ref,
                gate=item.gate,
                neutralisable=item.neutralisable,
                scale=scale,
                # a rule set above the item applies to the scores it can apply to: lists and percentages
                rule=rules.get(item.rule or section.rule or card.rule or "")
                if item.rule or scale.kind in ("list", "percent") else None,
            ))
        resolved.sections.append(ResolvedSection(section=section, items=items))
    return resolved


def plan_cards(plan: Plan) -> list[tuple[Card, str | None]]:
    """The cards written out, then those made from templates for the staff list (with their template's id)."""
    from piano_xlsx.plan.templates import instantiate  # templates builds on this module

    out: list[tuple[Card, str | None]] = [(card, None) for card in plan.cards]
    return out + [(instance.card, plan.templates[instance.template].id) for instance in instantiate(plan)]


def resolve_cards(plan: Plan) -> list[ResolvedCard]:
    """Every card, with sheet names made unique in order (check reports the collisions)."""
    out: list[ResolvedCard] = []
    used: set[str] = {name.lower() for name in RESERVED_SHEETS}
    ids = _Index.of(plan)
    for card, template in plan_cards(plan):
        name = sheet_name(card.sheet or card.title)
        candidate, n = name, 2
        while candidate.lower() in used:
            suffix = f" ({n})"
            candidate = name[: 31 - len(suffix)] + suffix
            n += 1
        used.add(candidate.lower())
        resolved = resolve_card(plan, card, candidate, ids)
        resolved.template = template
        out.append(resolved)
    return out
