"""`check`: every inconsistency of the plan itself, as findings with key path and line.

One small function per concern; each yields findings whose `where` is the plan
key path of the exact key at fault (the changed weight, the repeated number,
the overlapping band, the unknown level) and whose `line` is that key's line in
the YAML file (or the line of its nearest ancestor when the key is absent).

Decisions taken where the plan format leaves room:

- **Numbering** is checked per card, across its sections in order. A section
  whose first numbered item is 1 starts a new numbering (e.g. the Segretario's
  "risultati" and "comportamento" sections, or individual objectives after the
  organisational ones); otherwise it continues the previous section's
  numbering (annual objectives 1–4, multi-year 5–7). Items without a number are
  ignored. An item that takes its number from a shared objective counts for
  gaps but never as a duplicate: shared objectives have their own numbering.
- **Content** (indicators, target, deadline) is checked on gates too, since a
  gate is a condition someone must verify, but not on behaviour items
  (`kind: behaviour`). A shared objective is checked once, at its definition;
  an item that overrides a field is checked at the item.
- **Reachable totals** assume every item is scored: a neutralised item's weight
  is redistributed, so the card's range does not change (kept simple on
  purpose). Gates carry no points.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal
from typing import Any

from piano_xlsx.findings import Finding, Severity, finding, sort_findings
from piano_xlsx.plan import scoring
from piano_xlsx.plan.check import schemes, staff
from piano_xlsx.plan.check.expand import expand
from piano_xlsx.plan.loader import KeyPath, LoadedPlan, format_path
from piano_xlsx.plan.model import (
    Band,
    BandSet,
    Card,
    Item,
    Plan,
    Rounding,
    Section,
    SharedObjective,
)
from piano_xlsx.plan.resolve import (
    RESERVED_SHEETS,
    ResolvedCard,
    item_weight,
    resolve_card,
    sheet_name,
)

TOLERANCE = 1e-9
DIGITS = 9  # reachable totals are rounded to this many decimals before comparison
MAX_REACHABLE = 200_000  # beyond this many distinct totals, every real total counts as reachable


def check_plan(loaded: LoadedPlan) -> list[Finding]:
    """All findings about the plan, in a stable order.

    Args:
        loaded: the plan as loaded, with the line of every key path.

    Returns:
        The findings, sorted by `sort_findings` (errors first).
    """
    expanded = expand(loaded)  # cards made from templates are checked like the others
    ctx = _Context.build(expanded.loaded)
    findings: list[Finding] = []
    for check in CHECKS:
        findings.extend(check(ctx))
    return sort_findings(schemes.outside_outcomes(ctx.plan, expanded.translate(findings)))


# --------------------------------------------------------------------------- context


@dataclass
class _Context:
    loaded: LoadedPlan
    plan: Plan
    levels: dict[str, float]
    shared: dict[str, SharedObjective]  # first definition of each id
    cards: list[ResolvedCard]  # resolved, index for index with plan.cards

    @classmethod
    def build(cls, loaded: LoadedPlan) -> _Context:
        plan = loaded.plan
        shared: dict[str, SharedObjective] = {}
        for objective in plan.shared_objectives:
            shared.setdefault(objective.id, objective)
        return cls(loaded=loaded, plan=plan, levels={k: float(v) for k, v in plan.levels.items()},
                   shared=shared, cards=[resolve_card(plan, card) for card in plan.cards])

    def at(self, path: KeyPath) -> dict[str, Any]:
        """The `where` and `line` of a finding about `path`."""
        return {"where": format_path(path), "line": self.loaded.line(path)}

    def items(self) -> Iterator[tuple[KeyPath, int, Card, Section, Item]]:
        """Every item of every card, with its key path and its card's index."""
        for ci, card in enumerate(self.plan.cards):
            for si, section in enumerate(card.sections):
                for ii, item in enumerate(section.items):
                    yield ("cards", ci, "sections", si, "items", ii), ci, card, section, item

    def item_label(self, ci: int, si: int, ii: int) -> str:
        """How messages name an item: its number as shown, and its card."""
        number = self.cards[ci].sections[si].items[ii].number
        return f"{number} della scheda «{self.plan.cards[ci].title}»"


def _n(value: float) -> str:
    """A number as Italian readers write it: 40, 40,5."""
    return f"{value:.9g}".replace(".", ",")


# --------------------------------------------------------------------------- references and ids


