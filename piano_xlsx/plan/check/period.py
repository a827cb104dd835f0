"""Years of cards and titles against the plan's year or period."""

from __future__ import annotations

import re
from collections.abc import Iterator

from piano_xlsx.findings import Finding, finding
from piano_xlsx.plan.check.context import Context
from piano_xlsx.plan.loader import KeyPath

_PERIOD = re.compile(r"^\s*(\d{4})\s*(?:[-–/]\s*(\d{4}))?\s*$")
_YEAR_IN_TITLE = re.compile(r"\b(?:anno|annualità)\s+(\d{4})\b", re.IGNORECASE)


def _plan_years(ctx: Context) -> tuple[set[int], str] | None:
    info = ctx.plan.plan
    if info.year is not None:
        return {info.year}, f"il {info.year}"
    match = _PERIOD.match(info.period or "")
    if not match:
        return None
    first, last = int(match.group(1)), int(match.group(2) or match.group(1))
    return set(range(first, last + 1)), f"il periodo {info.period.strip() if info.period else ''}"


def check_period(ctx: Context) -> Iterator[Finding]:
    """Card years, and years named in card and section titles ("anno 2023"), outside the plan's (PERIOD_MISMATCH)."""
    info = ctx.plan.plan
    if info.year is not None and info.period:
        match = _PERIOD.match(info.period)
        if match and not int(match.group(1)) <= info.year <= int(match.group(2) or match.group(1)):
            yield finding("PERIOD_MISMATCH", **ctx.at(("plan", "year")),
                          detail=f"L'anno del piano {info.year} è fuori dal periodo {info.period}.")
    years = _plan_years(ctx)
    if years is None:
        return
    allowed, label = years
    for ci, card in enumerate(ctx.plan.cards):
        if card.year is not None and card.year not in allowed:
            yield finding("PERIOD_MISMATCH", **ctx.at(("cards", ci, "year")),
                          detail=f"La scheda «{card.title}» si riferisce al {card.year}, ma il piano riguarda {label}.")
        titles: list[tuple[KeyPath, str]] = [(("cards", ci, "title"), card.title)]
        titles += [(("cards", ci, "sections", si, "title"), s.title) for si, s in enumerate(card.sections)]
        for path, title in titles:
            for match in _YEAR_IN_TITLE.finditer(title):
                year = int(match.group(1))
                if year not in allowed and year != card.year:
                    yield finding("PERIOD_MISMATCH", **ctx.at(path),
                                  detail=f"Il titolo «{title}» nomina l'anno {year}, ma il piano riguarda {label}.")

