"""What every locked cell of a generated workbook holds: texts, numbers and formulas, with a style key.

The writer writes exactly these cells; the manifest records them; `collect`
and `audit` compare a returned workbook against them. Inputs are not here:
their places come from the layout.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import NamedTuple

from piano_xlsx.plan.model import Plan, Rule, Scale
from piano_xlsx.plan.resolve import DETAILS_SHEET, GATE_FAILED, GATE_PASSED, NEUTRALISED, ResolvedCard, ResolvedItem
from piano_xlsx.workbook import wording
from piano_xlsx.workbook.computation import card_formulas, formulas_shape, is_number
from piano_xlsx.workbook.layout import (
    COLUMNS,
    DETAILS_COLUMNS,
    FIRST_HEADER_ROW,
    HEADER_FIELDS,
    LABEL_COL,
    LEGEND_ROW,
    SUMMARY_COLUMNS,
    SUMMARY_HEADER_ROW,
    TABLE_HEADER_ROW,
    TITLE_ROW,
    CardLayout,
    col,
    detail_parts,
    indicators_text,
    summary_row,
)
from piano_xlsx.workbook.lists import ListSheet, list_sheet
from piano_xlsx.workbook.textmetrics import split_text


class Cell(NamedTuple):  # a named tuple, not a frozen dataclass: a large plan makes hundreds of thousands
    kind: str  # "t" text, "n" number, "f" formula (text without '=')
    value: str | float
    style: str = "text"


def plan_label(plan: Plan) -> str:
    return _plan_label(plan.plan.title, plan.plan.period or (str(plan.plan.year) if plan.plan.year else ""))


@functools.lru_cache(maxsize=64)  # every sheet of every workbook shows it: a run has one plan, so one label
def _plan_label(title: str, period: str) -> str:
    # "2024-2026" is already said by a title with "2024/2026": compare the years, not the punctuation
    said = all(year in title for year in re.findall(r"\d{4}", period)) and re.search(r"\d{4}", period)
    return title + (f" ({period})" if period and not said else "")


def card_cells(plan: Plan, layout: CardLayout, lists: ListSheet | None = None,
               formulas: FormulaCells | None = None) -> dict[str, Cell]:
    """The locked cells of a card sheet; `lists` is the plan's list sheet, when the caller already has it,
    `formulas` the run's formula cells by card shape."""
    cells = fixed_cells(plan, layout)
    if formulas is None:
        cells.update(formula_cells(layout, list_sheet(plan) if lists is None else lists))
    else:
        cells.update(formulas.cells(layout))
    return cells


