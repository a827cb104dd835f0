"""`piano-xlsx demo`: the whole job on the bundled example; the reports list the planted mistakes and nothing else."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from support import ROOT, soffice

from piano_xlsx.atomic import OutputExists
from piano_xlsx.cli import cli
from piano_xlsx.demo import DemoError, run_demo

# what each returned file must raise in collect, and nothing else
PLANTED = {
    "comune-esempio-2025-settore-1.xlsx": set(),
    "comune-esempio-2025-settore-2.xlsx": {"SCORE_MISSING"},
    "comune-esempio-2025-settore-2 (corretta).xlsx": {"DUPLICATE_RETURN"},
    "comune-esempio-2025-settore-3.xlsx": {"SCORE_OUT_OF_SCALE"},
    "comune-esempio-2025-settore-4.xlsx": {"PROTECTION_REMOVED", "LOCKED_CHANGED", "CACHED_MISMATCH"},
}


@pytest.fixture(scope="module")
def python_run(tmp_path_factory):
    """The demo as on a machine without LibreOffice: the Python model recalculates the returns."""
    return run_demo(tmp_path_factory.mktemp("demo") / "out", use_libreoffice=False)


@pytest.fixture(scope="module")
def libreoffice_run(tmp_path_factory):
    """The demo with LibreOffice recalculating the filled returns (fails, not skips, without LibreOffice)."""
    soffice()
    return run_demo(tmp_path_factory.mktemp("demo-lo") / "out", use_libreoffice=True)


def by_file(findings):
    out: dict[str | None, set[str]] = {}
    for f in findings:
        out.setdefault(Path(f.file).name if f.file else None, set()).add(f.code)
    return out


@pytest.mark.parametrize("run", ["python_run", "libreoffice_run"])
def test_collect_reports_the_planted_mistakes_and_nothing_else(run, request):
    result = request.getfixturevalue(run)
    found = by_file(result.collect.findings)
    assert found.pop(None) == {"CARD_MISSING"}
    assert found == {name: codes for name, codes in PLANTED.items() if codes}
    missing = [f for f in result.collect.findings if f.code == "CARD_MISSING"]
    assert len(missing) == 1 and "Settore V" in missing[0].message
    # each return told its story, and the plan it planted is what the test expects
    assert {path.name: set(ret.mistakes) - {"DUPLICATE_RETURN"} for path, ret in result.returns} == {
        name: codes - {"DUPLICATE_RETURN"} for name, codes in PLANTED.items()}
    # the numbers: the weight raised on settore-4 changes what the file shows, not what counts
    raised = [f for f in result.collect.findings if f.code == "CACHED_MISMATCH"]
    assert len(raised) == 1 and "G17" in raised[0].message  # the points of the objective whose weight was raised
    cards = {c.card_id: c for c in result.collect.consolidated.cards}
    assert set(cards) == {"settore-1", "settore-2", "settore-3", "settore-4"}
    assert Path(cards["settore-2"].file).name == "comune-esempio-2025-settore-2 (corretta).xlsx"
    assert cards["settore-1"].result.complete and not cards["settore-3"].result.complete


def test_both_recalculations_give_the_same_reports(python_run, libreoffice_run):
    def seen(result):
        return Counter((Path(f.file).name if f.file else None, f.sheet, f.cell, f.code, f.message.replace(
            str(result.out_dir), "")) for f in result.collect.findings)

    assert seen(python_run) == seen(libreoffice_run)
    assert python_run.recalculated_by.startswith("modello Python")
    assert libreoffice_run.recalculated_by == "LibreOffice"


@pytest.mark.parametrize("run", ["python_run", "libreoffice_run"])
def test_audit_reports_the_tampered_file_only(run, request):
    result = request.getfixturevalue(run)
    assert {f.signature for f in result.audit.files} == {"valid"}
    assert all(row.status == "ok" for f in result.audit.files for row in f.formulas)
    found = by_file(result.audit.findings)
    assert found == {"comune-esempio-2025-settore-4.xlsx": {"PROTECTION_REMOVED", "LOCKED_CHANGED"}}
    data = json.loads(result.audit_json.read_text(encoding="utf-8"))
    assert len(data["files"]) == len(PLANTED)
    assert "comune-esempio-2025-settore-4.xlsx" in result.audit_report.read_text(encoding="utf-8")


def test_everything_the_demo_says_it_wrote_is_there(python_run):
    r = python_run
    for path in (r.private_key, r.public_key, r.plan_workbook, r.delivery_note, r.collect_report, r.collect_json,
                 r.audit_report, r.audit_workbook, r.audit_json, *r.generated, *(p for p, _ in r.returns)):
        assert path.is_file(), path
    assert len(r.generated) == 5
    collected = json.loads(r.collect_json.read_text(encoding="utf-8"))
    assert collected["missing"] == ["settore-5"]
    wb = openpyxl.load_workbook(r.collect_report, read_only=True)
    assert len(wb.sheetnames) >= 3
    wb.close()


def test_returns_keep_what_excel_keeps(python_run):
    """Filled like Excel saves: protection and the signed manifest kept, inputs typed, cached values present."""
    path = next(p for p, ret in python_run.returns if p.name == "comune-esempio-2025-settore-1.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Settore I Amministrativo"]
    assert ws.protection.sheet and wb.security.lockStructure
    assert wb["_piano_xlsx"].sheet_state == "veryHidden"
    assert ws["C7"].value == "Nucleo di Valutazione" and ws["C8"].value.date().isoformat() == "2026-03-16"
    values = openpyxl.load_workbook(path, data_only=True)["Riepilogo"]
    assert values["D5"].value == pytest.approx(80) and values["I5"].value == "Completa"


def test_the_command_runs_offline_without_libreoffice(tmp_path):
    """As on a fresh install: no soffice on PATH, exit 0, the report paths printed."""
    env = {**os.environ, "PATH": str(tmp_path / "nothing-here")}
    done = subprocess.run([sys.executable, "-m", "piano_xlsx", "demo", "-o", str(tmp_path / "demo")], cwd=ROOT,
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "ricalcolo: modello Python delle formule (LibreOffice non installato)" in done.stdout
    assert f"Rapporto consolidato: {tmp_path / 'demo' / 'rapporto-consolidato.xlsx'}" in done.stdout
    assert f"Rapporto di audit:    {tmp_path / 'demo' / 'audit.html'}" in done.stdout
    assert "Traceback" not in done.stderr


def test_the_output_folder_is_replaced_only_when_it_is_a_demos(tmp_path):
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "tesi.docx").write_bytes(b"da non perdere")
    with pytest.raises(DemoError):
        run_demo(foreign, use_libreoffice=False)
    assert (foreign / "tesi.docx").read_bytes() == b"da non perdere"
    refused = CliRunner().invoke(cli, ["demo", "-o", str(foreign), "--without-libreoffice"])
    assert refused.exit_code == 2 and "altri file" in refused.output


def test_a_second_run_replaces_the_first_only_with_force(python_run):
    report = python_run.collect_report.read_bytes()
    with pytest.raises(OutputExists):
        run_demo(python_run.out_dir, use_libreoffice=False)
    assert python_run.collect_report.read_bytes() == report
    again = run_demo(python_run.out_dir, use_libreoffice=False, force=True)
    assert Counter(f.code for f in again.collect.findings) == Counter(f.code for f in python_run.collect.findings)
