"""Real-world spreadsheets nobody on this project wrote: each ends in findings, within time and memory.

The corpus (see ../shared/corpus/README.md) holds the test files of the
calamine project, some deliberately malformed: out-of-memory and
denial-of-service reproductions among them. Its path comes from the
environment variable PIANO_XLSX_CORPUS, which `.ci/run` sets; where it is not
set the sweep does not run, and pytest says so with the reason.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hostile import Snapshot, measure, read_both_ways
from support import EXAMPLE_PLAN

from piano_xlsx.collect import collect
from piano_xlsx.collect.inspect import FileReport, inspect_file
from piano_xlsx.findings import CATALOGUE, Severity, exit_status
from piano_xlsx.plan.loader import load_plan
from piano_xlsx.signing import load_public_key
from piano_xlsx.verify.expected import Expected

TIME_LIMIT = 10.0
MEMORY_LIMIT_MB = 512
NOT_SET = ("PIANO_XLSX_CORPUS is not set: the sweep over the real-world corpus did not run "
           "(set it to the corpus folder, ../shared/corpus, as .ci/run does)")


def corpus_root() -> Path | None:
    value = os.environ.get("PIANO_XLSX_CORPUS")
    return Path(value) if value else None


def corpus_files() -> list[Path]:
    root = corpus_root()
    if root is None:
        return []
    assert root.is_dir(), f"PIANO_XLSX_CORPUS names {root}, which is not a folder"
    return sorted(p for p in root.rglob("*") if p.is_file())


FILES = corpus_files()
ROOT = corpus_root()
needs_corpus = pytest.mark.skipif(not FILES, reason=NOT_SET)


def _params() -> list[Any]:
    if not FILES:
        return [pytest.param(None, id="corpus-not-set", marks=pytest.mark.skip(reason=NOT_SET))]
    return [pytest.param(p, id=str(p.relative_to(ROOT))) for p in FILES]  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def plan() -> Any:
    return load_plan(EXAMPLE_PLAN)


@pytest.fixture(scope="module")
def expected(plan: Any) -> Expected:
    return Expected.from_plan(plan)


@pytest.mark.parametrize("path", _params())
def test_corpus_file_ends_in_findings_within_limits(path: Path, expected: Expected, keys: tuple[Path, Path]) -> None:
    before = Snapshot.take([path])
    measured = measure(inspect_file, path, expected, load_public_key(keys[1]))
    assert measured.error is None, f"inspect_file raised {measured.error}"
    report: FileReport = measured.result
    codes = [f.code for f in report.findings]
    assert codes, "no finding at all"
    assert all(code in CATALOGUE for code in codes)
    assert report.status == "error" or "NOT_PIANO_WORKBOOK" in codes, codes
    assert report.cards == []
    assert measured.seconds < TIME_LIMIT, f"{measured.seconds:.1f} s"
    assert measured.peak_mb < MEMORY_LIMIT_MB, f"{measured.peak_mb:.0f} MB"
    assert before.changed() == []


@pytest.mark.parametrize("path", _params())
def test_corpus_file_reads_the_same_streamed_or_whole(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Small parts are parsed whole, large ones streamed: on real files both ways agree."""
    whole, streamed = read_both_ways(path, monkeypatch)
    assert whole == streamed


@needs_corpus
def test_corpus_batch_completes_the_same_whatever_the_jobs(plan: Any) -> None:
    assert ROOT is not None
    before = Snapshot.take(FILES)
    one = collect(plan, [ROOT], jobs=1)
    two = collect(plan, [ROOT], jobs=2)
    assert [r.path for r in one.files] == [str(p) for p in FILES]
    assert all(r.findings for r in one.files)
    assert exit_status(one.findings) == 1
    assert [f.to_json() for f in one.findings] == [f.to_json() for f in two.findings]
    assert before.changed() == []


_PEAK = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
sys.stderr.buffer.write(code.stderr)
with open(sys.argv[1], "w") as fh:
    fh.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code.returncode)
"""


@needs_corpus
def test_collect_cli_over_the_corpus_exits_1_without_traceback(tmp_path: Path, keys: tuple[Path, Path]) -> None:
    """The whole corpus through `piano-xlsx collect`: the batch completes, status 1, peak memory bounded."""
    assert ROOT is not None
    before = Snapshot.take(FILES)
    report, peak = tmp_path / "report.xlsx", tmp_path / "peak.txt"
    exe = Path(sys.executable).parent / "piano-xlsx"
    command = [str(exe) if exe.exists() else "piano-xlsx", "collect", str(EXAMPLE_PLAN), str(ROOT),
               "-o", str(report), "--public-key", str(keys[1]), "--json", str(tmp_path / "report.json")]
    result = subprocess.run([sys.executable, "-c", _PEAK, str(peak), *command], capture_output=True, timeout=600)
    assert result.returncode == 1, result.stderr.decode(errors="replace")[-2000:]
    assert b"Traceback" not in result.stdout + result.stderr
    assert report.exists() and (tmp_path / "report.json").exists()
    peak_mb = int(peak.read_text()) / 1024  # the largest of collect and its worker processes
    assert peak_mb < MEMORY_LIMIT_MB, f"{peak_mb:.0f} MB"
    assert before.changed() == []


@needs_corpus
def test_no_corpus_file_is_taken_for_a_card(plan: Any) -> None:
    assert ROOT is not None
    result = collect(plan, [ROOT], jobs=2)
    assert result.consolidated.cards == []
    errors = {f.code for f in result.findings if f.severity == Severity.ERROR}
    assert errors & {"FILE_XLS", "FILE_ODS", "FILE_XLSB", "FILE_ENCRYPTED", "FILE_UNREADABLE"}
