"""The consolidated report: an Italian workbook with native charts, plus JSON and CSV for machines.

Text that came from returned files (notes, evaluator names, file names) is
always written as a string in the workbook and neutralised in CSV, so it can
never become a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from piano_xlsx.atomic import write_bytes, write_text
from piano_xlsx.collect import CollectResult, frames
from piano_xlsx.collect import status as st
from piano_xlsx.collect.exclusions import exclusions_by_card
from piano_xlsx.collect.inspect import CardReturn
from piano_xlsx.collect.notes import note_rows
from piano_xlsx.collect.premi_report import (
    convention_rows,
    fund_rows,
    payouts_json,
    premi_rows,
    write_premi_sheet,
)
from piano_xlsx.csvfile import DEFAULT_FORMAT, Tabular, from_dicts, neutralise, write_tables
from piano_xlsx.findings import Severity, count
from piano_xlsx.italian import SEVERITY_LABELS, SEVERITY_WORDS
from piano_xlsx.plan.frames import card_row
from piano_xlsx.tabular import to_rows
from piano_xlsx.verify.scores import show_value
from piano_xlsx.workbook.computation import is_number
from piano_xlsx.workbook.content import plan_label
from piano_xlsx.workbook.layout import STATUS_OK
from piano_xlsx.workbook.textmetrics import (
    CHARS_PER_WIDTH,
    FILTER_BUTTON,
    heading_width,
    headings_height,
    wrapped_lines,
)
from piano_xlsx.workbook.wording import source_text
from piano_xlsx.workbook.xlsxfile import GENERATED_BY, MONEY_FORMAT, PAGE_FOOTER, ToolWorkbook

__all__ = ["neutralise", "to_json", "write_csv", "write_json", "write_report"]

# ------------------------------------------------------------------ the report's tables, from the frames

_KINDS = {"xlsx": "Excel .xlsx", "xlsm": "Excel con macro", "xlsb": "Excel binario", "ods": "OpenDocument",
          "xls": "Excel 97-2003", "encrypted": "Cifrato", "other": "Non riconosciuto"}


@dataclass
class Tables:
    """The report's four tables (Italian headings), each made from one of collect's frames (collect/frames.py)."""

    summary: pd.DataFrame  # «Riepilogo»: one row per card
    scores: pd.DataFrame  # «Punteggi»: one row per item of the returns that count
    findings: pd.DataFrame  # «Anomalie»
    receipts: pd.DataFrame  # «Ricevute»: every file found
    cards: pd.DataFrame  # the frames they come from, for the sheet's colours and the charts
    items: pd.DataFrame

    @classmethod
    def of(cls, result: CollectResult) -> Tables:
        cards, items = frames.cards_frame(result), frames.items_frame(result)
        return cls(summary_table(cards), score_table(items), finding_table(frames.findings_frame(result)),
                   receipt_table(frames.files_frame(result)), cards, items)


def _blank(column: pd.Series) -> pd.Series:
    return column.astype(object).where(column.notna(), "")


def summary_table(cards: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Scheda": cards["title"], "Valutato": cards["evaluatee"], "Settore": _blank(cards["sector"]),
        "Massimo": cards["max"], "Punteggio": cards["total"], "Fascia": cards["band"],
        "Percentuale": cards["percent"], "Premio": cards["bonus"], "Stato": cards["status_text"],
        "Errori": cards["errors"], "Avvisi": cards["warnings"], "File": cards["files"].map("; ".join),
        "Foglio": _blank(cards["sheet"])})


def score_table(items: pd.DataFrame) -> pd.DataFrame:
    percent = (items["input"] == "percent") & items["score"].map(is_number)  # 0.85 is shown as the card shows it
    gate = items["gate"].astype(bool)
    return pd.DataFrame({
        "Scheda": items["title"], "Valutato": items["evaluatee"], "Obiettivo": items["item"], "N.": items["number"],
        "Titolo": items["item_title"], "Peso": items["weight"].mask(gate),
        "Peso applicato": items["applied_weight"].mask(gate),
        "Valutazione": items["score"].where(~percent, items["score"].map(lambda v: show_value("percent", v))),
        "Punti": items["points"], "Esito": items["status"], "Note": _blank(items["note"]),
        "Stato della scheda": items["card_status"].map(st.LABELS)})


def finding_table(findings: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "Gravità": findings["severity"].map(SEVERITY_WORDS), "Codice": findings["code"],
        "File": _blank(findings["file"]), "Foglio": _blank(findings["sheet"]), "Cella": _blank(findings["cell"]),
        "Messaggio": findings["message"], "Cosa fare": findings["hint"]})


def _modified(timestamp: Any) -> dt.datetime | None:
    """The file's modification time, local, to the second (a date in the workbook and the CSV)."""
    return None if pd.isna(timestamp) else dt.datetime.fromtimestamp(timestamp.timestamp())


