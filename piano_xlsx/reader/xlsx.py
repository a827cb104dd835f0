"""Read the parts of an .xlsx that the checks need, with the standard library's XML parser made safe.

Sees what openpyxl needs two loads for: formulas and cached values together,
plus locked flags, validations, protection and sheet states. Sheets are
streamed, and only the cells asked for are kept, so a cell at XFD1048576
costs nothing. DTDs and entities are refused (defusedxml).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from piano_xlsx.reader.container import ContainerError

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
M = "{" + MAIN + "}"

_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")
_ADDR = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")


def unescape(text: str) -> str:
    """OOXML escapes control characters as _xHHHH_."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _true(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.lower() in ("1", "true", "on")


@dataclass
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

    def locked(self, cell: CellData | None) -> bool:
        if cell is None:
            return True
        if 0 <= cell.style < len(self.locked_styles):
            return self.locked_styles[cell.style]
        return True


def _read(zf: zipfile.ZipFile, name: str) -> Any:
    try:
        return zf.open(name)
    except KeyError:
        return None
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as exc:
        raise ContainerError("FILE_UNREADABLE", f"parte {name} illeggibile ({exc})") from None


def _events(zf: zipfile.ZipFile, name: str, events: tuple[str, ...] = ("end",)) -> Iterator[tuple[str, Any]]:
    stream = _read(zf, name)
    if stream is None:
        return
    try:
        with stream:
            yield from iterparse(stream, events=events, forbid_dtd=True, forbid_entities=True,
                                 forbid_external=True)
    except DefusedXmlException as exc:
        raise ContainerError("FILE_XML_UNSAFE", f"{name}: {type(exc).__name__}") from None
    except ParseError as exc:
        raise ContainerError("FILE_UNREADABLE", f"XML non valido in {name} ({exc})") from None
    except (zipfile.BadZipFile, EOFError, OSError, zlib_error()) as exc:
        raise ContainerError("FILE_UNREADABLE", f"parte {name} danneggiata ({exc})") from None


def zlib_error() -> type[Exception]:
    import zlib

    return zlib.error


def _rels(zf: zipfile.ZipFile, name: str) -> dict[str, tuple[str, str, str]]:
    """Relationship id -> (type, target, target mode)."""
    out = {}
    for _, el in _events(zf, name):
        if el.tag == f"{{{PKG_REL}}}Relationship":
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


def read_workbook(zf: zipfile.ZipFile, wanted: Callable[[str], set[str] | None]) -> WorkbookData:
    """Parse an .xlsx; `wanted(sheet)` names the cells to keep (None: every cell of that sheet)."""
    book = WorkbookData(macros="xl/vbaProject.bin" in zf.namelist())
    for _, el in _events(zf, "docProps/app.xml"):
        if el.tag.endswith("}Application"):
            book.application = (el.text or "").strip()
    rels = _rels(zf, "xl/_rels/workbook.xml.rels")
    sheet_targets: list[tuple[str, str, str]] = []
    strict = False
    for _, el in _events(zf, "xl/workbook.xml"):
        tag = el.tag
        if tag.startswith("{" + STRICT_MAIN):
            strict = True
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
    if strict:
        raise ContainerError("FILE_STRICT_OOXML", "")
    for rel_type, target, mode in rels.values():
        if rel_type.endswith("/externalLink"):
            book.external_links.extend(_external_targets(zf, _resolve_target(target)))
        elif mode == "External":
            book.external_links.append(target)
    strings = _shared_strings(zf, rels)
    book.locked_styles = _locked_styles(zf, rels)
    for name, state, target in sheet_targets:
        sheet = SheetData(name=name, state=state)
        _read_sheet(zf, target, sheet, strings, wanted(name))
        book.sheets[name] = sheet
    return book


def _external_targets(zf: zipfile.ZipFile, part: str) -> list[str]:
    folder, _, base = part.rpartition("/")
    rels = _rels(zf, f"{folder}/_rels/{base}.rels")
    return [target for _, target, _ in rels.values()] or [part]


def _shared_strings(zf: zipfile.ZipFile, rels: dict[str, tuple[str, str, str]]) -> list[str]:
    part = next((_resolve_target(t) for typ, t, _ in rels.values() if typ.endswith("/sharedStrings")),
                "xl/sharedStrings.xml")
    strings: list[str] = []
    texts: list[str] = []
    in_phonetic = 0
    for event, el in _events(zf, part, ("start", "end")):
        tag = el.tag
        if tag == f"{M}rPh":
            in_phonetic += 1 if event == "start" else -1
        elif event == "end" and tag == f"{M}t" and not in_phonetic:
            texts.append(el.text or "")
        elif event == "end" and tag == f"{M}si":
            strings.append(unescape("".join(texts)))
            texts = []
            el.clear()
    return strings


