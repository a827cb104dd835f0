"""One cell of a plan workbook as a plan value, by the kind of its column; what a person types is tolerated."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from piano_xlsx.errors import PianoError
from piano_xlsx.planbook.sheets import EMPTY_LIST, EMPTY_TEXT, Column, normalise_header

TRUE_WORDS = {"si", "sì", "s", "yes", "y", "true", "vero", "x", "1"}
FALSE_WORDS = {"no", "n", "false", "falso", "0"}
BLANK = object()  # what an empty cell converts to: no value, unlike an empty text


class CellError(PianoError, ValueError):
    """A cell's value cannot be what its column asks for (the message is the Italian detail)."""


@dataclass
class RawCell:
    value: Any
    number_format: str = "General"


def shown(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _integral(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.\d*|\.\d+)([eE][+-]?\d+)?")


def _number_from_text(text: str) -> int | float | None:
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # 7,5 as typed in Italian
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return float(text)
    return None


def _date_from_text(text: str) -> dt.date | None:
    text = text.strip()
    for pattern in ("%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y", "%Y-%m-%d", "%d/%m/%y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def as_text(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y") if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "Sì" if value else "No"
    if isinstance(value, float):
        return str(_integral(value)) if value.is_integer() else repr(value)
    return str(value)


def convert(column: Column, raw: RawCell) -> Any:
    """The plan value of a cell under `column`; BLANK for an empty cell; CellError when it cannot be one."""
    value = raw.value
    if is_blank(value):
        return BLANK
    kind = column.kind
    if kind == "id":
        return as_text(value).strip()
    if kind == "text":
        return "" if isinstance(value, str) and value.strip() == EMPTY_TEXT else as_text(value)
    if kind in ("int", "number"):
        return _number(column, raw)
    if kind == "numtext":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return _integral(value)
        return as_text(value).strip()
    if kind == "bool":
        if isinstance(value, bool):
            return value
        word = as_text(value).strip().casefold()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise CellError(f"atteso Sì o No; trovato «{shown(value)}»")
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, (int, float)) and 1 < value < 2958466:  # a serial date without a date format
            return (dt.datetime(1899, 12, 30) + dt.timedelta(days=int(value))).date()
        parsed = _date_from_text(as_text(value))
        if parsed is None:
            raise CellError(f"attesa una data gg/mm/aaaa; trovato «{shown(value)}»")
        return parsed
    if kind == "enum":
        word = normalise_header(as_text(value))
        for model_value, label in column.choices:
            if word in (normalise_header(label), normalise_header(model_value)):
                return model_value
        allowed = ", ".join(label for _, label in column.choices)
        raise CellError(f"valore non ammesso (ammessi: {allowed}); trovato «{shown(value)}»")
    if kind == "lines":
        text = as_text(value)
        if text.strip() == EMPTY_LIST:
            return []
        return [line.strip() for line in text.splitlines() if line.strip()]
    if kind == "levels":
        text = as_text(value)
        if text.strip() == EMPTY_LIST:
            return []
        return [_printed_level(line) for line in text.splitlines() if line.strip()]
    raise AssertionError(f"unknown column kind {kind}")  # pragma: no cover - the declaration is fixed


def _number(column: Column, raw: RawCell) -> int | float:
    value = raw.value
    if isinstance(value, bool) or isinstance(value, (dt.date, dt.datetime)):
        raise CellError(f"atteso un numero; trovato «{shown(value)}»")
    if isinstance(value, (int, float)):
        number: int | float = value
        if column.key == "percent" and "%" in (raw.number_format or ""):
            number = round(value * 100, 10)  # 6% typed in Excel is stored as 0.06
            number = _integral(number) if isinstance(number, float) else number
    else:
        parsed = _number_from_text(str(value))
        if parsed is None:
            expected = "un numero intero" if column.kind == "int" else "un numero"
            raise CellError(f"atteso {expected}; trovato «{shown(value)}»")
        number = parsed
    if column.kind == "int":
        if isinstance(number, float) and not number.is_integer():
            raise CellError(f"atteso un numero intero; trovato «{shown(value)}»")
        return int(number)
    return number


def _printed_level(line: str) -> dict[str, Any]:
    parts = line.strip().rsplit(None, 1)
    if len(parts) == 2:
        points = _number_from_text(parts[1])
        if points is not None:
            return {"level": parts[0], "points": points}
    return {"level": line.strip()}
