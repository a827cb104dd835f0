"""CSV tables that open right where they are read.

The default, ``excel-it``, is what an Italian Excel opens correctly by double-click: `;` between fields,
decimal comma, UTF-8 with a byte order mark (without it Excel reads "Gravità" as "GravitÃ ").
``rfc4180`` is for programs: `,` between fields, dot decimals, no byte order mark.
Both end lines with CRLF, as RFC 4180 says. Text that a spreadsheet would read as a formula is neutralised.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from piano_xlsx.atomic import refuse_existing, write_text

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")

Row = Mapping[str, Any]


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
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
        return text.replace(".", fmt.decimal)
    return str(neutralise(str(value)))


def render(rows: Sequence[Row], format_name: str = DEFAULT_FORMAT) -> str:
    """The table as CSV text: a header row from the first row's keys, then one line per row."""
    fmt = FORMATS[format_name]
    buffer = io.StringIO()
    if rows:
        writer = csv.writer(buffer, delimiter=fmt.delimiter, lineterminator="\r\n")
        writer.writerow(list(rows[0]))
        for row in rows:
            writer.writerow([_cell(v, fmt) for v in row.values()])
    return ("\ufeff" if fmt.bom else "") + buffer.getvalue()


def write_tables(directory: str | Path, tables: Mapping[str, Sequence[Row]], *,
                 format_name: str = DEFAULT_FORMAT, force: bool = False) -> list[Path]:
    """Write one `<name>.csv` per table into `directory`; none is written when one exists and not `force`."""
    directory = Path(directory)
    targets = [directory / f"{name}.csv" for name in tables]
    refuse_existing(targets, force=force)
    for target, rows in zip(targets, tables.values(), strict=True):
        write_text(target, render(rows, format_name), force=force)
    return targets