def check_references(ctx: _Context) -> Iterator[Finding]:
    """References that name nothing defined (PLAN_REF_UNKNOWN)."""
    plan = ctx.plan
    kinds = {
        "scale": ({s.id for s in plan.scales}, "le scale (scales)"),
        "bands": ({b.id for b in plan.bands}, "le fasce (bands)"),
        "sector": ({s.id for s in plan.sectors}, "i settori (sectors)"),
        "evaluatee": ({e.id for e in plan.evaluatees}, "i valutati (evaluatees)"),
        "ref": (set(ctx.shared), "gli obiettivi condivisi (shared_objectives)"),
    }

    def unknown(kind: str, ref: str | None, path: KeyPath) -> Iterator[Finding]:
        known, label = kinds[kind]
        if ref is not None and ref not in known:
            yield finding("PLAN_REF_UNKNOWN", **ctx.at(path), ref=ref, kind=label)

    yield from unknown("scale", plan.default_scale, ("default_scale",))
    yield from unknown("bands", plan.default_bands, ("default_bands",))
    for ei, evaluatee in enumerate(plan.evaluatees):
        yield from unknown("sector", evaluatee.sector, ("evaluatees", ei, "sector"))
    for ci, card in enumerate(plan.cards):
        for key in ("evaluatee", "sector", "scale", "bands"):
            yield from unknown(key, getattr(card, key), ("cards", ci, key))
    for path, _, _, _, item in ctx.items():
        yield from unknown("ref", item.ref, path + ("ref",))


def check_duplicate_ids(ctx: _Context) -> Iterator[Finding]:
    """Ids used twice among elements of one kind (PLAN_ID_DUPLICATE), at the later one."""
    plan = ctx.plan
    groups: list[tuple[str, KeyPath, list[Any]]] = [
        ("le scale (scales)", ("scales",), plan.scales),
        ("le fasce (bands)", ("bands",), plan.bands),
        ("i settori (sectors)", ("sectors",), plan.sectors),
        ("i valutati (evaluatees)", ("evaluatees",), plan.evaluatees),
        ("gli obiettivi condivisi (shared_objectives)", ("shared_objectives",), plan.shared_objectives),
        ("le schede (cards)", ("cards",), plan.cards),
    ]
    for ci, card in enumerate(plan.cards):
        groups.append((f"le sezioni della scheda «{card.title}»", ("cards", ci, "sections"), card.sections))
    for kind, base, elements in groups:
        seen: set[str] = set()
        for index, element in enumerate(elements):
            if element.id in seen:
                yield finding("PLAN_ID_DUPLICATE", **ctx.at(base + (index, "id")), id=element.id, kind=kind)
            seen.add(element.id)
    # the same shared objective twice on one card would give two items the same id
    refs: set[tuple[int, str]] = set()  # (card index, ref): one pass over all items, not one per card
    for path, ci, card, _, item in ctx.items():
        if item.ref is None:
            continue
        if (ci, item.ref) in refs:
            yield finding("PLAN_ID_DUPLICATE", **ctx.at(path + ("ref",)), id=item.ref,
                          kind=f"gli obiettivi condivisi della scheda «{card.title}»")
        refs.add((ci, item.ref))


def check_shared_unused(ctx: _Context) -> Iterator[Finding]:
    """Shared objectives that no card uses (SHARED_UNUSED)."""
    used = {item.ref for _, _, _, _, item in ctx.items() if item.ref}
    for index, objective in enumerate(ctx.plan.shared_objectives):
        if objective.id not in used:
            yield finding("SHARED_UNUSED", **ctx.at(("shared_objectives", index, "id")), ref=objective.id)


# --------------------------------------------------------------------------- weights and totals


def check_section_totals(ctx: _Context) -> Iterator[Finding]:
    """Item weights against the section's declared total; undeclared totals (info).

    The error points at the item whose weight most plausibly changed when one
    stands out (see `_suspect_item`); otherwise at the section's `total`.
    """
    for ci, card in enumerate(ctx.plan.cards):
        for si, section in enumerate(card.sections):
            path = ("cards", ci, "sections", si)
            weights = [item_weight(item, ctx.levels) for item in section.items]
            if section.total is None:
                if not all(item.gate for item in section.items):
                    yield finding("SECTION_TOTAL_UNDECLARED", **ctx.at(path), section=section.title,
                                  sum=float(sum(w or 0.0 for w in weights)))
                continue
            if section.weights != "points" or any(w is None for w in weights):
                continue  # shares are scaled to the total; missing weights are reported on their own
            stated = [w for w in weights if w is not None]
            total = sum(stated)
            difference = total - float(section.total)
            if abs(difference) <= TOLERANCE:
                continue
            suspect = _suspect_item(section, stated, difference, ctx.levels)
            if suspect is None:
                place, detail = path + ("total",), ""
            else:
                item = section.items[suspect]
                place = path + ("items", suspect, "weight" if item.weight is not None else "level")
                detail = (f" (il peso {_n(stated[suspect])} dell'obiettivo "
                          f"{ctx.cards[ci].sections[si].items[suspect].number} è il più probabile da correggere)")
            yield finding("SECTION_TOTAL_MISMATCH", **ctx.at(place), section=section.title,
                          sum=float(total), total=float(section.total), detail=detail)


