"""A plan workbook's sheets as rows of cells (openpyxl, read-only, cached values), and their headers' names."""

from __future__ import annotations

import difflib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from piano_xlsx.findings import finding
from piano_xlsx.italian import os_reason
from piano_xlsx.plan.loader import PlanError
from piano_xlsx.planbook.cells import RawCell
from piano_xlsx.planbook.sheets import KEY_VALUE_ALIASES, KEY_VALUE_HEADERS, Sheet, normalise_header

HEADER_LIKENESS = 0.75  # difflib ratio from which an unknown header is taken for a misspelt one («Pesi», «Peso»)
_T = TypeVar("_T")


@dataclass
class TableRow:
    number: int  # the sheet's row number
    cells: dict[str, RawCell]  # column key -> cell


@dataclass
class Table:
    sheet: Sheet
    name: str  # as spelled in the workbook
    letters: dict[str, str]  # column key -> letter, for the columns present
    rows: list[TableRow]
    header_row: int = 1


def read_sheets(path: Path) -> dict[str, list[list[RawCell]]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:  # from the bytes: openpyxl judges a path by its extension, and says so in English
        wb = openpyxl.load_workbook(io.BytesIO(Path(path).read_bytes()), read_only=True, data_only=True)
    except OSError as exc:
        raise PlanError([finding("PLAN_UNREADABLE", detail=f"{path}: {os_reason(exc)}")]) from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, IndexError,
            AttributeError, SyntaxError):
        raise PlanError([finding("PLAN_UNREADABLE", detail=f"{path}: non è una cartella di lavoro .xlsx leggibile "
                                                           "(file danneggiato o di altro tipo)")]) from None
    try:
        out: dict[str, list[list[RawCell]]] = {}
        for ws in wb.worksheets:
            rows = []
            for row in ws.iter_rows():
                rows.append([RawCell(getattr(c, "value", None), getattr(c, "number_format", None) or "General")
                             for c in row])
            out[ws.title] = rows
        return out
    except (KeyError, OSError, ValueError, TypeError, IndexError, AttributeError, SyntaxError,
            zipfile.BadZipFile):
        raise PlanError([finding("PLAN_UNREADABLE", detail=f"{path}: il contenuto della cartella di lavoro non è "
                                                           "leggibile (file danneggiato)")]) from None
    finally:
        wb.close()


def row_key(sheet: Sheet) -> str:
    """The column that names a row of `sheet` (its id, title or label): where a finding about the whole row points."""
    keys = [column.key for column in sheet.columns]
    return next((key for key in ("id", "title", "label") if key in keys), keys[0])


def closest(text: str, names: dict[str, _T]) -> _T | None:
    """What a misspelt header or key most likely means, by its normalised name; None when nothing is close."""
    close = difflib.get_close_matches(normalise_header(text), list(names), n=1, cutoff=HEADER_LIKENESS)
    return names[close[0]] if close else None


def key_value_names() -> dict[str, str]:
    names = {normalise_header(header): key for key, header in KEY_VALUE_HEADERS.items()}
    return names | KEY_VALUE_ALIASES


def header_map(sheet: Sheet) -> dict[str, str]:
    names: dict[str, str] = {}
    for column in sheet.columns:
        for alias in (column.header, column.key.lstrip("@"), *column.aliases):
            names.setdefault(normalise_header(alias), column.key)
    return names
