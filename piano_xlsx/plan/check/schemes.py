"""Checks of how a scheme scores: input kinds of scales, achievement rules, bands that only classify.

- A scale of kind `percent`, `points` or `achieved` has no `values`; keys that
  do not apply to a kind are reported as ignored.
- A thresholds rule needs both thresholds in order and says what happens
  between them (`between`); a steps rule covers the range of every scale it is
  used with, without overlaps. A gap only some unadmitted score falls into
  (47.5 % on a scale without decimals) is a warning; one an admitted score can
  reach is an error, as for bands.
- A percentage scored without a rule is undecided (warning, once per section):
  proportional applies, but real schemes almost always state thresholds.
- Rules only apply to list and percentage scores: points are the points, and
  achieved / not achieved gives all or nothing.
- A band set either pays a percentage in every band or in none (classification
  only); with an author-chosen outcome for totals outside every band, gaps a
  card can reach are warnings (BAND_OUTSIDE) instead of errors.

One family of checks, the scoring schemes, read best whole.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import piano_xlsx.plan.scoring as scoring
from piano_xlsx.findings import Finding, Severity, finding
from piano_xlsx.plan.loader import KeyPath
from piano_xlsx.plan.model import Plan, Rule, Scale, Step

if TYPE_CHECKING:
    from piano_xlsx.plan.check.context import Context


def _n(value: float) -> str:
    return f"{value:.9g}".replace(".", ",")


def _ids(elements: list[Any]) -> set[str]:
    return {e.id for e in elements}


# --------------------------------------------------------------------------- references


def check_scheme_references(ctx: Context) -> Iterator[Finding]:
    """Scales and rules named by cards, sections and items; units named by shared objectives (PLAN_REF_UNKNOWN)."""
    plan = ctx.plan
    kinds = {"scale": (_ids(plan.scales), "le scale (scales)"), "rule": (_ids(plan.rules), "le regole (rules)")}
    for ci, card in enumerate(plan.cards):
        base: KeyPath = ("cards", ci)
        places: list[tuple[str, str | None, KeyPath]] = [("rule", card.rule, base + ("rule",))]
        for si, section in enumerate(card.sections):
            spath = base + ("sections", si)
            places += [("scale", section.scale, spath + ("scale",)), ("rule", section.rule, spath + ("rule",))]
            for ii, item in enumerate(section.items):
                ipath = spath + ("items", ii)
                places += [("scale", item.scale, ipath + ("scale",)), ("rule", item.rule, ipath + ("rule",))]
        for kind, ref, path in places:
            known, label = kinds[kind]
            if ref is not None and ref not in known:
                yield finding("PLAN_REF_UNKNOWN", **ctx.at(path), ref=ref, kind=label)
    sectors = _ids(plan.sectors)
    for k, objective in enumerate(plan.shared_objectives):
        if objective.sector is not None and objective.sector not in sectors:
            yield finding("PLAN_REF_UNKNOWN", **ctx.at(("shared_objectives", k, "sector")), ref=objective.sector,
                          kind="i settori (sectors)")


# --------------------------------------------------------------------------- scales of every kind


def check_scales_of_kind(ctx: Context) -> Iterator[Finding]:
    """Keys a scale's kind does not use, and percentage ranges that are empty or negative (SCALE_INVALID)."""
    for index, scale in enumerate(ctx.plan.scales):
        path: KeyPath = ("scales", index)
        if scale.kind != "list" and scale.values is not None:
            yield finding("SCALE_INVALID", **ctx.at(path + ("values",)), scale=scale.id,
                          detail="i valori (values) si indicano solo per le scale a elenco (kind: list).")
        ignored = [key for key, used in (("min", scale.kind == "percent"), ("max", scale.kind == "percent"),
                                         ("decimals", scale.kind in ("percent", "points")))
                   if not used and key in scale.model_fields_set]
        if ignored:
            yield finding("SCALE_INVALID", **ctx.at(path + (ignored[0],)), scale=scale.id, severity=Severity.WARNING,
                          detail=f"{', '.join(ignored)} non si applica a questo tipo di scala ed è ignorato.")
        if scale.kind == "percent":
            if scale.minimum < 0:
                yield finding("SCALE_INVALID", **ctx.at(path + ("min",)), scale=scale.id,
                              detail="la percentuale minima non può essere negativa.")
            if scale.maximum <= scale.minimum:
                yield finding("SCALE_INVALID", **ctx.at(path + ("max",)), scale=scale.id,
                              detail=f"la percentuale massima ({_n(scale.maximum)}) non supera la minima "
                                     f"({_n(scale.minimum)}).")


