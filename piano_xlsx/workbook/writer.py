"""Write one workbook with XlsxWriter: the cells of `content`, inputs from `layout`, locked, printable, signed.

One concern, one issued workbook through XlsxWriter; its card sheets may become a module of their own.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from dataclasses import dataclass, field
from typing import Any

import xlsxwriter
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from piano_xlsx.findings import Finding, finding
from piano_xlsx.plan.dropdowns import dropdown_messages, inline_list, item_options
from piano_xlsx.plan.loader import LoadedPlan, PlanError
from piano_xlsx.plan.model import Plan
from piano_xlsx.plan.resolve import (
    ACHIEVED,
    DETAILS_SHEET,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    MANIFEST_SHEET,
    NEUTRALISED,
    NOT_ACHIEVED,
    SUMMARY_SHEET,
)
from piano_xlsx.signing import key_id, sign
from piano_xlsx.workbook import content as c
from piano_xlsx.workbook.computation import CardResult, Value, evaluate, percent_range
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
    VALUE_COL,
    CardLayout,
    ItemRows,
    col,
    summary_row,
)
from piano_xlsx.workbook.lists import ListSheet, list_sheet
from piano_xlsx.workbook.manifest import StoredSheet, manifest_rows, manifest_text, stored_sheet
from piano_xlsx.workbook.pages import MARGINS
from piano_xlsx.workbook.textmetrics import (
    EXCEL_MAX_ROW_HEIGHT,
    FONT_SIZE,
    MIN_ROW_HEIGHT,
    column_pixels,
    lines_height,
    text_lines,
    whole_pixels,
)
from piano_xlsx.workbook.xlsxfile import CREATED, GENERATED_BY, MONEY_FORMAT, PAGE_FOOTER, ToolWorkbook

INPUT_FILL, EMPTY_FILL, INVALID_FILL = "#FFF9E0", "#FFE699", "#FFC7CE"  # cream, yellow, Excel's light red
HEADER_FILL, SECTION_FILL = "#1F4E78", "#DDEBF7"
DATE_MIN, DATE_MAX = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
EXCEL_MAX_TEXT = 32_767  # characters in one cell; XlsxWriter would silently cut a longer text
HEADER_FOOTER_TEXT = 80  # characters of plan text in the page header (Excel allows 255 in all)
INSTRUCTIONS_WIDTH = 98  # one column that fits a portrait A4 page at 100 %

_ITEM = {"valign": "top", "border": 1}
_STYLES: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "font_size": 14, "text_wrap": True, "valign": "top"},
    "label": {"bold": True, "align": "right", "valign": "top"},
    "legend": {"italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top"},
    "header_value": {"text_wrap": True, "valign": "top"},
    "table_header": {"bold": True, "bg_color": HEADER_FILL, "font_color": "#FFFFFF", "text_wrap": True,
                     "valign": "vcenter", "border": 1},
    "section": {"bold": True, "bg_color": SECTION_FILL, "valign": "vcenter"},
    "number": {**_ITEM, "align": "center"},
    "wrap": {**_ITEM, "text_wrap": True},
    "weight": {**_ITEM, "num_format": "0.00"},
    "gate": {**_ITEM, "italic": True, "align": "center"},
    "points": {**_ITEM, "num_format": "0.00"},
    "status": {**_ITEM, "align": "center"},
    "subtotal_label": {"bold": True, "align": "right"},
    "subtotal": {"bold": True, "num_format": "0.00", "top": 1},
    "factor": {"num_format": "0.0000", "valign": "top"},
    "total_label": {"bold": True, "align": "right"},
    "total": {"bold": True, "num_format": "0.00"},
    "total_text": {"bold": True, "indent": 1},
    "count": {"num_format": "0"},
    "percent": {"bold": True, "num_format": "0%"},
    "money": {"bold": True, "num_format": MONEY_FORMAT},
    "text": {"text_wrap": True, "valign": "top"},
    "heading": {"bold": True, "font_size": 12, "valign": "bottom"},
    "detail_number": {"bold": True, "align": "center", "valign": "top"},
    "detail_title": {"bold": True, "text_wrap": True, "valign": "top"},
    "list_value": {"valign": "top"},  # General: a number shows as the locale writes it, and is picked as a number
    "input": {"locked": False, "bg_color": INPUT_FILL, "border": 1, "valign": "top"},
    "input_wrap": {"locked": False, "bg_color": INPUT_FILL, "border": 1, "valign": "top", "text_wrap": True},
    "input_score": {"locked": False, "bg_color": INPUT_FILL, "border": 1, "valign": "top", "align": "center"},
    "input_date": {"locked": False, "bg_color": INPUT_FILL, "border": 1, "num_format": "dd/mm/yyyy",
                   "align": "left"},
}


class _Formats:
    """Every format of one workbook, made once: a named style of `_STYLES`, with optional changes."""

    def __init__(self, wb: xlsxwriter.Workbook, percent_format: str) -> None:
        self._wb = wb
        self._made: dict[tuple[str, tuple[tuple[str, Any], ...]], Any] = {}
        self.plain: dict[str, Any] = {}  # style -> format made so far, for the most frequent look-up: no changes
        self._asked: dict[tuple[str, tuple[tuple[str, Any], ...]], Any] = {}  # by the changes as given, unsorted
        self._percent = percent_format

    def __getitem__(self, style: str) -> Any:
        fmt = self.plain.get(style)
        if fmt is None:
            fmt = self.plain[style] = self.get(style)
        return fmt

    def get(self, style: str, **changes: Any) -> Any:
        asked = (style, tuple(changes.items()))
        fmt = self._asked.get(asked)
        if fmt is None:
            fmt = self._asked[asked] = self._sorted(style, changes)
        return fmt

    def _sorted(self, style: str, changes: dict[str, Any]) -> Any:
        key = (style, tuple(sorted(changes.items())))  # the same changes in any order: one format
        if key not in self._made:
            self._made[key] = self._wb.add_format(_spec(key, self._percent))
        return self._made[key]


@functools.lru_cache(maxsize=1024)  # the workbooks of a run ask for the same few dozen formats
def _spec(key: tuple[str, tuple[tuple[str, Any], ...]], percent_format: str) -> dict[str, Any]:
    """The properties of a named style with changes (XlsxWriter copies them into the format it makes)."""
    style, changes = key
    spec = {"font_name": "Calibri", "font_size": 9, **_STYLES[style], **dict(changes)}
    if style == "percent":
        spec["num_format"] = percent_format
    return spec


Lines = tuple[tuple[str, str], ...]  # (style, text) lines of an instructions sheet (content.instruction_lines)


@dataclass(frozen=True)
class _Instructions:
    """An instructions sheet ready to write: its cells, their rows' heights, its manifest entry."""

    cells: dict[str, c.Cell]
    heights: dict[int, float]
    stored: StoredSheet