def _suspect_item(section: Section, weights: list[float], difference: float,
                  levels: dict[str, float]) -> int | None:
    """The item whose weight most plausibly changed, or None when no single one stands out.

    First choice: the one item whose weight, less `difference`, equals another
    item's weight. Failing that: the one item weighted by level whose corrected
    weight is the points of another level of the table.
    """
    like_others, like_a_level = [], []
    for index, (item, weight) in enumerate(zip(section.items, weights, strict=True)):
        corrected = weight - difference
        if item.gate or corrected <= TOLERANCE:
            continue
        others = [w for j, (other, w) in enumerate(zip(section.items, weights, strict=True))
                  if j != index and not other.gate]
        if any(abs(corrected - w) <= TOLERANCE for w in others):
            like_others.append(index)
        elif item.weight is None and any(abs(corrected - p) <= TOLERANCE for p in levels.values()):
            like_a_level.append(index)
    if len(like_others) == 1:
        return like_others[0]
    if not like_others and len(like_a_level) == 1:
        return like_a_level[0]
    return None


def check_card_totals(ctx: _Context) -> Iterator[Finding]:
    """A card's declared total against the sum of its sections' maxima (CARD_TOTAL_MISMATCH)."""
    for ci, (card, resolved) in enumerate(zip(ctx.plan.cards, ctx.cards, strict=True)):
        if card.total is None:
            continue
        if abs(resolved.maximum - float(card.total)) > TOLERANCE:
            yield finding("CARD_TOTAL_MISMATCH", **ctx.at(("cards", ci, "total")), card=card.title,
                          sum=float(resolved.maximum), total=float(card.total))


# --------------------------------------------------------------------------- numbering


@dataclass
class _Numbered:
    key: int | str
    own: bool  # the item states the number itself (not taken from a shared objective)
    path: KeyPath
    shown: int | str


def _number_key(number: int | str | None) -> int | str | None:
    if number is None:
        return None
    if isinstance(number, int):
        return number
    text = str(number).strip()
    if text.isdigit():
        return int(text)
    return text.casefold() or None


def check_numbering(ctx: _Context) -> Iterator[Finding]:
    """Objective numbers repeated (NUMBER_DUPLICATE) or skipping (NUMBER_GAP), per card; see the module doc."""
    for ci, card in enumerate(ctx.plan.cards):
        scopes: list[list[_Numbered]] = []
        for si, section in enumerate(card.sections):
            entries = []
            for ii, item in enumerate(section.items):
                path = ("cards", ci, "sections", si, "items", ii)
                own = item.number is not None
                base = ctx.shared.get(item.ref) if item.ref else None
                number = item.number if own else (base.number if base else None)
                key = _number_key(number)
                if key is not None and number is not None:
                    entries.append(_Numbered(key, own, path + ("number",) if own else path + ("ref",), number))
            if not entries:
                continue
            if not scopes or entries[0].key == 1:
                scopes.append([])
            scopes[-1].extend(entries)
        for scope in scopes:
            yield from _scope_findings(ctx, card, scope)


def _scope_findings(ctx: _Context, card: Card, scope: list[_Numbered]) -> Iterator[Finding]:
    seen: set[int | str] = set()
    for entry in scope:
        if entry.own and entry.key in seen:
            yield finding("NUMBER_DUPLICATE", **ctx.at(entry.path), number=entry.shown, card=card.title)
        if entry.own:
            seen.add(entry.key)
    present = {e.key for e in scope if isinstance(e.key, int)}
    if not present or max(present) > len(present) + 100:  # a year or a code, not a sequence
        return
    missing = [n for n in range(1, max(present) + 1) if n not in present]
    if missing:
        after = min((e for e in scope if isinstance(e.key, int) and e.key > missing[0]), key=lambda e: e.key)
        listed = ", ".join(str(n) for n in missing)
        yield finding("NUMBER_GAP", **ctx.at(after.path), card=card.title,
                      missing=f"manca il numero {listed}" if len(missing) == 1 else f"mancano i numeri {listed}")


