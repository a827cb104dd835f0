"""`collect`: read every returned workbook, verify it, consolidate the scores, and flag every inconsistency."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from piano_xlsx.collect.consolidate import Consolidated, consolidate
from piano_xlsx.collect.expected import Expected
from piano_xlsx.collect.inspect import FileReport, inspect_file
from piano_xlsx.findings import Finding, finding, sort_findings
from piano_xlsx.plan.loader import LoadedPlan


@dataclass
class CollectResult:
    expected: Expected
    files: list[FileReport]
    consolidated: Consolidated
    findings: list[Finding] = field(default_factory=list)  # every finding: per file and across files

    @property
    def loaded(self) -> LoadedPlan:
        return self.expected.loaded


def find_files(paths: Iterable[str | Path]) -> list[Path]:
    """Files named, and every file under the folders named, sorted so runs are reproducible."""
    found: set[Path] = set()
    for path in map(Path, paths):
        if path.is_dir():
            found |= {p for p in path.rglob("*") if p.is_file()}
        else:
            found.add(path)
    return sorted(found)


def default_jobs() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


# Worker state: built once per worker process, not once per file.
_WORKER: dict[str, object] = {}


def _init_worker(loaded: LoadedPlan, public_key_pem: bytes | None) -> None:
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    _WORKER["expected"] = Expected.from_plan(loaded)
    _WORKER["key"] = load_pem_public_key(public_key_pem) if public_key_pem else None


def _inspect_in_worker(path: str) -> FileReport:
    return inspect_file(path, _WORKER["expected"], _WORKER["key"])  # type: ignore[arg-type]


def collect(loaded: LoadedPlan, paths: Iterable[str | Path], *, public_key: Ed25519PublicKey | None = None,
            jobs: int | None = None, progress: Callable[[int, int], None] | None = None) -> CollectResult:
    """Inspect every file (in `jobs` processes), then consolidate; results do not depend on `jobs` or order."""
    expected = Expected.from_plan(loaded)
    files = [str(p) for p in find_files(paths)]
    jobs = max(1, min(jobs or default_jobs(), len(files) or 1))
    reports: list[FileReport] = []
    if jobs == 1:
        for index, path in enumerate(files):
            reports.append(inspect_file(path, expected, public_key))
            if progress:
                progress(index + 1, len(files))
    else:
        from cryptography.hazmat.primitives import serialization

        pem = public_key.public_bytes(serialization.Encoding.PEM,
                                      serialization.PublicFormat.SubjectPublicKeyInfo) if public_key else None
        with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker, initargs=(loaded, pem)) as pool:
            for index, report in enumerate(pool.map(_inspect_in_worker, files, chunksize=8)):
                reports.append(report)
                if progress:
                    progress(index + 1, len(files))
    consolidated = consolidate(expected, reports)
    findings = [f for r in reports for f in r.findings] + consolidated.findings
    if public_key is None:
        findings.append(finding("SIGNATURE_ABSENT",
                                detail="nessuna chiave pubblica indicata: le firme dei file non sono state verificate"))
    return CollectResult(expected, reports, consolidated, sort_findings(findings))