# --------------------------------------------------------------------------- rules themselves

_KEYS_OF = {"proportional": set(), "thresholds": {"zero_below", "full_from", "between"}, "steps": {"steps"}}


def check_rules(ctx: Context) -> Iterator[Finding]:
    """Rules missing what their kind needs, thresholds out of order, overlapping steps, rules nobody uses."""
    used = _used_rules(ctx.plan)
    for r, rule in enumerate(ctx.plan.rules):
        path: KeyPath = ("rules", r)
        extra = sorted(set().union(*_KEYS_OF.values()) - _KEYS_OF[rule.kind] & rule.model_fields_set)
        if extra:
            yield finding("RULE_INVALID", **ctx.at(path + (extra[0],)), rule=rule.id, severity=Severity.WARNING,
                          detail=f"{', '.join(extra)} non si applica a una regola «{rule.kind}» ed è ignorato")
        if rule.kind == "thresholds":
            yield from _thresholds(ctx, path, rule)
        elif rule.kind == "steps":
            yield from _steps(ctx, path, rule)
        if rule.id not in used:
            yield finding("RULE_UNUSED", **ctx.at(path + ("id",)), rule=rule.id)


def _used_rules(plan: Plan) -> set[str]:
    names = [card.rule for card in plan.cards] + [t.rule for t in plan.templates]
    for sections in [c.sections for c in plan.cards] + [t.sections for t in plan.templates]:
        for section in sections:
            names += [section.rule] + [item.rule for item in section.items]
    return {name for name in names if name}


def _thresholds(ctx: Context, path: KeyPath, rule: Rule) -> Iterator[Finding]:
    missing = [key for key in ("zero_below", "full_from") if getattr(rule, key) is None]
    if missing:
        yield finding("RULE_INVALID", **ctx.at(path + (missing[0],)), rule=rule.id,
                      detail=f"una regola a soglie indica entrambe le soglie: manca {', '.join(missing)}")
    elif rule.zero_below is not None and rule.full_from is not None and rule.zero_below > rule.full_from:
        yield finding("RULE_THRESHOLDS_ORDER", **ctx.at(path + ("full_from",)), rule=rule.id,
                      low=_n(rule.zero_below), high=_n(rule.full_from))
    if rule.between is None:
        yield finding("RULE_UNDECIDED", **ctx.at(path + ("between",)), place=f"la regola «{rule.id}»",
                      detail="non dice come si assegnano i punti tra le due soglie (between: proportional o linear); "
                             "si applica la proporzione alla valutazione")


def _steps(ctx: Context, path: KeyPath, rule: Rule) -> Iterator[Finding]:
    steps = rule.steps or []
    if not steps:
        yield finding("RULE_INVALID", **ctx.at(path + ("steps",)), rule=rule.id,
                      detail="una regola a gradini elenca almeno un gradino (steps)")
        return
    for j, step in enumerate(steps):
        if not 0 <= step.share <= 100:
            yield finding("RULE_INVALID", **ctx.at(path + ("steps", j, "share")), rule=rule.id,
                          detail=f"la quota dei punti di un gradino va da 0 a 100, non {_n(step.share)}")
        if _empty(_interval(step)):
            yield finding("RULE_INVALID", **ctx.at(path + ("steps", j, "max")), rule=rule.id,
                          detail="il gradino è vuoto: il suo estremo inferiore supera quello superiore")
    for j, step in enumerate(steps):
        for i in range(j):
            common = _intersection(_interval(steps[i]), _interval(step))
            if not _empty(common):
                yield finding("RULE_STEPS_OVERLAP", **ctx.at(path + ("steps", j)), rule=rule.id, a=i + 1, b=j + 1,
                              detail=_describe(common, ""))


