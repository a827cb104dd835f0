"""A term of an amount's computation: its exact value, how it is written, and what it is."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Term:
    value: Fraction
    text: str  # as written in the formula: "9.000,00 €", "8 %", "300/366"
    label: str  # what it is, in Italian: "monte salari", "fascia «Da 71 a 85»", "giorni di servizio"

    def legend(self) -> str:
        return f"{self.text} = {self.label}"


def product(terms: list[Term]) -> Fraction:
    out = Fraction(1)
    for term in terms:
        out *= term.value
    return out


def formula(terms: list[Term], result: str) -> str:
    """9.000,00 € × 8 % × 300/366 × 51 % = 300,98 €."""
    return " × ".join(t.text for t in terms) + f" = {result}"
