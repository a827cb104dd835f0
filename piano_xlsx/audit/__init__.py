"""`audit`: re-check every formula of returned workbooks without trusting them.

For each file: the manifest signature's state; for every formula cell the
formula issued (signed manifest), the formula found, the value cached and the
value recomputed by an independent engine (`formulas`) from the workbook's own
cells; hidden sheets, links, macros, names, validations and protection; and a
plain Italian explanation of what each difference means for the card's total.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from piano_xlsx.audit.core import audit_file
from piano_xlsx.audit.result import AuditResult, FileAudit, FormulaRow
from piano_xlsx.files.container import receive
from piano_xlsx.files.discover import discover
from piano_xlsx.files.isolation import Failure, Limits, run_isolated
from piano_xlsx.findings import finding
from piano_xlsx.plan.loader import LoadedPlan

__all__ = ["audit", "audit_file", "AuditResult", "FileAudit", "FormulaRow"]


# The engine compiles every formula of a file and its effects have their own time budget (40 s at most);
# a file that overruns these limits, or takes its worker down, is a finding and the batch goes on.
AUDIT_LIMITS = Limits(seconds=120.0, memory=2048 * 1024 * 1024)


def audit(paths: Iterable[str | Path], *, public_key: Ed25519PublicKey | None = None,
          loaded: LoadedPlan | None = None, progress: Callable[[int, int], None] | None = None,
          isolate: bool = True, names: Mapping[str, str] | None = None) -> AuditResult:
    """Audit every file named and every file under the folders named, in a reproducible order.

    Args:
        paths: files and folders (searched recursively).
        public_key: verifies the manifest signatures.
        loaded: the plan, for the Python model's third opinion (optional).
        progress: called with (done, total) after each file.
        isolate: read each file in a worker process with time and memory limits (as collect does);
            False audits in this process, for files that are trusted.
        names: the name the reports give a file, by its path as found (default: the path itself).
    """
    names = {str(k): v for k, v in (names or {}).items()}
    layouts, expected = None, None
    if loaded is not None:
        from piano_xlsx.verify.expected import Expected
        from piano_xlsx.workbook.layout import plan_layouts

        layouts, expected = plan_layouts(loaded), Expected.from_plan(loaded)
    found = discover(paths)
    files = [str(p) for p in found.files]

    def work(path: str) -> FileAudit:
        return audit_file(path, public_key=public_key, loaded=loaded, layouts=layouts, expected=expected,
                          display=names.get(path))

    result = AuditResult(ignored=[finding("FILE_IGNORED", file=str(skipped.path), detail=skipped.reason)
                                  for skipped in found.skipped])
    if isolate:
        result.files = run_isolated(files, work, lambda path, failure: _failed(path, failure, names.get(path)),
                                    limits=AUDIT_LIMITS, progress=progress)
        return result
    for index, path in enumerate(files):
        result.files.append(work(path))
        if progress:
            progress(index + 1, len(files))
    return result


def _failed(path: str, failure: Failure, name: str | None = None) -> FileAudit:
    """A file whose worker crashed, overran the time limit or ran out of memory."""
    audit = FileAudit(path=name or path)
    received = receive(path)
    audit.size, audit.sha256 = received.size, received.sha256
    audit.findings.append(finding(failure.code, file=audit.path, detail=failure.detail))
    return audit