# --------------------------------------------------------------------------- rules where items use them


def check_rules_where_used(ctx: Context) -> Iterator[Finding]:
    """Rules on scores they cannot apply to, percentages without a rule, thresholds and steps against each scale."""
    rules = {rule.id: r for r, rule in enumerate(ctx.plan.rules)}
    pairs: dict[tuple[str, str], tuple[Rule, Scale]] = {}
    for ci, (card, resolved) in enumerate(zip(ctx.plan.cards, ctx.cards, strict=True)):
        for si, (section, rsection) in enumerate(zip(card.sections, resolved.sections, strict=True)):
            undecided = False
            for ii, (item, ritem) in enumerate(zip(section.items, rsection.items, strict=True)):
                ipath: KeyPath = ("cards", ci, "sections", si, "items", ii)
                set_at = ipath + ("rule",) if item.rule else (("cards", ci, "sections", si, "rule") if section.rule
                                                              else ("cards", ci, "rule"))
                rule, scale = ritem.rule, ritem.scale
                if item.gate:
                    if item.rule:
                        yield finding("RULE_NOT_APPLICABLE", **ctx.at(set_at), rule=item.rule,
                                      detail="una condizione vincolante (gate) non porta punti")
                    continue
                if item.rule and rule is not None and rule.kind != "proportional" and \
                        scale.kind in ("points", "achieved"):
                    what = "i punti inseriti sono già i punti" if scale.kind == "points" else \
                        "raggiunto / non raggiunto dà tutti i punti o nessuno"
                    yield finding("RULE_NOT_APPLICABLE", **ctx.at(set_at), rule=rule.id,
                                  detail=f"l'obiettivo {ctx.item_label(ci, si, ii)} si valuta con la scala "
                                         f"«{scale.id}»: {what}")
                elif rule is not None and rule.kind != "proportional":
                    pairs.setdefault((rule.id, scale.id), (rule, scale))
                if scale.kind == "percent" and rule is None:
                    undecided = True
            if undecided:
                yield finding("RULE_UNDECIDED", **ctx.at(("cards", ci, "sections", si, "rule")),
                              place=f"la sezione «{section.title}» della scheda «{card.title}»",
                              detail="valuta percentuali di raggiungimento senza una regola (rule): si applica la "
                                     "proporzione (85% dà l'85% dei punti)")
    for (rule_id, _), (rule, scale) in pairs.items():
        yield from _rule_on_scale(ctx, ("rules", rules[rule_id]), rule, scale)


def _rule_on_scale(ctx: Context, path: KeyPath, rule: Rule, scale: Scale) -> Iterator[Finding]:
    low, high = float(scale.minimum), float(scale.maximum)
    unit = "%" if scale.kind == "percent" else ""
    if rule.kind == "thresholds":
        for key in ("zero_below", "full_from"):
            value = getattr(rule, key)
            if value is not None and not low <= value <= high:
                yield finding("RULE_INVALID", **ctx.at(path + (key,)), rule=rule.id, severity=Severity.WARNING,
                              detail=f"la soglia {_n(value)}{unit} è fuori dalla scala «{scale.id}» "
                                     f"({_n(low)}{unit}–{_n(high)}{unit})")
        return
    scores = scoring.admitted_scores(scale, high)
    for gap in _gaps(rule.steps or [], (low, True, high, True)):
        hit = None if scores is None else next((x for x in scores if _contains(gap, x)), None)
        reachable = scores is None or hit is not None
        detail = f"resta scoperto {_describe(gap, unit)} della scala «{scale.id}»"
        if hit is not None:
            detail += f", dove cade la valutazione ammessa {_n(hit)}{unit}"
        yield finding("RULE_STEPS_GAP", **ctx.at(path + ("steps",)), rule=rule.id, detail=detail,
                      severity=None if reachable else Severity.WARNING)


# --------------------------------------------------------------------------- intervals of steps

Interval = tuple[float, bool, float, bool]  # low, low included, high, high included