def fixed_cells(plan: Plan, layout: CardLayout) -> dict[str, Cell]:
    """The locked cells of a card sheet that are not formulas (`card_cells` without `formula_cells`)."""
    card = layout.card
    cells: dict[str, Cell] = {f"A{TITLE_ROW}": Cell("t", f"Scheda di valutazione — {card.card.title}", "title")}
    header_values = {
        "ente": plan.plan.ente,
        "plan": plan_label(plan) + (f" — anno {card.card.year}" if card.card.year else ""),
        "sector": card.sector.title if card.sector else "—",
        "evaluatee": _evaluatee(card),
    }
    for offset, (key, label, is_input) in enumerate(HEADER_FIELDS):
        row = FIRST_HEADER_ROW + offset
        cells[f"{LABEL_COL}{row}"] = Cell("t", label, "label")
        if not is_input:
            cells[layout.header_cell(key)] = Cell("t", header_values[key], "header_value")
    evaluator_hint = f" ({card.card.evaluator})" if card.card.evaluator else ""
    scales = item_scales([layout])
    how = "scegliere la valutazione dall'elenco" if _lists_only(layout, scales) else "inserire la valutazione"
    details = f" Descrizione e modalità esecutive degli obiettivi: foglio «{DETAILS_SHEET}»." if layout.details else ""
    cells[f"{LABEL_COL}{LEGEND_ROW}"] = Cell(
        "t", f"Compilare le celle gialle{evaluator_hint}: {how} "
             f"({scale_words(layout, scales)}); le celle rosse contengono valori non ammessi.{details}", "legend")
    for letter, heading, _ in COLUMNS.values():
        cells[f"{letter}{TABLE_HEADER_ROW}"] = Cell("t", heading, "table_header")
    for section in layout.sections:
        total = f" — {section.section.total:g} punti" if section.section.section.total is not None else ""
        cells[f"A{section.header_row}"] = Cell("t", f"{section.section.section.title}{total}", "section")
        for item in section.items:
            i, row = item.item, item.row
            cells[f"{_NUMBER}{row}"] = Cell("t", i.number, "number")
            for offset, chunk in enumerate(item.text_chunks):
                if chunk or offset == 0:
                    cells[f"{_OBJECTIVE}{row + offset}"] = Cell("t", chunk, "wrap")
            cells[f"{_INDICATORS}{row}"] = Cell("t", indicators_text(i), "wrap")
            cells[f"{_DEADLINE}{row}"] = Cell("t", i.deadline or "", "wrap")
            if i.gate:
                cells[f"{_WEIGHT}{row}"] = Cell("t", "Vincolante", "gate")
                cells[f"{_POINTS}{row}"] = Cell("t", "—", "gate")
            else:
                cells[f"{_WEIGHT}{row}"] = Cell("n", i.weight, "weight")
        cells[f"{LABEL_COL}{section.subtotal_row}"] = Cell("t", f"Totale {section.section.section.title}",
                                                           "subtotal_label")
        if section.factor_row:
            cells[f"{LABEL_COL}{section.factor_row}"] = Cell(
                "t", "Ridistribuzione del peso non valutabile (fattore)", "label")
    for key, row in layout.totals.items():
        cells[f"{LABEL_COL}{row}"] = Cell("t", layout.totals_labels[key], "total_label")
    cells[layout.total_cell("maximum")] = Cell("n", card.maximum, "total")
    if "base" in layout.totals:
        cells[layout.total_cell("base")] = Cell("n", card.base or 0.0, "money")
    return cells


# the columns of an item's cells (ItemRows.cell), looked up once
_NUMBER, _OBJECTIVE, _INDICATORS, _DEADLINE, _WEIGHT, _POINTS = (
    col(key) for key in ("number", "objective", "indicators", "deadline", "weight", "points"))


def formula_cells(layout: CardLayout, lists: ListSheet) -> dict[str, Cell]:
    """The card's formula cells, styled (`card_formulas`)."""
    row_styles = _row_styles(layout)
    return {address: Cell("f", formula, formula_style(layout, address, row_styles))
            for address, formula in card_formulas(layout, lists).items()}


class FormulaCells:
    """The formula cells of each card shape (`formulas_shape`) met in one plan's run.

    The cards of a plan mostly share a few shapes (same sections, item counts, scales and bands; only texts and
    numbers differ), so each shape's formulas are written and styled once. Made for one plan (its list sheet),
    as the shape tells scales apart by identity; at most MAX_SHAPES shapes are kept.
    """

    MAX_SHAPES = 256

    def __init__(self, lists: ListSheet) -> None:
        self.lists = lists
        # shape -> its cells, and the layout they were made from: kept alive, so no identity in a shape is reused
        self._by_shape: dict[tuple[object, ...], tuple[dict[str, Cell], CardLayout]] = {}

    def cells(self, layout: CardLayout) -> dict[str, Cell]:
        shape = formulas_shape(layout)
        made = self._by_shape.get(shape)
        if made is None:
            made = formula_cells(layout, self.lists), layout
            if len(self._by_shape) < self.MAX_SHAPES:
                self._by_shape[shape] = made
        return made[0]


def formula_style(layout: CardLayout, address: str, row_styles: dict[str, str] | None = None) -> str:
    """The style of a formula cell of the card; `row_styles` is `_row_styles(layout)`, when already made."""
    if address.startswith(col("status")):
        return "status"
    styles = _row_styles(layout) if row_styles is None else row_styles
    return styles.get(address.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), "points")


_TOTAL_STYLES = {"percent": "percent", "bonus": "money", "band": "total_text", "status": "total_text",
                 "missing": "count", "invalid": "count", "gates_failed": "count", "factor": "factor"}


