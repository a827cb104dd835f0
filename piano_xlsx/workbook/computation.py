"""What a card sheet computes, twice: as spreadsheet formulas and in Python, side by side.

`card_formulas()` gives the formula of every computed cell of a card sheet;
`evaluate()` computes the value each of those formulas yields from the same
inputs, in the same order of operations. The workbook carries these values as
its cached results (LibreOffice does not recalculate on load), `collect`
recomputes totals with them, and tests check that LibreOffice agrees.

Only functions every engine computes the same way are used: SUM, SUMIF,
COUNTIF, IF, AND, OR, ISBLANK, ISNUMBER, MATCH (on a literal array or a range
of the list sheet), SUMPRODUCT and INDEX (the band tables of the list sheet),
ROUND.

Input kinds (see `ScaleKind`): a list scale's score is one of its values; a
percentage of achievement is stored as the fraction a percent-formatted cell
holds (85% is 0.85, as Excel and Calc store it), so the plan's percentages
(thresholds, steps, range) are divided by 100 in the formulas; points are
entered as points, from 0 to the item's weight; achieved / not achieved is one
of two words. A score is admitted with at most the declared decimals: ROUND(x,
d) = ROUND(x, 9), so no tolerance literal is needed (an exact equality with x
itself would depend on how each engine compares doubles that differ in the
last bit).

Long by design: each formula stands beside its Python twin, so the two cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, TypeGuard

from piano_xlsx.plan.model import BandSet, Scale, Step
from piano_xlsx.plan.resolve import ACHIEVED, GATE_FAILED, GATE_PASSED, NEUTRALISED, NOT_ACHIEVED, ResolvedItem
from piano_xlsx.plan.rounding import excel_round
from piano_xlsx.workbook.layout import (
    STATUS_GATE_FAILED,
    STATUS_INVALID,
    STATUS_MISSING,
    STATUS_NEUTRALISED,
    STATUS_OK,
    CardLayout,
    ItemRows,
    col,
)
from piano_xlsx.workbook.lists import BAND_OUTSIDE, BandRanges, BandTable, ListSheet, band_table

Value = float | int | str | bool | dt.datetime | None

BAND_EXCLUDED = "Esclusa: condizione non raggiunta"


def _num(value: float) -> str:
    """A number as a formula literal: integers without '.0', the shortest exact repr otherwise."""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _text(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def scale_values(scale: Scale, lists: ListSheet) -> str:
    """A list scale as MATCH reads it: its range on the list sheet, or a literal array for a short scale."""
    return lists.scale_range(scale, False) or "{" + ",".join(_num(v) for v in scale.numbers()) + "}"


def _hundredths(value: float) -> str:
    """value ÷ 100 as a formula literal, or as the division itself when the quotient has more than 15 significant
    digits (LibreOffice writes numbers with 15, so 33.3 ÷ 100 = 0.33299999999999996 would not survive a save)."""
    fraction = float(value) / 100
    return _num(fraction) if float(f"{fraction:.15g}") == fraction else f"{_num(value)}/100"


def plan_value(scale: Scale, value: float) -> str:
    """A value of the plan (threshold, step edge, range) as a formula literal in the cell's units."""
    return _hundredths(value) if scale.kind == "percent" else _num(value)


def cell_units(scale: Scale, value: float) -> float:
    """A value of the plan (a percentage, a list value) as the score cell holds it: percentages as fractions."""
    return float(value) / 100 if scale.kind == "percent" else float(value)


def percent_range(scale: Scale) -> tuple[float, float]:
    """The lowest and highest fraction a percentage score may take (0 and 1 unless the scale says otherwise)."""
    return cell_units(scale, scale.minimum), cell_units(scale, scale.maximum)


ROUNDED_ALIKE = 9  # a score has at most d decimals when ROUND(x, d) = ROUND(x, 9): no tolerance literal needed


def cell_decimals(scale: Scale) -> int:
    """Decimals of the stored value: a percentage with 1 decimal (85.5%) is stored with 3 (0.855)."""
    return scale.decimals + (2 if scale.kind == "percent" else 0)