def _interval(step: Step) -> Interval:
    return (-math.inf if step.min is None else float(step.min), step.min is None or step.min_inclusive,
            math.inf if step.max is None else float(step.max), step.max is None or step.max_inclusive)


def _empty(iv: Interval) -> bool:
    lo, lo_in, hi, hi_in = iv
    return lo > hi or (lo == hi and not (lo_in and hi_in))


def _contains(iv: Interval, x: float) -> bool:
    lo, lo_in, hi, hi_in = iv
    return (lo < x or (lo_in and x == lo)) and (x < hi or (hi_in and x == hi))


def _intersection(a: Interval, b: Interval) -> Interval:
    lo, lo_in = max((a[0], not a[1]), (b[0], not b[1]))
    hi, hi_in = min((a[2], a[3]), (b[2], b[3]))
    return lo, not lo_in, hi, hi_in


def _gaps(steps: list[Step], within: Interval) -> list[Interval]:
    """The parts of `within` that no step covers, in order."""
    gaps = []
    start, start_in = within[0], within[1]
    for lo, lo_in, hi, hi_in in sorted((_interval(s) for s in steps), key=lambda iv: (iv[0], not iv[1])):
        gap = (start, start_in, lo, not lo_in)
        if not _empty(_intersection(gap, within)):
            gaps.append(_intersection(gap, within))
        if (hi, hi_in) > (start, not start_in):  # the next uncovered part starts after this step
            start, start_in = hi, not hi_in
    tail = _intersection((start, start_in, within[2], within[3]), within)
    if not _empty(tail):
        gaps.append(tail)
    return gaps


def _describe(iv: Interval, unit: str) -> str:
    lo, lo_in, hi, hi_in = iv
    a, b = _n(lo) + unit, _n(hi) + unit
    if lo == hi:
        return f"il solo valore {a}"
    return {(False, False): f"tra {a} e {b} esclusi", (True, True): f"da {a} a {b} inclusi",
            (False, True): f"oltre {a} fino a {b}", (True, False): f"da {a} fino a meno di {b}"}[(lo_in, hi_in)]


# --------------------------------------------------------------------------- bands


def check_band_percents(ctx: Context) -> Iterator[Finding]:
    """A band set pays a percentage in every band, or in none (BAND_PERCENT_MIXED)."""
    for k, bandset in enumerate(ctx.plan.bands):
        paying = [band.percent is not None for band in bandset.bands]
        if any(paying) and not all(paying):
            j = paying.index(False)
            yield finding("BAND_PERCENT_MIXED", **ctx.at(("bands", k, "bands", j)), bandset=bandset.id,
                          detail=f"la fascia «{bandset.bands[j].label}» non indica la percentuale")
        outside = bandset.outside
        if outside is not None and all(paying) and outside.percent is None:
            yield finding("BAND_PERCENT_MIXED", **ctx.at(("bands", k, "outside")), bandset=bandset.id,
                          detail="l'esito fuori fascia non indica la percentuale")
        if outside is not None and not any(paying) and outside.percent is not None:
            yield finding("BAND_PERCENT_MIXED", **ctx.at(("bands", k, "outside", "percent")), bandset=bandset.id,
                          detail="l'esito fuori fascia paga una percentuale ma le fasce classificano soltanto")


def outside_outcomes(plan: Plan, findings: list[Finding]) -> list[Finding]:
    """Totals no band holds, where the author chose an outcome for them: a warning that says which, not an error."""
    out = []
    for f in findings:
        k = _bandset_index(f.where)
        outside = plan.bands[k].outside if k is not None and k < len(plan.bands) else None
        if outside is not None and f.code in ("BAND_GAP_REACHABLE", "BAND_RANGE") and f.severity == Severity.ERROR:
            f = finding("BAND_OUTSIDE", where=f.where, line=f.line, detail=f.message.rstrip("."),
                        label=outside.label)
        out.append(f)
    return out


def _bandset_index(where: str | None) -> int | None:
    if not where or not where.startswith("bands["):
        return None
    number = where[len("bands["):].split("]", 1)[0]
    return int(number) if number.isdigit() else None
