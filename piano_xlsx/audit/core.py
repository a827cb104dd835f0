"""One file, start to finish: open, compare with the manifest, recompute with the engine, explain."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from piano_xlsx.audit import compare, explain
from piano_xlsx.audit.checks import check_workbook
from piano_xlsx.audit.engine import EngineRefused, EngineRun, Model
from piano_xlsx.audit.inspect import open_file, read_manifest_of
from piano_xlsx.audit.opinion import model_values
from piano_xlsx.audit.result import (
    CHANGE_ADDED,
    CHANGE_CONSTANT,
    CHANGED,
    MISSING,
    OK,
    STALE,
    CardAudit,
    ConstantRow,
    FileAudit,
    FormulaRow,
)
from piano_xlsx.findings import finding
from piano_xlsx.plan.loader import LoadedPlan
from piano_xlsx.plan.resolve import MANIFEST_SHEET
from piano_xlsx.reader.xlsx import WorkbookData
from piano_xlsx.verify.cached import compare_cached
from piano_xlsx.verify.cells import reading_order
from piano_xlsx.verify.expected import Expected
from piano_xlsx.verify.issued import Issued, from_manifest
from piano_xlsx.verify.planned import check_plan, issued_by_plan, plan_cards
from piano_xlsx.workbook.computation import values_equal
from piano_xlsx.workbook.layout import FIRST_HEADER_ROW, HEADER_FIELDS, VALUE_COL, CardLayout, plan_layouts

MAX_EFFECTS = 40  # differences whose own effect on the total is computed (one engine run each)
EFFECT_SECONDS = 20.0  # and no more engine time than this on them

Key = tuple[str, str]


def audit_file(path: str | Path, *, public_key: Ed25519PublicKey | None = None, loaded: LoadedPlan | None = None,
               layouts: list[CardLayout] | None = None, display: str | None = None,
               expected: Expected | None = None) -> FileAudit:
    """Audit one returned workbook; never raises for anything the file contains.

    Args:
        path: the file (only read).
        public_key: verifies the manifest signature; without it the signature is "absent" (not verified).
        loaded, layouts: the plan and its card layouts, for the Python model's third opinion (optional); with
            the plan the file is also checked against it, as `collect` checks it.
        display: the name the reports use for the file (default: `path`).
        expected: what the plan issues (`Expected.from_plan(loaded)`), when the caller has made it already.

    Returns:
        The FileAudit: a row per formula cell, the cards' totals, every finding.
    """
    audit = FileAudit(path=display or str(path))
    if loaded is not None and expected is None:
        expected = Expected.from_plan(loaded)
    try:
        _audit(path, audit, public_key, loaded, layouts, expected)
    except (MemoryError, RecursionError) as exc:
        audit.findings.append(finding("FILE_TOO_LARGE", file=audit.path, detail=type(exc).__name__))
    except Exception as exc:  # noqa: BLE001 - one file that breaks something must not stop the batch (SPEC §5)
        audit.findings.append(finding("FILE_UNREADABLE", file=audit.path,
                                      detail=f"errore imprevisto durante l'esame ({type(exc).__name__})"))
    return audit


def _audit(path: str | Path, audit: FileAudit, public_key: Ed25519PublicKey | None, loaded: LoadedPlan | None,
           layouts: list[CardLayout] | None, expected: Expected | None) -> None:
    book = open_file(path, audit)
    if book is None:
        return
    name, add = audit.path, audit.findings.append
    if expected is not None and MANIFEST_SHEET not in book.sheets and not plan_cards(book, expected):
        add(finding("NOT_PIANO_WORKBOOK", file=name))
        return
    manifest = read_manifest_of(book, audit, public_key)
    issued = from_manifest(manifest)
    known = None
    reference = issued  # what the sheets are checked against: the manifest, or the plan when there is none
    if manifest is not None and expected is not None:
        known = check_plan(manifest, issued, expected, name, add)
    elif expected is not None:
        reference = issued_by_plan(expected, plan_cards(book, expected))
    audit.hidden_sheets = check_workbook(book, reference, name, add, has_sheets=manifest is not None or
                                         expected is not None, has_cells=manifest is not None)
    rows = compare.formula_rows(book, issued, has_manifest=manifest is not None)
    constants = compare.constant_rows(book, issued)
    audit.formulas, audit.constants = rows, constants
    run = _run_engine(book, issued, audit)
    if run is None:
        return
    _fill_values(audit, run)
    if loaded is not None and known:
        shifted = {f.sheet for f in audit.findings if f.code == "ROWS_SHIFTED"}  # its inputs are not where issued
        cards = [card for card in known if card.sheet not in shifted]
        _third_opinion(audit, model_values(layouts or plan_layouts(loaded), cards, book), run)
    _effects(audit, issued, run)
    _cards(audit, issued, run)
    _formula_findings(audit, issued, book, run, has_manifest=manifest is not None)


def _run_engine(book: WorkbookData, issued: Issued, audit: FileAudit) -> EngineRun | None:
    started = time.perf_counter()
    found = compare.found_sources(book)
    also = [(s, a) for s, cells in issued.cells.items() for a in cells]
    try:
        model = Model(found, also=also)
        found_values = model.compute().values
        run = EngineRun(model, found_values)
        differs = any(r.status in (CHANGED, MISSING) for r in audit.formulas) or audit.constants
        if differs:
            run.issued = Model(compare.restored_sources(found, audit.formulas, audit.constants), also=also)
            run.issued_values = run.issued.compute().values
    except EngineRefused as exc:
        audit.findings.append(finding("AUDIT_ENGINE", file=audit.path, detail=f"{exc}: nessun valore ricalcolato"))
        return None
    except Exception as exc:  # noqa: BLE001 - a third-party engine on untrusted content: report, never crash
        audit.findings.append(finding("AUDIT_ENGINE", file=audit.path,
                                      detail=f"errore del motore di calcolo ({type(exc).__name__})"))
        return None
    run.seconds = audit.engine_seconds = time.perf_counter() - started
    for problem in model.problems:
        audit.findings.append(finding("AUDIT_ENGINE", file=audit.path, sheet=problem.sheet, cell=problem.cell,
                                      detail=problem.reason))
    return run


def _fill_values(audit: FileAudit, run: EngineRun) -> None:
    for row in audit.formulas:
        key = (row.sheet, row.cell)
        row.recomputed = run.found_values.get(key)
        if row.issued is not None:
            row.expected = run.expected(key)
        if row.status == OK and compare.cached_differs(row.cached, row.recomputed):
            row.status = STALE


def _third_opinion(audit: FileAudit, model: dict[Key, Any], run: EngineRun) -> None:
    for row in audit.formulas:
        key = (row.sheet, row.cell)
        if key not in model or row.issued is None:
            continue
        row.model = model[key]
        if not values_equal(row.model, row.expected) and not (row.model is None and row.expected == ""):
            audit.findings.append(finding("AUDIT_MODEL_DIFFERS", file=audit.path, sheet=row.sheet, cell=row.cell,
                                          model=explain.number(row.model), engine=explain.number(row.expected)))


def _effects(audit: FileAudit, issued: Issued, run: EngineRun) -> None:
    """Label and explain every row; each difference gets its own effect on its card's total.

    The effect is the total as found minus the total with only this cell put back as issued (one engine run each).
    """
    budget, deadline = MAX_EFFECTS, time.perf_counter() + EFFECT_SECONDS
    rows: list[FormulaRow | ConstantRow] = [*audit.formulas, *audit.constants]
    for row in rows:
        card = issued.card_of_sheet(row.sheet)
        row.card = card.id if card else None
        row.label = explain.label(issued, row.sheet, row.cell)
        if isinstance(row, FormulaRow) and row.status in (OK, STALE):
            row.explanation = explain.explain_formula(row)
            continue
        restore = _restored_value(row, run)
        total = card.totals.get("total") if card else None
        band = card.totals.get("band") if card else None
        band_now = band_due = None
        if total and restore is not _NOTHING and budget > 0 and time.perf_counter() < deadline:
            budget -= 1
            back = run.found.compute({(row.sheet, row.cell): restore}).values
            now, due = run.found_values.get((row.sheet, total)), back.get((row.sheet, total))
            if isinstance(now, (int, float)) and isinstance(due, (int, float)):
                row.effect = float(now) - float(due)
            if band:
                band_now, band_due = run.found_values.get((row.sheet, band)), back.get((row.sheet, band))
        if isinstance(row, FormulaRow):
            row.explanation = explain.explain_formula(row, band_now, band_due)
        else:
            row.explanation = explain.explain_constant(row, band_now, band_due)


_NOTHING = object()


def _restored_value(row: FormulaRow | ConstantRow, run: EngineRun) -> Any:
    """The value the cell would hold as issued; _NOTHING for a formula added where nothing was issued."""
    if isinstance(row, ConstantRow):
        return row.issued
    if row.issued is not None:
        return run.expected((row.sheet, row.cell))
    return row.expected if row.expected is not None else _NOTHING


def _cards(audit: FileAudit, issued: Issued, run: EngineRun) -> None:
    cached = {(r.sheet, r.cell): r.cached for r in audit.formulas}
    for card in issued.cards:
        total, band = card.totals.get("total"), card.totals.get("band")
        entry = CardAudit(card.id, card.title, card.sheet, _evaluatee(issued, card.sheet) or card.evaluatee, total)
        if total:
            key = (card.sheet, total)
            entry.total_shown = cached.get(key)
            entry.total_recomputed = run.found_values.get(key)
            entry.total_expected = run.expected(key)
        if band:
            key = (card.sheet, band)
            entry.band_shown = cached.get(key) if cached.get(key) is not None else run.found_values.get(key)
            entry.band_expected = run.expected(key)
        differences = sum(1 for r in audit.formulas if r.sheet == card.sheet and r.status != OK)
        differences += sum(1 for r in audit.constants if r.sheet == card.sheet)
        entry.explanation = explain.explain_card(entry, differences)
        audit.cards.append(entry)


def _evaluatee(issued: Issued, sheet: str) -> str | None:
    """The evaluatee's name as printed on the card (the manifest's card entry holds only an id)."""
    keys = [key for key, _, _ in HEADER_FIELDS]
    return issued.text(sheet, f"{VALUE_COL}{FIRST_HEADER_ROW + keys.index('evaluatee')}")


def _formula_findings(audit: FileAudit, issued: Issued, book: WorkbookData, run: EngineRun, *,
                      has_manifest: bool) -> None:
    """What the formula rows add to the findings: cached values, and formulas where none was issued (the locked
    cells themselves are `check_workbook`'s).

    On a card sheet a cached value is judged against what the issued formulas give from the inputs, as `collect`
    judges it with the plan's model; elsewhere (the summary, a file without manifest) against the file's own
    formulas recomputed: the summary only repeats the cards' totals, whose difference the card already reports.
    """
    add, name = audit.findings.append, audit.path
    said = {f.sheet for f in audit.findings if f.code in ("SHEET_MISSING", "ROWS_SHIFTED")}  # said once per sheet
    by_sheet: dict[str, dict[str, Any]] = {}
    for row in audit.formulas:
        if row.sheet in said:
            continue
        has_formula = row.status != MISSING and row.change != CHANGE_CONSTANT
        on_card = issued.card_of_sheet(row.sheet) is not None
        value = run.expected((row.sheet, row.cell)) if on_card else run.found_values.get((row.sheet, row.cell))
        if has_formula and (row.issued is not None or not has_manifest) and value is not None:
            by_sheet.setdefault(row.sheet, {})[row.cell] = value
        if row.change == CHANGE_ADDED and row.cell not in issued.cells.get(row.sheet, {}):
            add(finding("FORMULA_ADDED", new=row.found, file=name, sheet=row.sheet, cell=row.cell))
    for sheet_name, computed in by_sheet.items():
        card = issued.card_of_sheet(sheet_name)
        first = sorted(card.totals.values(), key=reading_order) if card else []
        compare_cached(book.sheets[sheet_name], computed, name, add, first=first)