@dataclass(frozen=True)
class PlanParts:
    """What every workbook of a plan holds alike, whichever cards it carries.

    `generate` builds it once per run, which writes up to a workbook per card of one plan, instead of
    rebuilding the same list sheet, its manifest entry and its checks for every workbook.
    """

    lists: ListSheet
    list_cells: dict[str, c.Cell]  # empty when no card needs the list sheet
    list_stored: StoredSheet | None  # the list sheet as the manifest stores it
    list_findings: list[Finding]  # texts of the list sheet too long for a cell
    percent_format: str
    formulas: c.FormulaCells  # the formula cells of each card shape met so far
    # instructions sheets made so far, by their lines: the workbooks of one card each mostly share one
    # (same scales, bands and terms), so each is measured and serialised once
    instructions: dict[Lines, _Instructions] = field(default_factory=dict)

    def instructions_sheet(self, lines: Lines) -> _Instructions:
        made = self.instructions.get(lines)
        if made is None:
            cells = c.cells_of_lines(lines)
            made = _Instructions(cells, instruction_heights(cells), stored_sheet(cells))
            if len(self.instructions) < MAX_INSTRUCTION_VARIANTS:
                self.instructions[lines] = made
        return made


MAX_INSTRUCTION_VARIANTS = 64  # a plan whose cards all differ in terms or scales keeps only the first ones


def plan_parts(plan: Plan) -> PlanParts:
    lists = list_sheet(plan)
    cells = c.list_cells(plan, lists) if lists.entries else {}
    percents = [float(p) for bandset in plan.bands  # the list sheet has them all, with the outcome outside them
                for p in [*(b.percent for b in bandset.bands), bandset.outside.percent if bandset.outside else None]
                if p is not None]
    return PlanParts(lists=lists, list_cells=cells, list_stored=stored_sheet(cells) if cells else None,
                     list_findings=_long_texts({LISTS_SHEET: cells}),
                     percent_format="0%" if all(p.is_integer() for p in percents) else "0.0#%",
                     formulas=c.FormulaCells(lists))


class _Workbook(ToolWorkbook):
    """XlsxWriter has no workbook (structure) protection: write <workbookProtection> where OOXML puts it."""

    structure_password_hash: str | None = None

    def _write_book_views(self) -> None:
        if self.structure_password_hash:
            self._xml_empty_tag("workbookProtection", [
                ("workbookPassword", self.structure_password_hash), ("lockStructure", 1)])
        super()._write_book_views()