# --------------------------------------------------------------------------- levels and weights


def check_levels(ctx: _Context) -> Iterator[Finding]:
    """Levels unknown, disagreeing with the table, printed ambiguously; weights missing or ambiguous."""
    known = ", ".join(ctx.levels) or "nessuno (la tabella «levels» è vuota)"
    for path, ci, _, _, item in ctx.items():
        si, ii = path[3], path[5]
        assert isinstance(si, int) and isinstance(ii, int)
        label = ctx.item_label(ci, si, ii)
        if item.gate:
            if item.weight is not None:
                yield finding("WEIGHT_AMBIGUOUS", **ctx.at(path + ("weight",)), number=label,
                              detail="è una condizione vincolante (gate) e non porta punti, ma indica un peso.")
            if item.level is not None:
                yield finding("WEIGHT_AMBIGUOUS", **ctx.at(path + ("level",)), number=label,
                              detail="è una condizione vincolante (gate) e non porta punti, ma indica un livello.")
        elif item.weight is None and item.level is None:
            yield finding("WEIGHT_MISSING", **ctx.at(path), number=label)
        if item.level is not None:
            if item.level not in ctx.levels:
                yield finding("LEVEL_UNKNOWN", **ctx.at(path + ("level",)), level=item.level, known=known)
            elif item.weight is not None and not item.gate and \
                    abs(float(item.weight) - ctx.levels[item.level]) > TOLERANCE:
                yield finding("LEVEL_POINTS_MISMATCH", **ctx.at(path + ("weight",)), level=item.level,
                              table=ctx.levels[item.level], points=item.weight)
        yield from _printed_levels(ctx, path, label, item, known)


def _printed_levels(ctx: _Context, path: KeyPath, label: str, item: Item, known: str) -> Iterator[Finding]:
    printed = item.printed_levels or []
    if len(printed) > 1:
        levels = ", ".join(p.level + (f" ({_n(p.points)})" if p.points is not None else "") for p in printed)
        yield finding("LEVEL_MULTIPLE", **ctx.at(path + ("printed_levels",)), number=label, levels=levels)
    for pi, p in enumerate(printed):
        ppath = path + ("printed_levels", pi)
        if p.level not in ctx.levels:
            yield finding("LEVEL_UNKNOWN", **ctx.at(ppath + ("level",)), severity=Severity.WARNING,
                          level=p.level, known=known)
        elif p.points is not None and abs(float(p.points) - ctx.levels[p.level]) > TOLERANCE:
            yield finding("LEVEL_PRINTED_MISMATCH", **ctx.at(ppath + ("points",)), level=p.level,
                          points=p.points, table=ctx.levels[p.level])


# --------------------------------------------------------------------------- objective content

# a target part that ends on a label or unit with nothing (no number) before it: "ritardo giorni", "pari a:"
_BLANK_END = re.compile(r"(?:[:=]|\bpari a|\bentro(?: il)?|_{2,}|\.{3}|…)\s*$", re.IGNORECASE)
_UNIT_END = re.compile(r"(?:^|(\S+)\s+)(?:giorni|gg|mesi|anni|ore|euro|€|%)\.?\s*$", re.IGNORECASE)


def blank_target_part(target: str) -> str | None:
    """The part of a target that was left blank ("… ritardo giorni"), '' for an empty target, else None."""
    if not target.strip():
        return ""
    for part in re.split(r"[;\n]", target):
        part = part.strip().rstrip(".,").strip()
        if not part:
            continue
        if _BLANK_END.search(part):
            return part
        unit = _UNIT_END.search(part)
        if unit and not (unit.group(1) and re.search(r"\d[\d.,]*%?$", unit.group(1))):
            return part
    return None


def _content_findings(ctx: _Context, path: KeyPath, number: str, indicators: list[str] | None,
                      target: str | None, deadline: str | None, deadline_date: Any,
                      inherits: set[str]) -> Iterator[Finding]:
    """Indicators, target and deadline of one objective; fields in `inherits` come from a shared objective."""
    if "indicators" not in inherits and not [i for i in indicators or [] if i.strip()]:
        yield finding("INDICATOR_MISSING", **ctx.at(path + ("indicators",)), number=number)
    if "target" not in inherits:
        if target is None:
            yield finding("TARGET_MISSING", **ctx.at(path + ("target",)), number=number, detail="")
        else:
            blank = blank_target_part(target)
            if blank == "":
                yield finding("TARGET_MISSING", **ctx.at(path + ("target",)), number=number,
                              detail=": il campo è vuoto")
            elif blank is not None:
                yield finding("TARGET_MISSING", **ctx.at(path + ("target",)), number=number,
                              detail=f" completo: «{blank}» è lasciato in bianco")
    if "deadline" not in inherits and not (deadline or "").strip() and deadline_date is None:
        yield finding("DEADLINE_MISSING", **ctx.at(path + ("deadline",)), number=number)


