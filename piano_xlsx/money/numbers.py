"""Exact numbers in, Italian text out: 9.000,00 €, 8 %, 97,5, 300/366."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from piano_xlsx.tabular import money


def exact(value: Decimal | int | str | Fraction) -> Fraction:
    """A Decimal, an int, a numeric text or a Fraction as an exact Fraction."""
    if isinstance(value, Fraction):
        return value
    return Fraction(Decimal(value) if isinstance(value, str) else value)


def from_float(value: float, digits: int = 9) -> Fraction:
    """A score the workbook model computed as a float, read to `digits` decimals (as `check` compares totals)."""
    return Fraction(Decimal(repr(round(float(value), digits))))


def to_decimal(value: Fraction, places: int = 10) -> Decimal:
    """A Fraction as a Decimal with at most `places` decimals (for display and JSON only)."""
    scaled = round(value * 10**places)
    return (Decimal(scaled).scaleb(-places)).normalize()


def amount(value: Decimal | Fraction | None) -> Decimal | None:
    """An amount as reports, tables and JSON give it (`tabular.money`); a Fraction to four decimals first."""
    return money(value if value is None or isinstance(value, Decimal) else to_decimal(value, 4))


def _italian(text: str) -> str:
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def euro(amount: Decimal | Fraction) -> str:
    """9.000,00 € (a Fraction is shown at the cent, half up, for display only)."""
    value = amount if isinstance(amount, Decimal) else to_decimal(amount, 2)
    return _italian(f"{value:,.2f}") + " €"


def number(value: Decimal | Fraction | int, places: int = 6) -> str:
    """97,5 · 1.234 · 0,833333 (at most `places` decimals, trailing zeros dropped)."""
    d = to_decimal(exact(value) if not isinstance(value, Fraction) else value, places)
    text = f"{d:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return _italian(text) if text not in ("-0", "") else "0"


def percent(value: Decimal | Fraction | int) -> str:
    """8 % · 83,33 %."""
    return f"{number(value, 4)} %"


def ratio(numerator: int, denominator: int) -> str:
    """300/366."""
    return f"{numerator}/{denominator}"
