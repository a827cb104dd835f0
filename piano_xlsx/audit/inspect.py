"""Open one file for the audit: what it is, every cell of every sheet, its manifest and the signature's state.

Never raises for anything a file contains: a file that cannot be audited
gives findings (FILE_*, MANIFEST_*) and no workbook.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from piano_xlsx.audit.result import FileAudit
from piano_xlsx.files.container import ContainerError, receive, refusal, sniff
from piano_xlsx.findings import Severity, finding
from piano_xlsx.plan.resolve import MANIFEST_SHEET
from piano_xlsx.reader.xlsx import WorkbookData, read_workbook, split_address
from piano_xlsx.workbook.manifest import (
    ManifestError,
    content_hash,
    manifest_from_sheet,
    signature_code,
    signature_state,
)

MAX_CELLS = 100_000  # cells kept in all; an issued workbook has a few hundred per card
MANIFEST_ROWS = 10_010  # the manifest sheet: column A only, marker, signature, key, count and at most 10,000 chunks


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


class ManifestCells:
    """The manifest sheet's cells the audit reads: column A, rows 1 to MANIFEST_ROWS."""

    def __contains__(self, address: object) -> bool:
        parsed = split_address(str(address))
        return parsed is not None and parsed[0] == "A" and parsed[1] <= MANIFEST_ROWS


@dataclass
class Opened:
    book: WorkbookData
    manifest: dict[str, Any] | None


def open_file(path: str | Path, audit: FileAudit, public_key: Ed25519PublicKey | None) -> Opened | None:
    """Read the file (read-only), fill `audit` with its identity and findings; None when it cannot be audited."""
    name = audit.path
    received = receive(path)
    audit.size, audit.sha256, data = received.size, received.sha256, received.data
    if received.problem is not None:
        audit.findings.append(finding(received.problem.code, file=name, detail=received.problem.detail))
        return None
    try:
        kind, zf = sniff(data)
        audit.kind = kind
        problem = refusal(kind, zf, data)
        if problem is not None:
            audit.findings.append(finding(problem.code, file=name, detail=problem.detail))
            return None
        budget = CellBudget(MAX_CELLS)
        book = read_workbook(zf, lambda sheet: ManifestCells() if sheet == MANIFEST_SHEET else budget)  # type: ignore

    except ContainerError as exc:
        audit.findings.append(finding(exc.code, file=name, detail=exc.detail))
        return None
    except (MemoryError, RecursionError) as exc:
        audit.findings.append(finding("FILE_TOO_LARGE", file=name, detail=type(exc).__name__))
        return None
    if budget.refused:
        audit.findings.append(finding("FILE_TOO_LARGE", file=name, severity=Severity.WARNING,
                                      detail=f"più di {MAX_CELLS:,} celle non vuote: esaminate solo le prime "
                                             f"{MAX_CELLS:,}".replace(",", ".")))
    if book.macros:
        audit.findings.append(finding("FILE_MACROS", file=name))
    audit.application = book.application
    manifest = read_manifest(book, audit, public_key)
    return Opened(book, manifest)


def read_manifest(book: WorkbookData, audit: FileAudit, public_key: Ed25519PublicKey | None) -> dict[str, Any] | None:
    """The manifest, when there is one that parses; its signature state goes into `audit.signature`."""
    name, add = audit.path, audit.findings.append
    sheet = book.sheets.get(MANIFEST_SHEET)
    if sheet is None:
        add(finding("MANIFEST_MISSING", file=name, detail="il foglio del manifesto non c'è; le formule trovate "
                                                           "sono ricalcolate ma non c'è nulla con cui confrontarle"))
        return None
    try:
        manifest, signature, key, signed = manifest_from_sheet(sheet.cells)
    except ManifestError as exc:
        add(finding("MANIFEST_INVALID", file=name, sheet=MANIFEST_SHEET, detail=str(exc)))
        return None
    audit.manifest = True
    info = manifest.get("plan")
    audit.plan = {k: info.get(k) for k in ("id", "version", "hash", "ente", "title")} if isinstance(info, dict) else {}
    audit.signature = audit_signature(manifest, signature, key, signed, public_key, audit)
    if not isinstance(manifest.get("cells"), dict) or content_hash(manifest["cells"]) != manifest.get("content_hash"):
        add(finding("CONTENT_HASH_MISMATCH", file=name, sheet=MANIFEST_SHEET))
    return manifest


def audit_signature(manifest: dict[str, Any], signature: str, key: str, signed: bytes,
                    public_key: Ed25519PublicKey | None, audit: FileAudit) -> str:
    """valid / invalid / absent, with the finding that says why when it is not valid."""
    name, add = audit.path, audit.findings.append
    state, why = signature_state(manifest, signature, key, signed, public_key)
    if state == "absent" and not signature:
        add(finding("SIGNATURE_ABSENT", file=name, sheet=MANIFEST_SHEET,
                    severity=Severity.ERROR if public_key is not None else None,
                    detail="Il manifesto non è firmato: chiunque avrebbe potuto riscriverlo, le formule «emesse» "
                           "non sono garantite."))
    elif state == "absent":
        add(finding("SIGNATURE_ABSENT", file=name, sheet=MANIFEST_SHEET,
                    detail="Il manifesto è firmato ma non è stata indicata la chiave pubblica (--public-key): "
                           "la firma non è stata verificata."))
    elif state == "invalid":
        add(finding(signature_code(key, public_key), file=name, sheet=MANIFEST_SHEET, detail=why))
    return state
