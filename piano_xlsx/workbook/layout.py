"""The one description of where everything sits on a card sheet, shared by the writer and the reader.

`card_layout()` places a resolved card: header fields, the objectives table
section by section, and the totals block. Every cell address the writer uses
and the reader looks up comes from here; nothing else computes a row.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

from piano_xlsx.plan.loader import LoadedPlan
from piano_xlsx.plan.resolve import ResolvedCard, ResolvedItem, ResolvedSection, resolve_cards
from piano_xlsx.workbook.pages import fit_width_scale, page_count, sheet_heights
from piano_xlsx.workbook.textmetrics import (
    EXCEL_MAX_ROW_HEIGHT,
    LINE_HEIGHT,
    MAX_ROW_HEIGHT,
    ROW_PADDING,
    lines_height,
    split_text,
    text_lines,
    whole_pixels,
)

# The objectives table, left to right: key -> (column letter, heading, width). Printed landscape on A4,
# fit to one page wide: these widths (1,250 pixels in all) print at about 84 % of their size.
COLUMNS: dict[str, tuple[str, str, float]] = {
    "number": ("A", "N.", 5),
    "objective": ("B", "Obiettivo", 55),
    "indicators": ("C", "Indicatori / valore atteso", 34),
    "deadline": ("D", "Termine", 12),
    "weight": ("E", "Peso", 8),
    "score": ("F", "Valutazione", 11),
    "points": ("G", "Punti", 11),
    "status": ("H", "Esito", 12),
    "note": ("I", "Note del valutatore", 24),
}
LABEL_COL = "B"  # labels of header fields and totals
VALUE_COL = "C"  # header values (ente, plan, …) and header inputs
TOTAL_COL = COLUMNS["points"][0]  # totals line up with the points column

TITLE_ROW = 1
HEADER_FIELDS = (  # key, label, is an input the evaluator fills
    ("ente", "Ente", False),
    ("plan", "Piano", False),
    ("sector", "Settore / area", False),
    ("evaluatee", "Valutato", False),
    ("evaluator", "Valutatore", True),
    ("date", "Data della valutazione", True),
)
FIRST_HEADER_ROW = 3
LEGEND_ROW = FIRST_HEADER_ROW + len(HEADER_FIELDS)  # one line on how to fill the sheet
TABLE_HEADER_ROW = LEGEND_ROW + 2

# Status words the per-item "Esito" formula yields; the totals count them.
STATUS_MISSING = "Manca"
STATUS_OK = "OK"
STATUS_INVALID = "Non ammesso"
STATUS_NEUTRALISED = "Non valutabile"
STATUS_GATE_FAILED = "Non raggiunto"

def col(key: str) -> str:
    return COLUMNS[key][0]


@dataclass
class ItemRows:
    item: ResolvedItem
    row: int
    text_chunks: list[str]  # objective text: first chunk on `row`, the rest on the rows below ("" when the
    # indicators need more rows than the objective)
    block_height: float  # `item_block_height` of the item, measured once when it is placed

    @property
    def rows(self) -> range:
        return range(self.row, self.row + len(self.text_chunks))

    def cell(self, key: str) -> str:
        return f"{col(key)}{self.row}"


@dataclass
class SectionRows:
    section: ResolvedSection
    header_row: int
    items: list[ItemRows]
    subtotal_row: int
    factor_row: int | None  # weight redistribution factor, when the card redistributes within sections

    @property
    def first_item_row(self) -> int:
        return self.items[0].row

    @property
    def last_item_row(self) -> int:
        return self.items[-1].rows[-1]


@dataclass
class CardLayout:
    card: ResolvedCard
    sections: list[SectionRows]
    totals: dict[str, int] = field(default_factory=dict)  # totals-block key -> row
    totals_labels: dict[str, str] = field(default_factory=dict)
    details: bool = False  # descriptions and modes of the objectives on the details sheet, not on the card

    @property
    def sheet(self) -> str:
        return self.card.sheet

    def header_cell(self, key: str) -> str:
        keys = [k for k, _, _ in HEADER_FIELDS]
        return f"{VALUE_COL}{FIRST_HEADER_ROW + keys.index(key)}"

    def total_cell(self, key: str) -> str:
        return f"{TOTAL_COL}{self.totals[key]}"

    @functools.cached_property  # the sections are placed once, and content and checks walk the items often
    def items(self) -> list[ItemRows]:
        return [item for section in self.sections for item in section.items]

    @property
    def table_range_rows(self) -> tuple[int, int]:
        return self.sections[0].first_item_row, self.sections[-1].last_item_row

    def column_range(self, key: str) -> str:
        first, last = self.table_range_rows
        return f"${col(key)}${first}:${col(key)}${last}"

    @property
    def last_row(self) -> int:
        return max(self.totals.values())

    @functools.cached_property  # measured once: the page estimate and the writer both need them
    def table_heights(self) -> dict[int, float]:
        """The heights of the rows from the table's heading down (`table_heights`)."""
        return table_heights(self)

    def inputs(self) -> list[str]:
        """Every cell the evaluator may fill."""
        cells = [self.header_cell("evaluator"), self.header_cell("date")]
        for item in self.items:
            cells += [item.cell("score"), item.cell("note")]
        return cells


