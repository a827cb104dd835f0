"""The one description of where everything sits on a card sheet, shared by the writer and the reader.

`card_layout()` places a resolved card: header fields, the objectives table
section by section, and the totals block. Every cell address the writer uses
and the reader looks up comes from here; nothing else computes a row.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass, field

from piano_xlsx.plan.resolve import ResolvedCard, ResolvedItem, ResolvedSection

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

# Excel allows rows up to 409 points, but it scrolls by whole rows: a row taller than the part of the window
# under the frozen header could never be read in full on a laptop. Longer texts continue on the next rows.
MAX_ROW_HEIGHT = 199.5  # 266 pixels


def col(key: str) -> str:
    return COLUMNS[key][0]


@dataclass
class ItemRows:
    item: ResolvedItem
    row: int
    text_chunks: list[str]  # objective text: first chunk on `row`, the rest on the rows below ("" when the
    # indicators need more rows than the objective)

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

    @property
    def sheet(self) -> str:
        return self.card.sheet

    def header_cell(self, key: str) -> str:
        keys = [k for k, _, _ in HEADER_FIELDS]
        return f"{VALUE_COL}{FIRST_HEADER_ROW + keys.index(key)}"

    def total_cell(self, key: str) -> str:
        return f"{TOTAL_COL}{self.totals[key]}"

    @property
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

    def inputs(self) -> list[str]:
        """Every cell the evaluator may fill."""
        cells = [self.header_cell("evaluator"), self.header_cell("date")]
        for item in self.items:
            cells += [item.cell("score"), item.cell("note")]
        return cells


# ---------------------------------------------------------------- measuring wrapped text
# XlsxWriter cannot autofit rows and Excel does not grow rows that carry a height, so every row height is
# computed here from the font's real glyph widths: Calibri, and Carlito, its metric twin that LibreOffice uses.

# Advance widths of Calibri/Carlito regular in 1/2048 em, for ' ' (32) to '~' (126).
_ADVANCES = (
    463, 667, 821, 1020, 1038, 1464, 1397, 452, 621, 621, 1020, 1020, 511, 627, 517, 791,
    1038, 1038, 1038, 1038, 1038, 1038, 1038, 1038, 1038, 1038, 548, 548, 1020, 1020, 1020, 949,
    1831, 1185, 1114, 1092, 1260, 1000, 941, 1292, 1276, 516, 653, 1064, 861, 1751, 1322, 1356,
    1058, 1378, 1112, 941, 998, 1314, 1162, 1822, 1063, 998, 959, 628, 791, 628, 1020, 1020,
    596, 981, 1076, 866, 1076, 1019, 625, 964, 1076, 470, 490, 931, 470, 1636, 1076, 1080,
    1076, 1076, 714, 801, 686, 1076, 925, 1464, 887, 927, 809, 644, 943, 644, 1020,
)
_OTHER_ADVANCES = {"—": 1854, "…": 1414, "€": 1038, "•": 1020, "–": 1020, "«": 1049, "»": 1049, "’": 511,
                   "‘": 511, "“": 857, "”": 857, "≤": 1020, "≥": 1020, "°": 694, "§": 1020, "ç": 866, "\t": 1852}
_UNKNOWN_ADVANCE = 2048  # any other character counts as a full em (accented letters: their base letter)

FONT_SIZE = 9.0  # points: every wrapped text of a card sheet
LINE_HEIGHT = 12.0  # points per wrapped line of 9-point Calibri in Excel (Carlito in LibreOffice takes 11)
ROW_PADDING = 4.0  # points above and below the text of a row
MIN_ROW_HEIGHT = 15.0
EXCEL_MAX_ROW_HEIGHT = 409.0
WIDTH_MARGIN = 0.94  # screen renderers round glyphs to whole pixels: keep 6 % of the width in hand
CELL_PADDING_PX = 7  # pixels of a cell not available to its text (margins and grid line)


def _advance(char: str) -> int:
    code = ord(char)
    if 32 <= code < 127:
        return _ADVANCES[code - 32]
    if char in _OTHER_ADVANCES:
        return _OTHER_ADVANCES[char]
    base = unicodedata.normalize("NFD", char)[0]
    if base != char and 32 <= ord(base) < 127:
        return _ADVANCES[ord(base) - 32]
    return _UNKNOWN_ADVANCE


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """Width of one line of text in pixels at 96 dpi (as Excel lays out a sheet at 100 % zoom)."""
    return sum(_advance(ch) for ch in text) / 2048 * size * 96 / 72


def column_pixels(width: float) -> int:
    """Pixels of a column `width` characters wide (Calibri 11's 7-pixel digit; as Excel and XlsxWriter convert)."""
    return int(width * 7 + 0.5) + 5 if width >= 1 else int(width * 12 + 0.5)


def wrap_paragraph(paragraph: str, width: float, size: float = FONT_SIZE) -> list[str]:
    """The lines a wrapped cell `width` wide shows for one paragraph; joined, they give the paragraph back.

    Lines break after a space; a word longer than a line is cut where it overflows. Each line keeps
    its trailing space, so `"".join(lines) == paragraph`.
    """
    return list(_wrap_paragraph(paragraph, width, size))


@functools.lru_cache(maxsize=16_384)  # plans repeat their texts (shared objectives, the same card for many people)
def _wrap_paragraph(paragraph: str, width: float, size: float) -> tuple[str, ...]:
    available = max(1.0, (column_pixels(width) - CELL_PADDING_PX) * WIDTH_MARGIN)
    scale = size * 96 / 72 / 2048
    lines: list[str] = []
    line, used = "", 0.0
    for word in re_words(paragraph):
        body = word.rstrip(" ")
        need = _word_advance(body) * scale
        if line and used + need > available:  # the word starts a new line
            lines.append(line)
            line, used = "", 0.0
        if not line and need > available:  # a word wider than the cell: cut it
            for ch in body:
                step = _advance(ch) * scale
                if line and used + step > available:
                    lines.append(line)
                    line, used = "", 0.0
                line += ch
                used += step
            line += word[len(body):]
            used += (len(word) - len(body)) * _advance(" ") * scale
            continue
        line += word
        used += need + (len(word) - len(body)) * _advance(" ") * scale
    lines.append(line)
    return tuple(lines)


@functools.lru_cache(maxsize=65_536)
def _word_advance(word: str) -> float:
    return sum(_advance(ch) for ch in word)


def re_words(paragraph: str) -> list[str]:
    """Words with the spaces that follow them ('a  b' -> ['a  ', 'b'])."""
    return _WORDS.findall(paragraph) or [""]


_WORDS = re.compile(r"[^ ]* *")


def text_lines(text: str, width: float, size: float = FONT_SIZE) -> int:
    """How many lines `text` takes in a wrapped cell `width` characters wide."""
    return sum(len(wrap_paragraph(paragraph, width, size)) for paragraph in text.split("\n"))


def whole_pixels(points: float) -> float:
    """Points rounded up to a whole pixel (0.75 pt): Excel and XlsxWriter keep row heights in pixels."""
    return math.ceil(round(points / 0.75, 6)) * 0.75


def lines_height(lines: int) -> float:
    """Points a row needs for `lines` wrapped lines."""
    return max(MIN_ROW_HEIGHT, whole_pixels(lines * LINE_HEIGHT + ROW_PADDING))


def split_text(text: str, width: float, max_height: float = MAX_ROW_HEIGHT) -> list[str]:
    """Cut a long text into chunks that each fit one row, wrapped in a cell `width` wide, in `max_height` points.

    A chunk ends at a paragraph's end when little room is left; otherwise it is filled, the paragraph
    continuing in the next row (cut at the end of a wrapped line, so no word is split).
    """
    max_lines = max(1, int((max_height - ROW_PADDING) // LINE_HEIGHT))
    chunks: list[str] = []
    current: list[str] = []  # paragraphs (or pieces of one) of the chunk being filled
    used = 0
    for paragraph in text.split("\n"):
        lines = wrap_paragraph(paragraph, width)
        room = max_lines - used
        if current and len(lines) > room and room <= max_lines // 4:  # little room left: start a new row
            chunks.append("\n".join(current))
            current, used, room = [], 0, max_lines
        while len(lines) > room:  # fill the row, continue the paragraph in the next one
            if room:
                current.append("".join(lines[:room]).rstrip(" "))
            chunks.append("\n".join(current))
            lines = lines[room:]
            current, used, room = [], 0, max_lines
        current.append("".join(lines))
        used += len(lines)
    chunks.append("\n".join(current))
    return chunks


def row_height(texts: dict[str, str]) -> float:
    """Height that shows every wrapped text of a row in full (texts by column key of COLUMNS)."""
    lines = max([text_lines(text, COLUMNS[key][2]) for key, text in texts.items() if text] or [1])
    return min(EXCEL_MAX_ROW_HEIGHT, lines_height(lines))


def item_block_height(item: ResolvedItem) -> float:
    """Height the indicators and the deadline of an item need; they span all the item's rows."""
    lines = max(text_lines(indicators_text(item), COLUMNS["indicators"][2]),
                text_lines(item.deadline or "", COLUMNS["deadline"][2]))
    return lines_height(lines)


ITEM_MIN_HEIGHT = whole_pixels(2 * LINE_HEIGHT + ROW_PADDING)  # room for a short note beside a one-line objective


def item_row_heights(item: ItemRows) -> list[float]:
    """Heights of an item's rows: each shows its piece of the objective; together they show the rest."""
    heights = [row_height({"objective": chunk}) for chunk in item.text_chunks]
    heights[0] = max(heights[0], ITEM_MIN_HEIGHT)
    missing = item_block_height(item.item) - sum(heights)
    for index in range(len(heights)):
        if missing <= 0:
            break
        grow = min(whole_pixels(missing), MAX_ROW_HEIGHT - heights[index])
        if grow > 0:
            heights[index] += grow
            missing -= grow
    return heights


# The rough count other workbooks (reports, plan workbooks) use for texts of any size: characters per unit
# of column width, a deliberate overestimate.
CHARS_PER_WIDTH = 1.15


def wrapped_lines(text: str, width: float) -> int:
    """How many lines `text` takes in a wrapped cell `width` wide (a rough overestimate on purpose)."""
    per_line = max(1, int(width * CHARS_PER_WIDTH) - 2)
    lines = 0
    for paragraph in text.split("\n"):
        words, length, count = paragraph.split(" "), 0, 1
        for word in words:
            extra = len(word) + (1 if length else 0)
            if length + extra > per_line and length:
                count += 1 + (len(word) - 1) // per_line
                length = len(word) % per_line or per_line
            else:
                length += extra
        lines += count
    return lines


def objective_text(item: ResolvedItem) -> str:
    parts = [item.title]
    if item.description:
        parts.append(item.description)
    if item.modes:
        parts.append("Modalità esecutive: " + item.modes)
    return "\n".join(p.strip() for p in parts if p and p.strip())


def indicators_text(item: ResolvedItem) -> str:
    parts = [f"• {text}" for text in item.indicators]
    if item.target is not None:
        parts.append(f"Valore atteso: {item.target}" if item.target.strip() else "Valore atteso: (non indicato)")
    return "\n".join(parts)


def card_layout(card: ResolvedCard) -> CardLayout:
    """Place a card on its sheet."""
    row = TABLE_HEADER_ROW + 1
    sections: list[SectionRows] = []
    section_factors = card.redistributes and card.card.redistribution != "card"
    for section in card.sections:
        header_row = row
        row += 1
        items = []
        for item in section.items:
            text, width = objective_text(item), COLUMNS["objective"][2]
            chunks = split_text(text, width)
            if len(chunks) > 1 and "\n" in text:  # the title alone beside the score; the rest on the rows below
                title, rest = text.split("\n", 1)
                chunks = split_text(title, width) + split_text(rest, width)
            # indicators longer than the objective: more rows for them (they span the item's rows)
            rows_needed = math.ceil(item_block_height(item) / MAX_ROW_HEIGHT)
            chunks += [""] * (rows_needed - len(chunks))
            items.append(ItemRows(item=item, row=row, text_chunks=chunks))
            row += len(chunks)
        subtotal_row = row
        row += 1
        factor_row = None
        if section_factors and any(i.neutralisable for i in section.items):
            factor_row = row
            row += 1
        sections.append(SectionRows(section, header_row, items, subtotal_row, factor_row))
    layout = CardLayout(card=card, sections=sections)
    row += 1
    for key, label in totals_block(card):
        layout.totals[key] = row
        layout.totals_labels[key] = label
        row += 1
    return layout


def totals_block(card: ResolvedCard) -> list[tuple[str, str]]:
    """The rows under the table, in order: only those the plan gives a meaning to."""
    rows = [("total", "Punteggio totale"), ("maximum", "Punteggio massimo")]
    if card.redistributes and card.card.redistribution == "card":
        rows.append(("factor", "Ridistribuzione del peso non valutabile (fattore)"))
    rounding = card.bandset.rounding if card.bandset else None
    if rounding and rounding.mode != "none":
        words = {"round": "arrotondato", "floor": "arrotondato per difetto", "ceil": "arrotondato per eccesso"}
        rows.append(("rounded", f"Punteggio per la fascia ({words[rounding.mode]}, {rounding.decimals} decimali)"))
    rows += [("missing", "Valutazioni mancanti"), ("invalid", "Valori non ammessi")]
    if any(i.gate for i in card.items):
        rows.append(("gates_failed", "Condizioni per il premio non raggiunte"))
    if card.bands:
        rows += [("band", "Fascia"), ("percent", "Percentuale del premio")]
        if card.base is not None:
            rows += [("base", "Base di calcolo (€)"), ("bonus", "Premio (€)")]
    rows.append(("status", "Stato della scheda"))
    return rows


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
