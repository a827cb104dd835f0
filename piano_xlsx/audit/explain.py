"""Plain Italian: what a cell is, and what a difference means for the card's total.

A label is written with its preposition ("dei punti dell'obiettivo 3") so a
sentence reads "La formula dei punti dell'obiettivo 3 …".
"""

from __future__ import annotations

from typing import Any

from piano_xlsx.audit.result import (
    CHANGE_ADDED,
    CHANGE_CONSTANT,
    CHANGED,
    MISSING,
    STALE,
    CardAudit,
    ConstantRow,
    FormulaRow,
)
from piano_xlsx.italian import cell_value
from piano_xlsx.reader.xlsx import split_address
from piano_xlsx.verify.issued import Issued, IssuedCard
from piano_xlsx.workbook.computation import is_number
from piano_xlsx.workbook.layout import LABEL_COL, SUMMARY_HEADER_ROW, TABLE_HEADER_ROW, col

TOTALS_LABELS = {
    "total": "del punteggio totale",
    "maximum": "del punteggio massimo",
    "factor": "del fattore di ridistribuzione",
    "rounded": "del punteggio per la fascia",
    "missing": "del conteggio delle valutazioni mancanti",
    "invalid": "del conteggio dei valori non ammessi",
    "gates_failed": "del conteggio delle condizioni non raggiunte",
    "band": "della fascia",
    "percent": "della percentuale del premio",
    "base": "della base di calcolo del premio",
    "bonus": "del premio",
    "status": "dello stato della scheda",
}
ITEM_LABELS = {"points": "dei punti", "status": "dell'esito", "weight": "del peso", "score": "della valutazione",
               "note": "della nota"}
TITLE_CHARS = 60


def number(value: Any) -> str:
    """A value as an Italian reader expects it: 6 / 6,5 / «testo» / (vuota)."""
    return cell_value(value)


def points(delta: float) -> str:
    size = abs(delta)
    return f"{number(size)} punt{'o' if size == 1 else 'i'}"


def _short(text: str | None) -> str:
    first = (text or "").split("\n")[0].strip()
    return first if len(first) <= TITLE_CHARS else first[:TITLE_CHARS - 1].rstrip() + "…"


def label(issued: Issued, sheet: str, address: str) -> str:
    """What the cell is, with its preposition: "dei punti dell'obiettivo 3 «…»", "del punteggio totale"."""
    parsed = split_address(address)
    if parsed is None:
        return f"della cella {address}"
    letter, row = parsed
    card = issued.card_of_sheet(sheet)
    if card is not None:
        return _card_label(issued, card, letter, row, address)
    if issued.sheets.get(sheet) == "summary":
        heading = issued.text(sheet, f"{letter}{SUMMARY_HEADER_ROW}")
        who = issued.text(sheet, f"A{row}")
        if heading and who:
            return f"del riepilogo («{_short(heading)}» di «{_short(who)}»)"
    return f"della cella {address}"


def _card_label(issued: Issued, card: IssuedCard, letter: str, row: int, address: str) -> str:
    for key, cell in card.totals.items():
        if cell == address:
            return TOTALS_LABELS.get(key, f"della cella {address}")
    for item in card.items:
        if item.row == row:
            what = next((words for key, words in ITEM_LABELS.items() if col(key) == letter), f"della cella {address}")
            title = _short(issued.text(card.sheet, f"{col('objective')}{row}"))
            return f"{what} dell'obiettivo {item.number}" + (f" «{title}»" if title else "")
    row_label = _short(issued.text(card.sheet, f"{LABEL_COL}{row}"))
    heading = _short(issued.text(card.sheet, f"{letter}{TABLE_HEADER_ROW}"))
    if row_label:
        return f"della riga «{row_label}»" + (f" (colonna «{heading}»)" if heading else f" (cella {address})")
    return f"della cella {address}"