def _row_styles(layout: CardLayout) -> dict[str, str]:
    """The style of the formulas of each row (as written in an address) that is not an item's: items' are points."""
    styles = {str(row): _TOTAL_STYLES.get(key, "total") for key, row in layout.totals.items()}
    for section in layout.sections:
        styles[str(section.subtotal_row)] = "subtotal"
        if section.factor_row:
            styles[str(section.factor_row)] = "factor"
    return styles


def _evaluatee(card: ResolvedCard) -> str:
    if card.evaluatee is None:
        return card.card.evaluatee
    role = f" — {card.evaluatee.role}" if card.evaluatee.role and card.evaluatee.role != card.evaluatee.name else ""
    return card.evaluatee.name + role


def item_scales(layouts: list[CardLayout]) -> list[Scale]:
    """The scales the cards' items are scored on, each once, in order (a card's own scale first)."""
    out: dict[str, Scale] = {}
    for layout in layouts:
        scored = [i.item.scale for i in layout.items if not i.item.gate]
        for scale in [layout.card.scale] * (not scored or layout.card.scale in scored) + scored:
            out.setdefault(scale.id, scale)
    return list(out.values())


def _lists_only(layout: CardLayout, scales: list[Scale] | None = None) -> bool:
    """Whether every scale of the card is a list; `scales` are its `item_scales`, when the caller has them."""
    return all(scale.kind == "list" for scale in (item_scales([layout]) if scales is None else scales))


def scale_words(layout: CardLayout, scales: list[Scale] | None = None) -> str:
    """The legend's words on the card's scales; `scales` are its `item_scales`, when the caller has them."""
    words = "; ".join(wording.scale_short(scale) for scale in (item_scales([layout]) if scales is None else scales))
    if any(i.item.neutralisable for i in layout.items):
        words += f"; «{NEUTRALISED}» se non valutabile"
    if any(i.item.gate for i in layout.items):
        words += f"; condizioni: «{GATE_PASSED}» o «{GATE_FAILED}»"
    return words


