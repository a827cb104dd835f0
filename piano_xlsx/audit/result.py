"""What an audit finds, as data: one row per formula cell, the cards' totals, the other findings; and its JSON."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from piano_xlsx.findings import Finding, Severity, count, sort_findings

OK, CHANGED, STALE, MISSING = "ok", "changed", "stale", "missing"
STATUSES = (CHANGED, MISSING, STALE, OK)  # differences first, in this order, in every report

# what a "changed" cell holds now
CHANGE_FORMULA = "formula"  # another formula
CHANGE_CONSTANT = "constant"  # a constant instead of the issued formula
CHANGE_ADDED = "added"  # a formula where none was issued

STATUS_WORDS = {OK: "corretta", CHANGED: "modificata", STALE: "valore non aggiornato", MISSING: "cancellata"}
SIGNATURE_WORDS = {"valid": "valida", "invalid": "NON valida", "absent": "assente o non verificata"}


@dataclass
class FormulaRow:
    """One formula cell: issued (from the manifest), found, cached, recomputed by the independent engine."""

    sheet: str
    cell: str
    issued: str | None  # "=…", None where no formula was issued
    found: Any  # "=…" for a formula, the constant that replaced it, None when the cell is empty
    cached: Any  # the value the file stores for the cell
    recomputed: Any  # the engine's value from the workbook as found
    status: str
    change: str | None = None  # CHANGE_* for status "changed"
    expected: Any = None  # the engine's value with the issued formulas and constants restored
    model: Any = None  # the plan's Python model (audit --plan), a third opinion
    card: str | None = None  # card id, None for the summary and other sheets
    label: str = ""  # Italian: what the cell is ("punti dell'obiettivo 3 «…»")
    explanation: str = ""  # Italian: what the difference means for the total
    effect: float | None = None  # card total as found minus card total with this cell restored

    def to_json(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "cell": self.cell, "issued": self.issued, "found": self.found,
                "cached": self.cached, "recomputed": self.recomputed, "status": self.status,
                "change": self.change, "expected": self.expected, "model": self.model, "card": self.card,
                "label": self.label, "explanation": self.explanation, "effect": self.effect}


@dataclass
class ConstantRow:
    """A locked constant (a weight, the base of the bonus, a heading) that differs from the one issued."""

    sheet: str
    cell: str
    issued: Any
    found: Any
    card: str | None = None
    label: str = ""
    explanation: str = ""
    effect: float | None = None

    def to_json(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "cell": self.cell, "issued": self.issued, "found": self.found,
                "card": self.card, "label": self.label, "explanation": self.explanation, "effect": self.effect}


@dataclass
class CardAudit:
    """One card of the file: where its total is and what it is as shown, as found and as issued."""

    card: str
    title: str
    sheet: str
    evaluatee: str | None
    total_cell: str | None
    total_shown: Any = None  # cached in the file (what a reader sees)
    total_recomputed: Any = None  # engine, workbook as found
    total_expected: Any = None  # engine, issued formulas and constants restored: what the scores give
    band_shown: Any = None
    band_expected: Any = None
    explanation: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"card": self.card, "title": self.title, "sheet": self.sheet, "evaluatee": self.evaluatee,
                "total_cell": self.total_cell, "total_shown": self.total_shown,
                "total_recomputed": self.total_recomputed, "total_expected": self.total_expected,
                "band_shown": self.band_shown, "band_expected": self.band_expected, "explanation": self.explanation}


@dataclass
class HiddenSheet:
    sheet: str
    state: str  # hidden / veryHidden
    cells: list[tuple[str, Any]]  # the first non-empty cells (address, value or "=formula")
    total: int  # non-empty cells in all

    def to_json(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "state": self.state, "cells": [{"cell": a, "value": v} for a, v in self.cells],
                "non_empty": self.total}


@dataclass
class FileAudit:
    path: str
    sha256: str = ""
    size: int = 0
    kind: str = ""
    signature: str = "absent"  # valid / invalid / absent (unsigned, or no public key to verify it)
    manifest: bool = False
    plan: dict[str, Any] = field(default_factory=dict)  # id, version, hash, ente, title as the manifest says
    application: str = ""
    formulas: list[FormulaRow] = field(default_factory=list)
    constants: list[ConstantRow] = field(default_factory=list)
    cards: list[CardAudit] = field(default_factory=list)
    hidden_sheets: list[HiddenSheet] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    engine_seconds: float | None = None  # time the independent engine took (not in JSON: outputs are reproducible)

    def counts(self) -> dict[str, int]:
        out = {status: 0 for status in STATUSES}
        for row in self.formulas:
            out[row.status] += 1
        return out

    @property
    def errors(self) -> int:
        return count(self.findings, Severity.ERROR)

    @property
    def warnings(self) -> int:
        return count(self.findings, Severity.WARNING)

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "sha256": self.sha256, "signature": self.signature,
                "formulas": [row.to_json() for row in self.formulas],
                "findings": [f.to_json() for f in sort_findings(self.findings)],
                "constants": [row.to_json() for row in self.constants],
                "cards": [card.to_json() for card in self.cards],
                "hidden_sheets": [h.to_json() for h in self.hidden_sheets],
                "counts": self.counts()}


@dataclass
class AuditResult:
    files: list[FileAudit] = field(default_factory=list)
    ignored: list[Finding] = field(default_factory=list)  # files found that are not returns, left unopened
    payouts: list[dict[str, Any]] = field(default_factory=list)  # with the plan: every amount and its steps

    @property
    def findings(self) -> list[Finding]:
        return [f for file in self.files for f in file.findings] + self.ignored

    def to_json(self) -> dict[str, Any]:
        """SPEC §7: {"files": [{"path", "signature", "formulas": [...], "findings": [...]}]} plus more keys."""
        out = {"files": [file.to_json() for file in self.files], "ignored": [f.to_json() for f in self.ignored]}
        if self.payouts:
            out["payouts"] = self.payouts
        return out