# ---------------------------------------------------------------- formulas


def status_formula(layout: CardLayout, item: ItemRows, lists: ListSheet) -> str:
    score = item.cell("score")
    if item.item.gate:
        inner = (f'IF({score}={_text(GATE_PASSED)},"{STATUS_OK}",'
                 f'IF({score}={_text(GATE_FAILED)},"{STATUS_GATE_FAILED}","{STATUS_INVALID}"))')
    else:
        text_case = (f'IF({score}={_text(NEUTRALISED)},"{STATUS_NEUTRALISED}","{STATUS_INVALID}")'
                     if item.item.neutralisable else f'"{STATUS_INVALID}"')
        scale = item.item.scale
        if scale.kind == "achieved":
            inner = (f'IF(OR({score}={_text(ACHIEVED)},{score}={_text(NOT_ACHIEVED)}),"{STATUS_OK}",'
                     f'{text_case})')
        else:
            inner = (f'IF(ISNUMBER({score}),IF({admitted_test(item, lists)},"{STATUS_OK}","{STATUS_INVALID}"),'
                     f'{text_case})')
    return f'IF(ISBLANK({score}),"{STATUS_MISSING}",{inner})'


def admitted_test(item: ItemRows, lists: ListSheet) -> str:
    """The test a number in the score cell passes when it is a score the item admits."""
    score, scale = item.cell("score"), item.item.scale
    if scale.kind == "list":
        return f"ISNUMBER(MATCH({score},{scale_values(scale, lists)},0))"
    if scale.kind == "points":
        low, high = "0", item.cell("weight")
    else:
        low, high = plan_value(scale, scale.minimum), plan_value(scale, scale.maximum)
    decimals = f"ROUND({score},{cell_decimals(scale)})=ROUND({score},{ROUNDED_ALIKE})"
    return f"AND({score}>={low},{score}<={high},{decimals})"


def share_formula(item: ResolvedItem, score: str) -> str:
    """The share of the item's points a score earns (1 = full points), for every item but a default list item."""
    scale, rule = item.scale, item.rule
    if scale.kind == "achieved":
        return f"IF({score}={_text(ACHIEVED)},1,0)"
    top = cell_units(scale, scale.maximum)
    proportional = score if top == 1 else f"{score}/{plan_value(scale, scale.maximum)}"
    if rule is None or rule.kind == "proportional":
        return proportional
    if rule.kind == "steps":
        expr = "0"
        for step in reversed(rule.steps or []):
            conditions = []
            if step.min is not None:
                conditions.append(f"{score}{'>=' if step.min_inclusive else '>'}{plan_value(scale, step.min)}")
            if step.max is not None:
                conditions.append(f"{score}{'<=' if step.max_inclusive else '<'}{plan_value(scale, step.max)}")
            test = f"AND({','.join(conditions)})" if conditions else "TRUE"
            expr = f"IF({test},{_hundredths(step.share)},{expr})"
        return expr
    low, high, span = threshold_values(item)
    low_text = None if rule.zero_below is None else plan_value(scale, rule.zero_below)
    high_text = None if rule.full_from is None else plan_value(scale, rule.full_from)
    expr = proportional if rule.between != "linear" or span is None else \
        f"({score}-{low_text})/({high_text}-{low_text})"
    if high is not None:
        expr = f"IF({score}>={high_text},1,{expr})"
    if low is not None:
        expr = f"IF({score}<{low_text},0,{expr})"
    return expr


def threshold_values(item: ResolvedItem) -> tuple[float | None, float | None, float | None]:
    """A thresholds rule's two thresholds in cell units, and the span between them (None where undefined)."""
    rule, scale = item.rule, item.scale
    assert rule is not None
    low = None if rule.zero_below is None else cell_units(scale, rule.zero_below)
    high = None if rule.full_from is None else cell_units(scale, rule.full_from)
    span = high - low if low is not None and high is not None and high > low else None
    return low, high, span




