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
    tested = {"generate_workbooks.py", "collect_folder.py", "audit_file.py", "differenziazione.py"}
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


def test_differentiation_by_sector(tmp_path):
    """The analysis example on the demo's returns: the two cards that count, their sectors and bands, and a
    histogram whose bars are drawn."""
    from PIL import Image

    from piano_xlsx.demo import run_demo

    demo = run_demo(tmp_path / "demo", use_libreoffice=False)
    done = run("differenziazione.py", str(demo.out_dir / "piano-esempio.yaml"), str(demo.out_dir / "restituite"),
               "--public-key", str(demo.public_key), "-o", "istogramma.png", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Schede che valgono: 2 di 5 (le altre: incomplete, errors, missing)"
    first = lines[[line.strip() for line in lines].index("sector") + 1:]  # the first table: count, mean, std, min, max
    by_sector = {line.split("  ")[0]: line.split()[-5:] for line in first[:2]}
    assert by_sector["Settore I Amministrativo"] == ["1", "80.0", "<NA>", "80.0", "80.0"]
    assert by_sector["Settore II Finanziario"] == ["1", "91.6", "<NA>", "91.6", "91.6"]
    overall = lines[lines.index("Quota di schede per fascia, in tutto l'ente:") + 2:]
    assert [" ".join(line.split()) for line in overall[3:5]] == ["Da 71 a 85 50.0", "Da 86 a 100 50.0"]
    with Image.open(tmp_path / "istogramma.png") as image:
        assert image.format == "PNG" and image.size == (700, 400)
        colours = dict((colour, n) for n, colour in image.convert("RGB").getcolors(maxcolors=1 << 20))
    bars = colours.get((0x1F, 0x4E, 0x78), 0)
    assert bars > 1000  # two bars of one card each, in the chart's colour
