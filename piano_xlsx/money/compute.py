"""One payout over its group: every person's amount, to the cent, with its steps in Italian.

Deterministic: persons are taken in plan order and every tie is broken by a
stated rule, so the result never depends on the order files were read in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Literal

from piano_xlsx.money import modes, population, prorata
from piano_xlsx.money.numbers import euro, exact, number, percent
from piano_xlsx.money.rounding import round_money, split
from piano_xlsx.money.terms import Term, formula, product
from piano_xlsx.plan.payouts import Fund, HrRecord, Payout

CardState = Literal["clean", "to_check", "incomplete", "missing"]
BASE_LABELS = {"salary": "monte salari", "budget": "budget individuale", "fixed": "importo per posizione"}
ROUNDING_WORDS = {"half_up": "al più vicino", "down": "per difetto", "half_even": "al pari più vicino"}


@dataclass(frozen=True)
class Person:
    """One card of the group as collect read it, with the HR office's data about its evaluatee."""

    card_id: str
    evaluatee: str
    name: str
    order: int
    state: CardState
    score: Fraction | None  # the total the band is looked up on
    maximum: Fraction
    band: str | None
    band_percent: Fraction | None
    base: Decimal | None  # from the HR data, else the plan's evaluatee base
    hr: HrRecord | None = None

    @property
    def scored(self) -> bool:
        return self.state in ("clean", "to_check") and self.score is not None


@dataclass
class Part:
    comune: str
    share: Fraction
    amount: Decimal
    formula: str


@dataclass
class Payment:
    person: Person
    amount: Decimal | None = None
    exact: Fraction | None = None  # the amount before rounding
    base: Term | None = None
    score_terms: list[Term] = field(default_factory=list)
    factors: list[Term] = field(default_factory=list)
    weight: Fraction | None = None  # fund splits
    gross: Fraction | None = None  # before the differentiated bonus
    bonus: Fraction = Fraction(0)
    rounding: Fraction = Fraction(0)  # amount − exact
    parts: list[Part] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)
    provisional: bool = False
    reason: str | None = None  # why there is no amount
    excluded: str | None = None

    @property
    def coefficient_or_percent(self) -> str:
        return "; ".join(t.text for t in self.score_terms)


@dataclass
class FundOutcome:
    fund: Fund
    paid: Decimal
    leftover: Decimal
    rule: str


@dataclass
class PayoutResult:
    payout: Payout
    payments: list[Payment]
    fund: FundOutcome | None = None
    provisional: bool = False
    pending: list[str] = field(default_factory=list)  # cards not in or not clean, for group-dependent amounts
    notes: list[str] = field(default_factory=list)

    @property
    def group_dependent(self) -> bool:
        return self.payout.mode == "fund_split" or self.payout.differentiated is not None or \
            self.payout.base == "fund"


def compute_payout(payout: Payout, persons: list[Person], fund: Fund | None, year: int | None) -> PayoutResult:
    """Every person's amount under `payout`; `fund` where the payout splits or draws on one."""
    payments = [Payment(person=p) for p in persons]
    result = PayoutResult(payout, payments)
    result.pending = [p.card_id for p in persons if p.state != "clean"]
    result.provisional = result.group_dependent and bool(result.pending)
    counted = [pay for pay in payments if _prepare(payout, pay, year, fund, len(persons))]
    if payout.mode == "classification":
        return result
    if payout.mode == "fund_split":
        _split_fund(payout, counted, fund, result)
    else:
        _individual(payout, counted, result)
    for pay in payments:
        pay.provisional = result.provisional if result.group_dependent else pay.person.state == "to_check"
        if pay.provisional and result.pending and result.group_dependent:
            pay.steps.append("Provvisorio: mancano o sono da verificare le schede " + ", ".join(result.pending) + ".")
    return result