def summary_cells(plan: Plan, layouts: list[CardLayout]) -> dict[str, Cell]:
    cells: dict[str, Cell] = {
        "A1": Cell("t", f"Riepilogo — {plan.plan.ente}", "title"),
        "A2": Cell("t", plan_label(plan), "header_value"),
    }
    for letter, heading, _, _ in SUMMARY_COLUMNS:
        cells[f"{letter}{SUMMARY_HEADER_ROW}"] = Cell("t", heading, "table_header")
    for index, layout in enumerate(layouts):
        row = summary_row(index)
        card = layout.card
        cells[f"A{row}"] = Cell("t", card.card.title, "wrap")
        cells[f"B{row}"] = Cell("t", _evaluatee(card), "wrap")
        cells[f"C{row}"] = Cell("t", card.sector.title if card.sector else "—", "wrap")
        for letter, _, key, _ in SUMMARY_COLUMNS:
            if key is None:
                continue
            if key in layout.totals:
                style = {"percent": "percent", "bonus": "money", "band": "total_text", "status": "total_text"}
                cells[f"{letter}{row}"] = Cell("f", f"{quote_sheet(layout.sheet)}!{layout.total_cell(key)}",
                                               style.get(key, "total"))
            else:
                cells[f"{letter}{row}"] = Cell("t", "—", "gate")
    return cells


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def instruction_lines(plan: Plan, layouts: list[CardLayout]) -> list[tuple[str, str]]:
    """(style, text) lines of the instructions sheet."""
    info = plan.plan
    lines = [("title", f"{info.ente} — {plan_label(plan)}"), ("text", "Istruzioni per la compilazione"), ("blank", "")]
    lines.append(("heading", "Come compilare"))
    pick = ("2. Per ogni obiettivo scegliere la valutazione dall'elenco a discesa nella colonna «Valutazione»."
            if all(_lists_only(layout) for layout in layouts) else
            "2. Per ogni obiettivo inserire la valutazione nella colonna «Valutazione»: sceglierla dall'elenco a "
            "discesa, oppure digitare la percentuale o i punti come indicato sotto.")
    lines += [("text", t) for t in (
        "1. Aprire il foglio di ciascuna scheda e indicare il valutatore e la data della valutazione.",
        pick,
        "3. Annotare nella colonna «Note del valutatore» le motivazioni e gli atti a supporto.",
        "4. Le celle gialle sono da compilare; una cella rossa contiene un valore non ammesso: correggerla.",
        "5. Punti, totali, fascia e stato si calcolano da soli; il foglio «Riepilogo» raccoglie tutte le schede.",
        "6. Non rinominare, spostare o eliminare fogli, righe o colonne; non incollare valori da altri file.",
    )]
    if any(layout.details for layout in layouts):
        lines.append(("text", "7. Descrizione e modalità esecutive degli obiettivi delle schede che non le riportano "
                              f"sono nel foglio «{DETAILS_SHEET}»."))
    lines += [("blank", ""), ("heading", "Scala di valutazione")]
    items = [i.item for layout in layouts for i in layout.items if not i.item.gate]
    for scale in item_scales(layouts):
        lines.append(("text", f"{wording.scale_title(scale)}:"))
        lines += [("text", line) for line in wording.scale_lines(scale)]
        users = [i for i in items if i.scale.id == scale.id]
        if scale.kind == "list" and (not users or any(i.proportional for i in users)):
            lines.append(("text", f"Punti dell'obiettivo = peso × valutazione ÷ {scale.maximum:g}."))
        lines += [("text", line) for line in wording.source_line(scale.source)]
    if any(i.item.neutralisable for layout in layouts for i in layout.items):
        lines.append(("text", wording.NEUTRALISED_LINE))
    if any(i.item.gate for layout in layouts for i in layout.items):
        lines.append(("text", f"Condizioni per il premio: «{GATE_PASSED}» se raggiunta, «{GATE_FAILED}» se non "
                              "raggiunta (esclude il premio)."))
    lines += _rule_lines(items)
    bandsets = {layout.card.bandset.id: layout.card.bandset for layout in layouts if layout.card.bandset}
    for bandset in bandsets.values():
        lines += [("blank", ""), ("heading", "Fasce di premialità")]
        for band in bandset.bands:
            lines.append(("text", wording.band_line(band)))
        outside = wording.outside_line(bandset)
        if outside:
            lines.append(("text", outside))
        if bandset.rounding and bandset.rounding.mode != "none":
            lines.append(("text", "Il punteggio è arrotondato prima di individuare la fascia "
                                  f"({bandset.rounding.decimals} decimali)."))
        lines += [("text", line) for line in wording.source_line(bandset.source)]
    deadlines = list(dict.fromkeys(i.item.deadline for layout in layouts for i in layout.items if i.item.deadline))
    if deadlines:
        lines += [("blank", ""), ("heading", "Termini degli obiettivi")]
        lines += [("text", f"   • {deadline}") for deadline in deadlines]
    lines += _source_lines(plan, layouts)
    lines += [("blank", ""), ("heading", "Restituzione")]
    where = f" a {info.return_to}" if info.return_to else " all'Ufficio Personale"
    by = f" entro il {info.return_by}" if info.return_by else ""
    lines.append(("text", f"Salvare il file in formato .xlsx senza cambiarne il nome e inviarlo{where}{by}."))
    lines.append(("text", "Non salvare in altri formati (.xls, .ods), non proteggere il file con password."))
    lines.append(("text", "Il file contiene una firma digitale dei contenuti emessi: ogni modifica alle celle "
                          "bloccate viene rilevata."))
    return lines


def _rule_lines(items: list[ResolvedItem]) -> list[tuple[str, str]]:
    """How scores become points, for every rule (and scale) that is not the plain weight × score ÷ maximum."""
    seen: dict[tuple[str | None, str], tuple[Rule | None, Scale]] = {}
    for item in items:  # points and achieved / not achieved say how they score under their scale
        if item.scale.kind == "percent" or (item.scale.kind == "list" and not item.proportional):
            seen.setdefault((item.rule.id if item.rule else None, item.scale.id), (item.rule, item.scale))
    if not seen:
        return []
    lines: list[tuple[str, str]] = [("blank", ""), ("heading", "Come la valutazione diventa punti")]
    for rule, scale in seen.values():
        lines.append(("text", f"{wording.rule_title(rule)} ({wording.scale_title(scale).lower()}):"))
        lines += [("text", line) for line in wording.rule_lines(rule, scale)]
        lines += [("text", line) for line in wording.source_line(rule.source if rule else None)]
    return lines