def factor_cell(layout: CardLayout, item: ItemRows) -> str | None:
    if layout.card.card.redistribution == "card" and "factor" in layout.totals:
        return "$" + col("points") + "$" + str(layout.totals["factor"])
    for section in layout.sections:
        if section.factor_row and any(i is item for i in section.items):
            return "$" + col("points") + "$" + str(section.factor_row)
    return None


def points_formula(layout: CardLayout, item: ItemRows) -> str:
    factor = factor_cell(layout, item)
    resolved = item.item
    if resolved.scale.kind == "list" and resolved.proportional:  # as the seeds score: weight × score ÷ maximum
        product = f'{item.cell("weight")}*{item.cell("score")}/{_num(resolved.scale.maximum)}'
    elif resolved.scale.kind == "points":
        product = item.cell("score")
    else:
        product = f'{item.cell("weight")}*{share_formula(resolved, item.cell("score"))}'
    if factor:
        product += f"*{factor}"
    return f'IF({item.cell("status")}="{STATUS_OK}",{product},0)'


def _factor_formula(weight_total: str, weight_range: str, status_range: str) -> str:
    neutralised = f'SUMIF({status_range},"{STATUS_NEUTRALISED}",{weight_range})'
    return f"IF({weight_total}-{neutralised}<=0,0,{weight_total}/({weight_total}-{neutralised}))"


def band_region_expr(table: BandRanges, ref: str) -> str:
    """The 0-based region of `ref` in a band table (lists.BandTable): edges below it plus edges at or below it."""
    return f"SUMPRODUCT(({table.edges}<{ref})+({table.edges}<={ref}))"


def band_region(table: BandTable, value: float) -> int:
    """`band_region_expr` in Python."""
    return sum(1 for p in table.edges if p < value) + sum(1 for p in table.edges if p <= value)


def outside_label(bandset: BandSet) -> str:
    """What a total in no band shows: the author's outcome, else «Fuori fascia»."""
    return bandset.outside.label if bandset.outside else BAND_OUTSIDE


def band_formulas(table: BandRanges, ref: str) -> tuple[str, str]:
    """The band label of `ref` and its percentage ("" outside every band: the table's cell is empty there)."""
    region = band_region_expr(table, ref)
    percent = f"INDEX({table.percents},{region}+1)"
    return f"INDEX({table.labels},{region}+1)", f'IF(ISNUMBER({percent}),{percent},"")'


def formulas_shape(layout: CardLayout) -> tuple[Any, ...]:
    """Everything `card_formulas` reads of a layout: two cards of one plan with the same shape (rows, totals,
    scales, rules, gates, rounding, bands) have the same formulas. Scales and rules are the plan's own objects,
    so within one plan they are told apart by identity."""
    card = layout.card
    return (card.card.redistribution, card.rounding.mode if card.rounding else None,
            card.rounding.decimals if card.rounding else None, card.bandset.id if card.bandset else None,
            tuple(layout.totals.items()),
            tuple((s.subtotal_row, s.factor_row,
                   tuple((i.row, len(i.text_chunks), i.item.gate, i.item.neutralisable, id(i.item.scale),
                          id(i.item.rule)) for i in s.items))
                  for s in layout.sections))