def check_content(ctx: _Context) -> Iterator[Finding]:
    """Indicators, targets and deadlines; shared objectives once, at their definition."""
    for index, objective in enumerate(ctx.plan.shared_objectives):
        yield from _content_findings(ctx, ("shared_objectives", index), f"condiviso «{objective.id}»",
                                     objective.indicators, objective.target, objective.deadline,
                                     objective.deadline_date, inherits=set())
    for path, ci, _, _, item in ctx.items():
        si, ii = path[3], path[5]
        assert isinstance(si, int) and isinstance(ii, int)
        if item.kind == "behaviour":
            continue  # a behaviour parameter has no indicators, target or deadline by nature
        inherits: set[str] = set()
        if item.ref is not None:
            if item.ref not in ctx.shared:
                continue  # PLAN_REF_UNKNOWN says it; the content is unknowable
            # the same precedence as resolve_card: the item's own field wins when it gives one
            if not item.indicators:
                inherits.add("indicators")
            if item.target is None:
                inherits.add("target")
            if not item.deadline and item.deadline_date is None:
                inherits.add("deadline")
        yield from _content_findings(ctx, path, ctx.item_label(ci, si, ii), item.indicators, item.target,
                                     item.deadline, item.deadline_date, inherits)


# --------------------------------------------------------------------------- scales


def check_scales(ctx: _Context) -> Iterator[Finding]:
    """Scales empty, unsorted, repeating a value or without a positive maximum; cards with no scale."""
    for index, scale in enumerate(ctx.plan.scales):
        if scale.kind != "list":
            continue  # percentages, points and achieved / not achieved have no values: see check/schemes.py
        values = scale.numbers()
        path = ("scales", index, "values")
        problem = None
        if not values:
            problem = "non contiene valori."
        elif len(set(values)) != len(values):
            repeated = sorted({v for v in values if values.count(v) > 1})
            problem = "il valore " + ", ".join(_n(v) for v in repeated) + " è ripetuto."
        elif values != sorted(values):
            problem = "i valori non sono in ordine crescente."
        elif max(values) <= 0:
            problem = "il valore massimo deve essere positivo (i punti sono peso × valutazione ÷ massimo)."
        if problem:
            yield finding("SCALE_INVALID", **ctx.at(path), scale=scale.id, detail=problem)
    if ctx.plan.default_scale is None:
        for ci, card in enumerate(ctx.plan.cards):
            every_item_has_one = all(s.scale or all(i.scale for i in s.items) for s in card.sections)
            if card.scale is None and not every_item_has_one:
                yield finding("SCALE_UNDECIDED", **ctx.at(("cards", ci, "scale")), card=card.title)


# --------------------------------------------------------------------------- bands


@dataclass(frozen=True)
class _Interval:
    lo: float
    lo_in: bool
    hi: float
    hi_in: bool

    @property
    def empty(self) -> bool:
        return self.lo > self.hi or (self.lo == self.hi and not (self.lo_in and self.hi_in))

    def contains(self, x: float) -> bool:
        return (self.lo < x or (self.lo_in and x == self.lo)) and (x < self.hi or (self.hi_in and x == self.hi))

    def describe(self) -> str:
        lo, hi = _n(self.lo), _n(self.hi)
        if self.lo == self.hi:
            return f"il solo valore {lo}"
        return {(False, False): f"tra {lo} e {hi} esclusi", (True, True): f"da {lo} a {hi} inclusi",
                (False, True): f"oltre {lo} fino a {hi}", (True, False): f"da {lo} fino a meno di {hi}",
                }[(self.lo_in, self.hi_in)]


def _band_interval(band: Band) -> _Interval:
    return _Interval(-math.inf if band.min is None else float(band.min), band.min is None or band.min_inclusive,
                     math.inf if band.max is None else float(band.max), band.max is None or band.max_inclusive)


