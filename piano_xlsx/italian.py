"""Numbers as Italian readers write them."""

from __future__ import annotations


def thousands(number: int) -> str:
    """A count with Italian thousands separators: 1.048.576."""
    return f"{number:,}".replace(",", ".")
