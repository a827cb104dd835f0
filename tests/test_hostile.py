"""Hostile, damaged and forged returns: every one ends in findings, within time and memory, and is never written.

The files are built during the run by `hostile.py`. Each case is read in a
fresh process so its time and peak memory are its own; the whole set is then
collected as one batch through the isolated workers. Crashes that no Python
code can catch (a segfault, an abort, a Rust panic) are reproduced for real.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hostile import (
    MB,
    Base,
    Case,
    Entry,
    Snapshot,
    build_all,
    cases,
    make_base,
    manifest_column,
    measure,
    parts_of,
    raw_zip,
    read_both_ways,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import EXAMPLE_PLAN

from piano_xlsx.collect import collect
from piano_xlsx.collect.inspect import FileReport, inspect_file
from piano_xlsx.files.isolation import Failure, Limits, run_isolated
from piano_xlsx.findings import CATALOGUE, Severity
from piano_xlsx.plan.loader import load_plan
from piano_xlsx.signing import load_public_key
from piano_xlsx.verify.expected import Expected

ROOT = Path(__file__).resolve().parent.parent
TIME_LIMIT = 10.0  # seconds per file (SPEC §5, issue 7)
MEMORY_LIMIT_MB = 512
CASES = {case.name: case for case in cases()}


@pytest.fixture(scope="module")
def plan() -> Any:
    return load_plan(EXAMPLE_PLAN)


@pytest.fixture(scope="module")
def expected(plan: Any) -> Expected:
    return Expected.from_plan(plan)


@pytest.fixture(scope="module")
def public_key(keys: tuple[Path, Path]) -> Any:
    return load_public_key(keys[1])


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory, keys: tuple[Path, Path]) -> Base:
    """A generated, signed, per-sector workbook filled as an office would, and its siblings."""
    return make_base(tmp_path_factory.mktemp("issued"), tmp_path_factory.mktemp("filled"), keys[0])


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, base: Base) -> dict[str, Path]:
    """Every hostile file, built once, in one folder (name -> path)."""
    return build_all(tmp_path_factory.mktemp("hostile"), base, CASES)


def _codes(report: FileReport) -> list[str]:
    return [f.code for f in report.findings]


def test_the_base_return_verifies_clean(base: Base, expected: Expected, public_key: Any) -> None:
    report = inspect_file(base.filled, expected, public_key)
    assert [f for f in report.findings if f.severity == Severity.ERROR] == []
    assert [c.card_id for c in report.cards] == ["settore-1"]


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_file_gives_its_findings_within_limits(name: str, hostile: dict[str, Path], expected: Expected,
                                                       public_key: Any) -> None:
    case: Case = CASES[name]
    path = hostile[name]
    before = Snapshot.take([path])
    measured = measure(inspect_file, path, expected, public_key)
    assert measured.error is None, f"{name}: inspect_file raised {measured.error}"
    report: FileReport = measured.result
    codes = _codes(report)
    assert case.codes <= set(codes), f"{name}: expected {sorted(case.codes)}, found {codes}"
    assert all(code in CATALOGUE for code in codes)
    if not case.codes:
        assert [f for f in report.findings if f.severity == Severity.ERROR] == [], f"{name}: {codes}"
    else:
        assert report.status == "error"
    assert all(f.file == str(path) for f in report.findings)
    assert all("Traceback" not in f.message for f in report.findings)
    assert measured.seconds < TIME_LIMIT, f"{name}: {measured.seconds:.1f} s"
    assert measured.peak_mb < MEMORY_LIMIT_MB, f"{name}: {measured.peak_mb:.0f} MB"
    assert before.changed() == []


@pytest.mark.parametrize("name", ["huge-dimension", "huge-dimension-card"])
def test_a_cell_at_xfd1048576_costs_nothing(name: str, hostile: dict[str, Path], expected: Expected,
                                             public_key: Any) -> None:
    """Only the cells the layout names are kept: a far corner cell neither allocates a grid nor takes time."""
    measured = measure(inspect_file, hostile[name], expected, public_key)
    assert measured.error is None
    assert measured.seconds < 1.0
    assert measured.peak_mb - measured.start_mb < 40


def test_millions_of_shared_strings_keep_memory_bounded(hostile: dict[str, Path], expected: Expected,
                                                        public_key: Any) -> None:
    measured = measure(inspect_file, hostile["many-shared-strings"], expected, public_key)
    assert measured.error is None
    assert measured.peak_mb - measured.start_mb < 100, f"{measured.peak_mb - measured.start_mb:.0f} MB"


@pytest.mark.parametrize("name", ["filled", "issued", "huge-dimension-card", "many-shared-strings",
                                  "score-nan", "manifest-transplanted-renamed"])
def test_streamed_and_whole_parts_read_the_same(name: str, base: Base, hostile: dict[str, Path],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Large parts are streamed, small ones parsed whole: both ways give the same workbook."""
    path = {"filled": base.filled, "issued": base.other_card}.get(name) or hostile[name]
    whole, streamed = read_both_ways(path, monkeypatch)
    assert whole == streamed
    assert not isinstance(whole, str) or name == "many-shared-strings"


