"""`audit`'s result as DataFrames: formulas, files, findings (columns and dtypes in docs/analisi.md).

They hold what `audit --json` says, row for row and value for value; the report's «Formule» sheet and CSV are
made from the formulas frame (audit/report_xlsx.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from piano_xlsx.audit.result import CHANGE_ADDED, CHANGE_CONSTANT, CHANGE_FORMULA, STATUSES, AuditResult
from piano_xlsx.files.container import KINDS
from piano_xlsx.findings import sort_findings
from piano_xlsx.tabular import BOOL, CATEGORY, FLOAT, INT, OBJECT, TEXT, Column, findings_table, frame

if TYPE_CHECKING:
    import pandas as pd

SIGNATURES = ("valid", "invalid", "absent")

FORMULA_COLUMNS = (
    Column("file", TEXT),
    Column("card", TEXT),
    Column("title", TEXT),  # the card's title, the sheet's name for a sheet that is not a card
    Column("sheet", TEXT),
    Column("cell", TEXT),
    Column("label", TEXT),
    Column("status", CATEGORY, STATUSES),
    Column("change", CATEGORY, (CHANGE_FORMULA, CHANGE_CONSTANT, CHANGE_ADDED)),
    Column("issued", TEXT),
    Column("found", OBJECT),
    Column("cached", OBJECT),
    Column("recomputed", OBJECT),
    Column("expected", OBJECT),
    Column("model", OBJECT),
    Column("explanation", TEXT),
    Column("effect", FLOAT),
)

AUDIT_FILE_COLUMNS = (
    Column("path", TEXT),
    Column("sha256", TEXT),
    Column("size", INT),
    Column("kind", CATEGORY, KINDS),
    Column("signature", CATEGORY, SIGNATURES),
    Column("manifest", BOOL),
    Column("application", TEXT),
    Column("formulas", INT),
    *(Column(status, INT) for status in STATUSES),
    Column("errors", INT),
    Column("warnings", INT),
)


def formulas_frame(result: AuditResult) -> pd.DataFrame:
    """One row per formula cell of every file, in file and workbook order."""
    rows = []
    for audit in result.files:
        titles = {c.card: c.title for c in audit.cards}
        rows += [{"file": audit.path, "card": r.card, "title": titles.get(r.card or "", r.sheet), "sheet": r.sheet,
                  "cell": r.cell, "label": r.label, "status": r.status, "change": r.change, "issued": r.issued,
                  "found": r.found, "cached": r.cached, "recomputed": r.recomputed, "expected": r.expected,
                  "model": r.model, "explanation": r.explanation, "effect": r.effect} for r in audit.formulas]
    return frame(FORMULA_COLUMNS, rows)


def audit_files_frame(result: AuditResult) -> pd.DataFrame:
    """One row per file audited: its receipt, its signature, its formula cells counted by status."""
    return frame(AUDIT_FILE_COLUMNS, (
        {"path": a.path, "sha256": a.sha256 or None, "size": a.size, "kind": a.kind or None,
         "signature": a.signature, "manifest": a.manifest, "application": a.application or None,
         "formulas": len(a.formulas), **a.counts(), "errors": a.errors, "warnings": a.warnings}
        for a in result.files))


def audit_findings_frame(result: AuditResult) -> pd.DataFrame:
    """One row per finding: each file's, errors first, then the files left out unopened."""
    return findings_table([f for a in result.files for f in sort_findings(a.findings)] + result.ignored)