def _prepare(payout: Payout, pay: Payment, year: int | None, fund: Fund | None, group: int) -> bool:
    """Set the terms of one payment; False where it gets no amount to compute."""
    person = pay.person
    if person.hr is not None and person.hr.excluded:
        pay.excluded, pay.amount, pay.exact = person.hr.excluded, Decimal("0.00"), Fraction(0)
        pay.steps.append(f"Escluso dal premio: {person.hr.excluded}.")
        return False
    if not person.scored:
        pay.reason = "scheda non restituita" if person.state == "missing" else "scheda incompleta"
        return False
    if payout.mode == "classification":
        pay.reason = "solo classificazione"
        return False
    pay.factors = prorata.factors(person.hr, payout.day_count, year)
    assert person.score is not None
    if payout.mode == "fund_split":
        coefficient = exact((payout.coefficients or {}).get(person.band or "", Decimal(0)))
        pay.score_terms = [Term(coefficient, number(coefficient), f"coefficiente della fascia «{person.band}»")]
        if payout.by_score:
            pay.score_terms.append(Term(person.score, number(person.score), "punteggio"))
        pay.weight = product(pay.score_terms + pay.factors)
        return True
    pay.base = _base(payout, person, fund, group)
    if pay.base is None:
        pay.reason = "base mancante nei dati del personale"
        return False
    pay.score_terms = modes.score_terms(payout, person.score, person.maximum, person.band,
                                        person.band_percent) or []
    return True


def _base(payout: Payout, person: Person, fund: Fund | None, group: int) -> Term | None:
    if payout.mode == "increment":
        return Term(Fraction(1), "", "")  # the increment is money already
    if payout.base == "fixed" and payout.amount is not None:
        return Term(exact(payout.amount), euro(payout.amount), BASE_LABELS["fixed"])
    if payout.base == "fund" and fund is not None:
        return Term(exact(fund.amount) / group, f"{euro(fund.amount)} ÷ {group}", f"quota pro capite di «{fund.title}»")
    if person.base is None:
        return None
    return Term(exact(person.base), euro(person.base), BASE_LABELS.get(payout.base or "salary", "base"))


def _chain(pay: Payment) -> list[Term]:
    terms = [] if pay.base is None or pay.base.text == "" else [pay.base]
    return terms + pay.score_terms + pay.factors


def _individual(payout: Payout, counted: list[Payment], result: PayoutResult) -> None:
    rounding = payout.rounding
    for pay in counted:
        pay.gross = product(_chain(pay))
    extra: dict[int, list[str]] = {}
    if payout.differentiated is not None:
        extra = _differentiate(payout, counted, [p.gross or Fraction(0) for p in counted], None, result)
    for index, pay in enumerate(counted):
        pay.steps.extend(extra.get(index, []))
        pay.exact = (pay.gross or Fraction(0)) + pay.bonus
        terms = _chain(pay)
        conventions = prorata.convention_terms(pay.person.hr)
        if conventions:
            for term in conventions:
                value = round_money(pay.exact * term.value, rounding.step, rounding.mode)
                shown = formula(terms + [term], euro(value)) if not pay.bonus else \
                    f"{euro(pay.exact)} × {term.text} = {euro(value)}"
                pay.parts.append(Part(term.label.removeprefix("quota "), term.value, value, shown))
            pay.amount = sum((p.amount for p in pay.parts), Decimal("0.00"))
        else:
            pay.amount = round_money(pay.exact, rounding.step, rounding.mode)
        pay.rounding = exact(pay.amount) - pay.exact * (sum((t.value for t in conventions), Fraction(0))
                                                         if conventions else 1)
        if not pay.bonus and not conventions:
            pay.steps.insert(0, formula(terms, euro(pay.amount)))
        elif not conventions:
            pay.steps.insert(0, formula(terms, euro(product(terms))))
        for part in pay.parts:
            pay.steps.append(f"{part.comune}: {part.formula}")
        if pay.rounding:
            pay.steps.append(f"Arrotondamento {ROUNDING_WORDS[rounding.mode]} a {euro(rounding.step)}: "
                             f"{euro(pay.amount)}.")