PROLOG_CASES = ["filled", "issued", "billion-laughs", "external-entity", "doctype-in-workbook", "lying-size",
                "invalid-utf8", "strict-ooxml", "sheet-part-missing"]


def _workbook_or_refusal(path: Path) -> Any:
    from piano_xlsx.files.container import ContainerError, sniff
    from piano_xlsx.reader import xlsx

    try:
        _, zf = sniff(path.read_bytes())
        assert zf is not None
        return xlsx.read_workbook(zf, lambda sheet: None)
    except ContainerError as exc:
        return exc.code, exc.detail


@pytest.mark.parametrize("slow_way", ["every part inflated again", "every prolog read by defusedxml"])
@pytest.mark.parametrize("name", PROLOG_CASES)
def test_parts_read_the_same_the_fast_and_the_slow_way(name: str, slow_way: str, base: Base,
                                                       hostile: dict[str, Path],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A part read whole for its prolog check is kept for its parse, and a prolog the bare C parser finds plain
    skips defusedxml: the workbook, or the refusal with its detail, is the same as when every part is inflated
    again where it is parsed, or every prolog goes through defusedxml."""
    from piano_xlsx.reader import parts, xlsx

    path = {"filled": base.filled, "issued": base.other_card}.get(name) or hostile[name]
    fast = _workbook_or_refusal(path)
    if slow_way == "every part inflated again":
        monkeypatch.setattr(parts, "KEEP_LIMIT", 0)
    else:
        monkeypatch.setattr(parts, "_plain_prolog", lambda data: False)
    assert _workbook_or_refusal(path) == fast
    assert isinstance(fast, xlsx.WorkbookData) == (name in ("filled", "issued"))


@pytest.mark.libreoffice
def test_streamed_and_whole_parts_read_the_same_after_libreoffice(base: Base, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from support import libreoffice_convert

    saved = libreoffice_convert([base.filled], tmp_path / "lo")[0]
    whole, streamed = read_both_ways(saved, monkeypatch)
    assert whole == streamed and not isinstance(whole, str)
    assert any(cell.type == "s" for sheet in whole.sheets.values() for cell in sheet.cells.values())


# --- forgery: each is rejected with an error finding ---

def _errors(report: FileReport) -> set[str]:
    return {f.code for f in report.findings if f.severity == Severity.ERROR}


def test_resigned_with_another_key_is_rejected(hostile: dict[str, Path], expected: Expected,
                                               public_key: Any) -> None:
    for name, code in (("resigned-other-key", "SIGNATURE_OTHER_KEY"), ("resigned-same-key-id", "SIGNATURE_INVALID")):
        report = inspect_file(hostile[name], expected, public_key)
        assert code in _errors(report), name


def test_transplanted_manifest_is_rejected(hostile: dict[str, Path], expected: Expected, public_key: Any,
                                          base: Base) -> None:
    """Another card's genuine manifest, signature valid: the file still cannot pass for either card."""
    for name in ("manifest-transplanted", "manifest-transplanted-renamed"):
        report = inspect_file(hostile[name], expected, public_key)
        assert not {"SIGNATURE_INVALID", "SIGNATURE_OTHER_KEY"} & _errors(report), "the manifest itself is genuine"
        assert _errors(report) & {"SHEET_MISSING", "LOCKED_CHANGED", "CONTENT_HASH_MISMATCH"}, name
        # no card of this file is accepted without errors
        assert all(card.errors for card in report.cards), name


def test_weight_changed_with_the_manifest_hash_is_rejected(hostile: dict[str, Path], expected: Expected,
                                                           public_key: Any) -> None:
    for name, signature in (("weight-and-hash", "SIGNATURE_INVALID"),
                            ("weight-and-hash-resigned", "SIGNATURE_OTHER_KEY")):
        report = inspect_file(hostile[name], expected, public_key)
        assert {signature, "CONTENT_HASH_MISMATCH", "LOCKED_CHANGED"} <= _errors(report), name
        # without the public key the plan alone still catches it
        unsigned = inspect_file(hostile[name], expected, None)
        assert {"CONTENT_HASH_MISMATCH", "LOCKED_CHANGED"} <= _errors(unsigned), name


def test_forged_files_are_what_they_claim(hostile: dict[str, Path], base: Base) -> None:
    """The forgeries are well formed: a genuine manifest, or one re-signed with a valid (other) signature."""
    assert manifest_column(hostile["manifest-transplanted"])[2] == manifest_column(base.other_card)[2]
    assert manifest_column(hostile["resigned-other-key"])[3] != manifest_column(base.filled)[3]


# --- the batch ---

def test_batch_of_hostile_files_completes_the_same_whatever_the_jobs(hostile: dict[str, Path], plan: Any,
                                                                   public_key: Any, base: Base) -> None:
    folder = next(iter(hostile.values())).parent
    inputs = sorted(folder.iterdir())
    before = Snapshot.take(inputs)
    runs = {}
    for jobs in (1, 2):
        start = time.perf_counter()
        result = collect(plan, [folder], public_key=public_key, jobs=jobs)
        runs[jobs] = result
        assert time.perf_counter() - start < TIME_LIMIT * len(inputs)
    one, two = runs[1], runs[2]
    assert [r.path for r in one.files] == sorted(str(p) for p in inputs)
    for report in one.files:
        case = CASES[Path(report.path).stem]
        assert case.codes <= set(_codes(report)), (case.name, _codes(report))
    assert [f.to_json() for f in one.findings] == [f.to_json() for f in two.findings]
    assert [(r.path, r.sha256, _codes(r)) for r in one.files] == [(r.path, r.sha256, _codes(r)) for r in two.files]
    shuffled = collect(plan, list(reversed(inputs)), public_key=public_key, jobs=2)
    assert [f.to_json() for f in shuffled.findings] == [f.to_json() for f in one.findings]
    assert before.changed() == []


def test_a_file_over_the_time_limit_is_reported_with_its_receipt(base: Base, plan: Any, public_key: Any) -> None:
    import hashlib

    from piano_xlsx.findings import exit_status

    result = collect(plan, [base.filled], public_key=public_key, jobs=1, limits=Limits(seconds=0.001))
    (report,) = result.files
    assert _codes(report) == ["FILE_TIMEOUT"]
    assert report.sha256 == hashlib.sha256(base.filled.read_bytes()).hexdigest()
    assert report.size == base.filled.stat().st_size
    assert exit_status(result.findings) == 1
    assert result.consolidated.cards == []


def test_in_process_reading_is_there_when_asked(base: Base, plan: Any, public_key: Any) -> None:
    isolated = collect(plan, [base.filled], public_key=public_key)
    here = collect(plan, [base.filled], public_key=public_key, isolate=False)
    assert [f.to_json() for f in here.findings] == [f.to_json() for f in isolated.findings]


# --- isolation against what no Python code can catch ---

class Panic(BaseException):
    """Like python-calamine's PanicException: not an Exception."""


def _behave(item: str) -> str:
    import ctypes

    if item == "segfault":
        ctypes.string_at(0)
    elif item == "abort":
        os.abort()
    elif item == "memory":
        blocks = []
        while True:
            blocks.append(bytearray(64 * MB))
    elif item == "hang":
        while True:
            pass
    elif item == "sleep":
        time.sleep(60)
    elif item == "panic":
        raise Panic("called `Option::unwrap()` on a `None` value")
    elif item == "exit":
        os._exit(3)
    elif item == "killed":
        os.kill(os.getpid(), signal.SIGKILL)
    elif item == "noisy":
        print("Traceback (most recent call last): a library printing", file=sys.stderr)
        os.write(2, b"thread '<unnamed>' panicked at src/lib.rs\n")
    return f"{item} ok (pid {os.getpid()})"


def _failed(item: str, failure: Failure) -> str:
    return f"{item} {failure.code}"


@pytest.mark.parametrize("jobs", [1, 2])
def test_crashes_timeouts_and_memory_become_failures_and_the_batch_goes_on(jobs: int, capfd: Any) -> None:
    items = ["a", "segfault", "b", "abort", "c", "memory", "d", "hang", "e", "panic", "f", "exit", "g", "killed",
             "h", "noisy", "i"]
    done = []
    start = time.perf_counter()
    results = run_isolated(items, _behave, _failed, jobs=jobs, limits=Limits(seconds=2, memory=256 * MB),
                           progress=lambda n, total: done.append((n, total)))
    elapsed = time.perf_counter() - start
    outcome = dict(zip(items, results, strict=True))
    for item in "abcdefghi":
        assert outcome[item].startswith(f"{item} ok"), outcome[item]
    assert outcome["segfault"] == "segfault FILE_UNREADABLE"
    assert outcome["abort"] == "abort FILE_UNREADABLE"
    assert outcome["memory"] == "memory FILE_TOO_LARGE"
    assert outcome["hang"] == "hang FILE_TIMEOUT"
    assert outcome["panic"] == "panic FILE_UNREADABLE"
    assert outcome["exit"] == "exit FILE_UNREADABLE"
    assert outcome["killed"] == "killed FILE_TOO_LARGE"
    assert outcome["noisy"].startswith("noisy ok")
    assert done[-1] == (len(items), len(items)) and len(done) == len(items)
    assert elapsed < 2 * 2 + 10  # one timeout, not one per item
    err = capfd.readouterr().err
    assert "Traceback" not in err and "panicked" not in err and "Fatal Python error" not in err


def test_workers_are_reused_between_files() -> None:
    results = run_isolated([str(n) for n in range(20)], _behave, _failed, jobs=2)
    pids = {r.split("pid ")[1] for r in results}
    assert len(pids) <= 2


def test_a_timeout_in_one_file_does_not_delay_the_others() -> None:
    items = ["sleep"] + [str(n) for n in range(30)]
    start = time.perf_counter()
    results = run_isolated(items, _behave, _failed, jobs=2, limits=Limits(seconds=1.5))
    assert results[0] == "sleep FILE_TIMEOUT"
    assert all(r.startswith(f"{n} ok") for n, r in zip(range(30), results[1:], strict=True))
    assert time.perf_counter() - start < 6


def test_a_file_that_fails_in_the_middle_of_a_batch_fails_alone() -> None:
    """Items go to a worker in batches: the one that hangs or crashes fails, those before and after it do not."""
    items = [str(n) for n in range(5)] + ["sleep"] + [str(n) for n in range(5, 10)] + ["segfault", "10"]
    start = time.perf_counter()
    results = run_isolated(items, _behave, _failed, jobs=1, limits=Limits(seconds=1.5))
    assert results[5] == "sleep FILE_TIMEOUT" and results[11] == "segfault FILE_UNREADABLE"
    assert all(r.startswith(f"{item} ok") for item, r in zip(items, results, strict=True)
               if item not in ("sleep", "segfault"))
    assert time.perf_counter() - start < 6  # the time limit runs per item, not per batch


def _calamine_read(path: str) -> str:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(path)
    for name in book.sheet_names:
        book.get_sheet_by_name(name).to_python()
    return "read"


def test_a_real_library_abort_is_contained(hostile: dict[str, Path]) -> None:
    """python-calamine aborts the process on a cell at XFD1048576 (it allocates the whole grid)."""
    items = [str(hostile["huge-dimension"]), str(hostile["xlsm"])]
    results = run_isolated(items, _calamine_read, lambda item, failure: failure, jobs=1,
                           limits=Limits(seconds=10, memory=512 * MB))
    assert isinstance(results[0], Failure) and results[0].code in {"FILE_UNREADABLE", "FILE_TOO_LARGE"}
    assert results[1] == "read"


def test_limits_are_checked() -> None:
    with pytest.raises(ValueError):
        Limits(seconds=0)
    with pytest.raises(ValueError):
        Limits(memory=1024)


# --- fuzz: mutated real returns end in a result or findings ---

@pytest.fixture(scope="module")
def base_parts(base: Base) -> dict[str, bytes]:
    return parts_of(base.filled)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow])