def row_height(texts: dict[str, str]) -> float:
    """Height that shows every wrapped text of a row in full (texts by column key of COLUMNS)."""
    lines = max([text_lines(text, COLUMNS[key][2]) for key, text in texts.items() if text] or [1])
    return min(EXCEL_MAX_ROW_HEIGHT, lines_height(lines))


def item_block_height(item: ResolvedItem) -> float:
    """Height the indicators and the deadline of an item need; they span all the item's rows."""
    return _block_height(tuple(item.indicators), item.target, item.deadline)


@functools.lru_cache(maxsize=1 << 16)  # the same indicators, target and deadline on many cards
def _block_height(indicators: tuple[str, ...], target: str | None, deadline: str | None) -> float:
    lines = max(text_lines(_indicators_text(indicators, target), COLUMNS["indicators"][2]),
                text_lines(deadline or "", COLUMNS["deadline"][2]))
    return lines_height(lines)


ITEM_MIN_HEIGHT = whole_pixels(2 * LINE_HEIGHT + ROW_PADDING)  # room for a short note beside a one-line objective


def item_row_heights(item: ItemRows) -> list[float]:
    """Heights of an item's rows: each shows its piece of the objective; together they show the rest."""
    return list(_row_heights(tuple(item.text_chunks), item.block_height))


# Shared objectives give every card the same texts, and a card is placed twice (with its descriptions, then
# perhaps without): each distinct objective text is cut into rows, and the rows measured, once.
@functools.lru_cache(maxsize=1 << 16)
def _row_heights(chunks: tuple[str, ...], block_height: float) -> tuple[float, ...]:
    heights = [row_height({"objective": chunk}) for chunk in chunks]
    heights[0] = max(heights[0], ITEM_MIN_HEIGHT)
    missing = block_height - sum(heights)
    for index in range(len(heights)):
        if missing <= 0:
            break
        grow = min(whole_pixels(missing), MAX_ROW_HEIGHT - heights[index])
        if grow > 0:
            heights[index] += grow
            missing -= grow
    return tuple(heights)


@functools.lru_cache(maxsize=1 << 16)
def objective_chunks(text: str, block_height: float) -> tuple[str, ...]:
    """The objective `text` cut into the item's rows, beside indicators and deadline `block_height` tall."""
    width = COLUMNS["objective"][2]
    chunks = split_text(text, width)
    if len(chunks) > 1 and "\n" in text:  # the title alone beside the score; the rest on the rows below
        title, rest = text.split("\n", 1)
        chunks = split_text(title, width) + split_text(rest, width)
    # indicators longer than the objective: more rows for them (they span the item's rows)
    chunks += [""] * (math.ceil(block_height / MAX_ROW_HEIGHT) - len(chunks))
    return tuple(chunks)


def objective_text(item: ResolvedItem, details: bool = False) -> str:
    """The objective column's text: the title, then (unless `details` sends them away) description and modes."""
    if details:
        return item.title.strip() if item.title else ""
    return "\n".join(p.strip() for p in [item.title, *detail_parts(item)] if p and p.strip())


def detail_parts(item: ResolvedItem) -> list[str]:
    """What an objective says beyond its title: the description, the modes."""
    parts = [item.description] if item.description and item.description.strip() else []
    if item.modes and item.modes.strip():
        parts.append("Modalità esecutive: " + item.modes)
    return parts


def indicators_text(item: ResolvedItem) -> str:
    return _indicators_text(tuple(item.indicators), item.target)


@functools.lru_cache(maxsize=1 << 16)  # the same indicators and target on many cards
def _indicators_text(indicators: tuple[str, ...], target: str | None) -> str:
    parts = [f"• {text}" for text in indicators]
    if target is not None:
        parts.append(f"Valore atteso: {target}" if target.strip() else "Valore atteso: (non indicato)")
    return "\n".join(parts)


# A card prints on at most this many A4 pages: when its objectives' descriptions would make it longer, they go to
# the details sheet (DETAILS_SHEET) and the card keeps title, indicators, target and deadline.
MAX_CARD_PAGES = 2
HEADER_ALLOWANCE = 200.0  # points: the rows above the table (title, header fields, legend), at their tallest usual
TABLE_HEADER_HEIGHT = 27.75  # 37 pixels: XlsxWriter keeps heights in whole pixels
SECTION_HEADER_HEIGHT = 18.0
CARD_WIDTHS = [width for _, _, width in COLUMNS.values()]


def card_layout(card: ResolvedCard) -> CardLayout:
    """Place a card on its sheet: descriptions on the card, unless the card would then print on too many pages."""
    blocks = [item_block_height(item) for item in card.items]  # the same in both placings
    totals = totals_block(card)
    layout = place(card, details=False, blocks=blocks, totals=totals)
    if any(detail_parts(item) for item in card.items) and estimated_pages(layout) > MAX_CARD_PAGES:
        layout = place(card, details=True, blocks=blocks, totals=totals)
    _ = layout.table_heights  # measured now, while the card's texts are still in the measuring cache
    return layout