def legacy_password_hash(password: str) -> str:
    """The 16-bit hash of ECMA-376 Part 4 §14.7.1 of sheet and workbook protection (a convenience, not security)."""
    digest = 0
    for char in password[::-1]:
        digest = ((digest >> 14) & 0x01) | ((digest << 1) & 0x7FFF)
        digest ^= ord(char)
    digest = ((digest >> 14) & 0x01) | ((digest << 1) & 0x7FFF)
    digest ^= len(password) ^ 0xCE4B
    return f"{digest:X}"


@dataclass
class Issued:
    """A workbook as generated: its bytes and what the Python model says its cards compute when empty."""

    data: bytes
    results: dict[str, CardResult]


def write_workbook(loaded: LoadedPlan, layouts: list[CardLayout], *, password: str,
                   private_key: Ed25519PrivateKey | None = None, plan_hash: str | None = None,
                   parts: PlanParts | None = None) -> Issued:
    """Write one workbook holding `layouts`.

    Args:
        loaded: the plan.
        layouts: the cards of this workbook, one sheet each.
        password: protection password of the sheets and of the structure.
        private_key: signs the manifest; without it the manifest is hashed but unsigned.
        plan_hash: the plan's hash, when the caller already has it (spares recomputing it per workbook).
        parts: `plan_parts` of the plan, when the caller already has it (the same for every workbook).

    Returns:
        The bytes and the Python model's values of the empty cards.

    Raises:
        PlanError: a text of the plan is longer than an Excel cell holds (finding TEXT_TOO_LONG).
    """
    plan = loaded.plan
    parts = parts or plan_parts(plan)
    lists = parts.lists
    instructions = parts.instructions_sheet(tuple(c.instruction_lines(plan, layouts)))
    issued_cells: dict[str, dict[str, c.Cell]] = {INSTRUCTIONS_SHEET: instructions.cells}
    for layout in layouts:
        issued_cells[layout.sheet] = c.card_cells(plan, layout, lists, parts.formulas)
    issued_cells[SUMMARY_SHEET] = c.summary_cells(plan, layouts)
    details = c.detail_cells(plan, layouts)
    if details:
        issued_cells[DETAILS_SHEET] = details
    too_long = _long_texts(issued_cells) + parts.list_findings  # the list sheet's checked once per run
    if too_long:
        raise PlanError(too_long)
    if parts.list_cells:
        issued_cells[LISTS_SHEET] = parts.list_cells

    buffer = io.BytesIO()
    wb = _Workbook(buffer)
    wb.structure_password_hash = legacy_password_hash(password)
    wb.set_properties({"title": c.plan_label(plan), "subject": "Valutazione della performance",
                       "author": plan.plan.ente, "company": plan.plan.ente, "created": CREATED,
                       "comments": GENERATED_BY})
    formats = _Formats(wb, parts.percent_format)
    empty = wb.add_format({"bg_color": EMPTY_FILL})
    invalid = wb.add_format({"bg_color": INVALID_FILL, "font_color": "#9C0006", "bold": True})

    validations: dict[str, list[list[str]]] = {}
    results: dict[str, CardResult] = {}

    ws = wb.add_worksheet(INSTRUCTIONS_SHEET)
    _write_instructions(ws, instructions, formats)
    _finish_sheet(ws, plan, password, last_row=max(_rows(instructions.cells)), last_col="A", portrait=True)

    for layout in layouts:
        ws = wb.add_worksheet(layout.sheet)
        result = evaluate(layout, {})
        results[layout.card.id] = result
        _write_card(ws, layout, issued_cells[layout.sheet], formats, result.cells)
        validations[layout.sheet] = _write_inputs(ws, layout, formats, empty, invalid, lists)
        _finish_sheet(ws, plan, password, last_row=layout.last_row, last_col=col("note"),
                      repeat_row=TABLE_HEADER_ROW)

    summary = wb.add_worksheet(SUMMARY_SHEET)
    _write_summary(summary, layouts, issued_cells[SUMMARY_SHEET], formats, _summary_cached(layouts, results))
    _finish_sheet(summary, plan, password, last_row=summary_row(len(layouts) - 1), last_col=SUMMARY_COLUMNS[-1][0],
                  repeat_row=SUMMARY_HEADER_ROW)

    sheets: list[dict[str, Any]] = [
        {"name": INSTRUCTIONS_SHEET, "role": "instructions", "card": None},
        *({"name": lay.sheet, "role": "card", "card": lay.card.id} for lay in layouts),
        {"name": SUMMARY_SHEET, "role": "summary", "card": None}]
    if details:
        _write_details(wb.add_worksheet(DETAILS_SHEET), details, formats)
        _finish_sheet(wb.worksheets()[-1], plan, password, last_row=max(_rows(details)),
                      last_col=DETAILS_COLUMNS["text"][0], portrait=True)
        sheets.append({"name": DETAILS_SHEET, "role": "details", "card": None})
    if LISTS_SHEET in issued_cells:
        _write_lists(wb.add_worksheet(LISTS_SHEET), plan, parts, formats, password)
        sheets.append({"name": LISTS_SHEET, "role": "lists", "card": None})

    text = manifest_text(
        plan_info={"id": plan.plan.id, "version": plan.plan.version, "hash": plan_hash or loaded.hash,
                   "ente": plan.plan.ente, "title": plan.plan.title},
        sheets=sheets,
        cards=[_card_entry(lay) for lay in layouts],
        cells=issued_cells,
        validations=validations,
        defined_names={},
        serialised={INSTRUCTIONS_SHEET: instructions.stored,
                    **({LISTS_SHEET: parts.list_stored} if parts.list_stored else {})},
    )
    signature, key = "", ""
    if private_key is not None:
        signature, key = sign(private_key, text), key_id(private_key.public_key())
    hidden = wb.add_worksheet(MANIFEST_SHEET)
    for row, chunk in enumerate(manifest_rows(text, signature, key)):
        hidden.write_string(row, 0, chunk)
    hidden.protect(password)
    hidden.very_hidden()
    wb.close()
    return Issued(buffer.getvalue(), results)


