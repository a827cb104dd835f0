"""`check` for the money part of the plan: each payout has its parameters, each fund a group, segments that
neither overlap nor leave gaps, coefficients for the bands they split, rules decided where they matter."""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from typing import Any

from piano_xlsx.findings import Finding, finding
from piano_xlsx.plan.hrcheck import validate_hr
from piano_xlsx.plan.paygroups import covered_cards
from piano_xlsx.plan.payouts import Payout, Segment

MODE_NAMES = {"band_percent": "percentuale per fascia", "proportional": "proporzionale al punteggio",
              "segments": "tratti lineari", "increment": "base più incremento per punto",
              "fund_split": "ripartizione di un fondo", "classification": "solo classificazione"}


def check_payouts(ctx: Any) -> Iterator[Finding]:
    """Every payout: references, parameters, groups; every fund: a group."""
    plan = ctx.plan
    funds = {fund.id for fund in plan.funds}
    bandsets = {bandset.id: bandset for bandset in plan.bands}
    cards = {card.id for card in plan.cards}
    paid_by: dict[str, list[str]] = {}
    used_funds: set[str] = set()
    for index, payout in enumerate(plan.payouts):
        path: tuple[str | int, ...] = ("payouts", index)
        for ci, card_id in enumerate(payout.cards):
            if card_id not in cards:
                yield finding("PLAN_REF_UNKNOWN", ref=card_id, kind="le schede (cards)", **ctx.at(path + ("cards", ci)))
        if payout.bands is not None and payout.bands not in bandsets:
            yield finding("PLAN_REF_UNKNOWN", ref=payout.bands, kind="gli insiemi di fasce (bands)",
                          **ctx.at(path + ("bands",)))
        if payout.fund is not None and payout.fund not in funds:
            yield finding("PLAN_REF_UNKNOWN", ref=payout.fund, kind="i fondi (funds)", **ctx.at(path + ("fund",)))
        group = covered_cards(plan, payout)
        if not group:
            yield finding("PAYOUT_NO_CARDS", payout=payout.id, **ctx.at(path))
        elif payout.fund is not None:
            used_funds.add(payout.fund)
        for card in group:
            paid_by.setdefault(card.id, []).append(payout.id)
        yield from _parameters(ctx, path, payout)
        if payout.mode == "segments" and payout.segments:
            yield from _segments(ctx, path, payout)
        if payout.mode == "fund_split" and payout.coefficients is not None:
            labels: set[str] = set()
            for card in group:
                bandset = bandsets.get(card.bands or plan.default_bands or "")
                labels |= {band.label for band in bandset.bands} if bandset else set()
            unknown = sorted(set(payout.coefficients) - labels)
            lacking = sorted(labels - set(payout.coefficients))
            if unknown:
                yield finding("PAYOUT_COEFFICIENT_BAND", payout=payout.id,
                              detail="le fasce " + ", ".join(f"«{x}»" for x in unknown) + " non esistono",
                              **ctx.at(path + ("coefficients",)))
            if lacking:
                yield finding("PAYOUT_COEFFICIENT_BAND", payout=payout.id,
                              detail="mancano i coefficienti delle fasce " + ", ".join(f"«{x}»" for x in lacking),
                              **ctx.at(path + ("coefficients",)))
        yield from _undecided(ctx, path, payout)
    for card_id, payouts in paid_by.items():
        if len(payouts) > 1:
            yield finding("PAYOUT_CARD_TWICE", card=card_id, payouts=", ".join(payouts), **ctx.at(("payouts",)))
    for index, fund in enumerate(plan.funds):
        if fund.id not in used_funds:
            yield finding("PAYOUT_FUND_NO_GROUP", fund=fund.id, **ctx.at(("funds", index)))
    if not plan.hr:  # the HR data will come with collect --hr, and is checked there
        return
    yield from validate_hr(plan, plan.hr, lambda i, key: ctx.at(
        ("hr",) if i is None else ("hr", i) + ((key,) if key else ())))


