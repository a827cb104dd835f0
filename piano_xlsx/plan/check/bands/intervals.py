"""Intervals of totals with open or closed ends: a band's range, the gaps a band set leaves."""

from __future__ import annotations

import math
from dataclasses import dataclass

from piano_xlsx.plan.check.context import format_number
from piano_xlsx.plan.model import Band, BandSet


@dataclass(frozen=True)
class Interval:
    lo: float
    lo_in: bool
    hi: float
    hi_in: bool

    @property
    def empty(self) -> bool:
        return self.lo > self.hi or (self.lo == self.hi and not (self.lo_in and self.hi_in))

    def contains(self, x: float) -> bool:
        return (self.lo < x or (self.lo_in and x == self.lo)) and (x < self.hi or (self.hi_in and x == self.hi))

    def describe(self) -> str:
        lo, hi = format_number(self.lo), format_number(self.hi)
        if self.lo == self.hi:
            return f"il solo valore {lo}"
        return {(False, False): f"tra {lo} e {hi} esclusi", (True, True): f"da {lo} a {hi} inclusi",
                (False, True): f"oltre {lo} fino a {hi}", (True, False): f"da {lo} fino a meno di {hi}",
                }[(self.lo_in, self.hi_in)]


def band_interval(band: Band) -> Interval:
    return Interval(-math.inf if band.min is None else float(band.min), band.min is None or band.min_inclusive,
                     math.inf if band.max is None else float(band.max), band.max is None or band.max_inclusive)


def intersection(a: Interval, b: Interval) -> Interval:
    if a.lo != b.lo:
        lo, lo_in = (a.lo, a.lo_in) if a.lo > b.lo else (b.lo, b.lo_in)
    else:
        lo, lo_in = a.lo, a.lo_in and b.lo_in
    if a.hi != b.hi:
        hi, hi_in = (a.hi, a.hi_in) if a.hi < b.hi else (b.hi, b.hi_in)
    else:
        hi, hi_in = a.hi, a.hi_in and b.hi_in
    return Interval(lo, lo_in, hi, hi_in)


@dataclass
class Coverage:
    """Where a bandset leaves totals uncovered: between bands, and its overall reach."""

    gaps: list[tuple[int, Interval]]  # (index of the band after the gap, gap)
    first: int  # index of the band with the lowest lower edge
    last: int  # index of the band reaching highest
    lower: Interval  # lowest lower edge, as an interval start (hi unused)
    upper: Interval  # highest upper edge (lo unused)


def coverage_of(bandset: BandSet) -> Coverage | None:
    bands = [(i, band_interval(b)) for i, b in enumerate(bandset.bands)]
    bands = [(i, iv) for i, iv in bands if not iv.empty]
    if not bands:
        return None
    bands.sort(key=lambda x: (x[1].lo, not x[1].lo_in))
    first, front = bands[0]
    last = first
    gaps = []
    for index, iv in bands[1:]:
        gap = Interval(front.hi, not front.hi_in, iv.lo, not iv.lo_in)
        if not gap.empty:
            gaps.append((index, gap))
        if iv.hi > front.hi or (iv.hi == front.hi and iv.hi_in and not front.hi_in):
            front, last = iv, index
    return Coverage(gaps=gaps, first=first, last=last, lower=bands[0][1], upper=front)

