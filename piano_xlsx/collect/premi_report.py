"""The `Premi` part of the consolidated report: per person, per fund, per convention; the same rows for the
workbook, CSV and JSON, and a chart of the amounts."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pandas as pd

from piano_xlsx.collect.frames import payments_frame
from piano_xlsx.money.compute import PayoutResult
from piano_xlsx.money.numbers import amount
from piano_xlsx.tabular import to_rows
from piano_xlsx.workbook.textmetrics import heading_width, headings_height
from piano_xlsx.workbook.xlsxfile import MONEY_FORMAT, PAGE_FOOTER

if TYPE_CHECKING:
    from piano_xlsx.collect import CollectResult

SHEET = "Premi"
MODE_WORDS = {"band_percent": "Percentuale per fascia", "proportional": "Proporzionale al punteggio",
              "segments": "Tratti lineari", "increment": "Base più incremento per punto",
              "fund_split": "Ripartizione del fondo", "classification": "Solo classificazione"}


def premi_rows(result: CollectResult) -> list[dict[str, Any]]:
    """The people's amounts, one row per payment, from the payments frame (collect/frames.py)."""
    pays = payments_frame(result)
    table = pd.DataFrame({
        "Regola": pays["payout_title"].fillna(pays["payout"]), "Scheda": pays["card"], "Valutato": pays["evaluatee"],
        "Stato": pays["state"], "Punteggio": pays["score"], "Fascia": pays["band"],
        "Coefficiente o %": pays["coefficient_or_percent"], "Base": pays["base"], "Fattori": pays["factors"],
        "Lordo": pays["gross"], "Premio differenziato": pays["bonus"].where(pays["bonus"].map(bool), None),
        "Arrotondamento": pays["rounding"].where(pays["amount"].notna(), None), "Importo dovuto": pays["amount"],
        "Calcolo": pays["steps"]})
    return to_rows(table)


def fund_rows(result: CollectResult) -> list[dict[str, Any]]:
    return [{"Fondo": o.fund.fund.title, "Regola": o.payout.title or o.payout.id, "Importo": o.fund.fund.amount,
             "Pagato": o.fund.paid, "Resto": o.fund.leftover, "Regola del resto": o.fund.rule,
             "Stato": "Provvisorio" if o.provisional else "Definitivo"}
            for o in result.premi.results if o.fund is not None]


def convention_rows(result: CollectResult) -> list[dict[str, Any]]:
    return [{"Valutato": pay.person.name, "Scheda": pay.person.card_id, "Comune": part.comune,
             "Quota": float(part.share * 100), "Importo": part.amount, "Calcolo": part.formula}
            for pay in result.premi.payments() for part in pay.parts]


def _json_money(value: Any) -> str | None:
    """At the cent where the value is a whole number of cents, else with up to four decimals."""
    value = amount(value)
    return None if value is None else f"{value:f}"


def payouts_json(result: CollectResult) -> list[dict[str, Any]]:
    """Amounts are strings of their exact decimal value ("300.98"): money is never a binary float."""
    return [_payout_json(o) for o in result.premi.results]


def _payout_json(outcome: PayoutResult) -> dict[str, Any]:
    fund = outcome.fund
    return {
        "id": outcome.payout.id, "title": outcome.payout.title, "mode": outcome.payout.mode,
        "provisional": outcome.provisional, "pending": outcome.pending, "notes": outcome.notes,
        "fund": None if fund is None else {"id": fund.fund.id, "title": fund.fund.title,
                                           "amount": _json_money(fund.fund.amount), "paid": _json_money(fund.paid),
                                           "leftover": _json_money(fund.leftover), "rule": fund.rule},
        "payments": [{
            "card": p.person.card_id, "evaluatee": p.person.evaluatee, "name": p.person.name,
            "state": p.state, "score": None if p.person.score is None else float(p.person.score),
            "band": p.person.band, "coefficient_or_percent": p.coefficient_or_percent or None,
            "base": _json_money(p.base.value) if p.base and p.base.text else None,
            "factors": [{"text": t.text, "label": t.label} for t in p.factors],
            "gross": _json_money(p.gross), "bonus": _json_money(p.bonus), "rounding": _json_money(p.rounding),
            "amount": _json_money(p.amount), "provisional": p.provisional, "excluded": p.excluded,
            "reason": p.reason,
            "parts": [{"comune": part.comune, "share": float(part.share * 100), "amount": _json_money(part.amount)}
                      for part in p.parts],
            "steps": p.steps,
        } for p in outcome.payments],
    }


