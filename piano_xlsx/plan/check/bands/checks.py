"""Band sets: overlapping or empty bands, gaps and uncovered ranges a card can reach, rounding left undecided."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from piano_xlsx.findings import Finding, Severity, finding
from piano_xlsx.plan.check.bands.intervals import Coverage, Interval, band_interval, coverage_of, intersection
from piano_xlsx.plan.check.bands.reachable import DIGITS, Reachable
from piano_xlsx.plan.check.context import Context, format_number
from piano_xlsx.plan.loader import KeyPath
from piano_xlsx.plan.model import BandSet, Card


def check_band_overlaps(ctx: Context) -> Iterator[Finding]:
    """Bands that overlap (BAND_OVERLAP), at the lower edge of the later one; empty bands (PLAN_BAND_EMPTY)."""
    for k, bandset in enumerate(ctx.plan.bands):
        intervals = [band_interval(b) for b in bandset.bands]
        for j, (band, iv) in enumerate(zip(bandset.bands, intervals, strict=True)):
            path = ("bands", k, "bands", j)
            if iv.empty:
                yield finding("PLAN_BAND_EMPTY", **ctx.at(path + ("max",)), band=band.label)
                continue
            for i in range(j):
                if intervals[i].empty:
                    continue
                common = intersection(intervals[i], iv)
                if not common.empty:
                    # report at the band that starts inside the other: its lower edge crossed in
                    later, earlier = (j, i) if (iv.lo, not iv.lo_in) >= (intervals[i].lo, not intervals[i].lo_in) \
                        else (i, j)
                    place: KeyPath = ("bands", k, "bands", later)
                    if bandset.bands[later].min is not None:
                        place += ("min",)
                    yield finding("BAND_OVERLAP", **ctx.at(place), a=bandset.bands[earlier].label,
                                  b=bandset.bands[later].label, detail=f" ({common.describe()})")


def check_rounding(ctx: Context) -> Iterator[Finding]:
    """Bandsets that do not say how the total is rounded before the lookup (ROUNDING_UNDECIDED)."""
    for k, bandset in enumerate(ctx.plan.bands):
        if bandset.rounding is None:
            yield finding("ROUNDING_UNDECIDED", **ctx.at(("bands", k, "rounding")), bandset=bandset.id)


def check_bands_undecided(ctx: Context) -> Iterator[Finding]:
    """Cards with no bands at all (BANDS_UNDECIDED)."""
    if ctx.plan.default_bands is not None:
        return
    for ci, card in enumerate(ctx.plan.cards):
        if card.bands is None:
            yield finding("BANDS_UNDECIDED", **ctx.at(("cards", ci, "bands")), card=card.title)


def check_band_coverage(ctx: Context) -> Iterator[Finding]:
    """Gaps between bands and the card's range, judged on the totals each card can actually reach.

    A gap some card can reach is an error for that card (BAND_GAP_REACHABLE); a gap
    no card reaches is a warning once per bandset (BAND_GAP). Bands that do not
    cover 0..maximum give BAND_RANGE: an error if a reachable total is left out,
    else a warning.
    """
    for k, bandset in enumerate(ctx.plan.bands):
        coverage = coverage_of(bandset)
        if coverage is None:
            continue
        reached: set[int] = set()
        known: dict[tuple[Any, ...], Reachable] = {}  # cards with the same weights and scale reach the same totals
        for ci, resolved in enumerate(ctx.cards):
            if resolved.bandset is not bandset:
                continue
            card = ctx.plan.cards[ci]
            signature = tuple(sorted((round(i.weight, DIGITS), i.scale.id, i.rule.id if i.rule else "")
                                     for i in resolved.items if not i.gate))
            if signature not in known:
                known[signature] = Reachable(resolved, bandset.rounding)
            reachable = known[signature]
            for gi, (after, gap) in enumerate(coverage.gaps):
                total = reachable.first_in(gap)
                if total is not None:
                    reached.add(gi)
                    yield finding("BAND_GAP_REACHABLE", **ctx.at(_edge(bandset, k, after, "min")), total=total,
                                  card=card.title)
            yield from _range_findings(ctx, k, bandset, coverage, card, resolved.maximum, reachable)
        for gi, (after, gap) in enumerate(coverage.gaps):
            if gi not in reached:
                yield finding("BAND_GAP", **ctx.at(_edge(bandset, k, after, "min")), gap=gap.describe())


def _edge(bandset: BandSet, k: int, j: int, key: str) -> KeyPath:
    band = bandset.bands[j]
    return ("bands", k, "bands", j) + ((key,) if getattr(band, key) is not None else ())


def _range_findings(ctx: Context, k: int, bandset: BandSet, coverage: Coverage, card: Card,
                    maximum: float, reachable: Reachable) -> Iterator[Finding]:
    below = Interval(0.0, True, coverage.lower.lo, not coverage.lower.lo_in)
    above = Interval(coverage.upper.hi, not coverage.upper.hi_in, maximum, True)
    for interval, j, key in ((below, coverage.first, "min"), (above, coverage.last, "max")):
        if interval.empty:
            continue
        hit = reachable.first_in(interval)
        detail = f"resta scoperto {interval.describe()}"
        if hit is not None:
            detail += f", dove cade il punteggio raggiungibile {format_number(hit)}"
        yield finding("BAND_RANGE", **ctx.at(_edge(bandset, k, j, key)), card=card.title, max=maximum,
                      detail=detail, severity=None if hit is not None else Severity.WARNING)