def _intersection(a: _Interval, b: _Interval) -> _Interval:
    if a.lo != b.lo:
        lo, lo_in = (a.lo, a.lo_in) if a.lo > b.lo else (b.lo, b.lo_in)
    else:
        lo, lo_in = a.lo, a.lo_in and b.lo_in
    if a.hi != b.hi:
        hi, hi_in = (a.hi, a.hi_in) if a.hi < b.hi else (b.hi, b.hi_in)
    else:
        hi, hi_in = a.hi, a.hi_in and b.hi_in
    return _Interval(lo, lo_in, hi, hi_in)


@dataclass
class _Coverage:
    """Where a bandset leaves totals uncovered: between bands, and its overall reach."""

    gaps: list[tuple[int, _Interval]]  # (index of the band after the gap, gap)
    first: int  # index of the band with the lowest lower edge
    last: int  # index of the band reaching highest
    lower: _Interval  # lowest lower edge, as an interval start (hi unused)
    upper: _Interval  # highest upper edge (lo unused)


def _coverage(bandset: BandSet) -> _Coverage | None:
    bands = [(i, _band_interval(b)) for i, b in enumerate(bandset.bands)]
    bands = [(i, iv) for i, iv in bands if not iv.empty]
    if not bands:
        return None
    bands.sort(key=lambda x: (x[1].lo, not x[1].lo_in))
    first, front = bands[0]
    last = first
    gaps = []
    for index, iv in bands[1:]:
        gap = _Interval(front.hi, not front.hi_in, iv.lo, not iv.lo_in)
        if not gap.empty:
            gaps.append((index, gap))
        if iv.hi > front.hi or (iv.hi == front.hi and iv.hi_in and not front.hi_in):
            front, last = iv, index
    return _Coverage(gaps=gaps, first=first, last=last, lower=bands[0][1], upper=front)


def check_band_overlaps(ctx: _Context) -> Iterator[Finding]:
    """Bands that overlap (BAND_OVERLAP), at the lower edge of the later one; empty bands (PLAN_BAND_EMPTY)."""
    for k, bandset in enumerate(ctx.plan.bands):
        intervals = [_band_interval(b) for b in bandset.bands]
        for j, (band, iv) in enumerate(zip(bandset.bands, intervals, strict=True)):
            path = ("bands", k, "bands", j)
            if iv.empty:
                yield finding("PLAN_BAND_EMPTY", **ctx.at(path + ("max",)), band=band.label)
                continue
            for i in range(j):
                if intervals[i].empty:
                    continue
                common = _intersection(intervals[i], iv)
                if not common.empty:
                    # report at the band that starts inside the other: its lower edge crossed in
                    later, earlier = (j, i) if (iv.lo, not iv.lo_in) >= (intervals[i].lo, not intervals[i].lo_in) \
                        else (i, j)
                    place = ("bands", k, "bands", later)
                    if bandset.bands[later].min is not None:
                        place += ("min",)
                    yield finding("BAND_OVERLAP", **ctx.at(place), a=bandset.bands[earlier].label,
                                  b=bandset.bands[later].label, detail=f" ({common.describe()})")


def check_rounding(ctx: _Context) -> Iterator[Finding]:
    """Bandsets that do not say how the total is rounded before the lookup (ROUNDING_UNDECIDED)."""
    for k, bandset in enumerate(ctx.plan.bands):
        if bandset.rounding is None:
            yield finding("ROUNDING_UNDECIDED", **ctx.at(("bands", k, "rounding")), bandset=bandset.id)


def check_bands_undecided(ctx: _Context) -> Iterator[Finding]:
    """Cards with no bands at all (BANDS_UNDECIDED)."""
    if ctx.plan.default_bands is not None:
        return
    for ci, card in enumerate(ctx.plan.cards):
        if card.bands is None:
            yield finding("BANDS_UNDECIDED", **ctx.at(("cards", ci, "bands")), card=card.title)


def excel_round(total: float, rounding: Rounding | None) -> float:
    """The total as the workbook rounds it before the band lookup (Excel ROUND / ROUNDDOWN / ROUNDUP)."""
    if rounding is None or rounding.mode == "none":
        return total
    mode = {"round": ROUND_HALF_UP, "floor": ROUND_DOWN, "ceil": ROUND_UP}[rounding.mode]
    quantum = Decimal(1).scaleb(-rounding.decimals)
    return float(Decimal(f"{total:.{DIGITS}f}").quantize(quantum, rounding=mode))


