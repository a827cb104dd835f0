"""The payout modes: what a person's score (and band) makes of their base.

Each mode gives the terms that multiply the base; `increment` gives the money
itself, and `classification` gives nothing. Fund splits are population rules
(`population.py`): a person's share depends on everyone else's.
"""

from __future__ import annotations

from fractions import Fraction

from piano_xlsx.money.numbers import euro, exact, number, percent
from piano_xlsx.money.terms import Term
from piano_xlsx.plan.payouts import Payout, Segment


def segment_of(segments: list[Segment], score: Fraction) -> Segment | None:
    for segment in segments:
        if _contains(segment, score):
            return segment
    return None


def _contains(segment: Segment, score: Fraction) -> bool:
    if segment.min is not None:
        low = exact(segment.min)
        if score < low or (score == low and not segment.min_inclusive):
            return False
    if segment.max is not None:
        high = exact(segment.max)
        if score > high or (score == high and not segment.max_inclusive):
            return False
    return True


def segment_share(segment: Segment, score: Fraction) -> Fraction:
    """The percentage of the base a segment pays at `score` (constant, or linear between its edges)."""
    if segment.share is not None:
        return exact(segment.share)
    low, high = exact(segment.min or 0), exact(segment.max or 0)
    start, end = exact(segment.share_from or 0), exact(segment.share_to or 0)
    if high == low:
        return end
    return start + (score - low) / (high - low) * (end - start)


def score_terms(payout: Payout, score: Fraction, maximum: Fraction, band: str | None,
                band_percent: Fraction | None) -> list[Term] | None:
    """The score's terms for an individual mode; None where the mode pays nothing to compute (classification)."""
    shown = number(score)
    if payout.mode == "band_percent":
        if band_percent is None:
            return [Term(Fraction(0), "0 %", f"fascia «{band or '—'}» senza percentuale")]
        return [Term(band_percent / 100, percent(band_percent), f"fascia «{band}»")]
    if payout.mode == "proportional":
        if payout.threshold is not None and score < exact(payout.threshold):
            return [Term(Fraction(0), "0", f"punteggio {shown} sotto la soglia di {number(exact(payout.threshold))}")]
        return [Term(score / maximum, f"{shown}/{number(maximum)}", "punteggio sul massimo")]
    if payout.mode == "segments":
        segment = segment_of(payout.segments or [], score)
        if segment is None:
            return [Term(Fraction(0), "0 %", f"punteggio {shown} fuori da ogni tratto")]
        share = segment_share(segment, score)
        return [Term(share / 100, percent(share), f"tratto {_segment_text(segment)} al punteggio {shown}")]
    if payout.mode == "increment":
        inc = payout.increment
        assert inc is not None  # check refuses the mode without it
        start = exact(inc.start)
        if score < start:
            return [Term(Fraction(0), euro(Fraction(0)), f"punteggio {shown} sotto {number(start)}")]
        value = exact(inc.amount) + exact(inc.per_point) * (score - start)
        capped = inc.cap is not None and value > exact(inc.cap)
        value = min(value, exact(inc.cap)) if inc.cap is not None else value
        label = (f"{euro(exact(inc.amount))} + {euro(exact(inc.per_point))} × ({shown} − {number(start)}) punti"
                 + (f", al massimo {euro(exact(inc.cap))}" if capped and inc.cap is not None else ""))
        return [Term(value, euro(value), label)]
    return None


def _segment_text(segment: Segment) -> str:
    low = "" if segment.min is None else ("da " if segment.min_inclusive else "oltre ") + number(exact(segment.min))
    high = "" if segment.max is None else ("a " if segment.max_inclusive else "sotto ") + number(exact(segment.max))
    return " ".join(p for p in (low, high) if p) or "unico"
