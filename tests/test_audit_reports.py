"""The audit's reports and command: the HTML page in headless Chromium, the workbook in LibreOffice, JSON, exit codes.

Set PIANO_XLSX_UPDATE_DOCS=1 to refresh docs/img/audit-html.png and docs/img/audit-xlsx.png from this run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from support import EXAMPLE_PLAN, ROOT, fill_workbook, full_scores, generate_plan, libreoffice_convert
from test_audit import CARD, ITEM, add_external_link, edit_cached_value, edit_cells, widen_validation

from piano_xlsx.audit import audit
from piano_xlsx.audit.report_html import render as render_html
from piano_xlsx.audit.report_xlsx import render as render_xlsx
from piano_xlsx.audit.result import AuditResult, FileAudit, FormulaRow, HiddenSheet
from piano_xlsx.cli import cli
from piano_xlsx.findings import finding
from piano_xlsx.workbook.layout import plan_layouts

DOCS = ROOT / "docs" / "img"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory, keys: tuple[Path, Path]) -> Path:
    """Returns for the reports: one untouched, one with several problems at once (all saved by LibreOffice)."""
    work = tmp_path_factory.mktemp("audit-reports")
    loaded, files = generate_plan(EXAMPLE_PLAN, work / "issued", key=keys[0])
    layouts = plan_layouts(loaded)
    layout = next(lay for lay in layouts if lay.card.id == CARD)
    item = next(i for i in layout.items if i.item.id == ITEM)
    other = next(lay for lay in layouts if lay.card.id != CARD)
    (work / "filled").mkdir()
    clean = fill_workbook(files[0], work / "filled" / "settore-restituito.xlsx", layouts, full_scores(layouts, 8))
    edited = fill_workbook(files[0], work / "filled" / "modificato.xlsx", layouts, full_scores(layouts, 8))
    edit_cells(edited, layout.sheet, {item.cell("points"): 30})
    saved = libreoffice_convert([clean, edited], work / "saved")
    returned = work / "restituite"
    returned.mkdir()
    shutil.copy(saved[0], returned / saved[0].name)
    step1 = edit_cached_value(saved[1], work / "step1.xlsx", other.sheet, other.total_cell("total"), "92")
    step2 = widen_validation(step1, work / "step2.xlsx", layout.sheet, item.cell("score"), "12")
    add_external_link(step2, returned / "modificato.xlsx")
    return returned


@pytest.fixture(scope="module")
def result(folder: Path, keys: tuple[Path, Path]) -> AuditResult:
    """The audit of the folder, named relatively as an auditor would type it."""
    from piano_xlsx.signing import load_public_key

    cwd = Path.cwd()
    os.chdir(folder.parent)
    try:
        return audit([folder.name], public_key=load_public_key(keys[1]))
    finally:
        os.chdir(cwd)


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "Chromium is required (Debian package chromium)"
    return found


def screenshot_html(page: Path, png: Path) -> Path:
    """The page as headless Chromium renders it (no network, a throw-away profile)."""
    profile = Path(tempfile.gettempdir()) / f"piano-xlsx-chromium-{uuid.uuid4().hex}"
    try:
        subprocess.run([chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--no-first-run",
                        f"--user-data-dir={profile}", f"--screenshot={png}", "--window-size=1280,1600",
                        page.resolve().as_uri()], check=True, capture_output=True, timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return png


def render_xlsx_page(workbook: Path, out_dir: Path, text: str) -> Path:
    """The first printed page (LibreOffice PDF, pdftoppm) whose text contains `text`."""
    [pdf] = libreoffice_convert([workbook], out_dir, target="pdf")
    pages = int(next(line.split()[-1] for line in subprocess.run(
        ["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout.splitlines()
        if line.startswith("Pages:")))
    for page in range(1, pages + 1):
        words = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"], check=True,
                               capture_output=True, text=True).stdout
        if text in words:
            break
    else:
        raise AssertionError(f"no page of {pdf} shows {text!r}")
    prefix = out_dir / "page"
    subprocess.run(["pdftoppm", "-f", str(page), "-l", str(page), "-r", "110", "-png", "-singlefile", str(pdf),
                    str(prefix)], check=True, capture_output=True, timeout=120)
    return prefix.with_suffix(".png")


def _is_png(path: Path) -> bool:
    return path.exists() and path.stat().st_size > 10_000 and path.read_bytes()[:8] == PNG_MAGIC


def _update_docs(png: Path, name: str) -> None:
    if os.environ.get("PIANO_XLSX_UPDATE_DOCS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        shutil.copy(png, DOCS / name)


def test_the_html_report_renders_in_chromium(result: AuditResult, tmp_path: Path) -> None:
    page = tmp_path / "audit.html"
    page.write_text(render_html(result), encoding="utf-8")
    png = screenshot_html(page, tmp_path / "audit-html.png")
    assert _is_png(png)
    _update_docs(png, "audit-html.png")


def test_the_xlsx_report_renders_in_libreoffice(result: AuditResult, tmp_path: Path) -> None:
    workbook = tmp_path / "audit.xlsx"
    workbook.write_bytes(render_xlsx(result))
    png = render_xlsx_page(workbook, tmp_path / "pdf", "Formula emessa")
    assert _is_png(png)
    _update_docs(png, "audit-xlsx.png")


def test_the_html_report_puts_differences_first_and_explains_them(result: AuditResult) -> None:
    page = render_html(result)
    changed = page.index("sostituita dalla costante 30")
    assert page.index("modificato.xlsx") < changed < page.index("formule corrette")
    assert "ammette anche 12" in page and "punteggi-veri.xlsx" in page
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert "src=" not in page


def _hostile_audit() -> AuditResult:
    evil = '<script>alert("x")</script>'
    row = FormulaRow(sheet=evil, cell="A1", issued="=1", found="=" + evil, cached=evil, recomputed=1.0,
                     status="changed", change="formula", label=evil, explanation=evil)
    file = FileAudit(path=f"{evil}.xlsx", formulas=[row],
                     hidden_sheets=[HiddenSheet(evil, "hidden", [("A1", "=HYPERLINK(\"http://x\")")], 1)],
                     findings=[finding("SHEET_ADDED", file=evil, sheet=evil)])
    return AuditResult([file])


def test_text_from_a_workbook_is_escaped_in_html() -> None:
    page = render_html(_hostile_audit())
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page


def test_text_from_a_workbook_never_becomes_a_formula_in_the_xlsx_report(tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    path.write_bytes(render_xlsx(_hostile_audit()))
    wb = openpyxl.load_workbook(path)
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert cells and all(c.data_type != "f" for c in cells)
    assert any(c.value == '=<script>alert("x")</script>' for c in cells)
    assert any(c.value == '=HYPERLINK("http://x")' for c in cells)


# --- the command ---

def _run(args: list[str]) -> Any:
    return CliRunner().invoke(cli, ["audit", *args], catch_exceptions=False)


def test_command_writes_reports_and_json_per_spec(folder: Path, keys: tuple[Path, Path], tmp_path: Path) -> None:
    html, xlsx, data = tmp_path / "audit.html", tmp_path / "audit.xlsx", tmp_path / "audit.json"
    run = _run([str(folder), "--public-key", str(keys[1]), "-o", str(html), "--json", str(data)])
    assert run.exit_code == 1, run.output  # the tampered file has errors
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    document = json.loads(data.read_text(encoding="utf-8"))
    assert set(document) == {"files", "ignored"}  # SPEC §7's key, and the files left out (none here)
    assert document["ignored"] == []
    for file in document["files"]:
        assert {"path", "signature", "formulas", "findings"} <= set(file)
        assert file["signature"] == "valid"
        for row in file["formulas"]:
            assert {"sheet", "cell", "issued", "found", "cached", "recomputed", "status"} <= set(row)
            assert row["status"] in {"ok", "changed", "stale", "missing"}
        for item in file["findings"]:
            assert {"code", "severity", "message", "hint", "file", "sheet", "cell", "where"} <= set(item)
    statuses = {Path(f["path"]).name: {r["status"] for r in f["formulas"]} for f in document["files"]}
    assert statuses == {"settore-restituito.xlsx": {"ok"}, "modificato.xlsx": {"ok", "changed", "stale"}}
    run = _run([str(folder), "--public-key", str(keys[1]), "-o", str(xlsx)])
    assert run.exit_code == 1 and xlsx.read_bytes()[:2] == b"PK"


def test_command_exit_status_zero_for_a_clean_return(folder: Path, keys: tuple[Path, Path]) -> None:
    run = _run([str(folder / "settore-restituito.xlsx"), "--public-key", str(keys[1]), "--json", "-"])
    assert run.exit_code == 0, run.output
    assert json.loads(run.output)["files"][0]["signature"] == "valid"


def test_command_never_overwrites_without_force(folder: Path, tmp_path: Path) -> None:
    report = tmp_path / "audit.html"
    report.write_text("già qui", encoding="utf-8")
    run = _run([str(folder / "settore-restituito.xlsx"), "-o", str(report)])
    assert run.exit_code == 2 and "--force" in run.output
    assert report.read_text(encoding="utf-8") == "già qui"
    run = _run([str(folder / "settore-restituito.xlsx"), "-o", str(report), "--force"])
    assert run.exit_code == 0 and "<!DOCTYPE html>" in report.read_text(encoding="utf-8")


@pytest.mark.parametrize("args", [["nonexistent.xlsx"], ["{file}", "-o", "report.pdf"],
                                  ["{file}", "--public-key", "{file}"]])
def test_command_could_not_run_is_exit_2(args: list[str], folder: Path, tmp_path: Path) -> None:
    file = str(folder / "settore-restituito.xlsx")
    run = _run([a.format(file=file) for a in args])
    assert run.exit_code == 2
    assert "Traceback" not in run.output


def test_command_on_files_that_are_not_workbooks(tmp_path: Path) -> None:
    (tmp_path / "nota.xlsx").write_text("non sono un foglio di calcolo", encoding="utf-8")
    (tmp_path / "vuoto.xlsx").write_bytes(b"")
    (tmp_path / "rotto.xlsx").write_bytes(b"PK\x03\x04" + os.urandom(300))
    run = _run([str(tmp_path), "--json", "-"])
    assert run.exit_code == 1
    codes = {Path(f["path"]).name: [x["code"] for x in f["findings"]] for f in json.loads(run.output)["files"]}
    assert codes == {"nota.xlsx": ["FILE_NOT_SPREADSHEET"], "vuoto.xlsx": ["FILE_NOT_SPREADSHEET"],
                     "rotto.xlsx": ["FILE_UNREADABLE"]}