def receipt_table(files: pd.DataFrame) -> pd.DataFrame:
    """Every file found, by path: those read, and those left out unopened (no hash: they were not read)."""
    ignored = files["ignored"].notna()
    return pd.DataFrame({
        "File": files["path"], "SHA-256": _blank(files["sha256"]), "Dimensione (byte)": files["size"],
        "Modificato": files["modified"].map(_modified),
        "Formato": files["kind"].astype(object).map(_KINDS).where(files["kind"].notna(), "Non letto")
        .where(~ignored, "Non considerato"),
        "Stato": files["status"].map({"ok": "OK", "error": "Errori"}).astype(object)
        .where(~ignored, "Non considerato: " + files["ignored"].astype(object).fillna("")),
        "Schede": files["cards"].map(", ".join)})


def summary_text(result: CollectResult) -> str:
    """The run in one line, as the report's subtitle and the console say it."""
    skipped = f" (non considerati: {len(result.skipped)})" if result.skipped else ""
    return (f"file letti: {len(result.files)}{skipped}; schede: {len(result.consolidated.statuses)} "
            f"({st.counts_text(result.consolidated.statuses)}); errori: {count(result.findings, Severity.ERROR)}, "
            f"avvisi: {count(result.findings, Severity.WARNING)}")


# ------------------------------------------------------------------ JSON and CSV


def _json_card(result: CollectResult, status: st.CardStatus) -> dict[str, Any]:
    """A card that came back in some form; band, percent and bonus are null unless final (see collect.status)."""
    layout = result.expected.layouts[status.card_id]
    kinds = {i.item.id: "gate" if i.item.gate else i.item.scale.kind for i in layout.items}
    card: CardReturn | None = status.card
    r = card.result if card is not None else None
    exclusion = exclusions_by_card(result.expected).get(status.card_id)
    return {
        "card": status.card_id, "title": layout.card.card.title,
        "evaluatee": card_row(layout.card)["evaluatee"], "file": card.file if card else None,
        "sheet": card.sheet if card else None, "total": r.total if r else None, "max": layout.card.maximum,
        **frames.final_values(status), "complete": r.complete if r else False,
        "status": status.status, "status_text": status.text, "files": list(status.files),
        "errors": status.errors, "warnings": status.warnings,
        "excluded": exclusion is not None, "exclusion_reason": exclusion.reason if exclusion else None,
        "exclusion_source": source_text(exclusion.source) if exclusion and exclusion.source else None,
        "evaluator": card.evaluator if card else None, "date": card.date if card else None,
        "items": [{"id": i.id, "input": kinds[i.id], "weight": i.weight, "applied_weight": i.applied_weight,
                   "score": i.score, "points": i.points, "status": i.status, "note": i.note}
                  for i in r.items] if r else [],
    }


def _json_modified(timestamp: float | None) -> str | None:
    return dt.datetime.fromtimestamp(timestamp).astimezone().isoformat(timespec="seconds") if timestamp else None


def to_json(result: CollectResult) -> dict[str, Any]:
    """SPEC §7: plan, files, cards, missing, findings.

    `cards` lists every card that came back in some form, each with its `status` (collect.status); `missing` the
    cards with no file at all: together they are the plan's cards. `files` also lists the files left out
    unopened (`ignored` says why; they have no hash).
    """
    files = [{"path": r.path, "sha256": r.sha256, "status": r.status, "cards": [c.card_id for c in r.cards],
              "modified": _json_modified(r.modified), "ignored": None} for r in result.files]
    files += [{"path": str(s.path), "sha256": None, "status": "ok", "cards": [], "modified": None,
               "ignored": s.reason} for s in result.skipped]
    return {
        "plan": {"id": result.loaded.plan.plan.id, "hash": result.loaded.hash},
        "files": sorted(files, key=lambda f: f["path"]),
        "cards": [_json_card(result, s) for s in result.consolidated.statuses if s.status != st.MISSING],
        "missing": list(result.consolidated.missing),
        "excluded": excluded_json(result),
        "findings": [f.to_json() for f in result.findings],
        **({"payouts": payouts_json(result)} if result.premi.results else {}),  # only where the plan pays
    }


