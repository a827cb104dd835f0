"""HR data checked against the plan: known persons, days within the year, shares adding to 100 %, bases where
a payout needs them. One function for the plan's `hr` key (check) and for a file given to collect."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from piano_xlsx.findings import Finding, finding
from piano_xlsx.plan.daycount import service_days, year_days
from piano_xlsx.plan.model import Plan
from piano_xlsx.plan.paygroups import covered_cards, needs_base
from piano_xlsx.plan.payouts import HrRecord

Place = Callable[[int | None, str | None], dict[str, Any]]  # (record index, field) -> finding place keywords


def _evaluatees(plan: Plan) -> dict[str, Any]:
    everyone = plan.all_evaluatees() if hasattr(plan, "all_evaluatees") else plan.evaluatees
    return {e.id: e for e in everyone}


def validate_hr(plan: Plan, records: list[HrRecord], place: Place) -> list[Finding]:
    """Findings about `records`; `place` says where record i (and one of its fields) is."""
    findings: list[Finding] = []
    evaluatees = _evaluatees(plan)
    by_person: dict[str, int] = {}
    for index, record in enumerate(records):
        if record.evaluatee not in evaluatees:
            findings.append(finding("HR_UNKNOWN_PERSON", person=record.evaluatee, **place(index, "evaluatee")))
        if record.evaluatee in by_person:
            findings.append(finding("HR_DUPLICATE", person=record.evaluatee, field="valutato",
                                    values="la persona compare più volte", **place(index, "evaluatee")))
        by_person.setdefault(record.evaluatee, index)
        if record.conventions:
            total = sum((c.share for c in record.conventions), Decimal(0))
            if total != 100:
                findings.append(finding("HR_SHARES_NOT_100", person=record.evaluatee,
                                        total=f"{total.normalize():f}".replace(".", ","),
                                        **place(index, "conventions")))
    for payout in plan.payouts:
        for card in covered_cards(plan, payout):
            found = by_person.get(card.evaluatee)
            hr_record = records[found] if found is not None else None
            if hr_record is not None:
                days = service_days(hr_record, payout.day_count or "365", plan.plan.year)
                limit = year_days(payout.day_count or "365", plan.plan.year)
                if days is not None and days > limit:
                    findings.append(finding("HR_DAYS_BEYOND_YEAR", person=hr_record.evaluatee, days=days,
                                            year_days=limit, **place(found, "days")))
            if needs_base(payout) and payout.base != "fixed" and not (hr_record and hr_record.excluded):
                plan_base = getattr(evaluatees.get(card.evaluatee), "base", None)
                if (hr_record is None or hr_record.base is None) and plan_base is None:
                    findings.append(finding("HR_BASE_MISSING", person=card.evaluatee, payout=payout.id,
                                            **place(found, "base")))
    return findings