def card_formulas(layout: CardLayout, lists: ListSheet) -> dict[str, str]:
    """Every computed cell of the card sheet and its formula (without the leading '='); `lists` is the plan's
    list sheet, which the band lookup and a long scale's status formulas read."""
    card = layout.card
    out: dict[str, str] = {}
    status_range = layout.column_range("status")
    weight_range = layout.column_range("weight")
    for section in layout.sections:
        for item in section.items:
            out[item.cell("status")] = status_formula(layout, item, lists)
            if not item.item.gate:
                out[item.cell("points")] = points_formula(layout, item)
        first, last = section.first_item_row, section.last_item_row
        out[f"{col('weight')}{section.subtotal_row}"] = f"SUM({col('weight')}{first}:{col('weight')}{last})"
        out[f"{col('points')}{section.subtotal_row}"] = f"SUM({col('points')}{first}:{col('points')}{last})"
        if section.factor_row:
            out[f"{col('points')}{section.factor_row}"] = _factor_formula(
                f"{col('weight')}{section.subtotal_row}",
                f"{col('weight')}{first}:{col('weight')}{last}",
                f"{col('status')}{first}:{col('status')}{last}")
    subtotals = ",".join(f"{col('points')}{s.subtotal_row}" for s in layout.sections)
    t = layout.total_cell
    out[t("total")] = f"SUM({subtotals})"
    if "factor" in layout.totals:
        weights = "+".join(f"{col('weight')}{s.subtotal_row}" for s in layout.sections)
        out[t("factor")] = _factor_formula(f"({weights})", weight_range, status_range)
    rounding = card.rounding  # the totals block has a rounded total just when there is one
    if rounding:
        fn = {"round": "ROUND", "floor": "ROUNDDOWN", "ceil": "ROUNDUP"}[rounding.mode]
        out[t("rounded")] = f"{fn}({t('total')},{rounding.decimals})"
    out[t("missing")] = f'COUNTIF({status_range},"{STATUS_MISSING}")'
    out[t("invalid")] = f'COUNTIF({status_range},"{STATUS_INVALID}")'
    if "gates_failed" in layout.totals:
        out[t("gates_failed")] = f'COUNTIF({status_range},"{STATUS_GATE_FAILED}")'
    incomplete = f"{t('missing')}+{t('invalid')}>0"

    def unless_gate_failed(when_failed: str, otherwise: str) -> str:
        if "gates_failed" not in layout.totals:
            return otherwise
        return f"IF({t('gates_failed')}>0,{when_failed},{otherwise})"

    if "band" in layout.totals and card.bandset:  # a card has a band row just when it has bands
        table = lists.bands[card.bandset.id]
        label, percent = band_formulas(table, t("rounded") if "rounded" in layout.totals else t("total"))
        out[t("band")] = f'IF({incomplete},"",{unless_gate_failed(_text(BAND_EXCLUDED), label)})'
        if "percent" in layout.totals:  # bands that only classify pay no percentage
            out[t("percent")] = f'IF({incomplete},"",{unless_gate_failed("0", percent)})'
    if "bonus" in layout.totals:
        out[t("bonus")] = f'IF({t("percent")}="","",{t("base")}*{t("percent")})'
    m, i = t("missing"), t("invalid")
    out[t("status")] = (
        f'IF({m}+{i}=0,"Completa",'
        f'IF({m}=1,"Manca 1 valutazione",IF({m}>1,"Mancano "&{m}&" valutazioni",""))'
        f'&IF(AND({m}>0,{i}>0),"; ","")'
        f'&IF({i}=1,"1 valore non ammesso",IF({i}>1,{i}&" valori non ammessi","")))')
    return out


# ---------------------------------------------------------------- Python twin


@dataclass(slots=True)  # one per item of every card returned: a collect of thousands keeps them all
class ItemResult:
    id: str
    cell: str
    weight: float
    score: Value
    status: str
    points: float | None  # None for a gate
    note: str | None = None
    applied_weight: float | None = None  # the weight the points use: redistributed after an N.V., 0 for the N.V.


@dataclass
class CardResult:
    card_id: str
    items: list[ItemResult]
    total: float
    maximum: float
    rounded: float | None
    missing: int
    invalid: int
    gates_failed: int
    band: str | None  # label, "" while incomplete, None where the plan has no bands
    percent: float | None  # the band's percentage (6 for 6 %), None while incomplete or without bands
    bonus: float | None
    status: str
    cells: dict[str, Value] = field(default_factory=dict)  # every formula cell -> its value

    @property
    def complete(self) -> bool:
        return self.missing == 0 and self.invalid == 0


def excel_equal(a: Value, b: str) -> bool:
    """Excel's '=' between a cell and a text: case-insensitive, never equal for numbers."""
    return isinstance(a, str) and a.casefold() == b.casefold()


