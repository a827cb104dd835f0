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

# what each returned file must raise in collect (errors and warnings), and nothing else
PLANTED = {
    "comune-esempio-2025-settore-1.xlsx": set(),
    "comune-esempio-2025-settore-2.xlsx": {"SCORE_MISSING"},
    "comune-esempio-2025-settore-2 (corretta).xlsx": {"DUPLICATE_RETURN"},
    "comune-esempio-2025-settore-3.xlsx": {"SCORE_OUT_OF_SCALE"},
    "comune-esempio-2025-settore-4.xlsx": {"PROTECTION_REMOVED", "LOCKED_CHANGED"},
}
RECALCULATED = {"comune-esempio-2025-settore-4.xlsx": {"CACHED_MISMATCH"}}  # once a spreadsheet recalculated it
# the note every return carries: openpyxl saves no cached values; LibreOffice does not keep the structure protection
NOTES = {"python_run": "NO_CACHED_VALUES", "libreoffice_run": "PROTECTION_REMOVED"}
STATUSES = {"settore-1": "clean", "settore-2": "duplicate", "settore-3": "incomplete", "settore-4": "errors",
            "settore-5": "missing"}
RUNS = ["python_run", "libreoffice_run"]


@pytest.fixture(scope="module")
def python_run(tmp_path_factory):
    """The demo as on a machine without LibreOffice: the returns are saved by openpyxl, without cached values."""
    return run_demo(tmp_path_factory.mktemp("demo") / "out", use_libreoffice=False)


@pytest.fixture(scope="module")
def libreoffice_run(tmp_path_factory):
    """The demo with LibreOffice recalculating and saving the filled returns (fails, not skips, without it)."""
    soffice()
    return run_demo(tmp_path_factory.mktemp("demo-lo") / "out", use_libreoffice=True)


def by_file(findings, *severities):
    out: dict[str | None, set[str]] = {}
    for f in findings:
        if f.severity.value in severities:
            out.setdefault(Path(f.file).name if f.file else None, set()).add(f.code)
    return out


@pytest.mark.parametrize("run", RUNS)
def test_collect_reports_the_planted_mistakes_and_nothing_else(run, request):
    result = request.getfixturevalue(run)
    found = by_file(result.collect.findings, "error", "warning")
    assert found.pop(None) == {"CARD_MISSING"}
    planted = {name: codes | (RECALCULATED.get(name, set()) if run == "libreoffice_run" else set())
               for name, codes in PLANTED.items()}
    assert found == {name: codes for name, codes in planted.items() if codes}
    assert by_file(result.collect.findings, "info") == {name: {NOTES[run]} for name in PLANTED}
    missing = [f for f in result.collect.findings if f.code == "CARD_MISSING"]
    assert len(missing) == 1 and "Settore V" in missing[0].message
    # each return told its story, and the plan it planted is what the test expects
    assert {path.name: set(ret.mistakes) | set(ret.recalculated_mistakes) for path, ret in result.returns} == {
        name: codes | RECALCULATED.get(name, set()) for name, codes in PLANTED.items()}
    if run == "libreoffice_run":  # the weight raised on settore-4 changes what the file shows, not what counts
        raised = [f for f in result.collect.findings if f.code == "CACHED_MISMATCH"]
        assert len(raised) == 1 and "G22" in raised[0].cell and "(82)" in raised[0].message
    cards = {c.card_id: c for c in result.collect.consolidated.cards}
    assert set(cards) == {"settore-1", "settore-2", "settore-3", "settore-4"}
    assert Path(cards["settore-2"].file).name == "comune-esempio-2025-settore-2 (corretta).xlsx"
    assert cards["settore-1"].result.complete and not cards["settore-3"].result.complete


@pytest.mark.parametrize("run", RUNS)
def test_each_card_has_the_status_of_what_happened_to_it(run, request):
    result = request.getfixturevalue(run)
    statuses = {s.card_id: s for s in result.collect.consolidated.statuses}
    assert {card: s.status for card, s in statuses.items()} == STATUSES
    tampered = statuses["settore-4"]
    assert tampered.text.startswith("Da verificare") and not tampered.final
    assert tampered.card is not None and tampered.card.result.total == pytest.approx(82)  # the issued weights count
    data = json.loads(result.collect_json.read_text(encoding="utf-8"))
    assert {c["card"]: c["status"] for c in data["cards"]} == {k: v for k, v in STATUSES.items() if v != "missing"}
    assert data["missing"] == ["settore-5"]
    json_cards = {c["card"]: c for c in data["cards"]}
    assert (json_cards["settore-4"]["band"], json_cards["settore-4"]["bonus"]) == (None, None)  # not final
    assert json_cards["settore-1"]["band"] == "Da 71 a 85" and json_cards["settore-1"]["bonus"] == 720
    ws = openpyxl.load_workbook(result.collect_report)["Riepilogo"]
    rows = {row[0]: row for row in ws.iter_rows(min_row=4, values_only=True)}
    header = [c.value for c in ws[3]]
    tampered_row = dict(zip(header, rows["Settore IV Polizia Locale"], strict=True))
    assert tampered_row["Stato"].startswith("Da verificare") and tampered_row["Premio"] is None
    assert tampered_row["Punteggio"] == pytest.approx(82) and tampered_row["Fascia"] is None
    assert dict(zip(header, rows["Settore I Amministrativo"], strict=True))["Stato"] == "Completa"