def _long_texts(sheets: dict[str, dict[str, c.Cell]]) -> list[Finding]:
    """A text Excel cannot hold is an error of the plan, never a silent cut."""
    return [finding("TEXT_TOO_LONG", sheet=sheet, cell=address, length=f"{len(str(cell.value)):,}".replace(",", "."))
            for sheet, cells in sheets.items() for address, cell in cells.items()
            if cell.kind == "t" and len(str(cell.value)) > EXCEL_MAX_TEXT]


def _rows(cells: dict[str, c.Cell]) -> list[int]:
    return [_row(addr) for addr in cells]


def _row(address: str) -> int:
    """The row of an A1 address of our own cells (plain letters and digits, no $)."""
    return int(address.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))


def _write_cells(ws: Any, cells: dict[str, c.Cell], styles: _Formats | None,
                 formats: dict[str, Any] | None = None, cached: dict[str, Value] | None = None) -> None:
    """Write `cells`, each in the format `formats` gives for its address, else in its style's (`styles`): a
    formula with its cached value, a number, a blank, or a text (never a formula, whatever it starts with).

    One loop with the sheet's methods looked up once: a workbook writes a few hundred cells.
    """
    formula, number, blank, string = ws.write_formula, ws.write_number, ws.write_blank, ws.write_string
    given = formats or {}
    plain = styles.plain if styles is not None else {}
    cached = cached or {}
    for address, cell in cells.items():
        fmt = given.get(address) or plain.get(cell.style)
        if fmt is None:
            assert styles is not None
            fmt = styles[cell.style]
        kind, value = cell.kind, cell.value
        if kind == "f":
            formula(address, "=" + str(value), fmt, cached.get(address, 0))
        elif kind == "n":
            number(address, float(value), fmt)
        elif value == "":
            blank(address, None, fmt)
        else:
            string(address, str(value), fmt)  # never a formula, whatever the text starts with


def _merge(ws: Any, first: str, last: str, fmt: Any) -> None:
    """Merge a range (its cells drawn with `fmt`); the caller then writes the first cell."""
    ws.merge_range(f"{first}:{last}", "", fmt)


def _width_of(letters: str, widths: dict[str, float]) -> float:
    """The width, in characters, of adjacent columns taken together (e.g. a merged range)."""
    pixels = sum(column_pixels(widths[letter]) for letter in letters)
    return (pixels - 5) / 7


# ---------------------------------------------------------------- card sheets

_ITEM_MERGED = ("number", "indicators", "deadline", "weight", "points", "status")  # one cell over the item's rows
_CARD_WIDTHS = {letter: width for letter, _, width in COLUMNS.values()}
_CARD_LETTERS = "".join(_CARD_WIDTHS)
_VALUE_COLS = _CARD_LETTERS[_CARD_LETTERS.index(VALUE_COL):]  # header values: merged across the table's width
_LEGEND_COLS = _CARD_LETTERS[_CARD_LETTERS.index(LABEL_COL):]
# widths of the merged title, header values and legend, in characters
_CARD_WIDTH, _VALUES_WIDTH, _LEGEND_WIDTH = (_width_of(letters, _CARD_WIDTHS)
                                             for letters in (_CARD_LETTERS, _VALUE_COLS, _LEGEND_COLS))