def excluded_json(result: CollectResult) -> list[dict[str, Any]]:
    """Every evaluatee the HR office excluded, with reason and source, whether their card came back or not."""
    returned = {c.card_id for c in result.consolidated.cards}
    out = []
    for card_id, exclusion in exclusions_by_card(result.expected).items():
        out.append({"card": card_id, "evaluatee": card_row(result.expected.layouts[card_id].card)["evaluatee"],
                    "reason": exclusion.reason,
                    "source": source_text(exclusion.source) if exclusion.source else None,
                    "returned": card_id in returned})
    return out


def write_json(result: CollectResult, target: str, *, force: bool = False) -> str:
    text = json.dumps(to_json(result), ensure_ascii=False, indent=2) + "\n"
    if target != "-":
        write_text(target, text, force=force)
    return text


CSV_NAMES = ("riepilogo", "punteggi", "anomalie", "ricevute")
MONEY_CSV_NAMES = ("premi", "fondi", "convenzioni")  # written where the plan pays


def write_csv(result: CollectResult, directory: str | Path, *, format_name: str = DEFAULT_FORMAT,
              force: bool = False) -> list[Path]:
    """The report's four tables as CSV (csvfile.FORMATS: Italian Excel by default)."""
    t = Tables.of(result)
    tables: dict[str, Tabular] = dict(zip(CSV_NAMES, (t.summary, t.scores, t.findings, t.receipts), strict=True))
    if result.premi.results:  # the money, where the plan pays
        tables |= dict(zip(MONEY_CSV_NAMES, map(from_dicts, (premi_rows(result), fund_rows(result),
                                                             convention_rows(result))), strict=True))
    return write_tables(directory, tables, format_name=format_name, force=force)


# ------------------------------------------------------------------ the workbook

_NUMBER_FORMATS = {"Punteggio": "0.00", "Massimo": "0.00", "Peso": "0.00", "Peso applicato": "0.00", "Punti": "0.00",
                   "Premio": MONEY_FORMAT, "Percentuale": 'General"%"', "Valutazione": "General"}
_WIDTHS = {"Argomento": 40, "Nota": 110,
           "Scheda": 30, "Valutato": 24, "Settore": 26, "Stato": 40, "File": 36, "Foglio": 24, "Titolo": 50,
           "Note": 40, "Messaggio": 70, "Cosa fare": 55, "SHA-256": 66, "Schede": 30, "Obiettivo": 18, "Esito": 14,
           "Fascia": 18, "Codice": 24, "Formato": 16, "Modificato": 19, "Stato della scheda": 20, "Premio": 14}


def write_report(result: CollectResult, target: str | Path, *, force: bool = False) -> Path:
    """Write the consolidated workbook atomically; refuse to overwrite unless `force`."""
    buffer = io.BytesIO()  # built in memory: a full disk is then atomic.py's to report, in Italian
    _write_workbook(result, buffer)
    write_bytes(target, buffer.getvalue(), force=force)
    return Path(target)


