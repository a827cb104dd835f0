"""The CSV of collect and audit open right: read by LibreOffice as an Italian user's spreadsheet reads them (`;`,
UTF-8, Italian number format), they give the same cells as the report workbook; the rfc4180 format, read as
RFC 4180 with dot decimals, gives them too."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from support import EXAMPLE_PLAN, libreoffice_convert

from piano_xlsx.audit.report_xlsx import CSV_NAMES as AUDIT_CSV_NAMES
from piano_xlsx.cli import cli
from piano_xlsx.collect.report import CSV_NAMES
from piano_xlsx.csvfile import neutralise, render
from piano_xlsx.demo import run_demo

# LibreOffice CSV import options: field separator, text delimiter, character set (76 = UTF-8), first line,
# column formats (none), language (1040 = Italian, 1033 = English, United States)
ITALIAN_IMPORT = "CSV:59,34,76,1,,1040"
RFC4180_IMPORT = "CSV:44,34,76,1,,1033"
SHEETS = {"riepilogo": "Riepilogo", "punteggi": "Punteggi", "anomalie": "Anomalie", "ricevute": "Ricevute"}
HEADER_ROW = 3  # the report's tables start under a title and a subtitle


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's returns: every kind of value (decimals, empty cells, accented texts, paths)."""
    return run_demo(tmp_path_factory.mktemp("demo") / "demo", use_libreoffice=False).returns[0][0].parent


def collect(returns: Path, out: Path, *options: str) -> tuple[Path, Path]:
    report, csv_dir = out / "consolidato.xlsx", out / "csv"
    done = CliRunner().invoke(cli, ["collect", str(EXAMPLE_PLAN), str(returns), "-o", str(report),
                                    "--csv", str(csv_dir), *options])
    assert done.exit_code == 1, done.output  # the demo's returns hold errors, as planned
    return report, csv_dir


def table(path: Path, sheet: str | None = None, first: int = 1) -> list[list[Any]]:
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=first)]
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    width = max((i + 1 for row in rows for i, v in enumerate(row) if v is not None), default=0)
    return [(row + [None] * width)[:width] for row in rows]


def collect_tables(report: Path) -> dict[str, list[list[Any]]]:
    return {name: table(report, sheet, first=HEADER_ROW) for name, sheet in SHEETS.items()}


def same_cells(expected: dict[str, list[list[Any]]], converted: dict[str, Path]) -> None:
    decimals = 0
    for name, want_rows in expected.items():
        found = table(converted[name])
        assert len(found) == len(want_rows) >= 1, name
        for row, (want, got) in enumerate(zip(want_rows, found, strict=True), start=1):
            for col, (a, b) in enumerate(zip(want, got, strict=True)):
                if isinstance(a, float) and isinstance(b, (int, float)):
                    assert b == pytest.approx(a, abs=1e-9), (name, row, col)
                    decimals += not a.is_integer()
                elif isinstance(a, str) and a.isdigit() and isinstance(b, int):
                    assert b == int(a), (name, row, col)  # a label such as objective «1»: CSV carries no types
                else:  # a text that a spreadsheet would take for a formula keeps its leading apostrophe
                    assert neutralise(a) == b, (name, row, col, a, b)
    assert decimals > 0  # the comparison covered numbers with a fractional part


def test_the_default_csv_is_for_an_italian_excel(returns, tmp_path):
    report, csv_dir = collect(returns, tmp_path)
    files = [csv_dir / f"{name}.csv" for name in CSV_NAMES]
    for path in files:
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads «Gravità», not «GravitÃ »
        assert raw.splitlines()[0].count(b";") > 2 and b"\r\n" in raw
    assert "91,6" in (csv_dir / "riepilogo.csv").read_text(encoding="utf-8-sig")  # decimal comma
    converted = libreoffice_convert(files, tmp_path / "letti", infilter=ITALIAN_IMPORT)
    same_cells(collect_tables(report), dict(zip(CSV_NAMES, converted, strict=True)))


def test_the_rfc4180_csv_is_for_programs(returns, tmp_path):
    report, csv_dir = collect(returns, tmp_path, "--csv-format", "rfc4180")
    files = [csv_dir / f"{name}.csv" for name in CSV_NAMES]
    for path in files:
        raw = path.read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf") and raw.splitlines()[0].count(b",") > 2
    assert "91.6" in (csv_dir / "riepilogo.csv").read_text(encoding="utf-8")
    converted = libreoffice_convert(files, tmp_path / "letti", infilter=RFC4180_IMPORT)
    same_cells(collect_tables(report), dict(zip(CSV_NAMES, converted, strict=True)))


@pytest.mark.parametrize("csv_format, infilter", [("excel-it", ITALIAN_IMPORT), ("rfc4180", RFC4180_IMPORT)])
def test_the_audit_csv_give_the_report_cells(returns, tmp_path, csv_format, infilter):
    report, csv_dir = tmp_path / "audit.xlsx", tmp_path / "csv"
    done = CliRunner().invoke(cli, ["audit", str(returns), "-o", str(report), "--csv", str(csv_dir),
                                    "--csv-format", csv_format])
    assert done.exit_code == 1, done.output  # the demo's returns hold errors, as planned
    expected = {}
    for sheet in tables_of_the_report(report):
        name, first, empty = sheet
        rows = table(report, AUDIT_SHEETS[name], first=first)
        expected[name] = rows[:1] if empty else rows
    files = [csv_dir / f"{name}.csv" for name in AUDIT_CSV_NAMES]
    converted = libreoffice_convert(files, tmp_path / "letti", infilter=infilter)
    same_cells(expected, dict(zip(AUDIT_CSV_NAMES, converted, strict=True)))


AUDIT_SHEETS = {"file": "File", "schede": "Schede", "formule": "Formule", "rilievi": "Rilievi",
                "fogli-nascosti": "Fogli nascosti"}


def tables_of_the_report(report: Path) -> list[tuple[str, int, bool]]:
    """(csv name, row of the headings, no rows but a note) for each sheet of the audit workbook."""
    wb = openpyxl.load_workbook(report)
    out = []
    for name, sheet in AUDIT_SHEETS.items():
        ws = wb[sheet]
        first = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "File")
        out.append((name, first, ws.cell(first + 1, 1).value == "Nessun foglio nascosto oltre al manifesto."))
    return out


def test_csv_text_details():
    headings = ["Testo", "Numero", "Intero", "Vuoto", "Virgolette"]
    rows = [["=1+1", 2.5, 3, None, 'a "b"; c']]
    assert render(headings, rows) == ('\ufeffTesto;Numero;Intero;Vuoto;Virgolette\r\n'
                                      '\'=1+1;2,5;3;;"a ""b""; c"\r\n')
    assert render(headings, rows, "rfc4180") == ('Testo,Numero,Intero,Vuoto,Virgolette\r\n'
                                                 '\'=1+1,2.5,3,,"a ""b""; c"\r\n')
    assert render(["Vuota"], []) == "\ufeffVuota\r\n"  # an empty table keeps its headings
    assert render(["Vero", "Falso"], [[True, False]]) == "\ufeffVero;Falso\r\nVERO;FALSO\r\n"
    assert render(["Vero"], [[True]], "rfc4180") == "Vero\r\nTRUE\r\n"
