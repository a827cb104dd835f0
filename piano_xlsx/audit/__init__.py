"""`audit`: re-check every formula of returned workbooks without trusting them.

For each file: the manifest signature's state; for every formula cell the
formula issued (signed manifest), the formula found, the value cached and the
value recomputed by an independent engine (`formulas`) from the workbook's own
cells; hidden sheets, links, macros, names, validations and protection; and a
plain Italian explanation of what each difference means for the card's total.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from piano_xlsx.audit.core import audit_file
from piano_xlsx.audit.result import AuditResult, FileAudit, FormulaRow
from piano_xlsx.collect import find_files
from piano_xlsx.plan.loader import LoadedPlan

__all__ = ["audit", "audit_file", "AuditResult", "FileAudit", "FormulaRow"]


def audit(paths: Iterable[str | Path], *, public_key: Ed25519PublicKey | None = None,
          loaded: LoadedPlan | None = None, progress: Callable[[int, int], None] | None = None) -> AuditResult:
    """Audit every file named and every file under the folders named, in a reproducible order.

    Args:
        paths: files and folders (searched recursively).
        public_key: verifies the manifest signatures.
        loaded: the plan, for the Python model's third opinion (optional).
        progress: called with (done, total) after each file.
    """
    layouts = None
    if loaded is not None:
        from piano_xlsx.generate import plan_layouts

        layouts = plan_layouts(loaded)
    files = find_files(paths)
    result = AuditResult()
    for index, path in enumerate(files):
        result.files.append(audit_file(path, public_key=public_key, loaded=loaded, layouts=layouts))
        if progress:
            progress(index + 1, len(files))
    return result
