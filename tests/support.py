"""Helpers the tests share: the real LibreOffice, generated workbooks, fills as offices make them."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl

from piano_xlsx.generate import generate, plan_layouts
from piano_xlsx.plan.loader import LoadedPlan, load_plan
from piano_xlsx.signing import keygen, load_private_key
from piano_xlsx.workbook.layout import CardLayout

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "workbook_templates"
EXAMPLE_PLAN = ROOT / "piano_xlsx" / "data" / "esempio.yaml"


def soffice() -> str:
    """The LibreOffice binary. Tests that need it fail, never skip, when it is missing."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    assert found, "LibreOffice Calc is required (Debian package libreoffice-calc-nogui)"
    return found


def libreoffice_convert(files: Sequence[Path], out_dir: Path, target: str = "xlsx") -> list[Path]:
    """Open, recalculate and save each file with LibreOffice headless (one process for all files)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = Path(tempfile.gettempdir()) / f"piano-xlsx-lo-{uuid.uuid4().hex}"
    try:
        filter_name = target
        cmd = [soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", filter_name, "--outdir", str(out_dir), *map(str, files)]
        subprocess.run(cmd, check=True, capture_output=True, timeout=600,
                       env={**os.environ, "HOME": str(profile)})
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    suffix = "." + target.split(":")[0]
    results = [out_dir / (Path(f).stem + suffix) for f in files]
    missing = [p for p in results if not p.exists()]
    assert not missing, f"LibreOffice did not write {missing}"
    return results


LOCALE_SETTING = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Setup/L10N"><prop oor:name="ooSetupSystemLocale" oor:op="fuse">
<value>{locale}</value></prop></item>
</oor:items>
"""


def libreoffice_pick(source: Path, target: Path, picks: list[dict[str, Any]], *, locale: str = "it-IT"
                     ) -> list[dict[str, Any]]:
    """Choose dropdown entries (or type texts) in a real LibreOffice Calc run in `locale`, then save as .xlsx.

    Drives Calc through UNO (tests/calc_uno.py, run by Debian's python3 with python3-uno); the locale is
    set in a fresh user profile, which headless Calc honours where no system locale is installed.
    """
    soffice()
    python = shutil.which("python3", path="/usr/bin:/bin") or "python3"
    has_uno = subprocess.run([python, "-c", "import uno"], capture_output=True).returncode == 0
    assert has_uno, "python3-uno is required (Debian package python3-uno)"
    profile = Path(tempfile.mkdtemp(prefix="piano-xlsx-lo-"))
    try:
        (profile / "user").mkdir()
        (profile / "user" / "registrymodifications.xcu").write_text(LOCALE_SETTING.format(locale=locale))
        run = subprocess.run([python, str(Path(__file__).parent / "calc_uno.py"), str(profile), str(source),
                              str(target)], input=json.dumps(picks), capture_output=True, text=True, timeout=600,
                             env={**os.environ, "HOME": str(profile)})
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    assert run.returncode == 0 and target.exists(), f"LibreOffice did not write {target}: {run.stderr[-2000:]}"
    return json.loads(run.stdout)


def ssconvert() -> str:
    """Gnumeric's converter, the second engine. Tests that need it fail, never skip, when it is missing."""
    found = shutil.which("ssconvert")
    assert found, "Gnumeric is required (Debian package gnumeric, command ssconvert)"
    return found


def gnumeric_convert(files: Sequence[Path], out_dir: Path) -> list[Path]:
    """Open, recalculate and save each file as .xlsx with Gnumeric (`ssconvert --recalc`), one process per file."""
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for source in files:
        target = out_dir / (Path(source).stem + ".xlsx")
        home = Path(tempfile.mkdtemp(prefix="piano-xlsx-gnumeric-"))
        try:  # Gnumeric writes its settings under HOME: one per run, so runs never share them
            subprocess.run([ssconvert(), "--recalc", "--export-type=Gnumeric_Excel:xlsx2", str(source), str(target)],
                           check=True, capture_output=True, timeout=300, env={**os.environ, "HOME": str(home)})
        finally:
            shutil.rmtree(home, ignore_errors=True)
        assert target.exists(), f"Gnumeric did not write {target}"
        results.append(target)
    return results


def make_keys(directory: Path) -> tuple[Path, Path]:
    return keygen(directory)


def generate_plan(plan_path: Path, out_dir: Path, *, key: Path | None = None, per_sector: bool = False
                  ) -> tuple[LoadedPlan, list[Path]]:
    loaded = load_plan(plan_path)
    result = generate(loaded, out_dir, private_key=load_private_key(key) if key else None, per_sector=per_sector)
    return loaded, result.files


def fill_workbook(source: Path, target: Path, layouts: list[CardLayout], scores: dict[str, dict[str, Any]],
                  *, evaluator: str = "Nucleo di Valutazione", date: dt.date | None = dt.date(2026, 3, 15),
                  notes: dict[str, dict[str, str]] | None = None) -> Path:
    """Fill a generated workbook as an office would (openpyxl; scores: card id -> item id -> value)."""
    wb = openpyxl.load_workbook(source)
    for layout in layouts:
        if layout.sheet not in wb.sheetnames:
            continue
        ws = wb[layout.sheet]
        ws[layout.header_cell("evaluator")] = evaluator
        if date is not None:
            ws[layout.header_cell("date")] = date
        card_scores = scores.get(layout.card.id, {})
        card_notes = (notes or {}).get(layout.card.id, {})
        for item in layout.items:
            if item.item.id in card_scores and card_scores[item.item.id] is not None:
                ws[item.cell("score")] = card_scores[item.item.id]
            if item.item.id in card_notes:
                cell = ws[item.cell("note")]
                cell.value = card_notes[item.item.id]
                cell.data_type = "s"  # a note is text even when it starts with '='
    wb.save(target)
    return target


def full_scores(layouts: list[CardLayout], value: Any = 8) -> dict[str, dict[str, Any]]:
    """Every item of every card scored `value` (gates passed)."""
    from piano_xlsx.plan.resolve import GATE_PASSED

    return {lay.card.id: {i.item.id: (GATE_PASSED if i.item.gate else value) for i in lay.items} for lay in layouts}


__all__ = ["ROOT", "TEMPLATES", "EXAMPLE_PLAN", "libreoffice_convert", "libreoffice_pick", "make_keys", "generate_plan",
           "fill_workbook", "full_scores", "gnumeric_convert", "plan_layouts", "soffice", "ssconvert"]


def rewrite_zip(source: Path, target: Path, edits: dict[str, Any]) -> Path:
    """Copy a zip, changing parts: name -> function(bytes) -> bytes, or None to drop the part."""
    import copy
    import zipfile

    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename in edits:
                if edits[info.filename] is None:
                    continue
                data = edits[info.filename](data)
            zout.writestr(copy.copy(info), data)
    return target


def sheet_part(path: Path, sheet: str) -> str:
    """The zip part name of a sheet, e.g. 'xl/worksheets/sheet2.xml'."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as zf:
        workbook = zf.read("xl/workbook.xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(r'<sheet [^>]*name="' + re.escape(sheet) + r'"[^>]*r:id="([^"]+)"', workbook)
    assert rid, f"no sheet {sheet}"
    rel = re.escape(rid.group(1))
    target = re.search(r'Id="' + rel + r'"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="' + rel + '"', rels)
    assert target
    name = target.group(1) or target.group(2)
    return name.lstrip("/") if name.startswith("/") else "xl/" + name
