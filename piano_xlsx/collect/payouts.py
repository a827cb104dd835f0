"""The payouts over the cards that came back: every person's amount, the funds, the convention shares.

Computed after consolidation, from the cards in plan order, so the amounts do
not depend on the order the files were read in or on how many workers read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from piano_xlsx.collect import status as st
from piano_xlsx.collect.consolidate import Consolidated
from piano_xlsx.collect.exclusions import exclusions_by_card
from piano_xlsx.collect.inspect import CardReturn
from piano_xlsx.findings import Finding, finding
from piano_xlsx.money.compute import CardState, Payment, PayoutResult, Person, compute_payout
from piano_xlsx.money.numbers import euro, from_float
from piano_xlsx.plan.hrcheck import validate_hr
from piano_xlsx.plan.paygroups import covered_cards
from piano_xlsx.plan.payouts import HrRecord
from piano_xlsx.verify.expected import Expected


@dataclass
class Premi:
    results: list[PayoutResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    hr_source: str = ""  # where the HR data came from, for the report

    def payments(self) -> list[Payment]:
        return [pay for result in self.results for pay in result.payments]

    def due_by_card(self) -> dict[str, CardDue]:
        """Card id -> what its evaluatee is due over every payout that covers the card (cards none covers are
        absent): the one sum the cards table, the JSON and the web app all show."""
        out: dict[str, CardDue] = {}
        for pay in self.payments():
            due = out.get(pay.person.card_id, CardDue(None, False))
            total = due.amount if pay.amount is None else (due.amount or Decimal(0)) + pay.amount
            out[pay.person.card_id] = CardDue(total, due.provisional or pay.provisional)
        return out


@dataclass(frozen=True)
class CardDue:
    amount: Decimal | None  # None while no payout has an amount for the card
    provisional: bool  # some of those amounts may still change (cards of the group not all in)


def compute_premi(expected: Expected, consolidated: Consolidated, hr: list[HrRecord] | None = None,
                  hr_source: str = "") -> Premi:
    """Every payout of the plan over the returned cards; `hr` replaces the plan's own HR data when given."""
    plan = expected.loaded.plan
    records = plan.hr if hr is None else hr
    premi = Premi(hr_source=hr_source or ("piano (chiave hr)" if plan.hr else ""))
    if not plan.payouts:
        return premi
    if hr is not None:  # the plan's own records were checked by `check`; a file is checked here
        premi.findings += validate_hr(plan, records, lambda i, key: {"file": hr_source or None})
    by_person = {r.evaluatee: r for r in records}
    for card_id, exclusion in exclusions_by_card(expected).items():  # `exclusions` exclude from the money too
        person_id = expected.layouts[card_id].card.card.evaluatee
        record = by_person.get(person_id)
        if record is None or not record.excluded:
            by_person[person_id] = (record.model_copy(update={"excluded": exclusion.reason}) if record
                                    else HrRecord(evaluatee=person_id, excluded=exclusion.reason))
    returned = {card.card_id: card for card in consolidated.cards}
    statuses = {entry.card_id: entry for entry in consolidated.statuses}
    funds = {fund.id: fund for fund in plan.funds}
    for payout in plan.payouts:
        persons = []
        for order, card in enumerate(covered_cards(plan, payout)):
            layout = expected.layouts.get(card.id)
            if layout is None:
                continue
            back = returned.get(card.id)
            state = _state(statuses.get(card.id), back)
            result = back.result if back else None
            score = None
            if result is not None:
                score = from_float(result.rounded if result.rounded is not None else result.total)
            evaluatee = layout.card.evaluatee
            record = by_person.get(card.evaluatee)
            plan_base = Decimal(repr(evaluatee.base)) if evaluatee and evaluatee.base is not None else None
            persons.append(Person(
                card_id=card.id, evaluatee=card.evaluatee, name=evaluatee.name if evaluatee else card.evaluatee,
                order=order, state=state, score=score, maximum=from_float(layout.card.maximum),
                band=(result.band or None) if result else None,
                band_percent=from_float(result.percent) if result and result.percent is not None else None,
                base=record.base if record and record.base is not None else plan_base, hr=record))
        outcome = compute_payout(payout, persons, funds.get(payout.fund or ""), plan.plan.year)
        premi.results.append(outcome)
        premi.findings += _findings(outcome)
    return premi


def _state(entry: st.CardStatus | None, back: CardReturn | None) -> CardState:
    """collect's one status per card, as the money cares about it: clean, to check, incomplete, or not in."""
    if back is None or entry is None:
        return "missing"
    if entry.status in (st.CLEAN, st.DUPLICATE, st.EXCLUDED):  # excluded: see the HR record made above
        return "clean" if back.result.complete else "incomplete"
    if entry.status == st.INCOMPLETE or not back.result.complete:
        return "incomplete"
    return "to_check"


def _findings(outcome: PayoutResult) -> list[Finding]:
    payout = outcome.payout
    out = []
    if outcome.provisional:
        out.append(finding("PAYOUT_PROVISIONAL", payout=payout.id, cards=", ".join(outcome.pending)))
    scored = [p.person for p in outcome.payments if p.person.scored]
    for cap in payout.caps:
        count = sum(1 for person in scored if person.band == cap.band)
        limits = []
        if cap.max_count is not None:
            limits.append(cap.max_count)
        if cap.max_percent is not None and scored:
            limits.append(int(Fraction(cap.max_percent) / 100 * len(scored)))
        if limits and count > min(limits):
            out.append(finding("PAYOUT_CAP_EXCEEDED", payout=payout.id, band=cap.band, count=count, limit=min(limits)))
    if outcome.fund is not None and outcome.fund.leftover:
        out.append(finding("PAYOUT_FUND_LEFTOVER", fund=outcome.fund.fund.title, amount=euro(outcome.fund.leftover),
                           rule=outcome.fund.rule))
    return out
