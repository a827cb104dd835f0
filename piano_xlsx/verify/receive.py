"""Receive one returned file: read it (bounded, never written), tell what it is by its bytes, open it safely.

Never raises for anything a file contains: a file that cannot be opened ends with the finding that says why
(FILE_*) and no workbook.
"""

from __future__ import annotations

from collections.abc import Callable, Container
from dataclasses import dataclass, field
from pathlib import Path

from piano_xlsx.files.container import ContainerError, receive, refusal, sniff
from piano_xlsx.findings import Finding, finding
from piano_xlsx.plan.resolve import MANIFEST_SHEET
from piano_xlsx.reader.xlsx import WorkbookData, read_workbook, split_address

MANIFEST_ROWS = 10_010  # the manifest sheet: column A only, marker, signature, key, count and at most 10,000 chunks

class ManifestCells:
    """The manifest sheet's cells the checks read: column A, rows 1 to MANIFEST_ROWS."""

    def __contains__(self, address: object) -> bool:
        parsed = split_address(str(address))
        return parsed is not None and parsed[0] == "A" and parsed[1] <= MANIFEST_ROWS


@dataclass
class Receipt:
    """What was received: size and SHA-256 for the receipt list, the kind told by the bytes, the workbook read."""

    size: int = 0
    sha256: str = ""
    kind: str = ""
    book: WorkbookData | None = None  # None when the file cannot be read as a workbook
    findings: list[Finding] = field(default_factory=list)


def open_returned(path: str | Path, name: str, cells: Callable[[str], Container[str]]) -> Receipt:
    """Read the file at `path` (named `name` in findings); `cells(sheet)` says which cells of a sheet to keep.

    The manifest sheet is always read through `ManifestCells` (column A), whatever `cells` says.
    """
    receipt = Receipt()
    received = receive(path)
    receipt.size, receipt.sha256 = received.size, received.sha256
    if received.problem is not None:
        receipt.findings.append(finding(received.problem.code, file=name, detail=received.problem.detail))
        return receipt
    manifest_cells = ManifestCells()

    def wanted(sheet: str) -> Container[str]:
        return manifest_cells if sheet == MANIFEST_SHEET else cells(sheet)

    try:
        receipt.kind, zf = sniff(received.data)
        problem = refusal(receipt.kind, zf, received.data)
        if problem is not None or zf is None:
            refused = problem or ContainerError("FILE_UNREADABLE", "")
            receipt.findings.append(finding(refused.code, file=name, detail=refused.detail))
            return receipt
        book = read_workbook(zf, wanted)
    except ContainerError as exc:
        receipt.findings.append(finding(exc.code, file=name, detail=exc.detail))
        return receipt
    except (MemoryError, RecursionError):
        receipt.findings.append(finding("FILE_TOO_LARGE", file=name, detail="memoria o annidamento esauriti"))
        return receipt
    if receipt.kind == "xlsm" or book.macros:
        receipt.findings.append(finding("FILE_MACROS", file=name))
    receipt.book = book
    return receipt
