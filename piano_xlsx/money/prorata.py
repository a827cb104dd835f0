"""Pro-rata factors from the HR office's data: days in service, part-time, multipliers, convention shares."""

from __future__ import annotations

from fractions import Fraction

from piano_xlsx.money.numbers import exact, percent, ratio
from piano_xlsx.money.terms import Term
from piano_xlsx.plan.daycount import service_days, year_days
from piano_xlsx.plan.payouts import DayCount, HrRecord


def factors(record: HrRecord | None, basis: DayCount | None, year: int | None) -> list[Term]:
    """The pro-rata terms of one person, in the order they are written: multipliers, days, part-time."""
    if record is None:
        return []
    out = [Term(exact(m.percent) / 100, percent(m.percent), m.label) for m in record.multipliers]
    days = service_days(record, basis or "365", year)
    if days is not None:
        denominator = year_days(basis or "365", year)
        if days != denominator:
            out.append(Term(Fraction(days, denominator), ratio(days, denominator), "giorni di servizio"))
    if record.part_time is not None and record.part_time != 100:
        out.append(Term(exact(record.part_time) / 100, percent(record.part_time), "part-time"))
    return out


def convention_terms(record: HrRecord | None) -> list[Term]:
    """One term per comune of a convention: its share of the person's amount."""
    if record is None:
        return []
    return [Term(exact(c.share) / 100, percent(c.share), f"quota {c.comune}") for c in record.conventions]
