"""Every script in examples/ runs against the real library, so none goes stale."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from support import ROOT, fill_workbook, full_scores, libreoffice_convert, plan_layouts

from piano_xlsx.plan.loader import load_plan

EXAMPLES = ROOT / "examples"


def run(script: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(EXAMPLES / script), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600)


def test_every_example_is_tested():
    tested = {"generate_workbooks.py", "collect_folder.py", "audit_file.py"}
    assert {p.name for p in EXAMPLES.glob("*.py")} == tested


def test_generate_collect_audit(tmp_path):
    # generate: the bundled example plan, keys and one workbook per card
    done = run("generate_workbooks.py", "-o", "lavoro", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    issued = sorted((tmp_path / "lavoro" / "cartelle").glob("*.xlsx"))
    assert len(issued) == 5 and f"written {Path('lavoro') / 'cartelle' / issued[0].name}" in done.stdout
    public = tmp_path / "lavoro" / "chiavi" / "piano-xlsx-pubblica.pem"

    # two offices fill their card (one pastes a 7), LibreOffice saves them as an office would
    from piano_xlsx.demo import example_plan_path

    layouts = plan_layouts(load_plan(example_plan_path()))
    scores = full_scores(layouts, 8)
    scores["settore-3"]["ind.2"] = 7
    filled = [fill_workbook(path, tmp_path / path.name, layouts, scores) for path in issued[:3:2]]
    returned = libreoffice_convert(filled, tmp_path / "restituite")

    collected = run("collect_folder.py", str(example_plan_path()), "restituite", "--public-key", str(public),
                    "-o", "consolidato.xlsx", cwd=tmp_path)
    assert collected.returncode == 1, collected.stderr  # errors found: the pasted 7
    assert "settore-1: total 80 of 100, band Da 71 a 85, complete" in collected.stdout
    assert "SCORE_OUT_OF_SCALE" in collected.stdout and "settore-2: not returned" in collected.stdout
    assert (tmp_path / "consolidato.xlsx").is_file() and (tmp_path / "consolidato.json").is_file()

    audited = run("audit_file.py", str(returned[0]), "--public-key", str(public), "-o", "audit.html", cwd=tmp_path)
    assert audited.returncode == 0, audited.stdout + audited.stderr
    assert "signature valid" in audited.stdout and "formulas as issued" in audited.stdout
    assert (tmp_path / "audit.html").is_file()