def _parameters(ctx: Any, path: tuple[str | int, ...], payout: Payout) -> Iterator[Finding]:
    mode = payout.mode
    needed: list[tuple[str, str]] = []  # (key, Italian name)
    if mode in ("band_percent", "proportional", "segments") and payout.base is None:
        needed.append(("base", "la base (base: salary, budget, fund o fixed)"))
    if payout.base == "fixed" and payout.amount is None:
        needed.append(("amount", "l'importo per posizione (amount)"))
    if (payout.base == "fund" or mode == "fund_split") and payout.fund is None:
        needed.append(("fund", "il fondo (fund)"))
    if mode == "segments" and not payout.segments:
        needed.append(("segments", "i tratti (segments)"))
    if mode == "increment" and payout.increment is None:
        needed.append(("increment", "l'incremento (increment: start, amount, per_point)"))
    if mode == "fund_split" and not payout.coefficients:
        needed.append(("coefficients", "i coefficienti per fascia (coefficients)"))
    if mode in ("band_percent", "fund_split") and payout.bands is None and not payout.cards:
        needed.append(("bands", "l'insieme di fasce (bands)"))
    for key, name in needed:
        yield finding("PAYOUT_PARAMETER_MISSING", payout=payout.id, mode=MODE_NAMES[mode], parameter=name,
                      **ctx.at(path + (key,)))
    for si, segment in enumerate(payout.segments or []):
        if segment.share is None and (segment.share_from is None or segment.share_to is None
                                      or segment.min is None or segment.max is None):
            yield finding("PAYOUT_PARAMETER_MISSING", payout=payout.id, mode=MODE_NAMES[mode],
                          parameter=f"per il tratto {si + 1} la percentuale (share) o gli estremi min/max con "
                                    "share_from e share_to", **ctx.at(path + ("segments", si)))


def _bounds(segment: Segment) -> tuple[Fraction, bool, Fraction, bool]:
    inf = Fraction(10**12)
    low = Fraction(segment.min) if segment.min is not None else -inf
    high = Fraction(segment.max) if segment.max is not None else inf
    return low, segment.min_inclusive or segment.min is None, high, segment.max_inclusive or segment.max is None


def _segments(ctx: Any, path: tuple[str | int, ...], payout: Payout) -> Iterator[Finding]:
    segments = payout.segments or []
    ordered = sorted(range(len(segments)), key=lambda i: _bounds(segments[i])[0])
    for a, b in zip(ordered, ordered[1:], strict=False):
        _, _, high, high_in = _bounds(segments[a])
        low, low_in, _, _ = _bounds(segments[b])
        if high > low or (high == low and high_in and low_in):
            yield finding("PAYOUT_SEGMENTS_OVERLAP", payout=payout.id, first=a + 1, second=b + 1,
                          detail=f" (punteggio {_n(low)})" if high == low else "", **ctx.at(path + ("segments", b)))
        elif high < low or (high == low and not high_in and not low_in):
            yield finding("PAYOUT_SEGMENTS_GAP", payout=payout.id,
                          detail=f"tra {_n(high)} e {_n(low)}" if high < low else f"pari a {_n(low)}",
                          **ctx.at(path + ("segments", b)))


def _n(value: Fraction) -> str:
    return f"{float(value):.9g}".replace(".", ",")


def _undecided(ctx: Any, path: tuple[str | int, ...], payout: Payout) -> Iterator[Finding]:
    plan = ctx.plan
    group = {card.evaluatee for card in covered_cards(plan, payout)}
    uses_days = any(r.evaluatee in group and (r.days is not None or r.start or r.end) for r in plan.hr)
    if uses_days and payout.day_count is None:
        yield finding("PAYOUT_RULE_UNDECIDED", payout=payout.id, rule="il calcolo dei giorni (day_count)",
                      default="365 giorni", **ctx.at(path + ("day_count",)))
    diff = payout.differentiated
    if diff is None:
        return
    if diff.tie is None:
        yield finding("PAYOUT_RULE_UNDECIDED", payout=payout.id, rule="la regola dei pari merito (tie)",
                      default="nessuno dei pari merito sul limite della quota",
                      **ctx.at(path + ("differentiated", "tie")))
    if diff.funding is None:
        yield finding("PAYOUT_RULE_UNDECIDED", payout=payout.id, rule="come si finanzia la maggiorazione (funding)",
                      default="la maggiorazione in aggiunta agli importi",
                      **ctx.at(path + ("differentiated", "funding")))
    if diff.increase_percent < 30:
        yield finding("PAYOUT_INCREASE_BELOW_MINIMUM", payout=payout.id, value=_n(Fraction(diff.increase_percent)),
                      **ctx.at(path + ("differentiated", "increase_percent")))
