"""Weights against the totals a section or card declares, and where a neutralised item's weight goes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from piano_xlsx.findings import Finding, finding
from piano_xlsx.plan.check.context import TOLERANCE, Context, format_number
from piano_xlsx.plan.loader import KeyPath
from piano_xlsx.plan.model import Item, Section
from piano_xlsx.plan.resolve import item_weight


def check_section_totals(ctx: Context) -> Iterator[Finding]:
    """Item weights against the section's declared total; undeclared totals (info).

    The error names the item whose weight is wrong only when the evidence says
    so (see `_suspect`); otherwise it points at the section's `total` and lists
    the section's weights and the difference.
    """
    elsewhere = _weights_by_objective(ctx)
    for ci, card in enumerate(ctx.plan.cards):
        for si, section in enumerate(card.sections):
            path: KeyPath = ("cards", ci, "sections", si)
            weights = [item_weight(item, ctx.levels) for item in section.items]
            if section.total is None:
                if not all(item.gate for item in section.items):
                    yield finding("SECTION_TOTAL_UNDECLARED", **ctx.at(path), section=section.title,
                                  sum=float(sum(w or 0.0 for w in weights)))
                continue
            if section.weights != "points" or any(w is None for w in weights):
                continue  # shares are scaled to the total; missing weights are reported on their own
            stated = [w for w in weights if w is not None]
            total = sum(stated)
            difference = total - float(section.total)
            if abs(difference) <= TOLERANCE:
                continue
            numbers = [item.number for item in ctx.cards[ci].sections[si].items]
            suspect = _suspect(ctx, ci, section, stated, difference, elsewhere)
            if suspect is None:
                place = path + ("total",)
                listed = ", ".join(f"n. {number} = {format_number(weight)}"
                                   + (f" (livello {item.level})" if item.weight is None else "")
                                   for number, weight, item in zip(numbers, stated, section.items, strict=True)
                                   if not item.gate)
                detail = (f"; pesi per obiettivo: {listed} ({format_number(abs(difference))} "
                          f"{'in più' if difference > 0 else 'in meno'})")
            else:
                item = section.items[suspect.index]
                place = path + ("items", suspect.index, "weight" if item.weight is not None else "level")
                detail = (f" (il peso {format_number(stated[suspect.index])} dell'obiettivo {numbers[suspect.index]} "
                          f"è il più probabile da correggere: {suspect.reason})")
            yield finding("SECTION_TOTAL_MISMATCH", **ctx.at(place), section=section.title,
                          sum=float(total), total=float(section.total), detail=detail)


@dataclass(frozen=True)
class _Suspect:
    index: int  # of the item in its section
    reason: str  # the evidence, as the message says it


def _suspect(ctx: Context, ci: int, section: Section, weights: list[float], difference: float,
             elsewhere: dict[tuple[str, str], list[tuple[int, float]]]) -> _Suspect | None:
    """The item whose weight the evidence says is wrong, or None when it does not single one out.

    Evidence is a weight stated for that very item somewhere else, which its
    weight less `difference` would equal and its weight does not (see
    `_stated_elsewhere`); an item whose weight agrees with such a statement is
    cleared. Failing that, the section's own regularity: the one item whose
    corrected weight is the weight of two or more other items. A corrected
    weight equal to a single other weight proves nothing, since that other
    weight may be the changed one (30 less 5 gives the 25 just typed elsewhere).
    """
    stated, regular = [], []
    for index, (item, weight) in enumerate(zip(section.items, weights, strict=True)):
        corrected = weight - difference
        if item.gate or corrected <= TOLERANCE:
            continue
        statements = _stated_elsewhere(ctx, ci, item, elsewhere)
        if any(_same(weight, value) for value, _ in statements):
            continue
        reasons = [reason for value, reason in statements if _same(corrected, value)]
        if reasons:
            stated.append(_Suspect(index, reasons[0]))
            continue
        peers = sum(1 for j, (other, w) in enumerate(zip(section.items, weights, strict=True))
                    if j != index and not other.gate and _same(w, corrected))
        if peers >= 2:
            regular.append(_Suspect(index, f"{format_number(corrected)} è il peso di altri {peers} obiettivi "
                                           "della sezione"))
    if len(stated) == 1:
        return stated[0]
    if not stated and len(regular) == 1:
        return regular[0]
    return None


def _stated_elsewhere(ctx: Context, ci: int, item: Item,
                      elsewhere: dict[tuple[str, str], list[tuple[int, float]]]) -> list[tuple[float, str]]:
    """Weights the plan states for `item` besides its weight: (value, where it says so).

    The level table for an item that gives both a weight and a level; the
    points the source document prints for its level; the weight the same
    objective (the same shared objective, or the same title) has on every
    other card that scores it.
    """
    out: list[tuple[float, str]] = []
    if item.weight is not None and item.level in ctx.levels:
        table = ctx.levels[item.level]
        out.append((table, f"il livello {item.level} vale {format_number(table)} punti nella tabella dei livelli"))
    for printed in item.printed_levels or []:
        points: float | None = float(printed.points) if printed.points is not None else ctx.levels.get(printed.level)
        if points is not None:
            out.append((points, f"il documento di origine stampa il livello {printed.level} "
                                f"con {format_number(points)} punti"))
    key = _objective_key(item)
    others = [(cj, w) for cj, w in elsewhere.get(key, []) if cj != ci] if key else []
    if others and all(_same(w, others[0][1]) for _, w in others):
        cards = [ctx.plan.cards[cj].title for cj in dict.fromkeys(cj for cj, _ in others)]
        where = ("nella scheda " if len(cards) == 1 else "nelle schede ") + ", ".join(f"«{t}»" for t in cards)
        out.append((others[0][1], f"lo stesso obiettivo pesa {format_number(others[0][1])} {where}"))
    return out


def _weights_by_objective(ctx: Context) -> dict[tuple[str, str], list[tuple[int, float]]]:
    """For each objective (shared id, or title), the cards that weigh it in points and the weight they give."""
    out: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for ci, card in enumerate(ctx.plan.cards):
        for section in card.sections:
            if section.weights != "points":
                continue
            for item in section.items:
                key, weight = _objective_key(item), item_weight(item, ctx.levels)
                if key is not None and weight is not None and not item.gate:
                    out.setdefault(key, []).append((ci, weight))
    return out


def _objective_key(item: Item) -> tuple[str, str] | None:
    if item.ref is not None:
        return ("ref", item.ref)
    title = " ".join(item.title.split()).casefold()
    return ("title", title) if title else None


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE


def check_card_totals(ctx: Context) -> Iterator[Finding]:
    """A card's declared total against the sum of its sections' maxima (CARD_TOTAL_MISMATCH)."""
    for ci, (card, resolved) in enumerate(zip(ctx.plan.cards, ctx.cards, strict=True)):
        if card.total is None:
            continue
        if abs(resolved.maximum - float(card.total)) > TOLERANCE:
            yield finding("CARD_TOTAL_MISMATCH", **ctx.at(("cards", ci, "total")), card=card.title,
                          sum=float(resolved.maximum), total=float(card.total))


def check_redistribution(ctx: Context) -> Iterator[Finding]:
    """Cards with neutralisable items that do not say where their weight goes (REDISTRIBUTION_UNDECIDED)."""
    for ci, card in enumerate(ctx.plan.cards):
        if card.redistribution is None and any(i.neutralisable for s in card.sections for i in s.items):
            yield finding("REDISTRIBUTION_UNDECIDED", **ctx.at(("cards", ci, "redistribution")), card=card.title)

