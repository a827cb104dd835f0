"""Money rounding at a stated step, and exact splits whose parts add up to the whole.

A split floors every share to the step and hands the steps left over, one
each, to the shares with the largest remainder (ties: the order given); what
is paid then equals the amount split, to the cent. With `keep` the steps stay
unassigned and are reported as the fund's leftover.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Literal

RoundingMode = Literal["half_up", "down", "half_even"]


def _units(value: Fraction, step: Decimal, mode: RoundingMode) -> int:
    scaled = value / Fraction(step)
    if mode == "down":
        return math.floor(scaled) if scaled >= 0 else math.ceil(scaled)
    if mode == "half_even":
        return round(scaled)  # Fraction.__round__ rounds half to even
    return math.floor(scaled + Fraction(1, 2)) if scaled >= 0 else -math.floor(-scaled + Fraction(1, 2))


def from_units(units: int, step: Decimal) -> Decimal:
    return (Decimal(units) * step).quantize(step)


def round_money(value: Fraction, step: Decimal = Decimal("0.01"), mode: RoundingMode = "half_up") -> Decimal:
    """`value` rounded to a multiple of `step` by `mode` ('half_up' is half away from zero)."""
    return from_units(_units(value, step, mode), step)


def split(total: Fraction, weights: Sequence[Fraction], step: Decimal, *, assign: bool = True,
          order: Sequence[int] | None = None) -> tuple[list[Decimal], list[bool], Decimal]:
    """Split `total` in proportion to `weights`, each part a multiple of `step`.

    Args:
        total: the amount to split (a multiple of `step` for an exact split).
        weights: one per part; parts of weight 0 get 0.
        step: the rounding step (0.01 for cents).
        assign: hand the leftover steps to the largest remainders (True) or keep them (False).
        order: tie-break among equal remainders, as a rank per part (lower first); plan order by default.

    Returns:
        The parts, which parts received a leftover step, and the leftover that was not assigned.
    """
    weight_sum = sum(weights, Fraction(0))
    if weight_sum == 0:
        return [from_units(0, step) for _ in weights], [False] * len(weights), round_money(total, step, "down")
    exact_units = [total * w / weight_sum / Fraction(step) for w in weights]
    units = [math.floor(u) for u in exact_units]
    left = math.floor(total / Fraction(step)) - sum(units)
    bumped = [False] * len(weights)
    if assign and left > 0:
        rank = list(order) if order is not None else list(range(len(weights)))
        candidates = sorted((i for i, w in enumerate(weights) if w > 0),
                            key=lambda i: (-(exact_units[i] - units[i]), rank[i]))
        for i in candidates[:left]:
            units[i] += 1
            bumped[i] = True
        left -= min(left, len(candidates))
    return [from_units(u, step) for u in units], bumped, from_units(left, step)