def card_row_heights(layout: CardLayout, cells: dict[str, c.Cell]) -> dict[int, float]:
    """The height of every row of a card sheet that has one (1-based rows; the others keep the default).

    Each shows its wrapped text in full in Excel (Calibri); LibreOffice (Carlito) prints the same heights.
    """
    heights = {TITLE_ROW: _title_height(str(cells[f"A{TITLE_ROW}"].value), _CARD_WIDTH)}
    for offset, (key, _, is_input) in enumerate(HEADER_FIELDS):
        heights[FIRST_HEADER_ROW + offset] = MIN_ROW_HEIGHT if is_input else lines_height(text_lines(
            str(cells[layout.header_cell(key)].value), _VALUES_WIDTH))
    legend = str(cells[f"{LABEL_COL}{LEGEND_ROW}"].value)
    heights[LEGEND_ROW] = lines_height(text_lines(legend, _LEGEND_WIDTH))
    return heights | layout.table_heights


def _write_card(ws: Any, layout: CardLayout, cells: dict[str, c.Cell], formats: _Formats,
                cached: dict[str, Value]) -> None:
    """The locked cells of a card sheet, with merges, borders and row heights that show every text."""
    for letter, width in _CARD_WIDTHS.items():
        ws.set_column(f"{letter}:{letter}", width)
    written: dict[str, Any] = {}  # address -> format, for the cells that need more than their style
    for row, height in card_row_heights(layout, cells).items():
        ws.set_row(row - 1, height)

    # header block: values merged across the table's width, so a long plan title wraps instead of running off
    _merge(ws, "A1", f"{_CARD_LETTERS[-1]}1", formats["title"])
    for offset, (key, _, is_input) in enumerate(HEADER_FIELDS):
        if not is_input:
            last = f"{_VALUE_COLS[-1]}{FIRST_HEADER_ROW + offset}"
            _merge(ws, layout.header_cell(key), last, formats["header_value"])
    _merge(ws, f"{LABEL_COL}{LEGEND_ROW}", f"{_LEGEND_COLS[-1]}{LEGEND_ROW}", formats["legend"])

    last_col = col("note")
    for section in layout.sections:
        _merge(ws, f"A{section.header_row}", f"{last_col}{section.header_row}", formats["section"])
        for item in section.items:
            written |= _item_formats(ws, item, cells, formats)
        # labels merged up to the first value, right-aligned beside it
        _merge(ws, f"{LABEL_COL}{section.subtotal_row}", f"{_before(col('weight'))}{section.subtotal_row}",
               formats["subtotal_label"])
        if section.factor_row:
            _merge(ws, f"{LABEL_COL}{section.factor_row}", f"{_before(col('points'))}{section.factor_row}",
                   formats["label"])
    for row in layout.totals.values():
        _merge(ws, f"{LABEL_COL}{row}", f"{_before(col('points'))}{row}", formats["total_label"])
    _write_cells(ws, cells, formats, written, cached)
    ws.freeze_panes(TABLE_HEADER_ROW, 0)


TITLE_SIZE = 14.0


def _title_height(text: str, width: float) -> float:
    """Height of a 14-point bold title wrapped in `width` characters (bold glyphs are about 4 % wider)."""
    lines = text_lines(text, width, TITLE_SIZE * BOLD_WIDER)
    return max(24.0, whole_pixels(lines * TITLE_SIZE * 1.34 + 6))


def _title(ws: Any, cell: c.Cell, widths: dict[str, float], formats: _Formats) -> None:
    """The sheet title in A1, across the sheet's width, wrapped when long."""
    letters = "".join(widths)
    _merge(ws, "A1", f"{letters[-1]}1", formats["title"])
    ws.set_row(0, _title_height(str(cell.value), _width_of(letters, widths)))


def _before(letter: str) -> str:
    return chr(ord(letter) - 1)


def _item_formats(ws: Any, item: ItemRows, cells: dict[str, c.Cell], formats: _Formats) -> dict[str, Any]:
    """Rows of one item: the objective's pieces framed as one block, the other columns merged over them.

    Returns the format of each cell of the item that `cells` holds, when it differs from its style's.
    """
    out: dict[str, Any] = {}
    rows = list(item.rows)
    if len(rows) == 1:
        return out
    for key in _ITEM_MERGED:  # merged cells: the value in the first row, the frame around the block
        address = item.cell(key)
        style = cells[address].style if address in cells else "wrap"
        _merge(ws, address, f"{col(key)}{rows[-1]}", formats[style])
    for offset, row in enumerate(rows):  # objective pieces: one frame, no line between them
        edges = {"top": 1 if offset == 0 else 0, "bottom": 1 if offset == len(rows) - 1 else 0}
        address = f"{col('objective')}{row}"
        if address in cells:
            out[address] = formats.get(cells[address].style, **edges)
        else:
            ws.write_blank(address, None, formats.get("wrap", **edges))
        if offset:  # below the score (which sits in the first row, beside the title): a locked, framed blank
            ws.write_blank(f"{col('score')}{row}", None, formats.get("wrap", top=0, bottom=edges["bottom"]))
    _merge(ws, item.cell("note"), f"{col('note')}{rows[-1]}", formats["input_wrap"])  # room for a long note
    return out