def effect_words(delta: float | None, band_now: Any = None, band_due: Any = None) -> str:
    """": il totale mostrato supera di 6 punti quello che risulta dalle valutazioni" and the band, if it moves."""
    if delta is None:
        return ""
    if abs(delta) < 1e-9:
        words = "il totale non cambia"
    elif delta > 0:
        words = f"il totale mostrato supera di {points(delta)} quello che risulta dalle valutazioni"
    else:
        words = f"il totale mostrato è inferiore di {points(delta)} a quello che risulta dalle valutazioni"
    if band_now != band_due and not (band_now in (None, "") and band_due in (None, "")):
        words += f"; la fascia mostrata è {number(band_now)} invece di {number(band_due)}"
    return words


def explain_formula(row: FormulaRow, band_now: Any = None, band_due: Any = None) -> str:
    what = row.label or f"della cella {row.cell}"
    effect = effect_words(row.effect, band_now, band_due)
    tail = f": {effect}." if effect else "."
    if row.status == CHANGED and row.change == CHANGE_CONSTANT:
        same = (" La costante coincide per ora con il valore calcolato, ma non segue più le valutazioni."
                if row.effect is not None and abs(row.effect) < 1e-9 else "")
        return f"La formula {what} è stata sostituita dalla costante {number(row.found)}{tail}{same}"
    if row.status == CHANGED and row.change == CHANGE_ADDED:
        if row.issued is None and row.expected is None:
            return (f"Nella cella {row.cell} è stata inserita la formula «{row.found}», che non era stata emessa: "
                    f"vale {number(row.recomputed)}.")
        return f"Al posto del valore emesso {what} è stata inserita la formula «{row.found}»{tail}"
    if row.status == CHANGED:
        return (f"La formula {what} è stata modificata: ora calcola {number(row.recomputed)}, la formula emessa "
                f"calcolerebbe {number(row.expected)}{tail}")
    if row.status == MISSING:
        return f"La formula {what} è stata cancellata: la cella è vuota{tail}"
    if row.status == STALE:
        return (f"La formula {what} è intatta, ma il valore salvato nel file ({number(row.cached)}) non è quello che "
                f"la formula calcola ({number(row.recomputed)}): il valore è stato modificato direttamente nel file "
                f"(o il file è stato salvato senza ricalcolo), e chi lo apre vede {number(row.cached)} finché il "
                f"foglio non viene ricalcolato.")
    return ""


def explain_constant(row: ConstantRow, band_now: Any = None, band_due: Any = None) -> str:
    what = row.label or f"della cella {row.cell}"
    effect = effect_words(row.effect, band_now, band_due)
    return f"Il valore bloccato {what} è stato cambiato da {number(row.issued)} a {number(row.found)}" + (
        f": {effect}." if effect else ".")


def explain_card(card: CardAudit, differences: int) -> str:
    """The card's total as shown, as the file computes it, and as the scores give it with the issued formulas."""
    if card.total_cell is None:
        return ""
    if card.total_shown is None:
        parts = [f"Il file non contiene il valore calcolato del totale ({card.total_cell}); ricalcolato con le "
                 f"formule trovate: {number(card.total_recomputed)}"]
    else:
        parts = [f"Totale mostrato nel file ({card.total_cell}): {number(card.total_shown)}"]
        if card.total_recomputed is not None and not _same(card.total_recomputed, card.total_shown):
            parts.append(f"ricalcolato con le formule trovate: {number(card.total_recomputed)}")
    parts.append(f"dalle valutazioni con le formule emesse: {number(card.total_expected)}")
    text = "; ".join(parts) + "."
    shown = card.total_shown if card.total_shown is not None else card.total_recomputed
    if is_number(shown) and is_number(card.total_expected):
        delta = float(shown) - float(card.total_expected)
        if abs(delta) >= 1e-9:
            words = effect_words(delta, card.band_shown, card.band_expected)
            text += " " + words[0].upper() + words[1:] + "."
        elif card.band_shown != card.band_expected and card.band_shown is not None:
            text += f" La fascia mostrata è {number(card.band_shown)} invece di {number(card.band_expected)}."
        elif differences:
            text += " Le differenze trovate non cambiano il totale."
    return text


def _same(a: object, b: object) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) < 1e-9
    return a == b
