"""Helpers the tests share: the real LibreOffice, generated workbooks, fills as offices make them."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from piano_xlsx import office
from piano_xlsx.generate import generate, plan_layouts
from piano_xlsx.office import fill_workbook  # as an office fills a workbook (openpyxl)
from piano_xlsx.plan.loader import LoadedPlan, load_plan
from piano_xlsx.signing import keygen, load_private_key
from piano_xlsx.workbook.layout import CardLayout

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "workbook_templates"
EXAMPLE_PLAN = ROOT / "piano_xlsx" / "data" / "esempio.yaml"


def soffice() -> str:
    """The LibreOffice binary. Tests that need it fail, never skip, when it is missing."""
    found = office.libreoffice()
    assert found, "LibreOffice Calc is required (Debian package libreoffice-calc-nogui)"
    return found


def libreoffice_convert(files: Sequence[Path], out_dir: Path, target: str = "xlsx",
                        infilter: str | None = None) -> list[Path]:
    """Open, recalculate and save each file with LibreOffice headless (one process for all files).

    `infilter`: how LibreOffice reads the files, e.g. "CSV:59,34,76,1,,1040" (CSV with the given options).
    """
    return office.libreoffice_convert(files, out_dir, target, binary=soffice(), infilter=infilter)


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


def save_scores(wb: Any, layouts: list[CardLayout], scores: dict[str, dict[str, Any]], path: Path) -> Path:
    """One fill of an open workbook (evaluator, date and every score, as an office would) saved as `path`.

    For tests that save many fills of one issued workbook: it is loaded once, each fill overwrites every score.
    """
    for layout in layouts:
        ws = wb[layout.sheet]
        ws[layout.header_cell("evaluator")] = "Nucleo di Valutazione"
        ws[layout.header_cell("date")] = dt.date(2026, 3, 15)
        for item in layout.items:
            ws[item.cell("score")] = scores[layout.card.id][item.item.id]
    wb.save(path)
    return path


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
    """The zip part name of a sheet, e.g. 'xl/worksheets/sheet2.xml' (names read as XML: &apos; and &amp; too)."""
    import xml.etree.ElementTree as ET
    import zipfile

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    with zipfile.ZipFile(path) as zf:
        workbook = ET.fromstring(zf.read("xl/workbook.xml"))
        rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    rid = next((el.get(rel) for el in workbook.iter(f"{main}sheet") if el.get("name") == sheet), None)
    assert rid, f"no sheet {sheet}"
    name = next(el.get("Target", "") for el in rels if el.get("Id") == rid)
    assert name
    return name.lstrip("/") if name.startswith("/") else "xl/" + name
