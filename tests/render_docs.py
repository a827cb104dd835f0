"""Render the pictures of cards and reports in docs/img/: workbooks printed by LibreOffice in Italian, one PDF page
each: a card's at 80 dpi, the report's wide tables at 110 dpi, cropped to their text.

    PYTHONPATH=.:tests .venv/bin/python tests/render_docs.py [docs/img]

Each picture is the first printed page of one sheet: the card of the 2023 plan and of Casale Marittimo, the
details sheet of the 2023 plan, a card being filled and the summary of filled cards of the example plan, and the
consolidated report of the demo (Riepilogo, Anomalie, Grafici, Premi). Not a test: run it after a change that
shows, and look at what it drew.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from support import EXAMPLE_PLAN, LOCALE_SETTING, TEMPLATES, fill_workbook, full_scores, generate_plan, soffice

from piano_xlsx.demo import run_demo
from piano_xlsx.plan.resolve import DETAILS_SHEET, SUMMARY_SHEET
from piano_xlsx.workbook.layout import plan_layouts

DPI = 80
WIDE_DPI = 110  # the report's wide tables print small: larger, and cropped to their text
FOOTER = re.compile(r"^\s*(\S.*?)\s+Pagina \d+ di \d+\s*$")


def italian_pdf(source: Path, out_dir: Path) -> Path:
    """The workbook printed to PDF by LibreOffice in an Italian profile (decimal comma, "720,00 €")."""
    profile = Path(tempfile.mkdtemp(prefix="piano-xlsx-render-"))
    try:
        (profile / "user").mkdir()
        (profile / "user" / "registrymodifications.xcu").write_text(LOCALE_SETTING.format(locale="it-IT"))
        subprocess.run([soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--convert-to", "pdf", "--outdir", str(out_dir), str(source)],
                       check=True, capture_output=True, timeout=600, env={"HOME": str(profile), "PATH": "/usr/bin"})
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return out_dir / (source.stem + ".pdf")


def first_page_of(pdf: Path, sheet: str) -> int:
    """The first page whose footer names `sheet` (every sheet's footer gives its name and the page number)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    for number, page in enumerate(text.split("\f"), start=1):
        names = [m.group(1) for m in map(FOOTER.match, page.splitlines()) if m]
        if names and names[-1] == sheet:
            return number
    raise SystemExit(f"{sheet} is not printed in {pdf}")


WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"')
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)"')
MARGIN = 12  # points of white kept around the text of a cropped picture


def text_band(pdf: Path, page: int) -> tuple[float, float, float, float]:
    """Width, height, and the top and bottom (points) of the page's text between its header and footer lines."""
    xml = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    width, height = map(float, PAGE.search(xml).groups())  # type: ignore[union-attr]
    tops = [(float(m.group(2)), float(m.group(4))) for m in WORD.finditer(xml)]
    body = [(top, bottom) for top, bottom in tops if 45 < top and bottom < height - 45]
    return width, height, min(t for t, _ in body), max(b for _, b in body)


def render(source: Path, sheet: str, target: Path, work: Path, *, dpi: int = DPI, crop: bool = False) -> None:
    """The first page of `sheet`, whole; or (`crop`) only the band of it that holds text."""
    pdf = italian_pdf(source, work / source.stem)
    page = first_page_of(pdf, sheet)
    size = []
    if crop:
        width, _, top, bottom = text_band(pdf, page)
        scale = dpi / 72
        size = ["-x", "0", "-y", str(int((top - MARGIN) * scale)), "-W", str(int(width * scale)),
                "-H", str(int((bottom - top + 2 * MARGIN) * scale))]
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), *size, "-singlefile",
                    str(pdf), str(target.with_suffix(""))], check=True)
    print(target)


def main(out: Path) -> None:
    out, work = out.resolve(), Path(tempfile.mkdtemp(prefix="piano-xlsx-docs-"))
    try:
        for template, picture in (("piano-2023-settori", "scheda-piano-2023-settori"),
                                  ("casale-marittimo-2024", "scheda-casale-marittimo-2024")):
            loaded, files = generate_plan(TEMPLATES / f"{template}.yaml", work / template, per_sector=True)
            render(files[0], plan_layouts(loaded)[0].sheet, out / f"{picture}.png", work)
            if template == "piano-2023-settori":
                render(files[0], DETAILS_SHEET, out / "dettaglio-obiettivi.png", work)

        loaded, [issued] = generate_plan(EXAMPLE_PLAN, work / "esempio")
        layouts = plan_layouts(loaded)
        first = layouts[0]
        ids = [item.item.id for item in first.items]
        filling = {first.card.id: dict(zip(ids, [8, 10, 7, None, 6], strict=False))}  # one missing, one off the scale
        notes = {first.card.id: {ids[0]: "Verifica del RPCT del 10/01/2026: tutte le sezioni aggiornate.",
                                 ids[2]: "Fascicoli digitalizzati: 118 su 124 (95%)."}}
        compilata = fill_workbook(issued, work / "compilata.xlsx", layouts, filling, notes=notes)
        render(compilata, first.sheet, out / "scheda-compilata.png", work)
        scores = full_scores(layouts, 8)
        for offset, layout in enumerate(layouts):  # different totals, one card short of a score
            for index, item in enumerate(layout.items):
                if not item.item.gate:
                    scores[layout.card.id][item.item.id] = (4, 6, 8, 10)[(index + offset) % 4]
        scores[layouts[1].card.id][layouts[1].items[0].item.id] = None
        riepilogo = fill_workbook(issued, work / "riepilogo.xlsx", layouts, scores)
        render(riepilogo, SUMMARY_SHEET, out / "riepilogo.png", work)

        os.chdir(work)  # the report names the returned files as the demo was given them: demo/restituite/…
        demo = run_demo("demo")
        report = work / demo.collect_report
        for sheet, picture in (("Riepilogo", "report-riepilogo"), ("Anomalie", "report-anomalie")):
            render(report, sheet, out / f"{picture}.png", work, dpi=WIDE_DPI, crop=True)
        render(report, "Premi", out / "report-premi.png", work, dpi=WIDE_DPI)  # a table, then its chart
        render(report, "Grafici", out / "report-grafici.png", work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent / "docs" / "img")
