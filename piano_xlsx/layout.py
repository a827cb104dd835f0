"""The one description of where everything sits on a card sheet, shared by the writer and the reader.

`card_layout()` places a resolved card: header fields, the objectives table
section by section, and the totals block. Every cell address the writer uses
and the reader looks up comes from here; nothing else computes a row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from piano_xlsx.plan.resolve import ResolvedCard, ResolvedItem, ResolvedSection

# The objectives table, left to right: key -> (column letter, heading, width)
COLUMNS: dict[str, tuple[str, str, float]] = {
    "number": ("A", "N.", 5),
    "objective": ("B", "Obiettivo", 62),
    "indicators": ("C", "Indicatori / valore atteso", 40),
    "deadline": ("D", "Termine", 15),
    "weight": ("E", "Peso", 8),
    "score": ("F", "Valutazione", 12),
    "points": ("G", "Punti", 9),
    "status": ("H", "Esito", 14),
    "note": ("I", "Note del valutatore", 32),
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

MAX_ROW_HEIGHT = 400.0  # Excel's limit is 409 points; longer texts continue on the next rows


def col(key: str) -> str:
    return COLUMNS[key][0]


@dataclass
class ItemRows:
    item: ResolvedItem
    row: int
    text_chunks: list[str]  # objective text: first chunk on `row`, the rest on the rows below

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


def split_text(text: str, width: float, max_height: float = MAX_ROW_HEIGHT) -> list[str]:
    """Cut a long text at paragraph (or word) boundaries into chunks that each fit one row."""
    max_lines = int((max_height - 4) // LINE_HEIGHT)
    chunks: list[str] = []
    current: list[str] = []
    for paragraph in text.split("\n"):
        pieces = [paragraph]
        if wrapped_lines(paragraph, width) > max_lines:  # one huge paragraph: cut by words
            pieces, words = [], paragraph.split(" ")
            piece = ""
            for word in words:
                candidate = f"{piece} {word}".strip()
                if wrapped_lines(candidate, width) > max_lines:
                    pieces.append(piece)
                    piece = word
                else:
                    piece = candidate
            pieces.append(piece)
        for piece in pieces:
            if current and wrapped_lines("\n".join(current + [piece]), width) > max_lines:
                chunks.append("\n".join(current))
                current = []
            current.append(piece)
    chunks.append("\n".join(current))
    return chunks


LINE_HEIGHT = 12.6  # points per line of 9-point text (Calibri/Carlito), with leading
CHARS_PER_WIDTH = 1.15  # characters of 9-point text per unit of column width


def wrapped_lines(text: str, width: float) -> int:
    """How many lines `text` takes in a wrapped cell `width` wide (a slight overestimate on purpose)."""
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


def row_height(texts: dict[str, str]) -> float:
    """Height that shows every wrapped text of a row in full."""
    lines = max([wrapped_lines(text, COLUMNS[key][2]) for key, text in texts.items() if text] or [1])
    return min(MAX_ROW_HEIGHT + 9, max(15.0, lines * LINE_HEIGHT + 4))


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
            chunks = split_text(objective_text(item), COLUMNS["objective"][2])
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
    ("A", "Scheda", None, 34),
    ("B", "Valutato", None, 30),
    ("C", "Settore / area", None, 30),
    ("D", "Punteggio", "total", 11),
    ("E", "Massimo", "maximum", 10),
    ("F", "Fascia", "band", 18),
    ("G", "Percentuale", "percent", 12),
    ("H", "Premio (€)", "bonus", 12),
    ("I", "Stato", "status", 28),
)


def summary_row(index: int) -> int:
    return SUMMARY_HEADER_ROW + 1 + index
