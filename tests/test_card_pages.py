"""A card prints on at most two A4 pages: computed at the heights the file gives its rows (what Excel prints,
since it keeps a row's height), and measured on the PDF the real LibreOffice prints."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from support import EXAMPLE_PLAN, ROOT, TEMPLATES, libreoffice_convert

from piano_xlsx.generate import generate, plan_layouts
from piano_xlsx.plan.loader import load_plan
from piano_xlsx.plan.resolve import DETAILS_SHEET
from piano_xlsx.signing import load_private_key
from piano_xlsx.workbook import content
from piano_xlsx.workbook.layout import (
    CARD_WIDTHS,
    MAX_CARD_PAGES,
    TABLE_HEADER_ROW,
    CardLayout,
    col,
    detail_parts,
    estimated_pages,
    place,
)
from piano_xlsx.workbook.pages import DEFAULT_ROW_HEIGHT, MARGINS, fit_width_scale, page_count, printable, sheet_heights
from piano_xlsx.workbook.textmetrics import column_pixels
from piano_xlsx.workbook.writer import card_row_heights

TEMPLATE_PLANS = sorted(TEMPLATES.glob("*.yaml"))
PLANS = [*TEMPLATE_PLANS, EXAMPLE_PLAN, *sorted((ROOT / "examples").glob("*.yaml"))]


def printed_pages(layout: CardLayout, heights: dict[int, float], widths: list[float]) -> int:
    """Pages of a card sheet printed A4 landscape, fit to width, the table's heading repeated on every page."""
    return page_count(sheet_heights(heights, layout.last_row), scale=fit_width_scale(widths, landscape=True),
                      landscape=True, repeated=heights[TABLE_HEADER_ROW])


# ---------------------------------------------------------------- the page arithmetic


def test_the_fit_to_width_scale_is_the_largest_whole_percentage_that_fits() -> None:
    width = printable(landscape=True)[0]
    for widths in (CARD_WIDTHS, [10, 20], [200, 200]):
        scale = fit_width_scale(widths, landscape=True)
        points = sum(column_pixels(w) for w in widths) * 0.75
        assert points * scale / 100 <= width
        assert scale == 100 or points * (scale + 1) / 100 > width
    assert fit_width_scale([10, 20], landscape=True) == 100  # narrow sheets print at their size


def test_rows_are_never_split_and_the_repeated_heading_takes_room_on_later_pages() -> None:
    scale = 80
    room = printable(landscape=True)[1] * 100 / scale  # points of rows one page holds at this scale
    assert page_count([room / 2, room / 2], scale=scale, landscape=True) == 1
    assert page_count([room / 2, room / 2, 1], scale=scale, landscape=True) == 2
    assert page_count([0.6 * room, 0.6 * room], scale=scale, landscape=True) == 2  # the second row moves whole
    rows = [0.9 * room, 0.5 * room, 0.4 * room]
    assert page_count(rows, scale=scale, landscape=True) == 2
    assert page_count(rows, scale=scale, landscape=True, repeated=0.2 * room) == 3


# ---------------------------------------------------------------- Excel: the heights the file gives


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, openpyxl.Workbook]:
    """Each plan as one workbook, read back."""
    out = {}
    for plan in PLANS:
        files = generate(load_plan(plan), tmp_path_factory.mktemp(plan.stem), jobs=1).files
        out[plan] = openpyxl.load_workbook(files[0])
    return out


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p.stem)
def test_every_card_prints_on_two_pages_at_the_heights_the_file_gives(plan: Path,
                                                                      issued: dict[Path, openpyxl.Workbook]) -> None:
    loaded = load_plan(plan)
    wb = issued[plan]
    for layout in plan_layouts(loaded):
        ws = wb[layout.sheet]
        heights = card_row_heights(layout, content.card_cells(loaded.plan, layout))
        # what the file says (XlsxWriter leaves out a height equal to the default)
        assert {row: ws.row_dimensions[row].height or DEFAULT_ROW_HEIGHT for row in heights} == heights
        assert all(ws.row_dimensions[row].height is None for row in range(1, layout.last_row + 1)
                   if row not in heights)  # every other row: the default height
        widths = [ws.column_dimensions[letter].width for letter in (col(key) for key in
                                                                     ("number", "objective", "indicators", "deadline",
                                                                      "weight", "score", "points", "status",
                                                                      "note"))]
        setup = ws.page_setup
        assert (int(setup.paperSize), setup.orientation, int(setup.fitToHeight)) == (9, "landscape", 0)
        assert [getattr(ws.page_margins, side) for side in MARGINS] == list(MARGINS.values())
        pages = printed_pages(layout, heights, widths)
        assert 1 <= pages <= MAX_CARD_PAGES, (layout.sheet, pages)
        assert pages <= estimated_pages(layout)  # the layout's estimate never says less than the sheet prints


