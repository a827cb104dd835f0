"""CSV tables that open right where they are read, written by pandas from the report's DataFrames.

The default, ``excel-it``, is what an Italian Excel opens correctly by double-click: `;` between fields,
decimal comma, UTF-8 with a byte order mark (without it Excel reads "Gravità" as "GravitÃ ").
``rfc4180`` is for programs: `,` between fields, dot decimals, no byte order mark.
Both end lines with CRLF, as RFC 4180 says. Text that a spreadsheet would read as a formula is neutralised.

Numeric columns are pandas' to write (with the format's decimal mark); every other column holds values as a
returned cell held them (a number, a text, a truth value, an amount), each written here as the format wants it.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from piano_xlsx.atomic import refuse_existing, write_bytes

if TYPE_CHECKING:
    import pandas as pd

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")

Table = tuple[Sequence[str], Sequence[Sequence[Any]]]  # headings, rows of values
Tabular = Union["pd.DataFrame", Table]


@dataclass(frozen=True)
class CsvFormat:
    delimiter: str
    decimal: str
    encoding: str  # "utf-8-sig" writes the byte order mark


FORMATS = {"excel-it": CsvFormat(";", ",", "utf-8-sig"), "rfc4180": CsvFormat(",", ".", "utf-8")}
DEFAULT_FORMAT = "excel-it"


def neutralise(value: Any) -> Any:
    """OWASP CSV injection: text that a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _cell(value: Any, fmt: CsvFormat) -> str:
    """A value of a column that is not numeric, as the format writes it."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
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


def _frame(table: Tabular) -> pd.DataFrame:
    import pandas as pd

    if isinstance(table, pd.DataFrame):
        return table
    headings, rows = table
    return pd.DataFrame(list(map(list, rows)), columns=list(headings), dtype=object)


def _prepared(data: pd.DataFrame, fmt: CsvFormat) -> pd.DataFrame:
    """Numeric columns as they are, for pandas to write; every other column as the text of each value."""
    import pandas as pd
    from pandas.api.types import is_bool_dtype, is_numeric_dtype

    return pd.DataFrame({name: column if is_numeric_dtype(column) and not is_bool_dtype(column) else
                         column.astype(object).map(lambda v: "" if v is pd.NA or v is pd.NaT else _cell(v, fmt))
                         for name, column in data.items()}, columns=data.columns)


def render_bytes(table: Tabular, format_name: str = DEFAULT_FORMAT) -> bytes:
    """A table (a DataFrame, or headings and rows) as the bytes of a CSV file: the headings, then one line per row."""
    fmt = FORMATS[format_name]
    buffer = io.BytesIO()
    _prepared(_frame(table), fmt).to_csv(buffer, sep=fmt.delimiter, decimal=fmt.decimal, encoding=fmt.encoding,
                                         lineterminator="\r\n", index=False, na_rep="")
    return buffer.getvalue()


def render(table: Tabular, format_name: str = DEFAULT_FORMAT) -> str:
    """The CSV text of a table, with its byte order mark where the format has one."""
    return render_bytes(table, format_name).decode("utf-8")


def from_dicts(rows: Sequence[Mapping[str, Any]]) -> Table:
    """Rows that name their columns, as a table (the headings are the first row's keys)."""
    return (list(rows[0]) if rows else []), [list(row.values()) for row in rows]


def write_tables(directory: str | Path, tables: Mapping[str, Tabular], *, format_name: str = DEFAULT_FORMAT,
                 force: bool = False) -> list[Path]:
    """Write one `<name>.csv` per table into `directory`; none is written when one exists and not `force`."""
    directory = Path(directory)
    targets = [directory / f"{name}.csv" for name in tables]
    refuse_existing(targets, force=force)
    for target, table in zip(targets, tables.values(), strict=True):
        write_bytes(target, render_bytes(table, format_name), force=force)
    return targets
