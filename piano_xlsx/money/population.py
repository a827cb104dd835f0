"""Rules no single card can compute: the fund split, the differentiated bonus, caps per band.

The differentiated individual bonus follows the CCNL Funzioni Locali of
21.5.2018, art. 69: the best-evaluated staff, within a limited quota, get an
increase of at least 30 % of the average per-capita bonus of the staff
evaluated positively. ARAN's orientation CFL126 (step d) takes the increases
out of the resources before they are split (`set_aside`); the alternative
(`others`) pays the top the average bonus plus the increase and lets the
others share the rest.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from piano_xlsx.plan.payouts import Differentiated


@dataclass(frozen=True)
class Candidate:
    index: int  # position in the group (plan order)
    score: Fraction
    priority: int | None


def quota_count(differentiated: Differentiated, positives: int) -> int:
    """How many people the quota allows: quota % of those evaluated positively, rounded as stated."""
    raw = Fraction(differentiated.quota_percent) / 100 * positives
    if differentiated.count == "ceil":
        return math.ceil(raw)
    if differentiated.count == "round":
        return math.floor(raw + Fraction(1, 2))
    return math.floor(raw)


def select_top(differentiated: Differentiated, candidates: Sequence[Candidate]) -> tuple[list[int], str]:
    """The indices that get the increase, and a sentence on how ties at the quota's edge were settled."""
    k = quota_count(differentiated, len(candidates))
    ranked = sorted(candidates, key=lambda c: (-c.score, c.index))
    if k <= 0 or not ranked:
        return [], f"quota di {k} persone su {len(candidates)}"
    edge = ranked[k - 1].score
    above = [c for c in ranked if c.score > edge]
    tied = [c for c in ranked if c.score == edge]
    slots = k - len(above)
    tie = differentiated.tie or "none"
    if len(tied) <= slots:
        chosen, note = above + tied, ""
    elif tie == "all":
        chosen, note = above + tied, f"; pari merito sul limite: tutti i {len(tied)}"
    elif tie == "order":
        by_priority = sorted(tied, key=lambda c: (c.priority is None, c.priority or 0, c.index))
        chosen, note = above + by_priority[:slots], f"; pari merito sul limite: {slots} di {len(tied)} per priorità"
    else:
        chosen, note = above, f"; pari merito sul limite: nessuno dei {len(tied)}"
    return sorted(c.index for c in chosen), f"quota di {k} persone su {len(candidates)}{note}"


def bonus_amounts(differentiated: Differentiated, base: list[Fraction], top: list[int],
                  fund: Fraction | None) -> tuple[list[Fraction], list[Fraction], Fraction, Fraction]:
    """Apply the increase to amounts `base` (already split or computed), keeping the total where a fund is split.

    Returns:
        The amounts before the increase, the increase per person, the average bonus, the increase.
    """
    positives = [a for a in base if a > 0]
    average = sum(positives, Fraction(0)) / len(positives) if positives else Fraction(0)
    increase = Fraction(differentiated.increase_percent) / 100 * average
    if differentiated.funding == "others" and top:
        # the others' premiums fund the increases: they can go down to nothing, never below (a small fund, or
        # ties that widen the quota, can ask for more than they hold): then the increase is what they can give
        rest = sum((a for i, a in enumerate(base) if i not in top), Fraction(0))
        increase = min(increase, rest / len(top))
    bonus = [increase if i in top else Fraction(0) for i in range(len(base))]
    before = list(base)
    if differentiated.funding == "set_aside" and fund is not None:
        total = sum(base, Fraction(0))
        factor = (total - increase * len(top)) / total if total else Fraction(0)
        before = [a * factor for a in base]
    elif differentiated.funding == "others":
        top_total = sum((base[i] + increase for i in top), Fraction(0))
        rest = sum((a for i, a in enumerate(base) if i not in top), Fraction(0))
        available = sum(base, Fraction(0)) - top_total
        before = [a if i in top else (a * available / rest if rest else Fraction(0)) for i, a in enumerate(base)]
    return before, bonus, average, increase