def _split_fund(payout: Payout, counted: list[Payment], fund: Fund | None, result: PayoutResult) -> None:
    if fund is None:
        return
    rounding = payout.rounding
    total = exact(fund.amount)
    weights = [p.weight or Fraction(0) for p in counted]
    weight_sum = sum(weights, Fraction(0))
    shares = [total * w / weight_sum if weight_sum else Fraction(0) for w in weights]
    for pay, share in zip(counted, shares, strict=True):
        pay.gross = share
        weight_terms = " × ".join(t.text for t in pay.score_terms + pay.factors)
        pay.steps.append(f"{euro(fund.amount)} × {number(pay.weight or 0)} ÷ {number(weight_sum)} = {euro(share)} "
                         f"(peso {weight_terms} sulla somma dei pesi del gruppo)")
    if payout.differentiated is not None:
        for index, lines in _differentiate(payout, counted, shares, total, result).items():
            counted[index].steps.extend(lines)
    exact_amounts = [(p.gross or Fraction(0)) + p.bonus for p in counted]
    rank = sorted(range(len(counted)), key=lambda i: (
        -(counted[i].person.score or 0) if rounding.order == "score" else 0, counted[i].person.order))
    order = [rank.index(i) for i in range(len(counted))]
    amounts, bumped, leftover = split(total, exact_amounts, rounding.step,
                                      assign=rounding.leftover == "largest_remainder", order=order)
    for pay, amount, extra, share in zip(counted, amounts, bumped, exact_amounts, strict=True):
        pay.exact, pay.amount, pay.rounding = share, amount, exact(amount) - share
        floor = amount - (rounding.step if extra else 0)
        pay.steps.append(f"Arrotondamento per difetto a {euro(rounding.step)}: {euro(floor)}"
                         + (f"; + {euro(rounding.step)} dal resto della ripartizione (resto più alto) = {euro(amount)}"
                            if extra else "") + ".")
        _split_parts(pay, rounding.step)
    paid = sum(amounts, Decimal("0.00"))
    rule = ("resti assegnati uno per quota, dal resto più alto" + (" e, a parità, dal punteggio più alto"
            if rounding.order == "score" else " e, a parità, nell'ordine del piano")
            if rounding.leftover == "largest_remainder" else "resto non assegnato: rimane nel fondo")
    result.fund = FundOutcome(fund, paid, (fund.amount - paid).quantize(rounding.step), rule)


def _split_parts(pay: Payment, step: Decimal) -> None:
    conventions = prorata.convention_terms(pay.person.hr)
    if not conventions or pay.amount is None:
        return
    amounts, _, _ = split(exact(pay.amount), [t.value for t in conventions], step)
    for term, amount in zip(conventions, amounts, strict=True):
        pay.parts.append(Part(term.label.removeprefix("quota "), term.value, amount,
                              f"{euro(pay.amount)} × {term.text} = {euro(amount)}"))
        pay.steps.append(f"{term.label.removeprefix('quota ')}: {euro(pay.amount)} × {term.text} = {euro(amount)}")


def _differentiate(payout: Payout, counted: list[Payment], base: list[Fraction], fund: Fraction | None,
                   result: PayoutResult) -> dict[int, list[str]]:
    """Apply the differentiated bonus; the Italian lines it adds to each payment, by index in `counted`."""
    differentiated = payout.differentiated
    assert differentiated is not None
    candidates = [population.Candidate(i, pay.person.score or Fraction(0),
                                       pay.person.hr.priority if pay.person.hr else None)
                  for i, pay in enumerate(counted) if base[i] > 0]
    top, how = population.select_top(differentiated, candidates)
    before, bonus, average, increase = population.bonus_amounts(differentiated, base, top, fund)
    lines: dict[int, list[str]] = {}
    for i, pay in enumerate(counted):
        pay.gross, pay.bonus = before[i], bonus[i]
        out = lines.setdefault(i, [])
        if before[i] != base[i]:
            why = ("dopo il prelievo delle maggiorazioni dal fondo" if differentiated.funding == "set_aside"
                   else "per finanziare le maggiorazioni")
            out.append(f"Quota {why}: {euro(base[i])} → {euro(before[i])}.")
        if bonus[i]:
            out.append(f"Maggiorazione del premio individuale: {percent(differentiated.increase_percent)} × "
                       f"{euro(average)} (premio medio pro capite) = {euro(increase)}; "
                       f"{euro(before[i])} + {euro(increase)} = {euro(before[i] + increase)}.")
    nominal = Fraction(differentiated.increase_percent) / 100 * average
    reduced = (f" (ridotta dal {percent(differentiated.increase_percent)} del premio medio, {euro(nominal)}: "
               "gli altri premi non bastano a finanziarla)") if increase < nominal else ""
    result.notes.append(f"Premio differenziato: {len(top)} persone ({how}); premio medio {euro(average)}, "
                        f"maggiorazione {euro(increase)}{reduced}"
                        + ("; prelevata dal fondo prima della ripartizione" if differentiated.funding == "set_aside"
                           and fund is not None else "; a carico degli altri premi"
                           if differentiated.funding == "others" else "") + ".")
    return lines