def is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def item_status(layout: CardLayout, item: ItemRows, score: Value) -> str:
    if score is None:
        return STATUS_MISSING
    if item.item.gate:
        if excel_equal(score, GATE_PASSED):
            return STATUS_OK
        return STATUS_GATE_FAILED if excel_equal(score, GATE_FAILED) else STATUS_INVALID
    scale = item.item.scale
    if scale.kind == "achieved":
        if excel_equal(score, ACHIEVED) or excel_equal(score, NOT_ACHIEVED):
            return STATUS_OK
    elif is_number(score):
        return STATUS_OK if admitted(item.item, float(score)) else STATUS_INVALID
    if item.item.neutralisable and excel_equal(score, NEUTRALISED):
        return STATUS_NEUTRALISED
    return STATUS_INVALID


def admitted(item: ResolvedItem, value: float) -> bool:
    """The Python twin of `admitted_test`."""
    scale = item.scale
    if scale.kind == "list":
        return value in {float(v) for v in scale.numbers()}
    low, high = (0.0, item.weight) if scale.kind == "points" else percent_range(scale)
    return low <= value <= high and \
        excel_round(value, cell_decimals(scale), "round") == excel_round(value, ROUNDED_ALIKE, "round")


def share(item: ResolvedItem, score: Value) -> float:
    """The Python twin of `share_formula`: the share of the item's points an admitted score earns."""
    scale, rule = item.scale, item.rule
    if scale.kind == "achieved":
        return 1 if excel_equal(score, ACHIEVED) else 0
    assert is_number(score)  # an admitted score of any other scale is a number
    x = float(score)
    top = cell_units(scale, scale.maximum)
    proportional = x if top == 1 else x / top
    if rule is None or rule.kind == "proportional":
        return proportional
    if rule.kind == "steps":
        step = next((s for s in rule.steps or [] if _in_step(s, scale, x)), None)
        return 0 if step is None else float(step.share) / 100
    low, high, span = threshold_values(item)
    if low is not None and x < low:
        return 0
    if high is not None and x >= high:
        return 1
    if rule.between != "linear" or span is None or low is None:  # a span is there only with both thresholds
        return proportional
    return (x - low) / span


def _in_step(step: Step, scale: Scale, x: float) -> bool:
    if step.min is not None:
        edge = cell_units(scale, step.min)
        if x < edge or (x == edge and not step.min_inclusive):
            return False
    if step.max is not None:
        edge = cell_units(scale, step.max)
        if x > edge or (x == edge and not step.max_inclusive):
            return False
    return True


def item_points(item: ResolvedItem, score: Value) -> float:
    """Points an admitted score earns before any redistribution factor, in the formula's order of operations."""
    if item.scale.kind == "list" and item.proportional:
        assert is_number(score)  # an admitted score of a list scale is one of its numbers
        return item.weight * float(score) / float(item.scale.maximum)
    if item.scale.kind == "points":
        assert is_number(score)
        return float(score)
    return item.weight * share(item, score)






def _factor(weight_total: float, neutralised: float) -> float:
    return 0.0 if weight_total - neutralised <= 0 else weight_total / (weight_total - neutralised)