def test_both_recalculations_give_the_same_verdicts(python_run, libreoffice_run):
    def seen(result):
        return Counter((Path(f.file).name if f.file else None, f.sheet, f.cell, f.code, f.message.replace(
            str(result.out_dir), "")) for f in result.collect.findings
            if f.severity.value != "info" and f.code != "CACHED_MISMATCH")

    assert seen(python_run) == seen(libreoffice_run)
    assert python_run.recalculated_by.startswith("nessuno")
    assert libreoffice_run.recalculated_by == "LibreOffice"


@pytest.mark.parametrize("run", RUNS)
def test_audit_reports_the_tampered_file_only(run, request):
    result = request.getfixturevalue(run)
    assert {f.signature for f in result.audit.files} == {"valid"}
    assert all(row.status == "ok" for f in result.audit.files for row in f.formulas)
    # the same codes as collect: the raised weight, the protection removed, and (once a spreadsheet recalculated
    # the file) what it shows is not what the scores give: the shown points and total follow the raised weight
    tampered = "comune-esempio-2025-settore-4.xlsx"
    want = PLANTED[tampered] | (RECALCULATED[tampered] if run == "libreoffice_run" else set())
    assert by_file(result.audit.findings, "error", "warning") == {tampered: want}

    def serious(findings):
        return {(f.code, f.sheet, f.cell) for f in findings
                if f.file and Path(f.file).name == tampered and f.severity.value in ("error", "warning")}

    assert serious(result.audit.findings) == serious(result.collect.findings)
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


def test_returns_keep_what_the_offices_application_keeps(python_run, libreoffice_run):
    """Typed with openpyxl: protection and the signed manifest kept, inputs typed, no cached values;
    saved by LibreOffice: the same, with every formula's value cached."""
    name = "comune-esempio-2025-settore-1.xlsx"
    for run, manifest_state in ((python_run, "veryHidden"), (libreoffice_run, "hidden")):
        path = next(p for p, ret in run.returns if p.name == name)
        wb = openpyxl.load_workbook(path)
        ws = wb["Settore I Amministrativo"]
        assert ws.protection.sheet and wb["_piano_xlsx"].sheet_state == manifest_state
        assert ws["C7"].value == "Nucleo di Valutazione" and ws["C8"].value.date().isoformat() == "2026-03-16"
    assert python_run.returns[0][0].parent != libreoffice_run.returns[0][0].parent
    typed = openpyxl.load_workbook(next(p for p, _ in python_run.returns if p.name == name), data_only=True)
    assert typed["Riepilogo"]["D5"].value is None and typed.security.lockStructure
    saved = openpyxl.load_workbook(next(p for p, _ in libreoffice_run.returns if p.name == name), data_only=True)
    assert saved["Riepilogo"]["D5"].value == pytest.approx(80) and saved["Riepilogo"]["I5"].value == "Completa"


def test_the_command_runs_offline_without_libreoffice(tmp_path):
    """As on a fresh install: no soffice on PATH, exit 0, the report paths printed."""
    env = {**os.environ, "PATH": str(tmp_path / "nothing-here")}
    done = subprocess.run([sys.executable, "-m", "piano_xlsx", "demo", "-o", str(tmp_path / "demo")], cwd=ROOT,
                          capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "ricalcolo: nessuno (LibreOffice non installato): i file non contengono valori calcolati" in done.stdout
    # the summary tells each card's fate, as the report does
    assert ("schede: 5 (complete: 1, da verificare: 1, incomplete: 1, restituite più volte: 1, non restituite: 1)"
            in done.stdout)
    assert "Settore IV Polizia Locale: Da verificare: 2 errori; fascia e premio dopo la verifica" in done.stdout
    assert "Settore V Servizi alla Persona: Non restituita" in done.stdout
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
