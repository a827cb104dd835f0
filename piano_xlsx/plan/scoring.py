"""The points an item can earn, in the plan's own units (percentages as 0–100), for `check`.

The workbook's formulas and their Python twin (workbook/computation.py) work
on the values the cells hold; `check` only needs to know which totals a card
can reach (are band gaps or steps gaps reachable?), so it enumerates the
scores an item admits here, from its scale and its declared decimals.
"""

from __future__ import annotations

from piano_xlsx.plan.model import Rule, Scale
from piano_xlsx.plan.resolve import ResolvedItem

DIGITS = 9  # points are compared rounded to this many decimals
MAX_SCORES = 2_001  # beyond this many admitted scores an item is treated as a continuous range


def admitted_scores(scale: Scale, weight: float) -> list[float] | None:
    """Every score the scale admits (points: up to `weight`), or None when there are too many to list."""
    if scale.kind == "list":
        return sorted(float(v) for v in scale.numbers())
    if scale.kind == "achieved":
        return [0.0, 1.0]  # not achieved, achieved
    low, high = (0.0, float(weight)) if scale.kind == "points" else (float(scale.minimum), float(scale.maximum))
    factor = 10 ** scale.decimals
    first, last = round(low * factor), int(high * factor + 1e-9)
    if last < first:
        return []
    if last - first + 1 > MAX_SCORES:
        return None
    return [n / factor for n in range(first, last + 1)]


def share(rule: Rule | None, scale: Scale, value: float) -> float:
    """The share of an item's points (1 = all) a score earns, in plan units."""
    if scale.kind == "achieved":
        return value
    if scale.kind == "points":
        return value  # points are the points: see `points`
    top = float(scale.maximum)
    proportional = value / top if top else 0.0
    if rule is None or rule.kind == "proportional":
        return proportional
    if rule.kind == "steps":
        step = next((s for s in rule.steps or [] if s.contains(value)), None)
        return 0.0 if step is None else float(step.share) / 100
    if rule.zero_below is not None and value < rule.zero_below:
        return 0.0
    if rule.full_from is not None and value >= rule.full_from:
        return 1.0
    if rule.between == "linear" and rule.zero_below is not None and rule.full_from is not None \
            and rule.full_from > rule.zero_below:
        return (value - float(rule.zero_below)) / (float(rule.full_from) - float(rule.zero_below))
    return proportional


def points(item: ResolvedItem, value: float) -> float:
    if item.scale.kind == "points":
        return round(value, DIGITS)
    return round(item.weight * share(item.rule, item.scale, value), DIGITS)


def point_options(item: ResolvedItem) -> list[float] | None:
    """The distinct points the item can earn, sorted; None when it can earn too many to list."""
    scores = admitted_scores(item.scale, item.weight)
    if scores is None:
        return None
    return sorted({points(item, value) for value in scores}) or [0.0]


def point_range(item: ResolvedItem) -> tuple[float, float]:
    """The lowest and highest points the item can earn."""
    options = point_options(item)
    if options is not None:
        return options[0], options[-1]
    scale = item.scale
    low, high = (0.0, item.weight) if scale.kind == "points" else (float(scale.minimum), float(scale.maximum))
    samples = [low + (high - low) * n / (MAX_SCORES - 1) for n in range(MAX_SCORES)]
    rule = item.rule
    for edge in (rule.zero_below, rule.full_from) if rule else ():
        if edge is not None:
            samples.append(float(edge))
    found = [points(item, value) for value in samples if low <= value <= high]
    return min(found), max(found)