def write_premi_sheet(wb: Any, result: CollectResult, fmt: dict[str, Any]) -> None:
    """The `Premi` sheet: the people, then the funds and the convention shares, and a chart of the amounts."""
    from piano_xlsx.workbook.computation import is_number

    ws = wb.add_worksheet(SHEET)
    money = wb.add_format({"num_format": MONEY_FORMAT, "valign": "top"})
    plain = wb.add_format({"num_format": "0.##", "valign": "top"})
    fmt = {**fmt, "text": wb.add_format({"text_wrap": True, "valign": "top"})}
    ws.write_string(0, 0, "Premi: dal punteggio all'importo", fmt["title"])
    source = result.premi.hr_source
    ws.write_string(1, 0, "Dati del personale: " + (source or "nessuno") + ". Gli importi provvisori cambiano "
                    "finché tutte le schede del gruppo non sono restituite e corrette.", fmt["muted"])
    widths = {"Regola": 24, "Scheda": 16, "Valutato": 24, "Stato": 22, "Fascia": 16, "Coefficiente o %": 12,
              "Fattori": 30, "Calcolo": 70}
    row = 3
    tables = [("Importi per persona", premi_rows(result)), ("Fondi", fund_rows(result)),
              ("Convenzioni: la quota di ogni comune", convention_rows(result))]
    span = len(tables[0][1][0]) if tables[0][1] else 1  # later tables stretch their last column to this width
    fitted: list[float] = []  # the columns' widths
    for title, rows in tables:
        if not rows:
            continue
        ws.write_string(row, 0, title, fmt["title"])
        row += 1
        columns = list(rows[0])
        if title.startswith("Importi"):  # the first table sets the widths, each word of its headings on one line
            fitted = [heading_width(heading, widths.get(heading, 13)) for heading in columns]
            for c, width in enumerate(fitted):
                ws.set_column(c, c, width)
        for c, heading in enumerate(columns):
            _cell(ws, row, c, heading, fmt["header"], last=c == len(columns) - 1, span=span)
        ws.set_row(row, headings_height(dict(zip(columns, fitted or [13.0] * len(columns), strict=False))))
        for values in rows:
            row += 1
            lines = 1
            for c, heading in enumerate(columns):
                value = values[heading]
                last = c == len(columns) - 1
                if isinstance(value, Decimal):
                    _cell(ws, row, c, float(value), money, last=last, span=span)
                elif is_number(value):
                    _cell(ws, row, c, float(value), plain, last=last, span=span)
                elif value is None or value == "":
                    _cell(ws, row, c, None, fmt["text"], last=last, span=span)
                else:
                    _cell(ws, row, c, str(value), fmt["text"], last=last, span=span)
                    width = widths.get(columns[c] if title.startswith("Importi") else heading, 13)
                    lines = max(lines, sum(1 + len(part) // max(1, int(width * 1.1))
                                           for part in str(value).split("\n")))
            if lines > 1:
                ws.set_row(row, 15 * lines + 2)
        row += 3
    people = [r for r in premi_rows(result) if r["Importo dovuto"] is not None]
    if people:
        first = row + 1
        ws.write_row(row, 0, ["Valutato", "Importo dovuto"], fmt["header"])
        for i, r in enumerate(people, start=first):
            ws.write_string(i, 0, f"{r['Valutato']} ({r['Scheda']})")
            ws.write_number(i, 1, float(r["Importo dovuto"]), money)
        chart = wb.add_chart({"type": "bar"})
        chart.add_series({"name": "Importo dovuto", "categories": [SHEET, first, 0, first + len(people) - 1, 0],
                          "values": [SHEET, first, 1, first + len(people) - 1, 1],
                          "data_labels": {"value": True, "num_format": '#,##0.00 "€"'}})
        chart.set_title({"name": "Importo dovuto per persona"})
        chart.set_legend({"none": True})
        chart.set_y_axis({"reverse": True})
        chart.set_x_axis({"min": 0, "num_format": '#,##0 "€"'})
        ws.insert_chart(first + len(people) + 2, 0, chart, {"x_scale": 1.6, "y_scale": 1.0 + len(people) / 30})
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_footer(PAGE_FOOTER)


def _cell(ws: Any, row: int, col: int, value: Any, style: Any, *, last: bool, span: int) -> None:
    """One cell; a table's last cell is merged up to column `span` so its text has the width of a full row."""
    if last and col < span - 1:
        ws.merge_range(row, col, row, span - 1, None, style)
    if value is None:
        ws.write_blank(row, col, None, style)
    elif isinstance(value, float):
        ws.write_number(row, col, value, style)
    else:
        ws.write_string(row, col, value, style)  # never a formula, whatever it starts with
