"""The audit as a workbook (XlsxWriter), in Italian: files and cards, one row per formula cell, other findings.

Every text copied from a returned file is written with `write_string`, so it
can never become a formula in the report. Row heights are set from the
wrapped texts, since LibreOffice does not fit them when it opens the file.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from piano_xlsx.atomic import write_bytes
from piano_xlsx.audit import premi
from piano_xlsx.audit.present import (
    SEVERITY_WORDS,
    other_findings,
    plan_words,
    row_order,
    status_word,
    what,
)
from piano_xlsx.audit.result import OK, SIGNATURE_WORDS, AuditResult
from piano_xlsx.csvfile import DEFAULT_FORMAT, write_tables
from piano_xlsx.workbook.textmetrics import wrapped_lines
from piano_xlsx.workbook.xlsxfile import GENERATED_BY, ToolWorkbook

STATUS_FILL = {"ok": "#D8EFD9", "changed": "#F8D3D1", "missing": "#F8D3D1", "stale": "#FDE9C0"}
SEVERITY_FILL = {"error": "#F8D3D1", "warning": "#FDE9C0", "info": "#DDE7F3"}
LINE_HEIGHT = 12.75  # points per line of 10-point Calibri
MAX_LINES = 12


@dataclass
class Table:
    """One sheet of the report as data; the CSV files (write_csv) carry the same headings and values."""

    name: str  # the sheet's name
    csv_name: str  # the CSV file's name, without .csv
    columns: Sequence[tuple[str, float]]  # heading, width
    rows: list[tuple[list[Any], dict[int, str]]] = field(default_factory=list)  # values, styles by column
    lines: list[tuple[str, str]] = field(default_factory=list)  # (text, style) above the table
    when_empty: str = ""  # a note under the headings when there is no row


CSV_NAMES = ("file", "schede", "formule", "rilievi", "fogli-nascosti")  # the tables' csv_name, in order


def tables(result: AuditResult) -> list[Table]:
    return [_files_table(result), _cards_table(result), _formulas_table(result), _findings_table(result),
            _hidden_table(result)] + ([_premi_table(result)] if result.payouts else [])


def render(result: AuditResult) -> bytes:
    """The whole report as .xlsx bytes."""
    buffer = io.BytesIO()
    wb = ToolWorkbook(buffer)
    wb.set_properties({"title": "Audit delle formule", "comments": f"{GENERATED_BY} (audit)"})
    formats = _formats(wb)
    for table in tables(result):
        s = _Sheet(wb, formats, table.name)
        for text, style in table.lines:
            s.line(text, style)
        if table.lines:
            s.row += 1
        s.headings(table.columns)
        for values, styles in table.rows:
            s.add(values, styles)
        if not table.rows and table.when_empty:
            s.line(table.when_empty, "note")
        s.finish()
    wb.close()
    return buffer.getvalue()


def write_xlsx(result: AuditResult, target: str | Path, *, force: bool = False) -> None:
    """Write the report atomically; an existing file is replaced only with `force`."""
    write_bytes(target, render(result), force=force)


def write_csv(result: AuditResult, directory: str | Path, *, format_name: str = DEFAULT_FORMAT,
              force: bool = False) -> list[Path]:
    """The report's tables as CSV files, one per sheet (csvfile.FORMATS: Italian Excel by default)."""
    return write_tables(directory, {t.csv_name: ([h for h, _ in t.columns], [values for values, _ in t.rows])
                                    for t in tables(result)}, format_name=format_name, force=force)


