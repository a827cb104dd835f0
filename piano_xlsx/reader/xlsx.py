"""Read the parts of an .xlsx that the checks need, safely and in bounded memory.

Sees what openpyxl needs two loads for: formulas and cached values together,
plus locked flags, validations, protection and sheet states.

Returned files are untrusted, so:
- every XML part is read through `parts`: no DTD or entity, bounded depth
  and size, whole or streamed;
- only the cells asked for are kept (a cell at XFD1048576 costs nothing), and
  only the shared strings those cells use, read no further than the last one
  needed;
- what a file can make the reader keep (cells, validations, names, styles,
  shared formulas) has a ceiling; past it the file is FILE_TOO_LARGE.

One concern, a workbook's parts into `WorkbookData`, read best whole.
"""

from __future__ import annotations

import functools
import math
import re
import zipfile
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from typing import Any

from openpyxl.utils import column_index_from_string, get_column_letter

from piano_xlsx.files.container import ContainerError
from piano_xlsx.italian import thousands as _n
from piano_xlsx.reader.parts import Package

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
M = "{" + MAIN + "}"
EXTENDED = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
APP, APP_VERSION = EXTENDED + "Application", EXTENDED + "AppVersion"
MODIFIED = "{http://purl.org/dc/terms/}modified"

_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_ADDR = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")

# Ceilings on what one file can make the reader hold; an issued workbook stays far below every one of them.
MAX_COLUMN = 16_384  # XFD, the last column of a sheet
MAX_KEPT_CELLS = 500_000  # cells kept, all sheets together
MAX_SHARED_STRINGS = 1_000_000  # index of the last shared string read
MAX_VALIDATIONS = 100_000
MAX_NAMES = 100_000  # defined names
MAX_STYLES = 100_000  # cell formats (Excel allows 64,000)
MAX_SHARED_FORMULAS = 200_000  # shared formula groups in one sheet
MAX_LINKS = 1_000  # external link targets listed