def evaluate(layout: CardLayout, scores: dict[str, Value], notes: dict[str, str | None] | None = None) -> CardResult:
    """Compute every formula of the card from the scores (item id -> cell value, None when blank)."""
    card = layout.card
    t = layout.total_cell
    cells: dict[str, Value] = {}
    statuses = {i.item.id: item_status(layout, i, scores.get(i.item.id)) for i in layout.items}
    for item in layout.items:
        cells[item.cell("status")] = statuses[item.item.id]

    def neutralised_weight(items: list[ItemRows]) -> float:
        return sum(i.item.weight for i in items if statuses[i.item.id] == STATUS_NEUTRALISED)

    factors: dict[str, float] = {}
    if "factor" in layout.totals:
        weight_total = sum(sum(i.item.weight for i in s.items if not i.item.gate) for s in layout.sections)
        cells[t("factor")] = factors["card"] = _factor(weight_total, neutralised_weight(layout.items))
    results: list[ItemResult] = []
    subtotals: list[float] = []
    for section in layout.sections:
        weights = [i.item.weight for i in section.items if not i.item.gate]
        section_weight = sum(weights)
        if section.factor_row:
            factor = _factor(section_weight, neutralised_weight(section.items))
            cells[f"{col('points')}{section.factor_row}"] = factor
        else:
            factor = factors.get("card", 1.0)
        has_factor = bool(section.factor_row) or "card" in factors
        points_list: list[float] = []
        for item in section.items:
            score = scores.get(item.item.id)
            status = statuses[item.item.id]
            points: float | None = None
            applied: float | None = None
            if not item.item.gate:
                applied = 0.0 if status == STATUS_NEUTRALISED else item.item.weight * (factor if has_factor else 1.0)
                points = 0
                if status == STATUS_OK:
                    points = item_points(item.item, score)
                    if has_factor:
                        points = points * factor
                cells[item.cell("points")] = points
                points_list.append(points)
            results.append(ItemResult(item.item.id, item.cell("score"), item.item.weight, score, status, points,
                                      (notes or {}).get(item.item.id), applied))
        cells[f"{col('weight')}{section.subtotal_row}"] = section_weight
        cells[f"{col('points')}{section.subtotal_row}"] = sum(points_list)
        subtotals.append(sum(points_list))
    total = sum(subtotals)
    cells[t("total")] = total
    rounded = None
    rounding = card.rounding
    if rounding:
        rounded = excel_round(total, rounding.decimals, rounding.mode)
        cells[t("rounded")] = rounded
    missing = sum(1 for s in statuses.values() if s == STATUS_MISSING)
    invalid = sum(1 for s in statuses.values() if s == STATUS_INVALID)
    gates_failed = sum(1 for s in statuses.values() if s == STATUS_GATE_FAILED)
    cells[t("missing")] = missing
    cells[t("invalid")] = invalid
    if "gates_failed" in layout.totals:
        cells[t("gates_failed")] = gates_failed
    band: str | None = None
    percent: float | None = None
    bonus: float | None = None
    if "band" in layout.totals:
        bands = card.bands
        table = band_table(bands)  # as the formula: the value's region, then the band the table gives it
        index = table.band_at[band_region(table, rounded if rounded is not None else total)]
        pays = "percent" in layout.totals
        if missing + invalid > 0:
            band = cells[t("band")] = ""
            if pays:
                cells[t("percent")] = ""
        elif gates_failed:
            band = cells[t("band")] = BAND_EXCLUDED
            if pays:
                percent, cells[t("percent")] = 0.0, 0
        else:
            bandset = card.bandset
            assert bandset is not None
            band = cells[t("band")] = bands[index - 1].label if index else outside_label(bandset)
            if pays:
                stated = bands[index - 1].percent if index else (bandset.outside.percent if bandset.outside else None)
                percent = None if stated is None else float(stated)
                cells[t("percent")] = "" if stated is None else float(stated) / 100
    if "bonus" in layout.totals and card.base is not None:  # a bonus row just when there is a base
        fraction = cells[t("percent")]  # "" while incomplete, else a number
        bonus = card.base * fraction if is_number(fraction) else None
        cells[t("bonus")] = "" if bonus is None else bonus
    status = status_text(missing, invalid)
    cells[t("status")] = status
    return CardResult(card.id, results, total, card.maximum, rounded, missing, invalid, gates_failed,
                      band, percent, bonus, status, cells)


def status_text(missing: int, invalid: int) -> str:
    if missing + invalid == 0:
        return "Completa"
    parts = []
    if missing:
        parts.append("Manca 1 valutazione" if missing == 1 else f"Mancano {missing} valutazioni")
    if invalid:
        parts.append("1 valore non ammesso" if invalid == 1 else f"{invalid} valori non ammessi")
    return "; ".join(parts)


def values_equal(a: object, b: object, tolerance: float = 1e-9) -> bool:
    """Equality of cell values across engines: numbers within a relative tolerance, text exactly."""
    if is_number(a) and is_number(b):
        return abs(float(a) - float(b)) <= tolerance * max(1.0, abs(float(a)), abs(float(b)))
    if a in (None, "") and b in (None, ""):
        return True
    return a == b