def _write_workbook(result: CollectResult, buffer: io.BytesIO) -> None:
    wb = ToolWorkbook(buffer)
    plan = result.loaded.plan
    wb.set_properties({"title": f"Valutazione — {plan_label(plan)}", "author": plan.plan.ente,
                       "comments": f"{GENERATED_BY} (collect)"})
    fmt = {
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "header": wb.add_format({"bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF", "text_wrap": True,
                                 "valign": "vcenter", "border": 1}),
        "text": wb.add_format({"text_wrap": True, "valign": "top"}),
        "error": wb.add_format({"bg_color": "#F8CBAD", "valign": "top"}),
        "warning": wb.add_format({"bg_color": "#FFE699", "valign": "top"}),
        "error_wrap": wb.add_format({"bg_color": "#F8CBAD", "valign": "top", "text_wrap": True}),
        "warning_wrap": wb.add_format({"bg_color": "#FFE699", "valign": "top", "text_wrap": True}),
        "number": wb.add_format({"valign": "top"}),
        "datetime": wb.add_format({"num_format": "dd/mm/yyyy hh:mm:ss", "valign": "top"}),
        "muted": wb.add_format({"italic": True, "font_color": "#595959"}),
    }
    numbers = {name: wb.add_format({"num_format": spec, "valign": "top"}) for name, spec in _NUMBER_FORMATS.items()}
    t = Tables.of(result)
    summary = to_rows(t.summary)
    subtitle = f"{plan.plan.ente} — {plan_label(plan)} — {summary_text(result)}"
    ws = _table(wb, "Riepilogo", "Riepilogo della valutazione", subtitle, summary, fmt, numbers)
    for row_index, (row, status) in enumerate(zip(summary, t.cards["status"], strict=True)):
        if status != st.CLEAN:  # what the office must act on stands out: red to check, yellow to chase
            style = "error" if status in (st.ERRORS, st.UNREADABLE) else "warning"
            ws.write_string(3 + row_index, list(row).index("Stato"), row["Stato"], fmt[f"{style}_wrap"])
    _table(wb, "Punteggi", "Punteggi di ogni obiettivo", subtitle, to_rows(t.scores), fmt, numbers)
    findings = to_rows(t.findings)
    findings_ws = _table(wb, "Anomalie", "Anomalie riscontrate (prima gli errori)", subtitle, findings, fmt, numbers)
    for row_index, row in enumerate(findings):
        if row["Gravità"] in (SEVERITY_LABELS[Severity.ERROR], SEVERITY_LABELS[Severity.WARNING]):
            style = "error" if row["Gravità"] == SEVERITY_LABELS[Severity.ERROR] else "warning"
            findings_ws.write_string(3 + row_index, 0, row["Gravità"], fmt[style])
    _table(wb, "Ricevute", "File ricevuti", subtitle, to_rows(t.receipts), fmt, numbers)
    if result.premi.results:
        write_premi_sheet(wb, result, fmt)
    _charts(wb, result, t, summary, fmt)
    _table(wb, "Note", "Regole applicate, fonti ed esclusioni", subtitle, note_rows(result), fmt, numbers)
    wb.close()


def print_on_a4(ws: Any, *, portrait: bool = False) -> None:
    """A4, one page wide, each page footed with the sheet's name and its number."""
    if portrait:
        ws.set_portrait()
    else:
        ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_footer(PAGE_FOOTER)


def _table(wb: Any, name: str, title: str, subtitle: str, rows: list[dict[str, Any]], fmt: dict[str, Any],
           numbers: dict[str, Any]) -> Any:
    ws = wb.add_worksheet(name)
    ws.write_string(0, 0, title, fmt["title"])
    ws.write_string(1, 0, subtitle, fmt["muted"])
    print_on_a4(ws)
    if not rows:
        ws.write_string(3, 0, "Nessuna voce.", fmt["muted"])
        return ws
    columns = list(rows[0])
    widths = {heading: heading_width(heading, _WIDTHS.get(heading, 12), FILTER_BUTTON) for heading in columns}
    for col, heading in enumerate(columns):
        ws.write_string(2, col, heading, fmt["header"])
        ws.set_column(col, col, widths[heading])
    ws.set_row(2, headings_height(widths, FILTER_BUTTON))
    for r, row in enumerate(rows, start=3):
        lines = 1
        for col, heading in enumerate(columns):
            value = row[heading]
            if value is None or value == "":
                continue
            if is_number(value) or isinstance(value, Decimal):  # an amount: a number in the workbook
                ws.write_number(r, col, float(value), numbers.get(heading, fmt["number"]))
            elif isinstance(value, dt.datetime):
                ws.write_datetime(r, col, value, fmt["datetime"])
            else:
                ws.write_string(r, col, str(value), fmt["text"])  # never a formula, whatever it starts with
                # 11-point text: fewer characters per unit of width than the 9-point text the layout measures
                lines = max(lines, wrapped_lines(str(value), widths[heading] / CHARS_PER_WIDTH))
        if lines > 1:  # XlsxWriter does not autofit row heights, and LibreOffice keeps what the file says
            ws.set_row(r, 15 * lines + 2)
    ws.autofilter(2, 0, 2 + len(rows), len(columns) - 1)
    ws.print_area(0, 0, 2 + len(rows), len(columns) - 1)  # the subtitle may overflow; the page is the table
    ws.freeze_panes(3, 0)
    ws.repeat_rows(2)
    return ws


CHART_TABLES = (("Scheda", "Punteggio"), ("Valutazione", "Numero"), ("Fascia", "Schede"))  # columns A-B, D-E, G-H
CHART_WIDTHS = {"Scheda": 32, "Fascia": 22}


