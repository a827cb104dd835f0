"""What a card sheet computes, twice: as spreadsheet formulas and in Python, side by side.

`card_formulas()` gives the formula of every computed cell of a card sheet;
`evaluate()` computes the value each of those formulas yields from the same
inputs, in the same order of operations. The workbook carries these values as
its cached results (LibreOffice does not recalculate on load), `collect`
recomputes totals with them, and tests check that LibreOffice agrees.

Only functions every engine computes the same way are used: SUM, SUMIF,
COUNTIF, IF, AND, ISBLANK, ISNUMBER, MATCH (on a literal array or a range of
the list sheet), SUMPRODUCT and INDEX (the band tables of the list sheet),
ROUND.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TypeGuard

from piano_xlsx.plan.resolve import GATE_FAILED, GATE_PASSED, NEUTRALISED
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


def scale_values(layout: CardLayout, lists: ListSheet) -> str:
    """The scale as MATCH reads it: its range on the list sheet, or a literal array for a short scale."""
    scale = layout.card.scale
    return lists.scale_range(scale, False) or "{" + ",".join(_num(v) for v in scale.numbers()) + "}"


# ---------------------------------------------------------------- formulas


def status_formula(layout: CardLayout, item: ItemRows, lists: ListSheet) -> str:
    score = item.cell("score")
    if item.item.gate:
        inner = (f'IF({score}={_text(GATE_PASSED)},"{STATUS_OK}",'
                 f'IF({score}={_text(GATE_FAILED)},"{STATUS_GATE_FAILED}","{STATUS_INVALID}"))')
    else:
        text_case = (f'IF({score}={_text(NEUTRALISED)},"{STATUS_NEUTRALISED}","{STATUS_INVALID}")'
                     if item.item.neutralisable else f'"{STATUS_INVALID}"')
        inner = (f'IF(ISNUMBER({score}),IF(ISNUMBER(MATCH({score},{scale_values(layout, lists)},0)),'
                 f'"{STATUS_OK}","{STATUS_INVALID}"),{text_case})')
    return f'IF(ISBLANK({score}),"{STATUS_MISSING}",{inner})'


def factor_cell(layout: CardLayout, item: ItemRows) -> str | None:
    if layout.card.card.redistribution == "card" and "factor" in layout.totals:
        return "$" + col("points") + "$" + str(layout.totals["factor"])
    for section in layout.sections:
        if section.factor_row and any(i is item for i in section.items):
            return "$" + col("points") + "$" + str(section.factor_row)
    return None


def points_formula(layout: CardLayout, item: ItemRows) -> str:
    factor = factor_cell(layout, item)
    product = f'{item.cell("weight")}*{item.cell("score")}/{_num(layout.card.scale.maximum)}'
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


def band_formulas(table: BandRanges, ref: str) -> tuple[str, str]:
    """The band label of `ref` and its percentage ("" outside every band: the table's cell is empty there)."""
    region = band_region_expr(table, ref)
    percent = f"INDEX({table.percents},{region}+1)"
    return f"INDEX({table.labels},{region}+1)", f'IF(ISNUMBER({percent}),{percent},"")'


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
    if is_number(score):
        return STATUS_OK if float(score) in {float(v) for v in layout.card.scale.numbers()} else STATUS_INVALID
    if item.item.neutralisable and excel_equal(score, NEUTRALISED):
        return STATUS_NEUTRALISED
    return STATUS_INVALID




def _factor(weight_total: float, neutralised: float) -> float:
    return 0.0 if weight_total - neutralised <= 0 else weight_total / (weight_total - neutralised)


def evaluate(layout: CardLayout, scores: dict[str, Value], notes: dict[str, str | None] | None = None) -> CardResult:
    """Compute every formula of the card from the scores (item id -> cell value, None when blank)."""
    card = layout.card
    t = layout.total_cell
    cells: dict[str, Value] = {}
    maximum = float(card.scale.maximum)
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
            if not item.item.gate:
                points = 0
                if status == STATUS_OK and is_number(score):  # a number of the scale: the only scores that are OK
                    points = item.item.weight * float(score) / maximum
                    if has_factor:
                        points = points * factor
                cells[item.cell("points")] = points
                points_list.append(points)
            results.append(ItemResult(item.item.id, item.cell("score"), item.item.weight, score, status, points,
                                      (notes or {}).get(item.item.id)))
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
        if missing + invalid > 0:
            band, cells[t("band")], cells[t("percent")] = "", "", ""
        elif gates_failed:
            band, percent = BAND_EXCLUDED, 0.0
            cells[t("band")], cells[t("percent")] = band, 0
        else:
            band = bands[index - 1].label if index else BAND_OUTSIDE
            cells[t("band")] = band
            percent = float(bands[index - 1].percent) if index else None
            cells[t("percent")] = percent / 100 if percent is not None else ""
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