def table_heights(layout: CardLayout) -> dict[int, float]:
    """The heights the writer gives the rows from the table's heading down (rows not listed: the default)."""
    heights = {TABLE_HEADER_ROW: TABLE_HEADER_HEIGHT}
    for section in layout.sections:
        heights[section.header_row] = SECTION_HEADER_HEIGHT
        for item in section.items:
            heights.update(zip(item.rows, item_row_heights(item), strict=True))
    return heights


def estimated_pages(layout: CardLayout) -> int:
    """Pages the card takes with the header block at its tallest usual height (HEADER_ALLOWANCE)."""
    rows = sheet_heights(layout.table_heights, layout.last_row)[TABLE_HEADER_ROW - 1:]
    return page_count([HEADER_ALLOWANCE, *rows], scale=fit_width_scale(CARD_WIDTHS, landscape=True),
                      landscape=True, repeated=TABLE_HEADER_HEIGHT)


def place(card: ResolvedCard, *, details: bool, blocks: list[float] | None = None,
          totals: list[tuple[str, str]] | None = None) -> CardLayout:
    """Place a card on its sheet, with its descriptions on the card or (`details`) on the details sheet.

    `blocks` are the `item_block_height`s of the card's items and `totals` its `totals_block`, when the caller
    has them.
    """
    blocks = blocks or [item_block_height(item) for item in card.items]
    heights = iter(blocks)
    row = TABLE_HEADER_ROW + 1
    sections: list[SectionRows] = []
    section_factors = card.redistributes and card.card.redistribution != "card"
    for section in card.sections:
        header_row = row
        row += 1
        items = []
        for item in section.items:
            block = next(heights)
            chunks = list(objective_chunks(objective_text(item, details), block))
            items.append(ItemRows(item=item, row=row, text_chunks=chunks, block_height=block))
            row += len(chunks)
        subtotal_row = row
        row += 1
        factor_row = None
        if section_factors and any(i.neutralisable for i in section.items):
            factor_row = row
            row += 1
        sections.append(SectionRows(section, header_row, items, subtotal_row, factor_row))
    layout = CardLayout(card=card, sections=sections, details=details)
    row += 1
    for key, label in totals_block(card) if totals is None else totals:
        layout.totals[key] = row
        layout.totals_labels[key] = label
        row += 1
    return layout


def totals_block(card: ResolvedCard) -> list[tuple[str, str]]:
    """The rows under the table, in order: only those the plan gives a meaning to."""
    rows = [("total", "Punteggio totale"), ("maximum", "Punteggio massimo")]
    if card.redistributes and card.card.redistribution == "card":
        rows.append(("factor", "Ridistribuzione del peso non valutabile (fattore)"))
    rounding = card.rounding
    if rounding:
        words = {"round": "arrotondato", "floor": "arrotondato per difetto", "ceil": "arrotondato per eccesso"}
        rows.append(("rounded", f"Punteggio per la fascia ({words[rounding.mode]}, {rounding.decimals} decimali)"))
    rows += [("missing", "Valutazioni mancanti"), ("invalid", "Valori non ammessi")]
    if any(i.gate for i in card.items):
        rows.append(("gates_failed", "Condizioni per il premio non raggiunte"))
    if card.bands and card.bandset:  # bands come from a band set
        rows.append(("band", "Fascia"))
        if not card.bandset.classifies_only:
            rows.append(("percent", "Percentuale del premio"))
            if card.base is not None:
                rows += [("base", "Base di calcolo (€)"), ("bonus", "Premio (€)")]
    rows.append(("status", "Stato della scheda"))
    return rows


# The details sheet (DETAILS_SHEET), printed portrait: key -> (column letter, width).
DETAILS_COLUMNS: dict[str, tuple[str, float]] = {"number": ("A", 6), "text": ("B", 90)}


# The summary sheet: one row per card, these columns, each gathered from the card's totals block.
SUMMARY_HEADER_ROW = 4
SUMMARY_COLUMNS: tuple[tuple[str, str, str | None, float], ...] = (  # letter, heading, totals key, width
    ("A", "Scheda", None, 28),
    ("B", "Valutato", None, 28),
    ("C", "Settore / area", None, 26),
    ("D", "Punteggio", "total", 10),
    ("E", "Massimo", "maximum", 9),
    ("F", "Fascia", "band", 16),
    ("G", "Percentuale", "percent", 11),
    ("H", "Premio (€)", "bonus", 12),
    ("I", "Stato", "status", 26),
)


def summary_row(index: int) -> int:
    return SUMMARY_HEADER_ROW + 1 + index


def plan_layouts(loaded: LoadedPlan) -> list[CardLayout]:
    """Every card of the plan, placed on its sheet, in plan order."""
    return [card_layout(card) for card in resolve_cards(loaded.plan)]
