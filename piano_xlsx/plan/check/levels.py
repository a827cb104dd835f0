"""Complexity levels: unknown, disagreeing with the level table, printed ambiguously; weights missing or ambiguous."""

from __future__ import annotations

from collections.abc import Iterator

from piano_xlsx.findings import Finding, Severity, finding
from piano_xlsx.plan.check.context import TOLERANCE, Context, format_number
from piano_xlsx.plan.loader import KeyPath
from piano_xlsx.plan.model import Item


def check_levels(ctx: Context) -> Iterator[Finding]:
    """Levels unknown, disagreeing with the table, printed ambiguously; weights missing or ambiguous."""
    known = ", ".join(ctx.levels) or "nessuno (la tabella «levels» è vuota)"
    for path, ci, _, _, item in ctx.items():
        si, ii = path[3], path[5]
        assert isinstance(si, int) and isinstance(ii, int)
        if not (item.gate or item.level is not None or item.printed_levels or item.weight is None):
            continue  # a weight and nothing else: nothing to say (the common case, a plan has thousands)
        label = ctx.item_label(ci, si, ii)
        if item.gate:
            if item.weight is not None:
                yield finding("WEIGHT_AMBIGUOUS", **ctx.at(path + ("weight",)), number=label,
                              detail="è una condizione vincolante (gate) e non porta punti, ma indica un peso.")
            if item.level is not None:
                yield finding("WEIGHT_AMBIGUOUS", **ctx.at(path + ("level",)), number=label,
                              detail="è una condizione vincolante (gate) e non porta punti, ma indica un livello.")
        elif item.weight is None and item.level is None:
            yield finding("WEIGHT_MISSING", **ctx.at(path), number=label)
        if item.level is not None:
            if item.level not in ctx.levels:
                yield finding("LEVEL_UNKNOWN", **ctx.at(path + ("level",)), level=item.level, known=known)
            elif item.weight is not None and not item.gate and \
                    abs(float(item.weight) - ctx.levels[item.level]) > TOLERANCE:
                yield finding("LEVEL_POINTS_MISMATCH", **ctx.at(path + ("weight",)), level=item.level,
                              table=ctx.levels[item.level], points=item.weight)
        yield from _printed_levels(ctx, path, label, item, known)


def _printed_levels(ctx: Context, path: KeyPath, label: str, item: Item, known: str) -> Iterator[Finding]:
    printed = item.printed_levels or []
    if len(printed) > 1:
        levels = ", ".join(p.level + (f" ({format_number(p.points)})" if p.points is not None else "") for p in printed)
        yield finding("LEVEL_MULTIPLE", **ctx.at(path + ("printed_levels",)), number=label, levels=levels)
    for pi, p in enumerate(printed):
        ppath = path + ("printed_levels", pi)
        if p.level not in ctx.levels:
            yield finding("LEVEL_UNKNOWN", **ctx.at(ppath + ("level",)), severity=Severity.WARNING,
                          level=p.level, known=known)
        elif p.points is not None and abs(float(p.points) - ctx.levels[p.level]) > TOLERANCE:
            yield finding("LEVEL_PRINTED_MISMATCH", **ctx.at(ppath + ("points",)), level=p.level,
                          points=p.points, table=ctx.levels[p.level])

