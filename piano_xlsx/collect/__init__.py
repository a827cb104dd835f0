"""`collect`: read every returned workbook, verify it, consolidate the scores, and flag every inconsistency."""

from __future__ import annotations

import gc
import hashlib
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from piano_xlsx.collect.consolidate import Consolidated, consolidate
from piano_xlsx.collect.inspect import FileReport, inspect_file
from piano_xlsx.collect.payouts import Premi, compute_premi
from piano_xlsx.files.discover import Skipped, discover
from piano_xlsx.files.isolation import Failure, Limits, run_isolated
from piano_xlsx.files.jobs import default_jobs
from piano_xlsx.findings import Finding, finding, sort_findings
from piano_xlsx.plan.loader import LoadedPlan
from piano_xlsx.plan.payouts import HrRecord
from piano_xlsx.verify.expected import Expected


@dataclass
class CollectResult:
    expected: Expected
    files: list[FileReport]
    consolidated: Consolidated
    findings: list[Finding] = field(default_factory=list)  # every finding: per file and across files
    skipped: list[Skipped] = field(default_factory=list)  # files found that are not returns, left unopened
    premi: Premi = field(default_factory=Premi)  # the payouts over the returned cards

    @property
    def loaded(self) -> LoadedPlan:
        return self.expected.loaded


class _State(TypedDict):
    """What a worker started with ``spawn`` receives: the plan and key, not the Expected built from them."""

    loaded: LoadedPlan
    pem: bytes | None
    names: dict[str, str]


class _Inspector:
    """`inspect_file` with this run's plan and key, as a worker runs it (picklable for the ``spawn`` start)."""

    def __init__(self, expected: Expected, public_key: Ed25519PublicKey | None, names: Mapping[str, str]):
        self.expected = expected
        self.public_key = public_key
        self.names = dict(names)

    def __call__(self, path: str) -> FileReport:
        return inspect_file(path, self.expected, self.public_key, display=self.names.get(path))

    def __getstate__(self) -> _State:
        from cryptography.hazmat.primitives import serialization

        pem = self.public_key.public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo) if self.public_key else None
        return {"loaded": self.expected.loaded, "pem": pem, "names": self.names}

    def __setstate__(self, state: _State) -> None:
        from cryptography.hazmat.primitives.serialization import load_pem_public_key

        self.expected = Expected.from_plan(state["loaded"])
        key = load_pem_public_key(state["pem"]) if state["pem"] else None
        self.public_key = key if isinstance(key, Ed25519PublicKey) else None  # it was one when pickled
        self.names = state["names"]


def _failed(path: str, failure: Failure, name: str | None = None) -> FileReport:
    """The report of a file whose reading crashed, overran its time or ran out of memory."""
    name = name or path
    report = FileReport(path=name)
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:  # read-only, in chunks: the receipt still names the file received
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
                report.size += len(chunk)
        report.sha256 = digest.hexdigest()
    except OSError:
        pass
    report.findings.append(finding(failure.code, file=name, detail=failure.detail))
    return report


def _inspect_here(path: str, expected: Expected, public_key: Ed25519PublicKey | None, name: str | None) -> FileReport:
    try:
        return inspect_file(path, expected, public_key, display=name)
    except Exception as exc:  # noqa: BLE001 - one file never stops the batch
        return _failed(path, Failure("FILE_UNREADABLE", f"errore durante la lettura ({type(exc).__name__})"), name)


def collect(loaded: LoadedPlan, paths: Iterable[str | Path], *, public_key: Ed25519PublicKey | None = None,
            jobs: int | None = None, progress: Callable[[int, int], None] | None = None,
            isolate: bool = True, limits: Limits | None = None, names: Mapping[str, str] | None = None,
            hr: list[HrRecord] | None = None, hr_source: str = "") -> CollectResult:
    """Inspect every file, then consolidate; results do not depend on `jobs` or on the order of `paths`.

    Args:
        loaded: the plan.
        paths: files and folders (searched recursively).
        public_key: verifies the manifests' signatures; without it signatures are not checked (and a finding
            says so).
        jobs: worker processes (default: the cores available).
        progress: called with (files done, files in all).
        isolate: read each file in a worker process with `limits` (the default, and what the CLI does): a
            file that crashes a library, hangs or exhausts memory becomes a finding for that file. With
            ``isolate=False`` files are read one after the other in this process, without limits (`jobs` is
            then ignored): only for files that are trusted.
        limits: time and memory limits per file (default 10 s, 512 MB).
        names: the name the reports give a file, by its path as found (default: the path itself); the web app
            keeps returns under their SHA-256 and reports them under the name they were uploaded with.
        hr: HR data that replaces the plan's own (from `collect --hr`), checked against the plan.
        hr_source: where `hr` came from (a file name), for findings and the report.
    """
    names = {str(k): v for k, v in (names or {}).items()}
    expected = Expected.from_plan(loaded)
    expected.wanted_addresses()  # made here once, so that every forked worker inherits it
    # the plan's content (a large plan's hundreds of thousands of objects) stays for the whole run: what exists now
    # is frozen out of the cyclic collector's passes while the reports come in, and given back when the run ends.
    # It is process-wide: in the web app, runs at the same time may unfreeze one another early (only slower)
    gc.freeze()
    try:
        return _collect(expected, paths, public_key, jobs, progress, isolate, limits, names, hr, hr_source)
    finally:
        gc.unfreeze()


def _collect(expected: Expected, paths: Iterable[str | Path], public_key: Ed25519PublicKey | None, jobs: int | None,
             progress: Callable[[int, int], None] | None, isolate: bool, limits: Limits | None,
             names: dict[str, str], hr: list[HrRecord] | None, hr_source: str) -> CollectResult:
    found = discover(paths)
    files = [str(p) for p in found.files]
    jobs = max(1, min(jobs or default_jobs(), len(files) or 1))
    reports: list[FileReport] = []
    if isolate:
        reports = run_isolated(files, _Inspector(expected, public_key, names),
                               lambda path, failure: _failed(path, failure, names.get(path)), jobs=jobs,
                               limits=limits, progress=progress)
    else:
        for index, path in enumerate(files):
            reports.append(_inspect_here(path, expected, public_key, names.get(path)))
            if progress:
                progress(index + 1, len(files))
    for report in reports:
        report.modified = _modified(report.path)
    consolidated = consolidate(expected, reports)
    premi = compute_premi(expected, consolidated, hr, hr_source)
    findings = [f for r in reports for f in r.findings] + consolidated.findings + premi.findings
    findings += [finding("FILE_IGNORED", file=str(s.path), detail=s.reason) for s in found.skipped]
    if public_key is None:
        findings.append(finding("SIGNATURE_ABSENT",
                                detail="nessuna chiave pubblica indicata: le firme dei file non sono state verificate"))
    return CollectResult(expected, reports, consolidated, sort_findings(findings), found.skipped, premi)


def _modified(path: str) -> float | None:
    """The file's modification time (read from the folder, the file is not opened), None if it is gone."""
    try:
        return os.stat(path).st_mtime
    except OSError:
        return None
