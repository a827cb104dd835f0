"""One returned file for `collect`: verify it against the plan and the signed manifest, read its cards.

The checks themselves are `piano_xlsx.verify`'s, the same `audit` runs; this module decides which apply to a
file, in which order, and gathers what each card holds. `inspect_file` never raises for anything a file
contains and never writes to it: every problem becomes a finding for that file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from piano_xlsx.findings import Finding, Severity, finding
from piano_xlsx.plan.model import Exclusion
from piano_xlsx.plan.resolve import MANIFEST_SHEET
from piano_xlsx.reader.xlsx import WorkbookData
from piano_xlsx.verify import cells as cell_checks
from piano_xlsx.verify.cached import compare_cached
from piano_xlsx.verify.expected import Expected
from piano_xlsx.verify.inputs import read_inputs
from piano_xlsx.verify.issued import from_manifest
from piano_xlsx.verify.planned import check_plan, issued_by_plan, plan_cards
from piano_xlsx.verify.protection import check_sheet_protection, check_workbook_protection
from piano_xlsx.verify.receive import open_returned
from piano_xlsx.verify.signed import read_manifest
from piano_xlsx.verify.structure import check_hidden_sheets, check_links_and_names, check_sheets
from piano_xlsx.verify.validations import check_validations
from piano_xlsx.workbook.computation import CardResult, Value, evaluate


@dataclass
class CardReturn:
    card_id: str
    sheet: str
    file: str
    evaluator: str | None
    date: str | None
    scores: dict[str, Value]
    notes: dict[str, str | None]
    result: CardResult
    errors: int = 0
    warnings: int = 0
    excluded: Exclusion | None = None  # set by collect when the HR office excluded the evaluatee

    def fingerprint(self) -> str:
        """What the office filled in: equal fingerprints mean the same return."""
        data = [self.evaluator, self.date, sorted((k, repr(v)) for k, v in self.scores.items()),
                sorted(self.notes.items())]
        return hashlib.sha256(repr(data).encode()).hexdigest()


@dataclass
class FileReport:
    path: str
    sha256: str = ""
    size: int = 0
    kind: str = ""
    cards: list[CardReturn] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    claimed: list[str] = field(default_factory=list)  # cards the file holds (manifest or sheet names), read or not
    modified: float | None = None  # the file's modification time (set by collect), for choosing among copies

    @property
    def status(self) -> str:
        return "error" if any(f.severity == Severity.ERROR for f in self.findings) else "ok"


def inspect_file(path: str | Path, expected: Expected, public_key: Ed25519PublicKey | None,
                 display: str | None = None) -> FileReport:
    name = display or str(path)
    report = FileReport(path=name)
    try:
        wanted = expected.wanted_addresses()
        receipt = open_returned(path, name, lambda sheet: wanted)
        report.size, report.sha256, report.kind = receipt.size, receipt.sha256, receipt.kind
        report.findings.extend(receipt.findings)
        if receipt.book is not None:
            _check_workbook(receipt.book, name, expected, public_key, report)
    except (MemoryError, RecursionError):
        report.findings.append(finding("FILE_TOO_LARGE", file=name, detail="memoria o annidamento esauriti"))
    except Exception as exc:  # noqa: BLE001 - last resort: one damaged file is one finding, never a traceback
        report.findings.append(finding("FILE_UNREADABLE", file=name,
                                       detail=f"contenuto danneggiato ({type(exc).__name__})"))
    return report


MISSING = "il foglio del manifesto è stato eliminato; le schede sono lette secondo il piano"


def _check_workbook(book: WorkbookData, name: str, expected: Expected, public_key: Ed25519PublicKey | None,
                    report: FileReport) -> None:
    add = report.findings.append
    if MANIFEST_SHEET not in book.sheets and not plan_cards(book, expected):
        add(finding("NOT_PIANO_WORKBOOK", file=name))
        return
    manifest = read_manifest(book, name, add, public_key, missing=MISSING)
    if manifest is not None:
        issued = from_manifest(manifest.data)
        known = check_plan(manifest.data, issued, expected, name, add)
        if known is None:
            return  # another plan or version: nothing of it can be compared with this plan
        cards = known
    else:  # no manifest that can be read: the cards are read as the plan lays them out
        cards = plan_cards(book, expected)
        issued = issued_by_plan(expected, cards)
    card_ids = tuple(card.id for card in cards)
    report.claimed = list(card_ids)
    check_workbook_protection(book, name, add)
    check_links_and_names(book, issued, name, add)
    check_hidden_sheets(book, name, add)
    check_sheets(book, issued, name, add)
    for sheet_name, cells in expected.group_sheets(card_ids).items():
        sheet = book.sheets.get(sheet_name)
        if sheet is not None:
            cell_checks.report(cell_checks.compare_sheet(sheet, cells, book, rows_may_shift=False), name, add)
            check_sheet_protection(sheet, name, add)
    for card in cards:
        sheet = book.sheets.get(card.sheet)
        if sheet is None:
            continue  # SHEET_MISSING already says so
        layout = expected.layouts[card.id]
        before = len(report.findings)
        check_sheet_protection(sheet, name, add)
        if card.sheet in issued.validations:
            check_validations(sheet, issued.validations[card.sheet], name, add)
        compared = cell_checks.compare_sheet(sheet, expected.card_cells[card.id], book, rows_may_shift=True)
        cell_checks.report(compared, name, add)
        if compared.shift:
            continue  # the table is not where the layout says: its inputs cannot be read
        inputs = read_inputs(sheet, layout, name, add)
        result = evaluate(layout, inputs.scores, inputs.notes)
        compare_cached(sheet, result.cells, name, add, first=[layout.total_cell(key) for key in layout.totals])
        card_findings = report.findings[before:]
        report.cards.append(CardReturn(card.id, sheet.name, name, inputs.evaluator, inputs.date, inputs.scores,
                                       inputs.notes, result,
                                       errors=sum(1 for f in card_findings if f.severity == Severity.ERROR),
                                       warnings=sum(1 for f in card_findings if f.severity == Severity.WARNING)))
