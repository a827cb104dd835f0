"""What `collect` and `audit` must agree on: the same finding codes, severities and places for the same file.

Both run the checks of `piano_xlsx.verify`; each also has findings of its own job, left out of the comparison:
collect reads the inputs and consolidates across files; audit recomputes with its engine and reads every cell,
so it alone sees formulas written where none was issued (FORMULA_ADDED).

When the signature disowns the manifest, each compares the locked cells with its own reference: collect with
the plan, audit with the manifest as it stands (and says, with --plan, that the manifest is not the plan's).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from piano_xlsx.audit import audit_file
from piano_xlsx.collect.inspect import inspect_file
from piano_xlsx.findings import Finding
from piano_xlsx.plan.loader import LoadedPlan
from piano_xlsx.verify.expected import Expected

# what a card's inputs say (collect reads them), and what only the audit's engine can tell
ONLY_COLLECT = {"SCORE_MISSING", "SCORE_OUT_OF_SCALE", "SCORE_AS_TEXT", "NEUTRALISED_NOT_ALLOWED", "GATE_FAILED",
                "EVALUATOR_MISSING", "DATE_MISSING"}
ONLY_AUDIT = {"AUDIT_ENGINE", "AUDIT_MODEL_DIFFERS", "FORMULA_ADDED"}
CELL_CONTENT = {"LOCKED_CHANGED", "FORMULA_CHANGED", "FORMULA_REPLACED", "FORMULA_SAVED_AS_ERROR", "UNLOCKED_CELL",
                "ROWS_SHIFTED", "CACHED_MISMATCH"}
# the summary's cached values: audit recomputes them from the file's own formulas, collect's model has no summary
SUMMARY = "Riepilogo"

Verdict = tuple[str, str, str | None, str | None]  # code, severity, sheet, cell


def verdicts(findings: list[Finding], *, audit: bool = False, trusted: bool = True) -> set[Verdict]:
    out = set()
    for f in findings:
        if f.code in ONLY_COLLECT or f.code in ONLY_AUDIT or (not trusted and f.code in CELL_CONTENT):
            continue
        if audit and f.code == "FILE_TOO_LARGE" and f.severity.value == "warning":
            continue  # the audit keeps every cell up to a limit; collect only the cells the plan names
        if audit and f.code in ("CACHED_MISMATCH", "NO_CACHED_VALUES") and f.sheet == SUMMARY:
            continue
        out.add((f.code, f.severity.value, f.sheet, f.cell))
    return out


def both(path: Path, loaded: LoadedPlan, expected: Expected, public_key: Any) -> tuple[set[Verdict], set[Verdict]]:
    """(collect's verdicts, audit's verdicts) on one file, both given the plan and the public key."""
    collected = inspect_file(path, expected, public_key)
    audited = audit_file(path, public_key=public_key, loaded=loaded, expected=expected)
    trusted = audited.signature != "invalid"
    return verdicts(collected.findings, trusted=trusted), verdicts(audited.findings, audit=True, trusted=trusted)
