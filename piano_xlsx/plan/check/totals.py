"""Weights against the totals a section or card declares, and where a neutralised item's weight goes."""

from __future__ import annotations

from collections.abc import Iterator

from piano_xlsx.findings import Finding, finding
from piano_xlsx.plan.check.context import TOLERANCE, Context, format_number
from piano_xlsx.plan.model import Section
from piano_xlsx.plan.resolve import item_weight


def check_section_totals(ctx: Context) -> Iterator[Finding]:
    """Item weights against the section's declared total; undeclared totals (info).

    The error points at the item whose weight most plausibly changed when one
    stands out (see `_suspect_item`); otherwise at the section's `total`.
    """
    for ci, card in enumerate(ctx.plan.cards):
        for si, section in enumerate(card.sections):
            path = ("cards", ci, "sections", si)
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
            suspect = _suspect_item(section, stated, difference, ctx.levels)
            if suspect is None:
                place, detail = path + ("total",), ""
            else:
                item = section.items[suspect]
                place = path + ("items", suspect, "weight" if item.weight is not None else "level")
                detail = (f" (il peso {format_number(stated[suspect])} dell'obiettivo "
                          f"{ctx.cards[ci].sections[si].items[suspect].number} è il più probabile da correggere)")
            yield finding("SECTION_TOTAL_MISMATCH", **ctx.at(place), section=section.title,
                          sum=float(total), total=float(section.total), detail=detail)


def _suspect_item(section: Section, weights: list[float], difference: float,
                  levels: dict[str, float]) -> int | None:
    """The item whose weight most plausibly changed, or None when no single one stands out.

    First choice: the one item whose weight, less `difference`, equals another
    item's weight. Failing that: the one item weighted by level whose corrected
    weight is the points of another level of the table.
    """
    like_others, like_a_level = [], []
    for index, (item, weight) in enumerate(zip(section.items, weights, strict=True)):
        corrected = weight - difference
        if item.gate or corrected <= TOLERANCE:
            continue
        others = [w for j, (other, w) in enumerate(zip(section.items, weights, strict=True))
                  if j != index and not other.gate]
        if any(abs(corrected - w) <= TOLERANCE for w in others):
            like_others.append(index)
        elif item.weight is None and any(abs(corrected - p) <= TOLERANCE for p in levels.values()):
            like_a_level.append(index)
    if len(like_others) == 1:
        return like_others[0]
    if not like_others and len(like_a_level) == 1:
        return like_a_level[0]
    return None


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