def _write_inputs(ws: Any, layout: CardLayout, formats: _Formats, empty: Any, invalid: Any,
                  lists: ListSheet) -> list[list[str]]:
    """Input cells unlocked, with dropdowns, date validation and highlights; returns the validations issued.

    A dropdown lists its values inline when that is safe (`inline_list`), else reads them from the list sheet;
    the manifest records the inline text, or the range after an '='.
    """
    issued: list[list[str]] = []
    evaluator, date = layout.header_cell("evaluator"), layout.header_cell("date")
    ws.write_blank(evaluator, None, formats["input"])
    ws.write_blank(date, None, formats["input_date"])
    _validate(ws, date, {
        "validate": "date", "criteria": "between", "minimum": DATE_MIN, "maximum": DATE_MAX,
        "input_title": "Data della valutazione", "input_message": "Inserire la data nel formato gg/mm/aaaa.",
        "error_type": "stop", "error_title": "Data non valida",
        "error_message": "Inserire una data valida nel formato gg/mm/aaaa."})
    issued.append([date, "date", f"{DATE_MIN.isoformat()}..{DATE_MAX.isoformat()}"])
    for cell in (evaluator, date):
        ws.conditional_format(cell, {"type": "formula", "criteria": f"=ISBLANK({cell})", "format": empty})
    for section in layout.sections:
        for item in section.items:
            score = item.cell("score")
            ws.write_blank(score, None, formats.get("input_score", **_score_format(item)))
            ws.write_blank(item.cell("note"), None, formats["input_wrap"])
            if item.item.gate or item.item.scale.kind in ("list", "achieved"):
                validation, entry = _dropdown(item, lists)
            else:
                validation, entry = score_validation(item)
            _validate(ws, score, validation)
            issued.append([score, *entry])
        first, last = section.first_item_row, section.last_item_row
        scores = f"{col('score')}{first}:{col('score')}{last}"
        status = f"${col('status')}{first}"
        ws.conditional_format(scores, {"type": "formula", "criteria": f'={status}="Manca"', "format": empty})
        ws.conditional_format(scores, {"type": "formula", "criteria": f'={status}="Non ammesso"', "format": invalid})
    return issued


def _dropdown(item: ItemRows, lists: ListSheet) -> tuple[dict[str, Any], list[str]]:
    """A list dropdown and its manifest entry: inline when that is safe (`inline_list`), else read from the list
    sheet (the manifest records the inline text, or the range after an '=')."""
    scale = item.item.scale
    if scale.kind == "achieved" and not item.item.gate:
        options: list[Any] = [ACHIEVED, NOT_ACHIEVED] + ([NEUTRALISED] if item.item.neutralisable else [])
    else:
        options = item_options(scale, item.item)
    listed = None if item.item.gate or scale.kind != "list" else lists.scale_range(scale, item.item.neutralisable)
    inline = None if listed else _inline(tuple(options))
    if listed is None and inline is None:  # `listed(scale)` puts every such scale on the list sheet
        raise ValueError(f"no list for the dropdown of {item.cell('score')}")
    source = "=" + listed if listed else str(inline)
    input_message, error_message, _ = dropdown_messages(options)
    return {"validate": "list", "source": source if listed else source.split(","),
            "input_title": f"Valutazione obiettivo {item.item.number}"[:32], "input_message": input_message,
            "error_type": "stop", "error_title": "Valore non ammesso", "error_message": error_message,
            }, ["list", source]


@functools.lru_cache(maxsize=256)  # the cards of a plan share a few scales
def _inline(options: tuple[Any, ...]) -> str | None:
    return inline_list(options)


def _score_format(item: ItemRows) -> dict[str, Any]:
    """How a score shows: a percentage with its declared decimals, points with theirs, else as typed."""
    scale = item.item.scale
    if item.item.gate or scale.kind not in ("percent", "points"):
        return {}
    digits = "0" + ("." + "0" * scale.decimals if scale.decimals else "")
    return {"num_format": digits + ("%" if scale.kind == "percent" else "")}


