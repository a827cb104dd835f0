"""`audit` on files that are not what they claim: findings, never a traceback; and the engine's own limits.

The hostile files are the ones `collect` is tested with (tests/hostile.py):
not workbooks, other formats, XML and zip attacks, forged manifests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from agree import both
from hostile import Base, build_all, cases, make_base, measure
from support import EXAMPLE_PLAN

from piano_xlsx.audit import audit_file
from piano_xlsx.audit.engine import EngineRefused, Model, Source, largest_range
from piano_xlsx.findings import Severity
from piano_xlsx.plan.loader import load_plan
from piano_xlsx.signing import load_public_key
from piano_xlsx.verify.expected import Expected
from piano_xlsx.workbook.layout import plan_layouts

CASES = {case.name: case for case in cases() if not case.heavy}
# codes that say what a file is, or that its manifest cannot be trusted: the audit must give the same ones
FILE_LEVEL = {"FILE_UNREADABLE", "FILE_NOT_SPREADSHEET", "FILE_ENCRYPTED", "FILE_XLS", "FILE_ODS", "FILE_XLSB",
              "FILE_MACROS", "FILE_TOO_LARGE", "FILE_XML_UNSAFE", "FILE_STRICT_OOXML", "MANIFEST_MISSING",
              "MANIFEST_INVALID", "SIGNATURE_INVALID", "SIGNATURE_OTHER_KEY"}
TIME_LIMIT = 30.0  # seconds per file, engine included
MEMORY_LIMIT_MB = 768


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory, keys: tuple[Path, Path]) -> Base:
    """A generated, signed, per-sector workbook filled as an office would, and its siblings."""
    return make_base(tmp_path_factory.mktemp("issued"), tmp_path_factory.mktemp("filled"), keys[0])


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, base: Base) -> dict[str, Path]:
    """Every hostile file, built once, in one folder (name -> path)."""
    return build_all(tmp_path_factory.mktemp("hostile"), base, CASES)


def _audit_codes(path: Path, public_key_path: Path) -> tuple[list[str], list[str]]:
    """Run in a child process by `measure`: the codes found and the formula statuses."""
    audit = audit_file(path, public_key=load_public_key(public_key_path))
    return [f.code for f in audit.findings], [r.status for r in audit.formulas]


def test_an_openpyxl_filled_return_without_cached_values_is_ok(base: Base, keys: tuple[Path, Path]) -> None:
    audit = audit_file(base.filled, public_key=load_public_key(keys[1]))
    assert [f.code for f in audit.findings if f.severity == Severity.ERROR] == []
    assert {r.status for r in audit.formulas} == {"ok"}
    assert "NO_CACHED_VALUES" in {f.code for f in audit.findings}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_hostile_file_ends_in_findings_within_limits(name: str, hostile: dict[str, Path],
                                                       keys: tuple[Path, Path]) -> None:
    measured = measure(_audit_codes, hostile[name], keys[1], timeout=TIME_LIMIT * 2)
    assert measured.error is None, measured.error
    codes, statuses = measured.result
    assert measured.seconds < TIME_LIMIT
    assert measured.peak_mb < MEMORY_LIMIT_MB
    assert CASES[name].codes & FILE_LEVEL <= set(codes)
    if CASES[name].codes:
        assert codes, "a hostile file gave no finding"
    assert set(statuses) <= {"ok", "changed", "stale", "missing"}


def test_a_file_without_manifest_lists_its_formulas_judged_by_their_values(hostile: dict[str, Path],
                                                                          keys: tuple[Path, Path]) -> None:
    audit = audit_file(hostile["manifest-removed"], public_key=load_public_key(keys[1]))
    assert "MANIFEST_MISSING" in {f.code for f in audit.findings}
    assert audit.signature == "absent" and audit.formulas
    assert all(r.issued is None and r.status in ("ok", "stale") for r in audit.formulas)
    assert not {"FORMULA_CHANGED", "FORMULA_REPLACED"} & {f.code for f in audit.findings}


def test_a_forged_manifest_fails_the_signature_and_the_plans_model_disagrees(
        hostile: dict[str, Path], keys: tuple[Path, Path], base: Base) -> None:
    """A weight raised in the sheet and in the manifest alike: only the signature, or the plan, can tell."""
    path = hostile["weight-and-hash"]
    alone = audit_file(path, public_key=load_public_key(keys[1]))
    assert alone.signature == "invalid" and alone.constants == []
    loaded = load_plan(EXAMPLE_PLAN)
    with_plan = audit_file(path, public_key=load_public_key(keys[1]), loaded=loaded, layouts=plan_layouts(loaded))
    row = int(base.weight_cell[1:])
    differs = {f.cell for f in with_plan.findings if f.code == "AUDIT_MODEL_DIFFERS"}
    assert f"G{row}" in differs


def test_a_formula_where_none_was_issued_is_added_and_one_beyond_the_engine_is_said(
        base: Base, keys: tuple[Path, Path], tmp_path: Path) -> None:
    """A formula typed in an empty cell of a card: FORMULA_ADDED; it spans the whole sheet: AUDIT_ENGINE."""
    import openpyxl

    wb = openpyxl.load_workbook(base.filled)
    wb[base.weight_sheet]["Z1"] = "=SUM(A1:XFD1048576)"
    path = tmp_path / "aggiunta.xlsx"
    wb.save(path)
    audit = audit_file(path, public_key=load_public_key(keys[1]))
    found = {(f.code, f.severity, f.sheet, f.cell) for f in audit.findings}
    assert ("FORMULA_ADDED", Severity.ERROR, base.weight_sheet, "Z1") in found
    assert ("AUDIT_ENGINE", Severity.WARNING, base.weight_sheet, "Z1") in found
    [row] = [r for r in audit.formulas if r.cell == "Z1"]
    assert (row.status, row.change, row.issued) == ("changed", "added", None)


def test_the_original_file_is_never_written(base: Base, keys: tuple[Path, Path]) -> None:
    before = (base.filled.read_bytes(), base.filled.stat().st_mtime_ns)
    audit_file(base.filled, public_key=load_public_key(keys[1]))
    assert (base.filled.read_bytes(), base.filled.stat().st_mtime_ns) == before


# --- the engine ---

@pytest.mark.parametrize(("formula", "cells"), [
    ("A1+B2", 0), ("SUM(A1:B2)", 4), ("SUM($A$1:$C$10)", 30), ("SUM(A:A)", 1_048_576), ("SUM(3:3)", 16_384),
    ("SUM('Foglio 2'!B2:C3)", 4), ('"A1:Z1000"&A1', 0), ("SUM(A1:XFD1048576)", 16_384 * 1_048_576),
])
def test_largest_range(formula: str, cells: int) -> None:
    assert largest_range(formula) == cells


def _sheet(cells: dict[str, Any]) -> dict[str, dict[str, Source]]:
    return {"Foglio": {a: Source(formula=v[1:]) if isinstance(v, str) and v.startswith("=") else Source(value=v)
                       for a, v in cells.items()}}


def test_the_engine_computes_what_a_spreadsheet_would() -> None:
    model = Model(_sheet({"A1": 8.0, "A2": "8 ", "B1": '=IF(ISNUMBER(MATCH(A1,{4,6,8,10},0)),"OK","No")',
                          "B2": '=IF(ISNUMBER(A2),"OK","Non ammesso")', "B3": "=ROUND(A1*2/3,1)",
                          "B4": '="Mancano "&A1&" valutazioni"', "B5": "=1/0", "B6": "=ISBLANK(A9)",
                          "B7": '=COUNTIF(B1:B2,"OK")', "B8": "=A3"}))
    values = model.compute().values
    assert [values[("Foglio", f"B{n}")] for n in range(1, 9)] == [
        "OK", "Non ammesso", 5.3, "Mancano 8 valutazioni", "#DIV/0!", True, 1.0, 0.0]


def test_the_engine_reads_sheet_names_with_an_apostrophe_and_keeps_missing_sheets_missing() -> None:
    summary = {"B1": Source(formula="'Polizia d''ambito'!A2+1"), "B2": Source(formula="'polizia D''AMBITO'!A1"),
               "B3": Source(formula="S1!A1+1")}  # S1 is no sheet of this workbook, whatever the engine calls its own
    cells = {"Polizia d'ambito": {"A1": Source(value=3.0), "A2": Source(formula="A1*2")}, "Riepilogo": summary}
    model = Model(cells)
    assert model.problems == []
    values = model.compute().values
    assert (values[("Polizia d'ambito", "A2")], values[("Riepilogo", "B1")], values[("Riepilogo", "B2")]) == (6, 7, 3)
    assert values[("Riepilogo", "B3")] == 1  # an empty cell of a sheet that is not there, as before: not A1's 3


def test_the_engine_overrides_a_cell_for_one_run_only() -> None:
    model = Model(_sheet({"A1": 2.0, "A2": "=A1*10", "A3": "=A2+1"}), also=[("Foglio", "A4")])
    assert model.compute({("Foglio", "A2"): 5.0}).values[("Foglio", "A3")] == 6.0
    assert model.compute().values[("Foglio", "A3")] == 21.0


def test_a_text_that_looks_like_a_formula_stays_text() -> None:
    values = Model(_sheet({"A1": "=1+1", "B1": '=A1&""'})).compute().values
    assert values[("Foglio", "B1")] == "2"  # A1 is a formula here; now as a constant text:
    model = Model({"Foglio": {"A1": Source(value="=1+1"), "B1": Source(formula='A1&""')}})
    assert model.compute().values[("Foglio", "B1")] == "=1+1"


def test_formulas_the_engine_refuses_are_reported_not_raised() -> None:
    model = Model(_sheet({"A1": "=SUM(A2:XFD1048576)", "A2": "=1+", "A3": "=A2+1", "A4": "=" + "1+" * 5000 + "1"}))
    reasons = {p.cell: p.reason for p in model.problems}
    assert set(reasons) == {"A1", "A2", "A4"}
    assert "intervallo troppo esteso" in reasons["A1"] and "non interpretabile" in reasons["A2"]
    assert model.compute().values[("Foglio", "A3")] == 1.0  # an empty A2 counts as 0


def test_too_many_formulas_are_refused_as_a_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    import piano_xlsx.audit.engine as engine

    monkeypatch.setattr(engine, "MAX_FORMULAS", 10)
    with pytest.raises(EngineRefused, match="formule"):
        Model(_sheet({f"A{n}": f"={n}" for n in range(1, 12)}))


def test_constants_no_formula_refers_to_stay_out_of_the_model() -> None:
    cells = {f"A{n}": float(n) for n in range(1, 5001)} | {"B1": "=SUM(A1:A3)", "B2": "=A10"}
    model = Model(_sheet(cells))
    values = model.compute().values
    assert values[("Foglio", "B1")] == 6.0 and values[("Foglio", "B2")] == 10.0
    assert len(values) < 20


def test_circular_references_leave_cells_uncomputed() -> None:
    values = Model(_sheet({"A1": "=A2+1", "A2": "=A1+1", "A3": "=5"})).compute().values
    assert values.get(("Foglio", "A1")) is None and values[("Foglio", "A3")] == 5.0


def test_memory_of_a_large_model_stays_bounded() -> None:
    cells = {f"A{n}": float(n) for n in range(1, 20_001)} | {f"B{n}": f"=A{n}*2" for n in range(1, 501)}
    measured = measure(lambda: len(Model(_sheet(cells)).compute().values), timeout=120)
    assert measured.error is None and measured.result == 1000
    assert measured.peak_mb < 1024


def test_a_file_that_takes_its_worker_down_is_a_finding_and_the_batch_goes_on(tmp_path, monkeypatch, base):
    import os
    import shutil

    import piano_xlsx.audit as audit_module

    real = audit_module.audit_file
    crash = tmp_path / "crash.xlsx"
    shutil.copy(base.filled, crash)
    fine = tmp_path / "fine.xlsx"
    shutil.copy(base.filled, fine)

    def audit_file(path, **kwargs):  # a real abort of the worker process, as a native library may cause
        if str(path).endswith("crash.xlsx"):
            os.abort()
        return real(path, **kwargs)

    monkeypatch.setattr(audit_module, "audit_file", audit_file)
    result = audit_module.audit([tmp_path])
    by_name = {Path(f.path).name: f for f in result.files}
    assert [f.code for f in by_name["crash.xlsx"].findings] == ["FILE_UNREADABLE"]
    assert by_name["crash.xlsx"].sha256  # still on the receipt list
    assert by_name["fine.xlsx"].formulas and all(row.status == "ok" for row in by_name["fine.xlsx"].formulas)


@pytest.mark.parametrize("name", sorted(CASES))
def test_collect_and_audit_agree_on_a_hostile_file(name: str, hostile: dict[str, Path], keys: tuple[Path, Path]
                                                   ) -> None:
    loaded = load_plan(EXAMPLE_PLAN)
    collected, audited = both(hostile[name], loaded, Expected.from_plan(loaded), load_public_key(keys[1]))
    assert collected == audited, (sorted(collected - audited), sorted(audited - collected))