@given(data=st.data())
def test_fuzzed_returns_end_in_findings(data: Any, base: Base, base_parts: dict[str, bytes],
                                        expected: Expected, public_key: Any, tmp_path: Path) -> None:
    name = data.draw(st.sampled_from(sorted(base_parts)), label="part")
    raw = bytearray(base_parts[name])
    for _ in range(data.draw(st.integers(1, 8), label="mutations")):
        kind = data.draw(st.sampled_from(["flip", "delete", "insert", "truncate"]), label="kind")
        at = data.draw(st.integers(0, max(0, len(raw) - 1)), label="at")
        if kind == "flip" and raw:
            raw[at] = data.draw(st.integers(0, 255), label="byte")
        elif kind == "delete":
            del raw[at:at + data.draw(st.integers(1, 64), label="length")]
        elif kind == "insert":
            raw[at:at] = data.draw(st.sampled_from([b"<", b"&", b"\x00", b"\xff", b'"', b"<x>", b"&amp;",
                                                    b"<!DOCTYPE a>", b"]]>", b"<c r=\"XFD1048576\"><v>1</v></c>"]))
        else:
            del raw[at:]
    parts = {**base_parts, name: bytes(raw)}
    whole = data.draw(st.booleans(), label="mangle the zip too")
    blob = raw_zip([Entry(n, d) for n, d in parts.items()])
    if whole:
        cut = data.draw(st.integers(0, len(blob) - 1), label="zip byte")
        blob = blob[:cut] + bytes([data.draw(st.integers(0, 255), label="zip value")]) + blob[cut + 1:]
    path = tmp_path / "fuzz.xlsx"
    path.write_bytes(blob)
    start = time.perf_counter()
    report = inspect_file(path, expected, public_key)
    assert isinstance(report, FileReport)
    assert all(f.code in CATALOGUE for f in report.findings)
    assert time.perf_counter() - start < TIME_LIMIT
    assert path.read_bytes() == blob


