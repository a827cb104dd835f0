"""Exclusions decided by the HR office, applied to the cards that came back (and noted for those that did not).

An excluded card is read, checked and scored like any other: what changes is
its outcome. With bands it shows «Escluso dal premio» with 0 % and a bonus of
0 where a base is given; without bands it keeps its total and says that it is
excluded. The reason and the source travel with the card into every output.
"""

from __future__ import annotations

import dataclasses

from piano_xlsx.collect import status as st
from piano_xlsx.findings import Finding, finding
from piano_xlsx.plan.model import Exclusion
from piano_xlsx.verify.expected import Expected
from piano_xlsx.workbook.computation import CardResult
from piano_xlsx.workbook.layout import CardLayout
from piano_xlsx.workbook.wording import source_text

EXCLUDED_BAND = "Escluso dal premio"


def exclusions_by_card(expected: Expected) -> dict[str, Exclusion]:
    """Card id -> the exclusion of its evaluatee (the first, if the plan repeats one: check says so).

    Both ways the HR office may write one count: an entry of `exclusions` (with its source), and the
    `excluded` reason of the evaluatee's HR record (`hr`), which the payouts also apply.
    """
    plan = expected.loaded.plan
    by_evaluatee: dict[str, Exclusion] = {}
    for exclusion in plan.exclusions:
        by_evaluatee.setdefault(exclusion.evaluatee, exclusion)
    for record in plan.hr:
        if record.excluded:
            by_evaluatee.setdefault(record.evaluatee, Exclusion(evaluatee=record.evaluatee, reason=record.excluded))
    return {card_id: by_evaluatee[layout.card.card.evaluatee] for card_id, layout in expected.layouts.items()
            if layout.card.card.evaluatee in by_evaluatee}


def excluded_result(layout: CardLayout, result: CardResult) -> CardResult:
    """The card's result with the exclusion applied: no band, no percentage, no bonus."""
    if not layout.card.bands:
        return result
    pays = "percent" in layout.totals
    return dataclasses.replace(result, band=EXCLUDED_BAND, percent=0.0 if pays else None,
                               bonus=0.0 if pays and layout.card.base is not None else None)


def reason_text(exclusion: Exclusion) -> str:
    return exclusion.reason + (f" (fonte: {source_text(exclusion.source)})" if exclusion.source else "")


def apply_exclusions(expected: Expected, statuses: list[st.CardStatus]) -> list[Finding]:
    """Mark the excluded cards, change their outcome and status; one info finding per excluded evaluatee."""
    excluded = exclusions_by_card(expected)
    findings = []
    returned = {s.card.card_id: s.card for s in statuses if s.card is not None}
    for status in statuses:
        exclusion = excluded.get(status.card_id)
        if exclusion is None:
            continue
        if status.status in (st.CLEAN, st.INCOMPLETE):
            status.detail = reason_text(exclusion) + (f"; {status.detail}" if status.detail else "")
            status.status = st.EXCLUDED
        else:
            status.detail += ("; " if status.detail else "") + f"esclusa dal premio: {reason_text(exclusion)}"
    for card_id, exclusion in excluded.items():
        layout = expected.layouts[card_id]
        name = layout.card.evaluatee.name if layout.card.evaluatee else layout.card.card.evaluatee
        source = f" (fonte: {source_text(exclusion.source)})" if exclusion.source else ""
        card = returned.get(card_id)
        if card is not None:
            card.excluded = exclusion
            card.result = excluded_result(layout, card.result)
        findings.append(finding("EVALUATEE_EXCLUDED", file=card.file if card else None,
                                sheet=card.sheet if card else layout.sheet, name=name, reason=exclusion.reason,
                                source=source))
    return findings