def test_descriptions_leave_the_card_only_when_it_would_print_on_more_than_two_pages() -> None:
    moved = 0
    for plan in PLANS:
        loaded = load_plan(plan)
        for layout in plan_layouts(loaded):
            inline = place(layout.card, details=False)
            heights = card_row_heights(inline, content.card_cells(loaded.plan, inline))
            pages_inline = printed_pages(inline, heights, CARD_WIDTHS)
            assert layout.details == (estimated_pages(inline) > MAX_CARD_PAGES), layout.sheet
            if layout.details:
                moved += 1
                assert pages_inline > MAX_CARD_PAGES  # with its descriptions the card would not fit
                assert any(detail_parts(item) for item in layout.card.items)
                for item in layout.items:  # the card keeps the title; the details sheet has the rest
                    assert "\n".join(item.text_chunks).split() == item.item.title.split()
    assert moved >= 3  # the three cards of the 2023 plan at least


# ---------------------------------------------------------------- LibreOffice: the PDF it prints

FOOTER = re.compile(r"^\s*(\S.*?)\s+Pagina (\d+) di (\d+)\s*$")


def pages_by_sheet(pdf: Path) -> tuple[Counter[str], int]:
    """Pages of each sheet in a PDF of a workbook (the footer names the sheet), and the PDF's page count."""
    pdftotext, pdfinfo = shutil.which("pdftotext"), shutil.which("pdfinfo")
    assert pdftotext and pdfinfo, "poppler-utils is required (pdftotext, pdfinfo)"
    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True).stdout
    total = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    sheets: Counter[str] = Counter()
    for page in text.split("\f")[:total]:
        footers = [m for m in map(FOOTER.match, page.splitlines()) if m]
        assert footers, f"a page of {pdf.name} without footer"
        sheets[footers[-1].group(1)] += 1
    return sheets, total


def test_libreoffice_prints_every_card_of_the_templates_on_at_most_two_pages(keys: tuple[Path, Path],
                                                                           tmp_path: Path) -> None:
    key = load_private_key(keys[0])
    sources: list[tuple[Path, list[CardLayout]]] = []
    for plan in TEMPLATE_PLANS:
        loaded = load_plan(plan)
        layouts = plan_layouts(loaded)
        for per_sector in (False, True):
            folder = tmp_path / f"{plan.stem}-{'per' if per_sector else 'one'}"
            for path in generate(loaded, folder, private_key=key, per_sector=per_sector, jobs=1).files:
                copy = tmp_path / "all" / f"{folder.name}--{path.name}"
                copy.parent.mkdir(exist_ok=True)
                shutil.copyfile(path, copy)
                names = openpyxl.load_workbook(copy, read_only=True).sheetnames
                sources.append((copy, [lay for lay in layouts if lay.sheet in names]))
    pdfs = libreoffice_convert([path for path, _ in sources], tmp_path / "pdf", target="pdf")
    details = 0
    for (source, group), pdf in zip(sources, pdfs, strict=True):
        sheets, total = pages_by_sheet(pdf)
        assert sum(sheets.values()) == total
        for layout in group:
            assert 1 <= sheets[layout.sheet] <= MAX_CARD_PAGES, (source.name, layout.sheet, sheets[layout.sheet])
        if any(layout.details for layout in group):
            details += 1
            assert sheets[DETAILS_SHEET] >= 1, source.name  # the descriptions are printed too
        else:
            assert DETAILS_SHEET not in sheets
    assert details == 4  # the 2023 plan: one workbook, and one per sector
