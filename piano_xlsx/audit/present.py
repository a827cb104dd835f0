"""What both reports show, decided once: group order, row order, Italian headings and value formatting."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from piano_xlsx.audit.result import (
    CHANGE_ADDED,
    CHANGE_CONSTANT,
    CHANGED,
    OK,
    STATUS_WORDS,
    STATUSES,
    CardAudit,
    ConstantRow,
    FileAudit,
    FormulaRow,
)
from piano_xlsx.findings import Finding, sort_findings
from piano_xlsx.italian import cell_value

# findings that only repeat a formula row: the rows say it better
ROW_CODES = {"FORMULA_CHANGED", "FORMULA_REPLACED", "CACHED_MISMATCH", "LOCKED_CHANGED"}
SIGNATURE_LONG = {
    "valid": "valida: il manifesto è quello emesso dall'Ufficio Personale",
    "invalid": "NON valida: il manifesto è stato alterato o firmato con un'altra chiave; le formule «emesse» non "
               "sono garantite",
    "absent": "assente o non verificata: le formule «emesse» sono quelle scritte nel file, non garantite da una firma",
}


def show(value: Any) -> str:
    """A cell value for a table: numbers the Italian way, empty as a dash."""
    return cell_value(value, empty="—", quoted=False)


def status_word(row: FormulaRow) -> str:
    return status_words(row.status, row.change)


def status_words(status: str, change: str | None) -> str:
    """A formula cell's status in a word or two, as both reports show it."""
    if status == CHANGED and change == CHANGE_CONSTANT:
        return "sostituita da costante"
    if status == CHANGED and change == CHANGE_ADDED:
        return "aggiunta"
    return STATUS_WORDS[status]


def what(label: str) -> str:
    """'dei punti dell'obiettivo 3 «…»' -> 'punti dell'obiettivo 3 «…»', for a table cell."""
    for prefix in ("dello ", "della ", "dell'", "degli ", "delle ", "del ", "dei "):
        if label.startswith(prefix):
            return label[len(prefix):]
    return label


def row_order(row: FormulaRow) -> int:
    return STATUSES.index(row.status)


@dataclass
class Group:
    """The formula rows of one card sheet (or of the summary, or of another sheet), differences first."""

    title: str
    sheet: str
    card: CardAudit | None
    differences: list[FormulaRow] = field(default_factory=list)
    constants: list[ConstantRow] = field(default_factory=list)
    intact: list[FormulaRow] = field(default_factory=list)

    @property
    def has_differences(self) -> bool:
        return bool(self.differences or self.constants)


def groups(audit: FileAudit) -> list[Group]:
    """One group per card, then one per other sheet with formulas; groups with differences first."""
    out: list[Group] = []
    by_sheet: dict[str, Group] = {}
    for card in audit.cards:
        who = f" — {card.evaluatee}" if card.evaluatee else ""
        group = Group(f"Scheda «{card.title}»{who}", card.sheet, card)
        out.append(group)
        by_sheet[card.sheet] = group

    def sheet_group(sheet: str) -> Group:
        if sheet not in by_sheet:  # a sheet with formulas that is not a card (the summary, the list sheet)
            by_sheet[sheet] = Group(f"Foglio «{sheet}»", sheet, None)
            out.append(by_sheet[sheet])
        return by_sheet[sheet]

    for row in audit.formulas:
        group = sheet_group(row.sheet)
        (group.intact if row.status == OK else group.differences).append(row)
    for const in audit.constants:
        sheet_group(const.sheet).constants.append(const)
    for group in out:
        group.differences.sort(key=row_order)
    return sorted(out, key=lambda g: not g.has_differences)  # stable: workbook order within each part


def other_findings(audit: FileAudit) -> list[Finding]:
    return [f for f in sort_findings(audit.findings) if f.code not in ROW_CODES]


def plan_words(audit: FileAudit) -> str:
    info = audit.plan
    if not info:
        return "—"
    parts = [str(info.get(k)) for k in ("ente", "title") if info.get(k)]
    ident = ", ".join(f"{word} {info.get(k)}" for k, word in (("id", "id"), ("version", "versione")) if info.get(k))
    return " — ".join(parts) + (f" ({ident})" if ident else "")
