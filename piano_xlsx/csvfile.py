"""CSV tables that open right where they are read.

The default, ``excel-it``, is what an Italian Excel opens correctly by double-click: `;` between fields,
decimal comma, UTF-8 with a byte order mark (without it Excel reads "Gravità" as "GravitÃ ").
``rfc4180`` is for programs: `,` between fields, dot decimals, no byte order mark.
Both end lines with CRLF, as RFC 4180 says. Text that a spreadsheet would read as a formula is neutralised.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from piano_xlsx.atomic import refuse_existing, write_text

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")

Table = tuple[Sequence[str], Sequence[Sequence[Any]]]  # headings, rows of values


@dataclass(frozen=True)
class CsvFormat:
    delimiter: str
    decimal: str
    bom: bool


FORMATS = {"excel-it": CsvFormat(";", ",", True), "rfc4180": CsvFormat(",", ".", False)}
DEFAULT_FORMAT = "excel-it"


def neutralise(value: Any) -> Any:
    """OWASP CSV injection: text that a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _cell(value: Any, fmt: CsvFormat) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):  # a cached TRUE/FALSE; as the spreadsheet of each format's users names it
        return ("VERO" if value else "FALSO") if fmt.decimal == "," else ("TRUE" if value else "FALSE")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, dt.datetime):  # as each format's readers write a date: 01/12/2026 08:58:05, or ISO 8601
        return value.strftime("%d/%m/%Y %H:%M:%S" if fmt.decimal == "," else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, Decimal):  # money: its exact decimal text
        return f"{value:f}".replace(".", fmt.decimal)
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
        return text.replace(".", fmt.decimal)
    return str(neutralise(str(value)))


def render(headings: Sequence[str], rows: Iterable[Sequence[Any]], format_name: str = DEFAULT_FORMAT) -> str:
    """A table as CSV text: the headings, then one line per row."""
    fmt = FORMATS[format_name]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=fmt.delimiter, lineterminator="\r\n")
    if headings:
        writer.writerow(headings)
    for row in rows:
        writer.writerow([_cell(v, fmt) for v in row])
    return ("\ufeff" if fmt.bom else "") + buffer.getvalue()


def from_dicts(rows: Sequence[Mapping[str, Any]]) -> Table:
    """Rows that name their columns, as a table (the headings are the first row's keys)."""
    return (list(rows[0]) if rows else []), [list(row.values()) for row in rows]


def write_tables(directory: str | Path, tables: Mapping[str, Table], *, format_name: str = DEFAULT_FORMAT,
                 force: bool = False) -> list[Path]:
    """Write one `<name>.csv` per table into `directory`; none is written when one exists and not `force`."""
    directory = Path(directory)
    targets = [directory / f"{name}.csv" for name in tables]
    refuse_existing(targets, force=force)
    for target, (headings, rows) in zip(targets, tables.values(), strict=True):
        write_text(target, render(headings, rows, format_name), force=force)
    return targets