def unescape(text: str) -> str:
    """OOXML escapes control characters as _xHHHH_."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _true(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.lower() in ("1", "true", "on")


@dataclass(slots=True)
class CellData:
    value: Any  # str, float, bool, or None; the cached result for formula cells
    formula: str | None = None
    type: str = "n"
    style: int = 0


@dataclass
class Validation:
    sqref: str
    type: str
    formula1: str | None
    show_error: bool
    error_style: str
    allow_blank: bool
    formula2: str | None = None  # the upper edge of a decimal range


@dataclass
class SheetData:
    name: str
    state: str = "visible"
    cells: dict[str, CellData] = field(default_factory=dict)
    protected: bool = False
    validations: list[Validation] = field(default_factory=list)
    max_row: int = 0


@dataclass
class WorkbookData:
    sheets: dict[str, SheetData] = field(default_factory=dict)
    structure_locked: bool = False
    defined_names: dict[str, str] = field(default_factory=dict)
    external_links: list[str] = field(default_factory=list)
    macros: bool = False
    locked_styles: list[bool] = field(default_factory=list)  # per cellXfs index: is the cell locked
    application: str = ""  # the program that last saved the file (docProps/app.xml)
    app_version: str = ""  # its version, as it writes it there
    modified: str = ""  # when it was last saved (docProps/core.xml), as written

    def locked(self, cell: CellData | None) -> bool:
        if cell is None:
            return True
        if 0 <= cell.style < len(self.locked_styles):
            return self.locked_styles[cell.style]
        return True


def _rels(package: Package, name: str) -> dict[str, tuple[str, str, str]]:
    """Relationship id -> (type, target, target mode)."""
    out = {}
    elements = package.select(name, (f"{{{PKG_REL}}}Relationship",))
    next(elements, None)
    for el in elements:
        out[el.get("Id", "")] = (el.get("Type", ""), el.get("Target", ""), el.get("TargetMode", ""))
    return out


def _resolve_target(target: str) -> str:
    if target.startswith("/"):
        return target[1:]
    parts: list[str] = []
    for part in ("xl/" + target).split("/"):
        if part == "..":
            if parts:
                parts.pop()
        elif part and part != ".":
            parts.append(part)
    return "/".join(parts)


def read_workbook(zf: zipfile.ZipFile, wanted: Callable[[str], Container[str] | None]) -> WorkbookData:
    """Parse an .xlsx; `wanted(sheet)` names the cells to keep (None: every cell of that sheet)."""
    book = WorkbookData(macros="xl/vbaProject.bin" in zf.namelist())
    package = Package(zf)
    package.check_prologs()
    app = package.select("docProps/app.xml", (APP, APP_VERSION))
    next(app, None)
    for el in app:
        setattr(book, "application" if el.tag == APP else "app_version", (el.text or "").strip()[:200])
    core = package.select("docProps/core.xml", (MODIFIED,))
    next(core, None)
    for el in core:
        book.modified = (el.text or "").strip()[:40]
    rels = _rels(package, "xl/_rels/workbook.xml.rels")
    sheet_targets: list[tuple[str, str, str]] = []
    elements = package.select("xl/workbook.xml", (f"{M}sheet", f"{M}workbookProtection", f"{M}definedName"))
    root = next(elements, None)
    if root is not None and root.tag.startswith("{" + STRICT_MAIN):
        raise ContainerError("FILE_STRICT_OOXML", "")
    for el in elements:
        tag = el.tag
        if tag == f"{M}sheet":
            rid = el.get(f"{{{REL}}}id", "")
            target = rels.get(rid, ("", "", ""))[1]
            sheet_targets.append((el.get("name", ""), el.get("state", "visible"), _resolve_target(target)))
        elif tag == f"{M}workbookProtection":
            book.structure_locked = _true(el.get("lockStructure"))
        elif tag == f"{M}definedName":
            name = el.get("name", "")
            scope = el.get("localSheetId")
            book.defined_names[f"{name}@{scope}" if scope is not None else name] = el.text or ""
            if len(book.defined_names) > MAX_NAMES:
                raise ContainerError("FILE_TOO_LARGE", f"più di {_n(MAX_NAMES)} nomi definiti")
    for rel_type, target, mode in rels.values():
        if rel_type.endswith("/externalLink"):
            book.external_links.extend(_external_targets(package, _resolve_target(target)))
        elif mode == "External":
            book.external_links.append(target)
    del book.external_links[MAX_LINKS:]
    parts = {info.filename for info in zf.infolist()}
    for name, _, target in sheet_targets:
        if target not in parts:
            raise ContainerError("FILE_UNREADABLE", f"manca la parte {target or '(non indicata)'} del foglio «{name}»")
    book.locked_styles = _locked_styles(package, rels)
    budget = _Budget()
    strings: dict[tuple[str, str], int] = {}  # (sheet, address) -> shared string index, resolved below
    for name, state, target in sheet_targets:
        sheet = SheetData(name=name, state=state)
        _read_sheet(package, target, sheet, wanted(name), strings, budget)
        book.sheets[name] = sheet
    if strings:
        found = _shared_strings(package, rels, set(strings.values()))
        for (name, address), index in strings.items():
            book.sheets[name].cells[address].value = found.get(index)
    return book


class _Budget:
    """What one file has made the reader keep so far."""

    def __init__(self) -> None:
        self.cells = 0
        self.validations = 0

    def cell(self) -> None:
        self.cells += 1
        if self.cells > MAX_KEPT_CELLS:
            raise ContainerError("FILE_TOO_LARGE", f"più di {_n(MAX_KEPT_CELLS)} celle da esaminare")

    def validation(self) -> None:
        self.validations += 1
        if self.validations > MAX_VALIDATIONS:
            raise ContainerError("FILE_TOO_LARGE", f"più di {_n(MAX_VALIDATIONS)} convalide dei dati")


def _external_targets(package: Package, part: str) -> list[str]:
    folder, _, base = part.rpartition("/")
    rels = _rels(package, f"{folder}/_rels/{base}.rels")
    return [target for _, target, _ in rels.values()][:MAX_LINKS] or [part]


def _shared_strings(package: Package, rels: dict[str, tuple[str, str, str]], needed: set[int]) -> dict[int, str]:
    """The shared strings at the `needed` indices; the part is read no further than the last of them."""
    part = next((_resolve_target(t) for typ, t, _ in rels.values() if typ.endswith("/sharedStrings")),
                "xl/sharedStrings.xml")
    last = max(needed)
    if last >= MAX_SHARED_STRINGS:
        raise ContainerError("FILE_TOO_LARGE", f"una cella usa il testo condiviso n. {_n(last)}, oltre il limite di "
                                               f"{_n(MAX_SHARED_STRINGS)}")
    found: dict[int, str] = {}
    elements = package.select(part, (f"{M}si",))
    next(elements, None)
    for index, el in enumerate(elements):
        if index in needed:
            found[index] = _rich_text(el)
        if index >= last:
            break
    return found


def _rich_text(el: Any) -> str:
    """The text of a shared or inline string: its <t>, or the <t> of each run; phonetic runs (rPh) left out."""
    parts = []
    for child in el:
        if child.tag == f"{M}t":
            parts.append(child.text or "")
        elif child.tag == f"{M}r":
            parts.extend(t.text or "" for t in child if t.tag == f"{M}t")
    return unescape("".join(parts))


def _locked_styles(package: Package, rels: dict[str, tuple[str, str, str]]) -> list[bool]:
    """Per cell format (cellXfs index): is a cell with this format locked (the default) or not."""
    part = next((_resolve_target(t) for typ, t, _ in rels.values() if typ.endswith("/styles")), "xl/styles.xml")
    locked: list[bool] = []
    tag_xf, tag_protection = f"{M}xf", f"{M}protection"
    elements = package.select(part, (f"{M}cellXfs",))
    next(elements, None)
    for cell_xfs in elements:
        for xf in cell_xfs:
            if xf.tag != tag_xf:
                continue
            protection = xf.find(tag_protection)
            locked.append(_true(protection.get("locked"), default=True) if protection is not None else True)
            if len(locked) > MAX_STYLES:
                raise ContainerError("FILE_TOO_LARGE", f"più di {_n(MAX_STYLES)} formati di cella")
    return locked


def _read_sheet(package: Package, part: str, sheet: SheetData, wanted: Container[str] | None,
                strings: dict[tuple[str, str], int], budget: _Budget) -> None:
    shared: dict[str, tuple[str, str]] = {}  # shared formula index -> (master address, formula)
    tag_c, tag_row, tag_f, tag_v, tag_is = f"{M}c", f"{M}row", f"{M}f", f"{M}v", f"{M}is"
    row = 0  # the current row, for rows and cells that do not say where they are (the r attribute is optional)
    elements = package.select(part, (tag_row, f"{M}sheetProtection", f"{M}dataValidation"))
    next(elements, None)
    for el in elements:
        tag = el.tag
        if tag == tag_row:
            row = _row_number(el.get("r"), row)
            sheet.max_row = max(sheet.max_row, row)
            column = 0
            previous = ""  # the address of the previous cell, parsed only when a cell has no address
            for c in el:
                if c.tag != tag_c:
                    continue
                address = c.get("r")
                if not address:
                    parsed = split_address(previous) if previous else None
                    column = (column_index_from_string(parsed[0]) if parsed else column) + 1
                    if column > MAX_COLUMN:
                        raise ContainerError("FILE_UNREADABLE", f"cella oltre l'ultima colonna (XFD) in {part}")
                    address = f"{get_column_letter(column)}{row}"
                    previous = ""
                else:
                    previous = address
                formula_el = value_el = inline_el = None
                for child in c:  # one pass over the cell's children: its formula, value and inline string
                    child_tag = child.tag
                    if child_tag == tag_f:
                        formula_el = child if formula_el is None else formula_el
                    elif child_tag == tag_v:
                        value_el = child if value_el is None else value_el
                    elif child_tag == tag_is:
                        inline_el = child if inline_el is None else inline_el
                if formula_el is not None and formula_el.get("t") == "shared" and formula_el.text:
                    shared[formula_el.get("si", "")] = (address, formula_el.text)
                    if len(shared) > MAX_SHARED_FORMULAS:
                        raise ContainerError("FILE_TOO_LARGE", f"più di {_n(MAX_SHARED_FORMULAS)} formule "
                                                               f"condivise nel foglio «{sheet.name}»")
                if wanted is None or address in wanted:
                    budget.cell()
                    cell = _cell(c, formula_el, value_el, inline_el, shared, address)
                    if cell.type == "s" and isinstance(cell.value, int):
                        strings[(sheet.name, address)] = cell.value
                        cell.value = None
                    sheet.cells[address] = cell
        elif tag == f"{M}sheetProtection":
            sheet.protected = _true(el.get("sheet"))
        elif tag == f"{M}dataValidation":
            budget.validation()
            formula1, formula2 = el.find(f"{M}formula1"), el.find(f"{M}formula2")
            sheet.validations.append(Validation(
                sqref=el.get("sqref", ""), type=el.get("type", "none"),
                formula1=formula1.text if formula1 is not None else None,
                show_error=_true(el.get("showErrorMessage")), error_style=el.get("errorStyle", "stop"),
                allow_blank=_true(el.get("allowBlank")),
                formula2=formula2.text if formula2 is not None else None))


def _row_number(value: str | None, previous: int) -> int:
    try:
        return int(value) if value is not None else previous + 1
    except ValueError:
        return previous + 1


def _cell(el: Any, formula_el: Any, value_el: Any, inline_el: Any, shared: dict[str, tuple[str, str]],
          address: str) -> CellData:
    """One cell, given its first <f>, <v> and <is> children (or None); a shared string is returned as its index
    (an int), resolved once the sheets are read."""
    kind = el.get("t", "n")
    style_text = el.get("s")
    if style_text is None:
        style = 0
    else:
        try:
            style = int(style_text)
        except ValueError:
            style = 0
    formula = None
    if formula_el is not None:
        formula = formula_el.text
        if formula_el.get("t") == "shared" and not formula:
            master = shared.get(formula_el.get("si", ""))
            formula = _translate(master[1], master[0], address) if master else None
        formula = formula or ""
    raw = value_el.text if value_el is not None else None
    value: Any = None
    if kind == "s":
        try:
            value = int(raw) if raw is not None else None
        except ValueError:
            value = None
        if value is not None and value < 0:
            value = None
    elif kind == "inlineStr":
        value = _rich_text(inline_el) if inline_el is not None else None
    elif kind in ("str", "e"):
        value = unescape(raw) if raw is not None else ("" if formula is not None and kind == "str" else None)
    elif kind == "b":
        value = raw in ("1", "true") if raw is not None else None
    elif raw is not None:
        try:
            value = float(raw)
        except ValueError:
            value = raw
        else:
            if not math.isfinite(value):  # no spreadsheet stores NaN or infinity: the text is what was written
                value = raw
    return CellData(value=value, formula=formula, type=kind, style=style)


def _translate(formula: str, origin: str, target: str) -> str:
    from openpyxl.formula.translate import Translator

    try:
        translated: str = Translator("=" + formula, origin=origin).translate_formula(target)
        return translated[1:]
    except Exception:  # noqa: BLE001 - a formula we cannot translate is reported as changed
        return formula


@functools.lru_cache(maxsize=1 << 16)  # the same addresses come back in every file, and in manifest and sheets
def split_address(address: str) -> tuple[str, int] | None:
    match = _ADDR.match(address)
    return (match.group(1), int(match.group(2))) if match else None
