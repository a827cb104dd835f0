"""The one rounding of a card's total before the band lookup: ROUND, ROUNDDOWN and ROUNDUP as Calc computes them.

The workbook's Python twin (`workbook.computation`) and `check`'s band
reachability both call `excel_round`, so the model, the check and the sheet
agree on every total, including those a hair below a half (x.4999999999).

LibreOffice Calc's steps, measured against Calc itself (tests/test_rounding.py):

- ROUND to 0 decimals rounds the double exactly, half away from zero;
- ROUND to d > 0 decimals scales by 10^d, adds 0.5 and floors the sum read to
  15 significant digits ("approxFloor");
- ROUNDDOWN and ROUNDUP first read the value to 12 significant digits, then
  scale, read to 15 significant digits and truncate towards (or away from) zero.
"""

from __future__ import annotations

import math

from piano_xlsx.plan.model import Rounding

MODES = ("round", "floor", "ceil")  # ROUND, ROUNDDOWN, ROUNDUP


def excel_round(value: float, decimals: int, mode: str) -> float:
    """`value` rounded to `decimals` places: 'round' (ROUND), 'floor' (ROUNDDOWN), 'ceil' (ROUNDUP).

    ROUNDDOWN and ROUNDUP go towards and away from zero, as in every spreadsheet.
    """
    if mode not in MODES:
        raise ValueError(f"unknown rounding mode {mode!r}")
    value = float(value)
    if not math.isfinite(value):
        return value
    if mode != "round" and decimals < 12 and abs(value) < 1e20:
        value = _significant(value, 12)
    magnitude = abs(value)
    if magnitude >= 2**52 or magnitude.is_integer():
        return value  # nothing after the decimal point (zero included)
    if mode == "round" and decimals == 0:
        return _half_away(value)
    factor = 10.0**decimals
    scaled = magnitude * factor
    if mode == "round":
        result = math.floor(_approx(scaled + 0.5))
    elif mode == "floor":
        result = math.floor(_approx(scaled))
    else:
        result = math.ceil(_approx(scaled))
    return math.copysign(result / factor, value)


def rounded_total(total: float, rounding: Rounding | None) -> float:
    """The total as the card rounds it before the band lookup; unchanged when the plan says no rounding."""
    if rounding is None or rounding.mode == "none":
        return total
    return excel_round(total, rounding.decimals, rounding.mode)


def _half_away(value: float) -> float:
    """The nearest integer, halves away from zero (C's round), computed exactly."""
    whole = math.floor(abs(value))
    return math.copysign(whole + 1 if abs(value) - whole >= 0.5 else whole, value)


def _approx(value: float) -> float:
    """Calc's approxValue: `value` read to 15 significant digits.

    Integers, values beyond 2^41 and values with at most 11 binary digits after
    the point (0.5, 0.25, …: exact as decimals) are kept as they are.
    """
    magnitude = abs(value)
    if magnitude > 2**41 or magnitude.is_integer() or magnitude.as_integer_ratio()[1].bit_length() - 1 <= 11:
        return value
    exponent = 14 - math.floor(math.log10(magnitude))
    power = 10.0 ** abs(exponent)
    scaled = _half_away(magnitude * power if exponent >= 0 else magnitude / power)
    return math.copysign(scaled / power if exponent >= 0 else scaled * power, value)


def _significant(value: float, digits: int) -> float:
    """Calc's RoundSignificant: `value` rounded to `digits` significant digits."""
    if value == 0:
        return value
    magnitude = abs(value)
    exponent = math.floor(_approx(math.log10(magnitude))) + 1 - digits
    return math.copysign(_half_away(10.0**-exponent * magnitude) * 10.0**exponent, value)
