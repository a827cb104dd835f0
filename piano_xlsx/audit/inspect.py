"""Open one file for the audit: what it is, every cell of every sheet, its manifest and the signature's state.

Never raises for anything a file contains: a file that cannot be audited gives findings (FILE_*, MANIFEST_*)
and no workbook. Receiving, opening and the manifest are `piano_xlsx.verify`'s, as for `collect`; what is the
audit's own is that it keeps every cell (up to a limit), not only those a plan names.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from piano_xlsx.audit.result import FileAudit
from piano_xlsx.findings import Severity, finding
from piano_xlsx.reader.xlsx import WorkbookData
from piano_xlsx.verify.receive import open_returned
from piano_xlsx.verify.signed import read_manifest, unverified
from piano_xlsx.workbook.xlsxfile import TOOL, as_issued

MAX_CELLS = 100_000  # cells kept in all; an issued workbook has a few hundred per card
MISSING = "il foglio del manifesto non c'è; le formule trovate sono ricalcolate ma non c'è nulla con cui confrontarle"


class CellBudget:
    """The `wanted` set of the reader for the audit: every cell, up to a limit, then none (and it says so)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.kept = 0
        self.refused = 0

    def __contains__(self, address: object) -> bool:
        if self.kept < self.limit:
            self.kept += 1
            return True
        self.refused += 1
        return False


def open_file(path: str | Path, audit: FileAudit) -> WorkbookData | None:
    """Read the file (read-only), fill `audit` with its identity and findings; None when it cannot be audited."""
    name = audit.path
    budget = CellBudget(MAX_CELLS)
    receipt = open_returned(path, name, lambda sheet: budget)
    audit.size, audit.sha256, audit.kind = receipt.size, receipt.sha256, receipt.kind
    audit.findings.extend(receipt.findings)
    book = receipt.book
    if book is None:
        return None
    if budget.refused:
        audit.findings.append(finding("FILE_TOO_LARGE", file=name, severity=Severity.WARNING,
                                      detail=f"più di {MAX_CELLS:,} celle non vuote: esaminate solo le prime "
                                             f"{MAX_CELLS:,}".replace(",", ".")))
    audit.application = saved_by_text(book)
    return book


AS_ISSUED = f"{TOOL} (come generato: nessuna applicazione l'ha salvato dopo)"


def saved_by_text(book: WorkbookData) -> str:
    """Who last saved the file, as the audit shows it: the tool itself for a file still as issued."""
    return AS_ISSUED if as_issued(book.application, book.app_version, book.modified) else book.application


def read_manifest_of(book: WorkbookData, audit: FileAudit, public_key: Ed25519PublicKey | None
                     ) -> dict[str, Any] | None:
    """The manifest, when there is one that parses; its signature state goes into `audit.signature`."""
    manifest = read_manifest(book, audit.path, audit.findings.append, public_key, missing=MISSING)
    if manifest is None:
        return None
    audit.manifest = True
    info = manifest.data.get("plan")
    audit.plan = {k: info.get(k) for k in ("id", "version", "hash", "ente", "title")} if isinstance(info, dict) else {}
    audit.signature = manifest.signature
    if public_key is None:  # the audit says it of each file: its report is read one file at a time
        audit.findings.append(unverified(audit.path, manifest.signed))
    return manifest.data
