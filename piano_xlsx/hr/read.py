"""Read HR data from a CSV or xlsx file: one row per person, or several (one per comune of a convention, one
per multiplier). Headers are Italian and matched without regard to case, spaces or accents."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from piano_xlsx.errors import UserError
from piano_xlsx.findings import Finding, finding
from piano_xlsx.plan.payouts import Convention, HrRecord, Multiplier

SHEET = "Dati del personale"  # the sheet read in an xlsx (else its first sheet)


@dataclass(frozen=True)
class Column:
    key: str
    headers: tuple[str, ...]
    kind: str  # text, money, percent, integer, date


COLUMNS = [
    Column("evaluatee", ("valutato", "id valutato", "evaluatee"), "text"),
    Column("base", ("base", "monte salari", "budget"), "money"),
    Column("days", ("giorni", "giorni di servizio"), "integer"),
    Column("start", ("dal", "in servizio dal"), "date"),
    Column("end", ("al", "in servizio fino al"), "date"),
    Column("part_time", ("part time", "part-time", "percentuale part time"), "percent"),
    Column("comune", ("comune", "ente"), "text"),
    Column("share", ("quota", "quota convenzione"), "percent"),
    Column("multiplier", ("moltiplicatore", "pesatura"), "percent"),
    Column("multiplier_label", ("voce moltiplicatore", "descrizione moltiplicatore"), "text"),
    Column("excluded", ("escluso", "motivo esclusione"), "text"),
    Column("priority", ("priorita", "priorità"), "integer"),
]
SCALARS = ("base", "days", "start", "end", "part_time", "excluded", "priority")


class HrFileError(UserError):
    """The HR file cannot be read at all."""


def _norm(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[\s_\-]+", " ", plain).strip().lower()


_BY_HEADER = {_norm(h): c for c in COLUMNS for h in c.headers}


def read_hr_file(path: str | Path) -> tuple[list[HrRecord], list[Finding]]:
    """The records of an HR file and the findings about values that cannot be read."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise HrFileError(f"impossibile leggere i dati del personale {path}: {exc.strerror or exc}") from None
    if raw[:4] == b"PK\x03\x04":
        sheet, rows = _xlsx_rows(path)
    else:
        sheet, rows = None, _csv_rows(raw, path)
    if not rows:
        raise HrFileError(f"{path}: nessuna riga d'intestazione nei dati del personale")
    return records_from_rows(str(path), sheet, rows)


def _csv_rows(raw: bytes, path: Path) -> list[list[Any]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")  # Excel's "CSV" on an Italian Windows
    delimiter = ";" if text.split("\n", 1)[0].count(";") >= text.split("\n", 1)[0].count(",") else ","
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _xlsx_rows(path: Path) -> tuple[str, list[list[Any]]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - any failure of the library means the file cannot be read
        raise HrFileError(f"{path}: non è una cartella di lavoro leggibile ({type(exc).__name__})") from None
    ws = wb[SHEET] if SHEET in wb.sheetnames else wb.worksheets[0]
    rows = [list(row) for row in ws.iter_rows(values_only=True)]
    wb.close()
    return ws.title, rows


def records_from_rows(file: str, sheet: str | None, rows: list[list[Any]]) -> tuple[list[HrRecord], list[Finding]]:
    """Rows (the first one the headers) as HR records, merging the rows of one person."""
    from openpyxl.utils import get_column_letter

    header = rows[0]
    columns = {i: _BY_HEADER.get(_norm(str(h or ""))) for i, h in enumerate(header)}
    findings: list[Finding] = []
    if "evaluatee" not in {c.key for c in columns.values() if c}:
        raise HrFileError(f"{file}: manca la colonna «valutato» nei dati del personale")
    merged: dict[str, dict[str, Any]] = {}
    for r, row in enumerate(rows[1:], start=2):
        values: dict[str, Any] = {}
        for i, column in columns.items():
            if column is None or i >= len(row) or row[i] in (None, ""):
                continue
            cell = f"{get_column_letter(i + 1)}{r}"
            try:
                values[column.key] = _parse(row[i], column.kind)
            except ValueError as exc:
                findings.append(finding("HR_VALUE_INVALID", file=file, sheet=sheet, cell=cell,
                                        place=f" (cella {cell})", detail=f"«{row[i]}»: {exc}"))
        person = values.get("evaluatee")
        if not person:
            continue
        entry = merged.setdefault(person, {"evaluatee": person, "conventions": [], "multipliers": []})
        for key in SCALARS:
            if key in values:
                if key in entry and entry[key] != values[key]:
                    findings.append(finding("HR_DUPLICATE", file=file, sheet=sheet, cell=f"A{r}", person=person,
                                            field=key, values=f"{entry[key]} e {values[key]}"))
                entry.setdefault(key, values[key])
        if "comune" in values or "share" in values:
            entry["conventions"].append(Convention(comune=values.get("comune", "?"), share=values.get("share", 0)))
        if "multiplier" in values:
            entry["multipliers"].append(Multiplier(label=values.get("multiplier_label", "moltiplicatore"),
                                                   percent=values["multiplier"]))
    return [HrRecord(**entry) for entry in merged.values()], findings


def _parse(value: Any, kind: str) -> Any:
    if kind == "text":
        return str(value).strip()
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).strip()
        for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
            try:
                return dt.datetime.strptime(text, pattern).date()
            except ValueError:
                pass
        raise ValueError("attesa una data GG/MM/AAAA")
    number = _decimal(value, kind == "percent")
    if kind == "integer":
        if number != number.to_integral_value():
            raise ValueError("atteso un numero intero")
        return int(number)
    return number


def _decimal(value: Any, percent: bool) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("atteso un numero")
    if isinstance(value, (int, float)):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        # a percent-formatted cell stores 0.85 for "85 %"
        return number * 100 if percent and 0 < number <= 1 and isinstance(value, float) else number
    text = str(value).strip().replace("€", "").replace("%", "").replace(" ", "").replace("\u00a0", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError("atteso un numero") from None


def merge_hr(plan_records: list[HrRecord], file_records: list[HrRecord]) -> list[HrRecord]:
    """The file's records replace the plan's, person by person; the plan's others stay."""
    replaced = {r.evaluatee for r in file_records}
    return [r for r in plan_records if r.evaluatee not in replaced] + file_records