# --- data safety: killing `collect` mid-run leaves no partial report and no modified input ---

@pytest.fixture(scope="module")
def many_returns(tmp_path_factory: pytest.TempPathFactory, base: Base) -> Path:
    """Returns enough that collect is still reading them when it is killed (copies of a real one, in one folder).

    Only the start of the run is ever read, so a generous count costs the copies alone: it keeps a margin on a
    loaded machine, where the signal may come late, as collect gets faster.
    """
    folder = tmp_path_factory.mktemp("returns")
    data = base.filled.read_bytes()
    for n in range(2000):
        (folder / f"ritorno-{n:03d}.xlsx").write_bytes(data)
    return folder


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("how", ["SIGKILL", "SIGINT"])
@pytest.mark.parametrize("previous", [False, True], ids=["no-report-yet", "report-exists"])
def test_killing_collect_leaves_no_partial_report(how: str, previous: bool, many_returns: Path,
                                                  tmp_path: Path, keys: tuple[Path, Path]) -> None:
    out = tmp_path / "out"
    out.mkdir()
    report = out / "report.xlsx"
    old = b"the previous report"
    if previous:
        report.write_bytes(old)
    inputs = sorted(many_returns.iterdir())
    before = Snapshot.take(inputs)
    exe = Path(sys.executable).parent / "piano-xlsx"
    command = [str(exe) if exe.exists() else "piano-xlsx", "collect", str(EXAMPLE_PLAN), str(many_returns),
               "-o", str(report), "--public-key", str(keys[1]), "--jobs", "2"] + (["--force"] if previous else [])
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 30
    while not _children(process.pid) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)  # the workers are reading
    workers = _children(process.pid)
    assert workers, "collect started no worker process"
    assert process.poll() is None, process.communicate()
    if how == "SIGKILL":
        process.kill()
    else:
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground group
    _, err = process.communicate(timeout=30)
    assert process.returncode != 0
    if how == "SIGINT":
        assert b"Traceback" not in err, err.decode(errors="replace")
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers), "worker processes outlived collect"
    if previous:
        assert report.read_bytes() == old
    else:
        assert not report.exists()
    leftovers = [p.name for p in out.iterdir() if p.name != "report.xlsx"]
    assert leftovers == [], leftovers
    assert before.changed() == []