def count_axis(counts: list[int]) -> dict[str, Any]:
    """A value axis of whole numbers: steps of 1, 2, 5, 10, 20, 50… with at most 10 of them, room above the top."""
    top = max(counts, default=0)
    step = next(s for k in itertools.count() for s in (10**k, 2 * 10**k, 5 * 10**k) if top < 10 * s)
    return {"min": 0, "max": (top // step + 1) * step, "major_unit": step, "num_format": "0"}


def _counts_chart(wb: Any, kind: str, series: str, column: int, count: int, title: str,
                  label_format: str | None = None) -> Any:
    """A native chart of one table of the Grafici sheet: labels in `column`, values beside them, from row 4."""
    labels: dict[str, Any] = {"value": True, **({"num_format": label_format} if label_format else {})}
    chart = wb.add_chart({"type": kind})
    chart.add_series({"name": series, "categories": ["Grafici", 3, column, 2 + count, column],
                      "values": ["Grafici", 3, column + 1, 2 + count, column + 1], "data_labels": labels})
    chart.set_title({"name": title})
    chart.set_legend({"none": True})
    return chart


def _charts(wb: Any, result: CollectResult, t: Tables, summary: list[dict[str, Any]], fmt: dict[str, Any]) -> None:
    """Native charts: total per card, distribution of scores and of bands (evaluations must be differentiated)."""
    ws = wb.add_worksheet("Grafici")
    ws.write_string(0, 0, "Differenziazione delle valutazioni", fmt["title"])
    widths = {}
    for first, headings in zip((0, 3, 6), CHART_TABLES, strict=True):
        ws.write_row(2, first, headings, fmt["header"])
        for col, heading in enumerate(headings, start=first):
            widths[heading] = heading_width(heading, CHART_WIDTHS.get(heading, 8))
            ws.set_column(col, col, widths[heading])
    ws.set_row(2, headings_height(widths))
    returned = [row for row in summary if row["Punteggio"] is not None]
    score_format = wb.add_format({"num_format": _NUMBER_FORMATS["Punteggio"]})
    for i, row in enumerate(returned, start=3):
        ws.write_string(i, 0, row["Scheda"])
        ws.write_number(i, 1, row["Punteggio"], score_format)
    listed = {(lay.card.id, i.item.id): i.item.scale for lay in result.expected.layouts.values() for i in lay.items
              if i.item.scale.kind == "list" and not i.item.gate}  # percentages and points are not a distribution
    scale_values = sorted({v for scale in listed.values() for v in scale.numbers()})
    items = t.items
    rated = items["score"][(items["input"] == "list") & (items["status"] == STATUS_OK) & items["score"].map(is_number)]
    scores = rated.astype(float).value_counts()
    for i, value in enumerate(scale_values, start=3):
        ws.write_number(i, 3, value)
        ws.write_number(i, 4, scores.get(float(value), 0))
    band_labels = list(dict.fromkeys(b.label for lay in result.expected.layouts.values() for b in lay.card.bands))
    given = t.cards["band"].dropna()  # set only where the return that counts may show it (collect.status)
    bands = given.value_counts()
    extra = [label for label in dict.fromkeys(given) if label not in band_labels]
    for i, label in enumerate(band_labels + extra, start=3):
        ws.write_string(i, 6, label)
        ws.write_number(i, 7, bands.get(label, 0))
    top = 5 + max(len(returned), len(scale_values), len(band_labels + extra))  # charts go under the tables
    print_on_a4(ws, portrait=True)
    if returned:
        chart = _counts_chart(wb, "bar", "Punteggio", 0, len(returned), "Punteggio totale per scheda", "0.##")
        chart.set_x_axis({"min": 0})
        chart.set_y_axis({"reverse": True})  # cards top to bottom in plan order
        ws.insert_chart(top, 0, chart, {"x_scale": 1.5, "y_scale": 1.0 + len(returned) / 40})
    if scale_values:
        chart = _counts_chart(wb, "column", "Valutazioni", 3, len(scale_values), "Distribuzione delle valutazioni")
        chart.set_y_axis(count_axis([int(n) for n in scores]))
        ws.insert_chart(top + 18 + len(returned) // 3, 0, chart, {"x_scale": 0.75})
    if band_labels or extra:
        chart = _counts_chart(wb, "column", "Schede", 6, len(band_labels + extra), "Distribuzione per fascia")
        chart.set_y_axis(count_axis([int(n) for n in bands]))
        ws.insert_chart(top + 18 + len(returned) // 3, 3, chart, {"x_scale": 0.75})