def _share(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def score_validation(item: ItemRows) -> tuple[dict[str, Any], list[str]]:
    """The data validation of a score cell (with Italian input and error messages), and its manifest entry.

    For percentages and points: a decimal range (a custom rule when N.V. must pass too, since a decimal
    validation refuses any text). Lists (scales, gates, achieved / not achieved) are `_dropdown`'s.
    """
    title = f"Valutazione obiettivo {item.item.number}"[:32]
    scale = item.item.scale
    if scale.kind == "percent":
        low, high = percent_range(scale)
        words = f"tra {_share(low * 100)}% e {_share(high * 100)}%"
        message = f"Digitare la percentuale di raggiungimento {words}, con il simbolo % (es. 85%)."
    else:
        low, high = 0.0, item.item.weight
        words = f"da 0 a {_share(high)}"
        message = f"Inserire i punti dell'obiettivo {words} (il peso)."
    if scale.decimals:
        message += " Al massimo " + ("1 decimale." if scale.decimals == 1 else f"{scale.decimals} decimali.")
    error = f"Sono ammessi solo valori {words}" + (f", o «{NEUTRALISED}»." if item.item.neutralisable else ".")
    spec: dict[str, Any] = {"input_title": title, "error_type": "stop", "error_title": "Valore non ammesso",
                            "error_message": error}
    if item.item.neutralisable:
        message += f" «{NEUTRALISED}» se non valutabile."
        score = item.cell("score")
        rule = f'=OR({score}="{NEUTRALISED}",AND(ISNUMBER({score}),{score}>={low!r},{score}<={high!r}))'
        return {**spec, "validate": "custom", "value": rule, "input_message": message}, ["custom", rule[1:]]
    return {**spec, "validate": "decimal", "criteria": "between", "minimum": low, "maximum": high,
            "input_message": message}, ["decimal", f"{low!r}..{high!r}"]


def _validate(ws: Any, cell: str, options: dict[str, Any]) -> None:
    """A data validation, never dropped: XlsxWriter only warns about one past Excel's limits and leaves it out."""
    if ws.data_validation(cell, options) != 0:
        raise ValueError(f"data validation of {cell} refused by XlsxWriter")


def _write_lists(ws: Any, plan: Any, parts: PlanParts, formats: _Formats, password: str) -> None:
    """The list sheet: hidden and protected; its cells are locked content. It has no print area: LibreOffice prints
    a hidden sheet that has one (Excel never prints a hidden sheet), and an office has no use for it on paper."""
    for letter, width in parts.lists.widths.items():
        ws.set_column(f"{letter}:{letter}", width)
    _write_cells(ws, parts.list_cells, formats)
    _finish_sheet(ws, plan, password, last_row=None)
    ws.hide()


# ---------------------------------------------------------------- instructions and summary


def instruction_heights(cells: dict[str, c.Cell]) -> dict[int, float]:
    """The height of every row of the instructions sheet (each has a text)."""
    heights: dict[int, float] = {}
    for address, cell in cells.items():
        row = int(address[1:])
        if cell.style == "title":
            heights[row] = _title_height(str(cell.value), INSTRUCTIONS_WIDTH)
        elif cell.style == "heading":
            heights[row] = 20
        else:
            heights[row] = lines_height(text_lines(str(cell.value), INSTRUCTIONS_WIDTH))
    return heights


def _write_instructions(ws: Any, sheet: _Instructions, formats: _Formats) -> None:
    ws.set_column("A:A", INSTRUCTIONS_WIDTH)
    _write_cells(ws, sheet.cells, formats)
    for row, height in sheet.heights.items():
        ws.set_row(row - 1, height)


_DETAILS_WIDTHS = dict(DETAILS_COLUMNS.values())
_DETAILS_MERGED = {"title", "legend", "heading", "section"}  # across the sheet's width
BOLD_WIDER = 1.04  # bold glyphs are about 4 % wider than regular ones


def detail_row_heights(cells: dict[str, c.Cell]) -> dict[int, float]:
    """The height of every row of the details sheet that holds a text: each shows it in full."""
    heights: dict[int, float] = {}
    whole = _width_of("".join(_DETAILS_WIDTHS), _DETAILS_WIDTHS)
    text_width = DETAILS_COLUMNS["text"][1]
    for address, cell in cells.items():
        row, text = _row(address), str(cell.value)
        if cell.style == "title":
            height = _title_height(text, whole)
        elif cell.style in ("heading", "section"):
            height = 20.0 if cell.style == "heading" else 18.0
        elif cell.style == "legend":
            height = lines_height(text_lines(text, whole))
        elif cell.style == "detail_title":
            height = lines_height(text_lines(text, text_width, FONT_SIZE * BOLD_WIDER))
        elif cell.style == "text":
            height = lines_height(text_lines(text, text_width))
        else:
            continue
        heights[row] = max(height, heights.get(row, 0.0))
    return heights


def _write_details(ws: Any, cells: dict[str, c.Cell], formats: _Formats) -> None:
    """The details sheet: numbers beside titles, the texts under them; headings across the sheet."""
    for letter, width in _DETAILS_WIDTHS.items():
        ws.set_column(f"{letter}:{letter}", width)
    last = DETAILS_COLUMNS["text"][0]
    for address, cell in cells.items():
        if cell.style in _DETAILS_MERGED:
            _merge(ws, address, f"{last}{_row(address)}", formats[cell.style])
    _write_cells(ws, cells, formats)  # over the first cell of each merge, which merging left blank
    for row, height in detail_row_heights(cells).items():
        ws.set_row(row - 1, height)


def _write_summary(ws: Any, layouts: list[CardLayout], cells: dict[str, c.Cell], formats: _Formats,
                   cached: dict[str, Value]) -> None:
    widths = {letter: width for letter, _, _, width in SUMMARY_COLUMNS}
    for letter, width in widths.items():
        ws.set_column(f"{letter}:{letter}", width)
    _title(ws, cells["A1"], widths, formats)
    ws.set_row(SUMMARY_HEADER_ROW - 1, 28)
    wrapped = formats.get("total_text", text_wrap=True, valign="top", border=1)
    status_col = SUMMARY_COLUMNS[-1][0]
    chosen: dict[str, Any] = {}
    for address, cell in cells.items():
        fmt = formats[cell.style]
        if _row(address) > SUMMARY_HEADER_ROW:
            # the table: framed, top-aligned; the status wraps as it changes
            fmt = wrapped if address.startswith(status_col) else formats.get(cell.style, border=1, valign="top")
        chosen[address] = fmt
    _write_cells(ws, cells, None, chosen, cached)
    for index in range(len(layouts)):
        row = summary_row(index)
        texts = [(cells[f"{letter}{row}"], width) for letter, width in widths.items() if f"{letter}{row}" in cells]
        lines = max(text_lines(str(cell.value), width) for cell, width in texts if cell.kind == "t")
        ws.set_row(row - 1, min(EXCEL_MAX_ROW_HEIGHT, max(lines_height(lines), lines_height(2))))


def _escape(text: str) -> str:
    return text.replace("&", "&&")


def _short(text: str, limit: int = HEADER_FOOTER_TEXT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_PROTECTION = {"select_locked_cells": True, "select_unlocked_cells": True, "format_rows": True}


@functools.lru_cache(maxsize=16)
def _page_header(ente: str, label: str) -> str:
    return f"&L&9{_escape(_short(ente))}&R&9{_escape(_short(label))}"


def _finish_sheet(ws: Any, plan: Any, password: str, *, last_row: int | None, last_col: str = "A",
                  repeat_row: int | None = None, portrait: bool = False) -> None:
    """Protection and printing, the same on every sheet; the print area A1 to `last_col` `last_row` (none when
    `last_row` is None: a sheet not to print)."""
    # rows may be made taller (a long note), nothing else: the manifest does not depend on row heights
    ws.protect(password, _PROTECTION)
    ws.set_paper(9)  # A4
    if portrait:
        ws.set_portrait()
    else:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.set_margins(**MARGINS)
    if last_row is not None:
        ws.print_area(f"A1:{last_col}{last_row}")
    if repeat_row:
        ws.repeat_rows(repeat_row - 1)
    ws.set_header(_page_header(plan.plan.ente, c.plan_label(plan)))
    ws.set_footer(PAGE_FOOTER)


def _summary_cached(layouts: list[CardLayout], results: dict[str, CardResult]) -> dict[str, Value]:
    cached: dict[str, Value] = {}
    for index, layout in enumerate(layouts):
        for letter, _, key, _ in SUMMARY_COLUMNS:
            if key and key in layout.totals:
                values = results[layout.card.id].cells
                cached[f"{letter}{summary_row(index)}"] = values.get(layout.total_cell(key), layout.card.maximum)
    return cached


def _card_entry(layout: CardLayout) -> dict[str, Any]:
    card = layout.card
    return {
        "id": card.id,
        "title": card.card.title,
        "sheet": layout.sheet,
        "evaluatee": card.card.evaluatee,
        "scale": list(card.scale.numbers()),
        "inputs": {"evaluator": layout.header_cell("evaluator"), "date": layout.header_cell("date")},
        "items": [{"id": i.item.id, "number": i.item.number, "score": i.cell("score"), "note": i.cell("note"),
                   "weight": i.item.weight, "gate": i.item.gate, "neutralisable": i.item.neutralisable,
                   "ref": i.item.ref}
                  for i in layout.items],
        "totals": {key: layout.total_cell(key) for key in layout.totals},
    }
