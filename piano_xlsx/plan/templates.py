"""Card templates made into cards: one card per member of the staff list, from the template they use.

A template section takes its total from the template's part weights for the
member's category (when it gives one), and a section with `unit_objectives`
receives the shared objectives of the member's unit (sector), each with its
weight. Every card made here remembers where each of its parts comes from, so
`check` can report a problem once, at the template or staff entry at fault,
instead of once per person.

Sheet names follow the person: their name cut to Excel's 31 characters, with
their id added when another sheet already has that name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from piano_xlsx.plan.loader import KeyPath
from piano_xlsx.plan.model import Card, CardTemplate, Item, Plan, Section, SharedObjective, StaffMember
from piano_xlsx.plan.resolve import RESERVED_SHEETS, sheet_name


@dataclass
class SectionOrigin:
    path: KeyPath  # the template section
    total: KeyPath  # where its total comes from: a part weight, or the template section's own total
    items: list[KeyPath]  # each item's origin: a template item or a shared objective


@dataclass
class Instance:
    """One card made from a template, with the origin of each of its parts in the plan."""

    card: Card
    template: int  # index in plan.templates
    member: int  # index in plan.staff
    sections: list[SectionOrigin] = field(default_factory=list)


def card_title(template: CardTemplate, member: StaffMember) -> str:
    return f"{template.title} — {member.name}"


def unit_objectives(plan: Plan) -> dict[str | None, list[tuple[int, SharedObjective]]]:
    """The shared objectives of each unit (sector), in plan order, with their index."""
    out: dict[str | None, list[tuple[int, SharedObjective]]] = {}
    for index, objective in enumerate(plan.shared_objectives):
        if objective.sector is not None:
            out.setdefault(objective.sector, []).append((index, objective))
    return out


def instantiate(plan: Plan) -> list[Instance]:
    """The cards of the staff list, in its order; members whose template is unknown get none (check says so)."""
    if not plan.staff:
        return []
    templates: dict[str, int] = {}
    for index, template in enumerate(plan.templates):
        templates.setdefault(template.id, index)
    by_unit = unit_objectives(plan)
    used = {name.lower() for name in RESERVED_SHEETS}
    used |= {sheet_name(card.sheet or card.title).lower() for card in plan.cards}
    out: list[Instance] = []
    for mi, member in enumerate(plan.staff):
        ti = templates.get(member.template)
        if ti is None:
            continue
        instance = _instance(plan.templates[ti], ti, member, mi, by_unit, used)
        if instance is not None:
            out.append(instance)
    return out


def _instance(template: CardTemplate, ti: int, member: StaffMember, mi: int,
              by_unit: dict[str | None, list[tuple[int, SharedObjective]]], used: set[str]) -> Instance | None:
    parts = template.part_weights.get(member.category or "", {}) if member.category else {}
    sections: list[Section] = []
    origins: list[SectionOrigin] = []
    for si, ts in enumerate(template.sections):
        path = ("templates", ti, "sections", si)
        items = list(ts.items)
        item_origins: list[KeyPath] = [path + ("items", ii) for ii in range(len(ts.items))]
        if ts.unit_objectives:
            for k, objective in by_unit.get(member.sector, []):
                items.append(Item.model_validate({"ref": objective.id, "weight": objective.weight}))
                item_origins.append(("shared_objectives", k))
        if not items:
            continue
        total: float | None = ts.total
        total_path: KeyPath = path + ("total",)
        if ts.id in parts:
            total, total_path = parts[ts.id], ("templates", ti, "part_weights", member.category or "", ts.id)
        sections.append(Section(id=ts.id, title=ts.title, total=total, weights=ts.weights, scale=ts.scale,
                                rule=ts.rule, items=items))
        origins.append(SectionOrigin(path, total_path, item_origins))
    if not sections:
        return None
    card = Card(id=member.id, title=card_title(template, member), evaluatee=member.id, sector=member.sector,
                evaluator=template.evaluator, sheet=_unique_sheet(member, used), scale=template.scale,
                bands=template.bands, total=template.total, redistribution=template.redistribution,
                year=template.year, rule=template.rule, sections=sections)
    return Instance(card, ti, mi, origins)


def _unique_sheet(member: StaffMember, used: set[str]) -> str:
    """The person's name as a sheet name; with their id when the name is taken (two people, one name)."""
    name = sheet_name(member.name)
    candidate, n = name, 1
    while candidate.lower() in used:
        suffix = f" ({member.id})" if n == 1 else f" ({member.id}-{n})"
        candidate = sheet_name(name[: 31 - len(suffix)].rstrip() + suffix)
        n += 1
    used.add(candidate.lower())
    return candidate
