"""The totals a card can reach, after the rounding its band set declares.

Reachable totals assume every item is scored: a neutralised item's weight is
redistributed, so the card's range does not change (kept simple on purpose).
Gates carry no points.
"""

from __future__ import annotations

import bisect
from decimal import Decimal

import piano_xlsx.plan.scoring as scoring
from piano_xlsx.plan.check.bands.intervals import Interval, intersection
from piano_xlsx.plan.model import Rounding
from piano_xlsx.plan.resolve import ResolvedCard
from piano_xlsx.plan.rounding import rounded_total

DIGITS = 9  # reachable totals are rounded to this many decimals before comparison
MAX_REACHABLE = 200_000  # beyond this many distinct totals, every real total counts as reachable


class Reachable:
    """The totals a card can reach after rounding: a finite set, or (beyond the cap) a whole range."""

    def __init__(self, card: ResolvedCard, rounding: Rounding | None):
        self.rounding = rounding
        # gates carry no points; neutralised items are assumed scored (their weight is redistributed)
        scored = [item for item in card.items if not item.gate and item.weight and item.scale.maximum > 0]
        contributions = [scoring.point_options(item) for item in scored]  # by each item's scale and rule
        ranges = [scoring.point_range(item) for item in scored]
        self.low = rounded_total(round(sum(r[0] for r in ranges), DIGITS), rounding)
        self.high = rounded_total(round(sum(r[1] for r in ranges), DIGITS), rounding)
        totals: set[float] | None = {0.0}
        for options in contributions:
            if totals is None or options is None:  # an item with a continuous range: the totals are a range
                totals = None
                break
            if len(totals) * len(options) > 4 * MAX_REACHABLE:
                totals = None
                break
            totals = {round(t + c, DIGITS) for t in totals for c in options}
            if len(totals) > MAX_REACHABLE:
                totals = None
                break
        self.totals = None if totals is None else sorted({rounded_total(t, rounding) for t in totals})

    def first_in(self, interval: Interval) -> float | None:
        """The lowest reachable total inside `interval`, or None."""
        if self.totals is not None:
            start = bisect.bisect_left(self.totals, interval.lo)
            for total in self.totals[start:]:
                if interval.contains(total):
                    return total
                if total > interval.hi:
                    break
            return None
        window = intersection(interval, Interval(self.low, True, self.high, True))
        if window.empty:
            return None
        if self.rounding is None or self.rounding.mode == "none":
            return window.lo if window.lo_in else (window.lo + window.hi) / 2
        step = Decimal(1).scaleb(-self.rounding.decimals)
        candidate = (Decimal(f"{window.lo:.{DIGITS}f}") / step).to_integral_value(rounding="ROUND_CEILING") * step
        for _ in range(2):
            if window.contains(float(candidate)):
                return float(candidate)
            candidate += step
        return None