class _Reachable:
    """The totals a card can reach after rounding: a finite set, or (beyond the cap) a whole range."""

    def __init__(self, card: ResolvedCard, rounding: Rounding | None):
        self.rounding = rounding
        # gates carry no points; neutralised items are assumed scored (their weight is redistributed)
        scored = [item for item in card.items if not item.gate and item.weight and item.scale.maximum > 0]
        contributions = [scoring.point_options(item) for item in scored]
        ranges = [scoring.point_range(item) for item in scored]
        self.low = excel_round(round(sum(r[0] for r in ranges), DIGITS), rounding)
        self.high = excel_round(round(sum(r[1] for r in ranges), DIGITS), rounding)
        totals: set[float] | None = {0.0}
        for options in contributions:
            if totals is None or options is None:  # an item with a continuous range: the totals are a range
                totals = None
                break
            if len(totals) * len(options) > 4 * MAX_REACHABLE:
                totals = None
                break
            totals = {round(t + c, DIGITS) for t in totals for c in options}
            if len(totals) > MAX_REACHABLE:
                totals = None
                break
        self.totals = None if totals is None else sorted({excel_round(t, rounding) for t in totals})

    def first_in(self, interval: _Interval) -> float | None:
        """The lowest reachable total inside `interval`, or None."""
        if self.totals is not None:
            start = bisect.bisect_left(self.totals, interval.lo)
            for total in self.totals[start:]:
                if interval.contains(total):
                    return total
                if total > interval.hi:
                    break
            return None
        window = _intersection(interval, _Interval(self.low, True, self.high, True))
        if window.empty:
            return None
        if self.rounding is None or self.rounding.mode == "none":
            return window.lo if window.lo_in else (window.lo + window.hi) / 2
        step = Decimal(1).scaleb(-self.rounding.decimals)
        candidate = (Decimal(f"{window.lo:.{DIGITS}f}") / step).to_integral_value(rounding="ROUND_CEILING") * step
        for _ in range(2):
            if window.contains(float(candidate)):
                return float(candidate)
            candidate += step
        return None


def check_band_coverage(ctx: _Context) -> Iterator[Finding]:
    """Gaps between bands and the card's range, judged on the totals each card can actually reach.

    A gap some card can reach is an error for that card (BAND_GAP_REACHABLE); a gap
    no card reaches is a warning once per bandset (BAND_GAP). Bands that do not
    cover 0..maximum give BAND_RANGE: an error if a reachable total is left out,
    else a warning.
    """
    for k, bandset in enumerate(ctx.plan.bands):
        coverage = _coverage(bandset)
        if coverage is None:
            continue
        reached: set[int] = set()
        known: dict[tuple[Any, ...], _Reachable] = {}  # cards with the same weights and scale reach the same totals
        for ci, resolved in enumerate(ctx.cards):
            if resolved.bandset is not bandset:
                continue
            card = ctx.plan.cards[ci]
            signature = tuple(sorted((round(i.weight, DIGITS), i.scale.id, i.rule.id if i.rule else "")
                                     for i in resolved.items if not i.gate))
            if signature not in known:
                known[signature] = _Reachable(resolved, bandset.rounding)
            reachable = known[signature]
            for gi, (after, gap) in enumerate(coverage.gaps):
                total = reachable.first_in(gap)
                if total is not None:
                    reached.add(gi)
                    yield finding("BAND_GAP_REACHABLE", **ctx.at(_edge(bandset, k, after, "min")), total=total,
                                  card=card.title)
            yield from _range_findings(ctx, k, bandset, coverage, card, resolved.maximum, reachable)
        for gi, (after, gap) in enumerate(coverage.gaps):
            if gi not in reached:
                yield finding("BAND_GAP", **ctx.at(_edge(bandset, k, after, "min")), gap=gap.describe())


def _edge(bandset: BandSet, k: int, j: int, key: str) -> KeyPath:
    band = bandset.bands[j]
    return ("bands", k, "bands", j) + ((key,) if getattr(band, key) is not None else ())


def _range_findings(ctx: _Context, k: int, bandset: BandSet, coverage: _Coverage, card: Card,
                    maximum: float, reachable: _Reachable) -> Iterator[Finding]:
    below = _Interval(0.0, True, coverage.lower.lo, not coverage.lower.lo_in)
    above = _Interval(coverage.upper.hi, not coverage.upper.hi_in, maximum, True)
    for interval, j, key in ((below, coverage.first, "min"), (above, coverage.last, "max")):
        if interval.empty:
            continue
        hit = reachable.first_in(interval)
        detail = f"resta scoperto {interval.describe()}"
        if hit is not None:
            detail += f", dove cade il punteggio raggiungibile {_n(hit)}"
        yield finding("BAND_RANGE", **ctx.at(_edge(bandset, k, j, key)), card=card.title, max=maximum,
                      detail=detail, severity=None if hit is not None else Severity.WARNING)


