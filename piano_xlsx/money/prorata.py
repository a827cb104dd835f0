"""Pro-rata factors from the HR office's data: days in service, part-time, multipliers, convention shares."""

from __future__ import annotations

import calendar
import datetime as dt
from fractions import Fraction

from piano_xlsx.money.numbers import exact, percent, ratio
from piano_xlsx.money.terms import Term
from piano_xlsx.plan.payouts import DayCount, HrRecord


def year_days(basis: DayCount, year: int | None) -> int:
    """The denominator of the days factor: 365, 360, or the calendar year's days (366 in a leap year)."""
    if basis == "360":
        return 360
    if basis == "actual" and year is not None and calendar.isleap(year):
        return 366
    return 365


def days_360(start: dt.date, end: dt.date) -> int:
    """Days from `start` to `end` inclusive, counted with months of 30 days (30E/360, inclusive of both ends)."""
    d1, d2 = min(start.day, 30), min(end.day, 30)
    if end.month == 2 and end.day == calendar.monthrange(end.year, 2)[1]:
        d2 = 30  # the last of February closes a whole commercial month
    return (end.year - start.year) * 360 + (end.month - start.month) * 30 + (d2 - d1) + 1


def service_days(record: HrRecord, basis: DayCount, year: int | None) -> int | None:
    """Days in service in the year: as stated, or counted from the dates (within the year)."""
    if record.days is not None:
        return record.days
    if record.start is None and record.end is None:
        return None
    if year is None:
        return None
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    start, end = max(record.start or first, first), min(record.end or last, last)
    if end < start:
        return 0
    if basis == "360":
        return min(360, days_360(start, end))
    return (end - start).days + 1


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
