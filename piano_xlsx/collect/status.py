"""One card, one status: what happened to each card of the plan, in the words the report, JSON and console share.

A card is, in this order of precedence for a single return:

* ``errors``: returned with errors other than in the scores (a changed weight or formula, a removed protection, an
  invalid signature, a sheet that cannot be read): *Da verificare*. Its band and bonus are not given until the
  office has checked it; the total, recomputed from the scores, is.
* ``incomplete``: returned with scores missing or not allowed, and no other error: *Incompleta*.
* ``clean``: returned with no error: *Completa*.

and, across files:

* ``duplicate``: returned in several files with different content: *Restituita più volte*. The only one without
  errors counts; when there is none, or more than one, no file counts until the office says which is final.
  Identical copies are not duplicates: the one modified first counts (then the first by path), the others are
  noted.
* ``unreadable``: the only file for it cannot be read (.xls, .ods, encrypted, damaged), and its name is the one
  the card's workbook was issued with: *Non leggibile*, ask for the .xlsx.
* ``missing``: no file for it: *Non restituita*, the only status that calls for a reminder.

and, from the HR office (plan key ``exclusions``, see collect/exclusions.py):

* ``excluded``: returned clean or incomplete, and its evaluatee excluded from the bonus: *Esclusa dal premio*, with
  the reason. A card whose return has errors, came twice, cannot be read or is missing keeps that status, and its
  detail adds the exclusion.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from piano_xlsx.collect.inspect import CardReturn
from piano_xlsx.findings import Finding, Severity

CLEAN, ERRORS, INCOMPLETE, DUPLICATE, UNREADABLE, MISSING, EXCLUDED = (
    "clean", "errors", "incomplete", "duplicate", "unreadable", "missing", "excluded")
STATUSES = (CLEAN, ERRORS, INCOMPLETE, DUPLICATE, UNREADABLE, MISSING, EXCLUDED)
LABELS = {CLEAN: "Completa", ERRORS: "Da verificare", INCOMPLETE: "Incompleta", DUPLICATE: "Restituita più volte",
          UNREADABLE: "Non leggibile", MISSING: "Non restituita", EXCLUDED: "Esclusa dal premio"}
COUNTED = {CLEAN: "complete", ERRORS: "da verificare", INCOMPLETE: "incomplete", DUPLICATE: "restituite più volte",
           UNREADABLE: "non leggibili", MISSING: "non restituite", EXCLUDED: "escluse dal premio"}  # "schede …: n"

# errors that only say the scores are not all there or not all allowed: the card is incomplete, not suspect
SCORING_CODES = frozenset({"SCORE_MISSING", "SCORE_OUT_OF_SCALE", "SCORE_AS_TEXT", "NEUTRALISED_NOT_ALLOWED",
                           "SCORE_TOO_PRECISE", "PERCENT_AS_NUMBER"})

# files that could not be read as a workbook at all: why, in a few words, and what to ask the office for
UNREADABLE_CODES = {
    "FILE_XLS": ("formato .xls", "chiedere il file .xlsx"),
    "FILE_ODS": ("formato .ods", "chiedere il file .xlsx"),
    "FILE_XLSB": ("formato .xlsb", "chiedere il file .xlsx"),
    "FILE_ENCRYPTED": ("protetto da password", "chiedere il file .xlsx senza password"),
    "FILE_STRICT_OOXML": ("formato Strict Open XML", "chiedere il file .xlsx"),
    "FILE_NOT_SPREADSHEET": ("non è un foglio di calcolo", "chiedere il file .xlsx"),
    "FILE_UNREADABLE": ("file danneggiato", "chiedere di nuovo il file .xlsx"),
    "FILE_TOO_LARGE": ("oltre i limiti di sicurezza", "chiedere di nuovo il file .xlsx"),
    "FILE_TIMEOUT": ("lettura troppo lunga", "chiedere di nuovo il file .xlsx"),
    "FILE_XML_UNSAFE": ("XML non sicuro", "chiedere di nuovo il file .xlsx"),
}


@dataclass
class CardStatus:
    """What happened to one card of the plan."""

    card_id: str
    status: str  # one of STATUSES
    detail: str = ""  # Italian, after the label: why, and what counts
    card: CardReturn | None = None  # the return that counts; None when none does
    files: list[str] = field(default_factory=list)  # every file that bears this card, the one that counts first
    errors: int | None = None  # errors bearing on the card in the file that counts (or in the only file)
    warnings: int | None = None

    @property
    def label(self) -> str:
        return LABELS[self.status]

    @property
    def text(self) -> str:
        """The status as the report's «Stato» column shows it."""
        return f"{self.label}: {self.detail}" if self.detail else self.label

    @property
    def final(self) -> bool:
        """Whether the band and bonus of the return that counts may be shown as the card's."""
        return self.card is not None and self.status in (CLEAN, DUPLICATE, EXCLUDED)


def errors_text(n: int) -> str:
    return "1 errore" if n == 1 else f"{n} errori"


def return_status(card: CardReturn, bearing: list[Finding], *, has_band: bool) -> tuple[str, str]:
    """Status and detail of a card read from one file, given the findings that bear on it."""
    errors = [f for f in bearing if f.severity == Severity.ERROR]
    result = card.result
    incomplete = result.status[:1].lower() + result.status[1:]
    if any(f.code not in SCORING_CODES for f in errors) or (errors and result.complete):
        detail = errors_text(len(errors))
        if not result.complete:
            detail += f"; {incomplete}"
        elif has_band:
            detail += "; fascia e premio dopo la verifica"
        return ERRORS, detail
    if not result.complete:
        return INCOMPLETE, result.status
    return CLEAN, ""


def unread_status(bearing: list[Finding], *, claimed: bool) -> tuple[str, str]:
    """Status and detail of a card whose file bears it but could not be read for it."""
    errors = [f for f in bearing if f.severity == Severity.ERROR]
    if claimed:  # the file holds the card by its manifest or sheet name: the sheet itself is unreadable
        return ERRORS, f"il foglio della scheda non è leggibile ({errors_text(len(errors))})"
    refused = next((f for f in errors if f.code in UNREADABLE_CODES), None)
    if refused is not None:
        reason, ask = UNREADABLE_CODES[refused.code]
        return UNREADABLE, f"{reason}, riconosciuta dal nome del file: {ask}"
    return ERRORS, f"riconosciuta dal nome del file, che non è utilizzabile ({errors_text(len(errors))})"


def counts_text(statuses: Iterable[CardStatus]) -> str:
    """«complete: 1, da verificare: 2, …, non restituite: 1»: every status that some card has, in order."""
    counts = {status: 0 for status in STATUSES}
    for entry in statuses:
        counts[entry.status] += 1
    return ", ".join(f"{COUNTED[status]}: {n}" for status, n in counts.items() if n)