# --------------------------------------------------------------------------- neutralisation, sheets


def check_redistribution(ctx: _Context) -> Iterator[Finding]:
    """Cards with neutralisable items that do not say where their weight goes (REDISTRIBUTION_UNDECIDED)."""
    for ci, card in enumerate(ctx.plan.cards):
        if card.redistribution is None and any(i.neutralisable for s in card.sections for i in s.items):
            yield finding("REDISTRIBUTION_UNDECIDED", **ctx.at(("cards", ci, "redistribution")), card=card.title)


def check_sheet_names(ctx: _Context) -> Iterator[Finding]:
    """Sheet names that collide, case-insensitively, with each other or with the tool's own sheets."""
    taken: dict[str, str] = {name.lower(): "da un foglio generato dallo strumento" for name in RESERVED_SHEETS}
    for ci, card in enumerate(ctx.plan.cards):
        name = sheet_name(card.sheet or card.title)
        path = ("cards", ci, "sheet" if card.sheet is not None else "title")
        if name.lower() in taken:
            yield finding("SHEET_NAME_COLLISION", **ctx.at(path), a=taken[name.lower()], b=card.title, name=name)
        else:
            taken[name.lower()] = f"dalla scheda «{card.title}»"


# --------------------------------------------------------------------------- choices and period

_PATH_TOKEN = re.compile(r"\.?([A-Za-z_][\w-]*)|\[(\d+)\]")


def parse_path(text: str) -> KeyPath | None:
    """'cards[0].sections[1]' → ('cards', 0, 'sections', 1); None when it is not a key path."""
    parts: list[str | int] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        match = _PATH_TOKEN.match(text, pos)
        if not match or (pos == 0 and text.startswith(".")):
            return None
        parts.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        pos = match.end()
    return tuple(parts) or None


def check_choices(ctx: _Context) -> Iterator[Finding]:
    """Every choice the author recorded is reported as an ambiguity of the source (PLAN_CHOICE)."""
    for index, choice in enumerate(ctx.plan.choices):
        path = parse_path(choice.where)
        line = ctx.loaded.line(path) if path and path[:1] in ctx.loaded.lines else None
        yield finding("PLAN_CHOICE", where=choice.where, line=line or ctx.loaded.line(("choices", index)),
                      text=choice.text)


_PERIOD = re.compile(r"^\s*(\d{4})\s*(?:[-–/]\s*(\d{4}))?\s*$")
_YEAR_IN_TITLE = re.compile(r"\b(?:anno|annualità)\s+(\d{4})\b", re.IGNORECASE)


def _plan_years(ctx: _Context) -> tuple[set[int], str] | None:
    info = ctx.plan.plan
    if info.year is not None:
        return {info.year}, f"il {info.year}"
    match = _PERIOD.match(info.period or "")
    if not match:
        return None
    first, last = int(match.group(1)), int(match.group(2) or match.group(1))
    return set(range(first, last + 1)), f"il periodo {info.period.strip() if info.period else ''}"


def check_period(ctx: _Context) -> Iterator[Finding]:
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
        titles = [(("cards", ci, "title"), card.title)]
        titles += [(("cards", ci, "sections", si, "title"), s.title) for si, s in enumerate(card.sections)]
        for path, title in titles:
            for match in _YEAR_IN_TITLE.finditer(title):
                year = int(match.group(1))
                if year not in allowed and year != card.year:
                    yield finding("PERIOD_MISMATCH", **ctx.at(path),
                                  detail=f"Il titolo «{title}» nomina l'anno {year}, ma il piano riguarda {label}.")


CHECKS: list[Callable[[_Context], Iterator[Finding]]] = [
    check_references,
    check_duplicate_ids,
    check_shared_unused,
    check_section_totals,
    check_card_totals,
    check_numbering,
    check_levels,
    check_content,
    check_scales,
    check_band_overlaps,
    check_rounding,
    check_bands_undecided,
    check_band_coverage,
    check_redistribution,
    check_sheet_names,
    check_choices,
    check_period,
    schemes.check_scheme_references,
    schemes.check_scales_of_kind,
    schemes.check_rules,
    schemes.check_rules_where_used,
    schemes.check_band_percents,
    staff.check_templates,
    staff.check_staff,
    staff.check_exclusions,
]