def _locked_styles(zf: zipfile.ZipFile, rels: dict[str, tuple[str, str, str]]) -> list[bool]:
    part = next((_resolve_target(t) for typ, t, _ in rels.values() if typ.endswith("/styles")), "xl/styles.xml")
    locked: list[bool] = []
    in_cell_xfs = False
    current = True
    for event, el in _events(zf, part, ("start", "end")):
        tag = el.tag
        if tag == f"{M}cellXfs":
            in_cell_xfs = event == "start"
        elif in_cell_xfs and tag == f"{M}xf":
            if event == "start":
                current = True
            else:
                locked.append(current)
        elif in_cell_xfs and tag == f"{M}protection" and event == "start":
            current = _true(el.get("locked"), default=True)
    return locked


def _read_sheet(zf: zipfile.ZipFile, part: str, sheet: SheetData, strings: list[str], wanted: set[str] | None) -> None:
    shared: dict[str, tuple[str, str]] = {}  # shared formula index -> (master address, formula)
    sheet_data = None
    for event, el in _events(zf, part, ("start", "end")):
        tag = el.tag
        if event == "start":
            if tag == f"{M}sheetData":
                sheet_data = el
            continue
        if tag == f"{M}c":
            address = el.get("r", "")
            formula_el = el.find(f"{M}f")
            if formula_el is not None and formula_el.get("t") == "shared" and formula_el.text:
                shared[formula_el.get("si", "")] = (address, formula_el.text)
            if wanted is None or address in wanted:
                sheet.cells[address] = _cell(el, formula_el, strings, shared, address)
            el.clear()
        elif tag == f"{M}row":
            try:
                sheet.max_row = max(sheet.max_row, int(el.get("r", "0")))
            except ValueError:
                pass
            el.clear()
            if sheet_data is not None and len(sheet_data) and sheet_data[0] is el:
                del sheet_data[0]  # keep memory flat however many rows the sheet has
        elif tag == f"{M}sheetProtection":
            sheet.protected = _true(el.get("sheet"))
        elif tag == f"{M}dataValidation":
            formula1 = el.find(f"{M}formula1")
            sheet.validations.append(Validation(
                sqref=el.get("sqref", ""), type=el.get("type", "none"),
                formula1=formula1.text if formula1 is not None else None,
                show_error=_true(el.get("showErrorMessage")), error_style=el.get("errorStyle", "stop"),
                allow_blank=_true(el.get("allowBlank"))))


def _cell(el: Any, formula_el: Any, strings: list[str], shared: dict[str, tuple[str, str]], address: str) -> CellData:
    kind = el.get("t", "n")
    try:
        style = int(el.get("s", "0"))
    except ValueError:
        style = 0
    formula = None
    if formula_el is not None:
        formula = formula_el.text
        if formula_el.get("t") == "shared" and not formula:
            master = shared.get(formula_el.get("si", ""))
            formula = _translate(master[1], master[0], address) if master else None
        formula = formula or ""
    v = el.find(f"{M}v")
    raw = v.text if v is not None else None
    value: Any = None
    if kind == "s":
        try:
            value = strings[int(raw)] if raw is not None else None
        except (ValueError, IndexError):
            value = None
    elif kind == "inlineStr":
        value = unescape("".join(t.text or "" for t in el.iter(f"{M}t")))
    elif kind in ("str", "e"):
        value = unescape(raw) if raw is not None else ("" if formula is not None and kind == "str" else None)
    elif kind == "b":
        value = raw in ("1", "true") if raw is not None else None
    elif raw is not None:
        try:
            value = float(raw)
        except ValueError:
            value = raw
    return CellData(value=value, formula=formula, type=kind, style=style)


def _translate(formula: str, origin: str, target: str) -> str:
    from openpyxl.formula.translate import Translator

    try:
        return Translator("=" + formula, origin=origin).translate_formula(target)[1:]
    except Exception:  # noqa: BLE001 - a formula we cannot translate is reported as changed
        return formula


def split_address(address: str) -> tuple[str, int] | None:
    match = _ADDR.match(address)
    return (match.group(1), int(match.group(2))) if match else None
