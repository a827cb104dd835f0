"""Money in the audit report: with the plan (`audit --plan`, and `--hr`), every amount the files lead to, as its
steps. The command computes them as `collect` does, from the same files read in the same isolated workers, so an
auditor re-derives each euro from the scores and the HR data without trusting a spreadsheet."""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any

from piano_xlsx.money.numbers import euro

COLUMNS = [("Regola", 22), ("Scheda", 16), ("Valutato", 24), ("Stato", 16), ("Importo dovuto", 12),
           ("Calcolo", 90)]


def rows(payouts: list[dict[str, Any]]) -> list[list[Any]]:
    out = []
    for payout in payouts:
        for pay in payout["payments"]:
            amount = pay["amount"]
            out.append([payout["title"] or payout["id"], pay["card"], pay["name"], pay["state"],
                        None if amount is None else float(amount), "\n".join(pay["steps"])])
    return out


def html_section(payouts: list[dict[str, Any]]) -> str:
    if not payouts:
        return ""
    head = "".join(f"<th>{escape(name)}</th>" for name, _ in COLUMNS)
    body = []
    for row in rows(payouts):
        cells = [escape(str(v)) if v is not None else "—" for v in row[:4]]
        amount = "—" if row[4] is None else euro(Decimal(repr(row[4])).quantize(Decimal("0.01")))
        steps = "<br>".join(escape(line) for line in row[5].split("\n"))
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + f"<td class=n>{escape(amount)}</td>"
                    f"<td>{steps}</td></tr>")
    return ("<section id=\"premi\"><h2>Premi: il calcolo di ogni importo</h2><p class=\"muted\">Ricalcolati dalle "
            "valutazioni dei file e dai dati del personale, con le regole di pagamento del piano.</p>"
            f"<table><tr>{head}</tr>{''.join(body)}</table></section>")
