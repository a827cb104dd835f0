"""What the web app's pages show, from collect's results: numbers, each receipt's status, the overview."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from piano_xlsx.collect.report import CSV_NAMES, MONEY_CSV_NAMES
from piano_xlsx.findings import SEVERITY_ORDER, Severity
from piano_xlsx.web import charts, money
from piano_xlsx.web.campaign import Consolidation
from piano_xlsx.web.statuses import KINDS, RETURNED


def number(value: Any, digits: int = 2) -> str:
    """A number as Italian readers write it: 1.234,5 (no trailing zeros)."""
    if value is None:
        return "—"
    text = f"{float(value):,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def receipt_status(receipt: dict[str, Any], consolidation: Consolidation | None) -> tuple[str, str]:
    """(CSS class, words) for a receipt, from collect's report of its file."""
    if receipt["copy_of"]:
        return "muted", f"copia identica della ricevuta {receipt['copy_of']}: non contata due volte"
    if receipt["excluded"]:
        return "muted", "escluso dall'ufficio: non contato"
    report = consolidation.reports.get(receipt["id"]) if consolidation else None
    if report is None:
        return "muted", "non ancora letto (il piano contiene errori)"
    errors = [f for f in report.findings if f.severity == Severity.ERROR]
    if not report.cards and errors:
        return "error", errors[0].message
    if errors:
        return "error", errors[0].message if len(errors) == 1 else f"{len(errors)} errori: {errors[0].message} …"
    return "ok", "valido"


def overview(consolidation: Consolidation) -> dict[str, Any]:
    result = consolidation.result
    statuses = consolidation.statuses
    counted = {c.card_id: c for c in result.consolidated.cards}
    cards: list[dict[str, Any]] = []
    for card_id, layout in result.expected.layouts.items():
        resolved = layout.card
        cards.append({"id": card_id, "title": resolved.card.title, "status": statuses[card_id],
                      "evaluatee": resolved.evaluatee.name if resolved.evaluatee else resolved.card.evaluatee,
                      "sector": resolved.sector.title if resolved.sector else "", "maximum": resolved.maximum,
                      "card": counted.get(card_id)})
    dues = money.dues(result)
    for row in cards:
        row["due"] = dues.get(row["id"])
    counts = Counter(s.kind for s in statuses.values())
    bands = [b.label for lay in result.expected.layouts.values() for b in lay.card.bands]
    band_counts = Counter(c.result.band for c in result.consolidated.cards if c.result.band)
    final = {cid for cid, s in statuses.items() if s.kind == RETURNED}
    bonus = sum(c.result.bonus or 0 for c in result.consolidated.cards if c.card_id in final)
    provisional = sum(c.result.bonus or 0 for c in result.consolidated.cards if c.card_id not in final)
    scored = [(f"{row['title']} — {row['evaluatee']}", row["card"].result.total, row["maximum"], row["status"].kind)
              for row in cards if row["card"] is not None]
    by_severity = Counter(f.severity.value for f in result.findings)
    amounts = money.chart_rows(result)
    return {
        "cards": cards, "counts": counts, "bonus": bonus, "provisional": provisional, "by_severity": by_severity,
        "chart_status": charts.columns([(k, counts.get(k, 0)) for k in KINDS], "Schede per stato", charts.COLOURS),
        "chart_totals": charts.bars(scored, "Punteggio di ogni scheda restituita (quota del massimo)") if scored
        else None,
        "chart_bands": charts.columns([(b, band_counts.get(b, 0)) for b in dict.fromkeys(bands)],
                                      "Schede per fascia") if bands else None,
        "top_findings": sorted(result.findings, key=lambda f: SEVERITY_ORDER[f.severity])[:5],
        "chart_amounts": charts.amounts(amounts, "Importo dovuto a ogni persona") if amounts else None,
        "pays": bool(result.premi.results), "funds": [o for o in result.premi.results if o.fund is not None],
        "csv_names": CSV_NAMES + (MONEY_CSV_NAMES if result.premi.results else ()),
        "due_final": sum((d.amount for d in dues.values() if d.amount is not None and not d.provisional),
                         Decimal("0.00")),
        "due_provisional": sum((d.amount for d in dues.values() if d.amount is not None and d.provisional),
                               Decimal("0.00")),
    }