def _source_lines(plan: Plan, layouts: list[CardLayout]) -> list[tuple[str, str]]:
    """Where the plan, the card templates and the items come from, when the plan says it."""
    texts: list[str] = []
    if plan.plan.source:
        texts.append(f"Piano: {wording.source_text(plan.plan.source)}")
    templates = {t.id: t for t in plan.templates}
    for template_id in dict.fromkeys(lay.card.template for lay in layouts if lay.card.template):
        template = templates.get(template_id)
        if template is not None and template.source:
            texts.append(f"Scheda «{template.title}»: {wording.source_text(template.source)}")
    for layout in layouts:
        for item in layout.items:
            if item.item.item.source:
                texts.append(f"{wording.item_label(item.item, layout.card.card.title)}: "
                             f"{wording.source_text(item.item.item.source)}")
    if not texts:
        return []
    return [("blank", ""), ("heading", "Fonti"), *(("text", text) for text in dict.fromkeys(texts))]


def instruction_cells(plan: Plan, layouts: list[CardLayout]) -> dict[str, Cell]:
    return cells_of_lines(instruction_lines(plan, layouts))


def cells_of_lines(lines: Sequence[tuple[str, str]]) -> dict[str, Cell]:
    """The instructions sheet's cells, one line a row from A1 (`instruction_lines`)."""
    return {f"A{row}": Cell("t", text, style) for row, (style, text) in enumerate(lines, start=1) if text}


def detail_cells(plan: Plan, layouts: list[CardLayout]) -> dict[str, Cell]:
    """The details sheet: description and modes of every objective of the cards that send them there (none when
    no card does). A text already given above is referred to, not repeated (objectives shared by several cards)."""
    if not any(layout.details for layout in layouts):
        return {}
    number_col, text_col = DETAILS_COLUMNS["number"][0], DETAILS_COLUMNS["text"][0]
    cells = {f"{number_col}1": Cell("t", f"{DETAILS_SHEET} — {plan_label(plan)}", "title"),
             f"{number_col}2": Cell("t", "Descrizione e modalità esecutive degli obiettivi, come nel piano; le "
                                         "schede ne riportano titolo, indicatori, valore atteso e termine.", "legend")}
    row = 4
    given: dict[str, tuple[str, str]] = {}  # detail text -> the card that gave it, and which objective
    given_titles = {layout.card.id: layout.card.card.title for layout in layouts}
    for layout in layouts:
        if not layout.details:
            continue
        cells[f"{number_col}{row}"] = Cell("t", f"Scheda «{layout.card.card.title}»", "heading")
        row += 1
        for section in layout.sections:
            items = [item.item for item in section.items if detail_parts(item.item)]
            if not items:
                continue
            cells[f"{number_col}{row}"] = Cell("t", section.section.section.title, "section")
            row += 1
            for item in items:
                cells[f"{number_col}{row}"] = Cell("t", item.number, "detail_number")
                cells[f"{text_col}{row}"] = Cell("t", item.title.strip(), "detail_title")
                row += 1
                text = "\n".join(p.strip() for p in detail_parts(item))
                if text in given:
                    card_id, where = given[text]
                    if card_id != layout.card.id:
                        where += f" della scheda «{given_titles[card_id]}»"
                    chunks = [f"Descrizione e modalità esecutive come per l'{where}, sopra."]
                else:
                    given[text] = (layout.card.id, f"obiettivo {item.number} di «{section.section.section.title}»")
                    chunks = split_text(text, DETAILS_COLUMNS["text"][1])
                for chunk in chunks:
                    cells[f"{text_col}{row}"] = Cell("t", chunk, "text")
                    row += 1
        row += 1
    return cells


def list_cells(plan: Plan, lists: ListSheet | None = None) -> dict[str, Cell]:
    """The list sheet (workbook/lists.py): numbers as numbers, so a picked value is a number in any locale."""
    return {address: Cell("n" if is_number(value) else "t", value, style)
            for address, (value, style) in (list_sheet(plan) if lists is None else lists).entries.items()}
