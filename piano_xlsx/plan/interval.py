"""A range of numbers whose ends may be open or closed, or absent, as a plan writes bands and payout segments."""

from __future__ import annotations

from decimal import Decimal
from typing import TypeVar

N = TypeVar("N", float, Decimal)


def within(value: N, low: N | None, low_inclusive: bool, high: N | None, high_inclusive: bool) -> bool:
    """Whether `value` lies in the range; an absent end is no limit."""
    if low is not None and (value < low or (value == low and not low_inclusive)):
        return False
    if high is not None and (value > high or (value == high and not high_inclusive)):
        return False
    return True