def test_collect_cli_over_hostile_files_exits_1_without_traceback(hostile: dict[str, Path], tmp_path: Path,
                                                                  keys: tuple[Path, Path]) -> None:
    folder = next(iter(hostile.values())).parent
    before = Snapshot.take(sorted(folder.iterdir()))
    report = tmp_path / "report.xlsx"
    exe = Path(sys.executable).parent / "piano-xlsx"
    result = subprocess.run([str(exe) if exe.exists() else "piano-xlsx", "collect", str(EXAMPLE_PLAN), str(folder),
                             "-o", str(report), "--public-key", str(keys[1])],
                            capture_output=True, timeout=600)
    assert result.returncode == 1, result.stderr.decode(errors="replace")[-2000:]
    assert b"Traceback" not in result.stdout + result.stderr
    assert report.exists()
    assert before.changed() == []


def test_a_part_that_is_not_xml_is_said_in_italian_with_its_place(base: Base, base_parts: dict[str, bytes],
                                                                   expected: Expected, tmp_path: Path) -> None:
    import zipfile

    broken = tmp_path / "rotto.xlsx"
    with zipfile.ZipFile(broken, "w") as zf:
        for name, data in base_parts.items():
            zf.writestr(name, b"<workbook><sheets></workbook>" if name == "xl/workbook.xml" else data)
    report = inspect_file(broken, expected, None)
    (unreadable,) = [f for f in report.findings if f.code == "FILE_UNREADABLE"]
    assert "XML non valido in xl/workbook.xml (riga 1, colonna " in unreadable.message, unreadable.message
    assert "mismatched" not in unreadable.message and "not well-formed" not in unreadable.message


@pytest.mark.parametrize(("data", "plain"), [
    (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<a xmlns="urn:x"><b/></a>', True),
    (b'\xef\xbb\xbf<a/>', True),
    (b'<!-- note --><?pi x?><a/>', True),
    (b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>', False),  # a DTD: defusedxml says what it holds
    (b'<!DOCTYPE a SYSTEM "http://example.org/a.dtd"><a/>', False),
    (b'<a b="1" b="2">', False),  # a broken root: defusedxml says where
    (b'<x:a>', False),  # an unbound prefix, as ElementTree's namespace-aware parser finds it
    (b'<?xml version="1.0" encoding="no-such-codec"?><a/>', False),
    (b'', False),
])
def test_which_prologs_are_plain(data: bytes, plain: bool) -> None:
    from piano_xlsx.reader import parts

    assert parts._plain_prolog(data) is plain
    if plain:  # and defusedxml agrees that nothing is wrong before the root
        parts._check_prolog("part.xml", [data])