def _formats(wb: Any) -> dict[str, Any]:
    base = {"font_name": "Calibri", "font_size": 10, "valign": "top"}
    cell = {**base, "border": 1, "border_color": "#C8CCD2"}
    mono = {"font_name": "Consolas", "font_size": 9}
    f = {
        "title": wb.add_format({**base, "bold": True, "font_size": 14}),
        "note": wb.add_format({**base, "italic": True, "font_color": "#5B6470"}),
        "head": wb.add_format({**cell, "bold": True, "bg_color": "#33506E", "font_color": "#FFFFFF", "text_wrap": True,
                               "border_color": "#FFFFFF"}),
        "text": wb.add_format(cell),
        "wrap": wb.add_format({**cell, "text_wrap": True}),
        "code": wb.add_format({**cell, **mono, "text_wrap": True}),
        "code_line": wb.add_format({**cell, **mono}),
        "number": wb.add_format(cell),
    }
    for name, color in {**STATUS_FILL, **SEVERITY_FILL}.items():
        f["fill_" + name] = wb.add_format({**cell, "bg_color": color, "bold": True, "text_wrap": True})
    return f


@dataclass
class _Sheet:
    """A report sheet: a table with fixed column widths, rows as tall as their wrapped texts."""

    wb: Any
    f: dict[str, Any]
    name: str

    def __post_init__(self) -> None:
        self.ws = self.wb.add_worksheet(self.name)
        self.widths: list[float] = []
        self.row = 0
        self.first_table_row = 0
        self.ws.set_landscape()
        self.ws.set_paper(9)
        self.ws.fit_to_pages(1, 0)
        self.ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        self.ws.set_footer("&L&9&A&R&9Pagina &P di &N")

    def line(self, text: str, style: str) -> None:
        self.ws.write_string(self.row, 0, text, self.f[style])
        self.row += 1

    def headings(self, columns: Sequence[tuple[str, float]]) -> None:
        self.widths = [w for _, w in columns]
        self.first_table_row = self.row
        for col, (heading, width) in enumerate(columns):
            self.ws.set_column(col, col, width)
            self.ws.write_string(self.row, col, heading, self.f["head"])
        self._height([(h, w) for h, w in columns], bold=True)
        self.ws.freeze_panes(self.row + 1, 0)
        self.ws.repeat_rows(self.row)
        self.row += 1

    def add(self, values: list[Any], styles: dict[int, str] | None = None) -> None:
        """One table row; `styles` overrides the format of some columns (by index)."""
        wrapped = []
        for col, value in enumerate(values):
            style = (styles or {}).get(col) or None
            if value is None or value == "":
                self.ws.write_blank(self.row, col, None, self.f[style or "text"])
            elif isinstance(value, bool):
                self.ws.write_boolean(self.row, col, value, self.f[style or "text"])
            elif isinstance(value, (int, float)):
                self.ws.write_number(self.row, col, float(value), self.f[style or "number"])
            else:
                text = str(value)
                style = style or ("code" if text.startswith("=") else "wrap")
                self.ws.write_string(self.row, col, text, self.f[style])  # never a formula
                if style != "code_line":
                    wrapped.append((text, self.widths[col] if col < len(self.widths) else 10))
        self._height(wrapped)
        self.row += 1

    def _height(self, texts: list[tuple[str, float]], bold: bool = False) -> None:
        lines = max([wrapped_lines(t, w * (0.9 if bold else 1.0)) for t, w in texts] or [1])
        self.ws.set_row(self.row, min(lines, MAX_LINES) * LINE_HEIGHT + 2)

    def finish(self) -> None:
        if self.row > self.first_table_row + 1 and self.widths:
            self.ws.autofilter(self.first_table_row, 0, self.row - 1, len(self.widths) - 1)


def _files_table(result: AuditResult) -> Table:
    table = Table("File", "file", [
        ("File", 34), ("SHA-256", 36), ("Firma del manifesto", 14), ("Piano (dal manifesto)", 36), ("Formule", 9),
        ("Corrette", 9), ("Modificate", 10), ("Cancellate", 10), ("Non aggiornate", 11), ("Errori", 8), ("Avvisi", 8)],
        lines=[("Audit delle formule", "title"),
               ("Per ogni cella con formula: la formula emessa (dal manifesto firmato), quella trovata, il valore "
                "salvato nel file e quello ricalcolato da un motore indipendente sui dati del file. Dettagli nei "
                "fogli «Schede», «Formule» e «Rilievi».", "note")])
    for audit in result.files:
        counts = audit.counts()
        table.rows.append(([audit.path, audit.sha256, SIGNATURE_WORDS[audit.signature], plan_words(audit),
                            len(audit.formulas), counts["ok"], counts["changed"], counts["missing"], counts["stale"],
                            audit.errors, audit.warnings], {1: "code"}))
    return table


