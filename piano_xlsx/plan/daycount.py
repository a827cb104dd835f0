"""Days in service and the days of the year, on a stated day-count basis (365, actual, 360)."""

from __future__ import annotations

import calendar
import datetime as dt

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
