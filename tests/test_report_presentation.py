"""The consolidated report as a user reads and prints it: the weight the points use after an N.V., amounts in
euro, whole-number axes where charts count, headings that fit their columns; and the document properties that
name the tool, read back by openpyxl and LibreOffice and shown by the audit."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from support import EXAMPLE_PLAN, fill_workbook, full_scores, generate_plan, libreoffice_convert, plan_layouts

from piano_xlsx import __version__
from piano_xlsx.audit import audit_file
from piano_xlsx.collect import collect
from piano_xlsx.collect.report import count_axis, to_json, write_report
from piano_xlsx.plan.resolve import NEUTRALISED
from piano_xlsx.workbook.textmetrics import FILTER_BUTTON, HEADING_SIZE, text_lines
from piano_xlsx.workbook.xlsxfile import TOOL

# settore-2: ind.3 (30 of the section's 80 points) not assessable, its weight spread over the section's others
SCORES = {"settore-2": {"org.trasparenza": 8, "org.anticorruzione": 8, "ind.1": 6, "ind.2": 10, "ind.3": NEUTRALISED,
                        "vincoli.4": "Sì"}}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, keys: tuple[Path, Path]) -> dict[str, Any]:
    base = tmp_path_factory.mktemp("report")
    loaded, issued = generate_plan(EXAMPLE_PLAN, base / "issued", key=keys[0], per_sector=True)
    layouts = plan_layouts(loaded)
    (base / "filled").mkdir()
    filled = [fill_workbook(p, base / "filled" / p.name, layouts, full_scores(layouts, 8) | SCORES) for p in issued]
    result = collect(loaded, filled, jobs=1)
    report = write_report(result, base / "rapporto.xlsx")
    return {"base": base, "loaded": loaded, "layouts": layouts, "issued": issued, "filled": filled,
            "result": result, "report": report, "book": openpyxl.load_workbook(report)}


def table(ws: Any, header_row: int = 3) -> list[dict[str, Any]]:
    headings = [c.value for c in ws[header_row]]
    return [dict(zip(headings, (c.value for c in row), strict=True)) for row in ws.iter_rows(min_row=header_row + 1)
            if any(c.value is not None for c in row)]


def test_the_weight_the_points_use_is_shown_beside_the_weight(world: dict[str, Any]) -> None:
    rows = [r for r in table(world["book"]["Punteggi"]) if r["Scheda"] == "Settore II Finanziario"]
    by_id = {r["Obiettivo"]: r for r in rows}
    assert by_id["ind.3"]["Peso applicato"] == 0  # the N.V. gives its weight to the others
    section = [by_id[i] for i in ("ind.1", "ind.2")]
    assert all(r["Peso applicato"] > r["Peso"] for r in section)
    assert sum(r["Peso applicato"] for r in section) == pytest.approx(sum(r["Peso"] for r in section) + 30)
    for r in rows:
        if r["Esito"] == "OK" and r["Peso"] is not None:  # the points are that weight × score ÷ maximum
            assert r["Punti"] == pytest.approx(r["Peso applicato"] * r["Valutazione"] / 10)
    assert by_id["vincoli.4"]["Peso applicato"] is None  # a gate has no weight
    unchanged = [r for r in table(world["book"]["Punteggi"]) if r["Scheda"] == "Settore I Amministrativo"]
    assert all(r["Peso applicato"] == r["Peso"] for r in unchanged)
    cards = {c["card"]: c for c in to_json(world["result"])["cards"]}
    items = {i["id"]: i for i in cards["settore-2"]["items"]}
    assert items["ind.3"]["applied_weight"] == 0 and items["ind.1"]["applied_weight"] == pytest.approx(
        by_id["ind.1"]["Peso applicato"])


def test_amounts_are_in_euro_in_the_report_and_on_the_card(world: dict[str, Any], tmp_path: Path) -> None:
    ws = world["book"]["Riepilogo"]
    headings = [c.value for c in ws[3]]
    bonus = [row[headings.index("Premio")] for row in ws.iter_rows(min_row=4) if row[headings.index("Premio")].value]
    assert bonus and all("€" in cell.number_format for cell in bonus)
    card = openpyxl.load_workbook(world["issued"][0])
    layout = world["layouts"][0]
    for key in ("base", "bonus"):
        assert "€" in card[layout.sheet][layout.total_cell(key)].number_format
    pdf = libreoffice_convert([world["report"]], tmp_path, target="pdf")[0]
    text = subprocess.run([shutil.which("pdftotext") or "pdftotext", "-layout", str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    first = text.split("\f")[0]
    shown = re.findall(r"\d[\d.,]*[.,]\d\d €", first)  # as LibreOffice prints them: 720.00 € (720,00 € in Italian)
    assert len(shown) == len(bonus)


def chart_axes(report: Path) -> dict[str, str]:
    """Chart title -> the XML of its value axis."""
    out = {}
    with zipfile.ZipFile(report) as zf:
        for name in zf.namelist():
            if name.startswith("xl/charts/chart"):
                xml = zf.read(name).decode()
                title = "".join(re.findall(r"<a:t>([^<]*)</a:t>", xml.split("</c:title>")[0]))
                out[title] = re.search(r"<c:valAx>.*?</c:valAx>", xml).group(0)  # type: ignore[union-attr]
    return out


def test_count_charts_have_whole_number_axes(world: dict[str, Any]) -> None:
    axes = chart_axes(world["report"])
    for title in ("Distribuzione delle valutazioni", "Distribuzione per fascia"):
        axis = axes[title]
        assert re.search(r'<c:majorUnit val="\d+"/>', axis) and 'formatCode="0"' in axis
        assert re.search(r'<c:min val="0"/>', axis)
    for top in range(0, 2500, 7):
        axis = count_axis([top, top // 2])
        assert isinstance(axis["major_unit"], int) and axis["max"] % axis["major_unit"] == 0
        assert top < axis["max"] <= top + axis["major_unit"]  # room above the tallest bar, never a whole step more
        assert axis["max"] // axis["major_unit"] <= 10  # readable: at most ten steps


def test_headings_fit_their_columns(world: dict[str, Any]) -> None:
    """Every heading (a cell filled in the heading colour) shows each word on one line, all its lines in its row;
    a column's merged cells aside (a table's last heading may stretch over the columns after it)."""
    checked = set()
    for ws in world["book"].worksheets:
        merged = {r.start_cell.coordinate for r in ws.merged_cells.ranges}
        button = FILTER_BUTTON if ws.auto_filter.ref else 0
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is None or cell.fill.fgColor.rgb != "FF1F4E78" or cell.coordinate in merged:
                    continue
                width = ws.column_dimensions[cell.column_letter].width
                height = ws.row_dimensions[cell.row].height or 15
                text = str(cell.value)
                assert all(text_lines(word, width - button, HEADING_SIZE) == 1 for word in text.split()), \
                    (ws.title, text, width)
                assert text_lines(text, width - button, HEADING_SIZE) * 15 <= height, (ws.title, text, height)
                checked.add(ws.title)
    assert checked == set(world["book"].sheetnames)
    grafici = world["book"]["Grafici"]
    assert grafici["B3"].value == "Punteggio" and grafici.column_dimensions["B"].width > 8.43  # no longer cut


def test_every_workbook_names_the_tool_and_the_audit_tells_an_issued_file_from_a_saved_one(
        world: dict[str, Any], tmp_path: Path) -> None:
    issued, filled = world["issued"][0], world["filled"][0]
    for path in (issued, world["report"]):
        assert openpyxl.load_workbook(path).properties.description.startswith(f"Generato da {TOOL} {__version__}")
    saved = libreoffice_convert([filled], tmp_path)[0]
    with zipfile.ZipFile(saved) as zf:  # LibreOffice keeps the description and names itself as the application
        assert f"Generato da {TOOL} {__version__}" in zf.read("docProps/core.xml").decode()
    assert audit_file(issued).application.startswith(f"{TOOL} (come generato")
    assert "Openpyxl" in audit_file(filled).application  # filled and saved by openpyxl
    assert audit_file(saved).application.startswith("LibreOffice")