def _cards_table(result: AuditResult) -> Table:
    table = Table("Schede", "schede", [
        ("File", 24), ("Scheda", 24), ("Valutato", 24), ("Cella del totale", 9), ("Totale mostrato", 10),
        ("Ricalcolato (formule trovate)", 12), ("Dalle valutazioni (formule emesse)", 12), ("Fascia mostrata", 14),
        ("Fascia dovuta", 14), ("Spiegazione", 70)])
    for audit in result.files:
        for card in audit.cards:
            table.rows.append(([audit.path, card.title, card.evaluatee, card.total_cell, card.total_shown,
                                card.total_recomputed, card.total_expected, card.band_shown, card.band_expected,
                                card.explanation], {}))
    return table


def _formulas_table(result: AuditResult) -> Table:
    with_model = any(r.model is not None for a in result.files for r in a.formulas)
    columns = [("File", 20), ("Scheda", 18), ("Cella", 7), ("Che cosa", 30), ("Stato", 13),
               ("Formula emessa", 34), ("Formula o valore trovato", 34), ("Valore salvato", 11), ("Ricalcolato", 11),
               ("Con le formule emesse", 11)]
    if with_model:
        columns.append(("Modello del piano", 11))
    columns.append(("Spiegazione", 60))
    table = Table("Formule", "formule", columns)
    rows = []
    for audit in result.files:
        titles = {c.card: c.title for c in audit.cards}
        rows += [(row_order(r), audit.path, titles.get(r.card or "", r.sheet), r) for r in audit.formulas]
    rows.sort(key=lambda x: x[0])  # differences first; stable, so files and cells keep their order
    for _, path, title, r in rows:
        model = [r.model] if with_model else []
        formula_style = "code" if r.status != OK else "code_line"  # intact formulas on one line: rows stay short
        table.rows.append(([path, title, r.cell, what(r.label), status_word(r), r.issued, r.found, r.cached,
                            r.recomputed, r.expected, *model, r.explanation],
                           {4: "fill_" + r.status, 5: formula_style,
                            6: formula_style if isinstance(r.found, str) else ""}))
    return table


def _findings_table(result: AuditResult) -> Table:
    table = Table("Rilievi", "rilievi", [
        ("File", 20), ("Gravità", 9), ("Codice", 22), ("Foglio", 18), ("Cella", 7), ("Che cosa", 56),
        ("Cosa fare", 44), ("Spiegazione", 56)])
    for audit in result.files:
        explained = {(c.sheet, c.cell): c.explanation for c in audit.constants}
        for found in other_findings(audit) + [x for x in audit.findings if x.code == "LOCKED_CHANGED"]:
            table.rows.append(([audit.path, SEVERITY_WORDS[found.severity.value], found.code, found.sheet, found.cell,
                                found.message, found.hint, explained.get((found.sheet or "", found.cell or ""), "")],
                               {1: "fill_" + found.severity.value}))
    return table


def _premi_table(result: AuditResult) -> Table:
    """With the plan: every amount the files lead to and its steps (audit.premi)."""
    table = Table("Premi", "premi", premi.COLUMNS)
    table.rows = [(row, {}) for row in premi.rows(result.payouts)]
    return table


def _hidden_table(result: AuditResult) -> Table:
    table = Table("Fogli nascosti", "fogli-nascosti", [
        ("File", 24), ("Foglio", 20), ("Stato", 12), ("Celle non vuote", 10), ("Cella", 8), ("Contenuto", 80)],
        when_empty="Nessun foglio nascosto oltre al manifesto.")
    for audit in result.files:
        for hidden in audit.hidden_sheets:
            for address, value in hidden.cells or [("", None)]:
                table.rows.append(([audit.path, hidden.sheet, hidden.state, hidden.total, address, value], {}))
    return table
