"""Generated workbooks in the REAL LibreOffice Calc: it computes what the Python model computes, and prints them.

These tests fail, never skip, when LibreOffice is missing (CI installs it: ./run.sh test).
Each LibreOffice run converts a whole batch of files: one process per batch keeps this fast.
"""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from support import EXAMPLE_PLAN, TEMPLATES, libreoffice_convert, save_scores

from piano_xlsx.generate import generate, plan_layouts
from piano_xlsx.plan.loader import LoadedPlan, load_plan
from piano_xlsx.plan.resolve import GATE_FAILED, GATE_PASSED, LISTS_SHEET, NEUTRALISED, SUMMARY_SHEET
from piano_xlsx.signing import load_private_key
from piano_xlsx.workbook import content
from piano_xlsx.workbook.computation import CardResult, Value, evaluate, values_equal
from piano_xlsx.workbook.layout import SUMMARY_COLUMNS, CardLayout, summary_row

PLANS = {
    "settori": TEMPLATES / "piano-2023-settori.yaml",
    "casale": TEMPLATES / "casale-marittimo-2024.yaml",
    "esempio": EXAMPLE_PLAN,
}
FILLS = 50  # random fills per plan, all converted by one LibreOffice run
TOLERANCE = 1e-9


@dataclass
class Fill:
    path: Path
    scores: dict[str, dict[str, Value]]  # card id -> item id -> value written (None: left blank)


def random_scores(layouts: list[CardLayout], rng: random.Random) -> dict[str, dict[str, Value]]:
    """Scores as offices give them: mostly from the dropdown, some blank, a few pasted past it."""
    blank = rng.choice([0.0, 0.0, 0.0, 0.1, 0.3, 0.8])  # a third of the fills are complete
    wrong = rng.choice([0.0, 0.0, 0.05, 0.2])
    out: dict[str, dict[str, Value]] = {}
    for layout in layouts:
        scale = list(layout.card.scale.numbers())
        card: dict[str, Value] = {}
        for item in layout.items:
            draw = rng.random()
            if draw < blank:
                value: Value = None
            elif draw < blank + wrong:  # what a paste lets through: off the scale, a number as text, a typo
                value = rng.choice([7, 0, 11, 5.5, "8", "N.V", "si", "x", -4])
            elif item.item.gate:
                value = rng.choice([GATE_PASSED, GATE_PASSED, GATE_PASSED, GATE_FAILED])
            elif item.item.neutralisable and rng.random() < 0.3:
                value = NEUTRALISED
            else:
                value = rng.choice(scale)
            card[item.item.id] = value
        out[layout.card.id] = card
    return out


def formula_cells(loaded: LoadedPlan, layouts: list[CardLayout]) -> dict[str, list[str]]:
    """Sheet -> every formula cell of the card sheets and of the summary."""
    cells = {lay.sheet: [a for a, c in content.card_cells(loaded.plan, lay).items() if c.kind == "f"]
             for lay in layouts}
    cells[SUMMARY_SHEET] = [a for a, c in content.summary_cells(loaded.plan, layouts).items() if c.kind == "f"]
    return cells


def expected_values(layouts: list[CardLayout], results: dict[str, CardResult]) -> dict[str, dict[str, Value]]:
    """Sheet -> cell -> the value the Python model gives (card cells, and the summary gathering them)."""
    out: dict[str, dict[str, Value]] = {lay.sheet: dict(results[lay.card.id].cells) for lay in layouts}
    summary: dict[str, Value] = {}
    for index, layout in enumerate(layouts):
        for letter, _, key, _ in SUMMARY_COLUMNS:
            if key is not None and key in layout.totals:
                summary[f"{letter}{summary_row(index)}"] = out[layout.sheet][layout.total_cell(key)] if \
                    layout.total_cell(key) in out[layout.sheet] else layout.card.maximum
    out[SUMMARY_SHEET] = summary
    return out


def compare(path: Path, cells: dict[str, list[str]], expected: dict[str, dict[str, Value]]) -> list[str]:
    """Every formula cell LibreOffice computed, against the model: the differences, readable."""
    wb = openpyxl.load_workbook(path, data_only=True)
    problems = []
    for sheet, addresses in cells.items():
        ws = wb[sheet]
        for address in addresses:
            found = ws[address].value
            want = expected[sheet].get(address)
            assert address in expected[sheet], (sheet, address)
            if not values_equal(found, want, TOLERANCE):
                problems.append(f"{path.name} {sheet}!{address}: LibreOffice {found!r}, Python {want!r}")
    return problems


# ---------------------------------------------------------------- (a) random fills, recalculated by LibreOffice


@dataclass
class Batch:
    loaded: LoadedPlan
    layouts: list[CardLayout]
    fills: list[Fill]
    converted: list[Path]


def write_fills(issued: Path, folder: Path, name: str, layouts: list[CardLayout], rng: random.Random) -> list[Fill]:
    """FILLS copies of the issued workbook filled with openpyxl (which drops every cached value: LibreOffice
    must compute all); one load, many saves."""
    folder.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.load_workbook(issued)
    fills = []
    for n in range(FILLS):
        scores = random_scores(layouts, rng)
        path = save_scores(wb, layouts, scores, folder / f"{name}-{n:02d}.xlsx")
        fills.append(Fill(path, scores))
    return fills


@pytest.fixture(scope="module")
def batches(tmp_path_factory: pytest.TempPathFactory, keys: tuple[Path, Path]) -> dict[str, Batch]:
    """Every plan's random fills, each plan's batch converted by one LibreOffice run (the runs side by side)."""
    key = load_private_key(keys[0])
    prepared: dict[str, tuple[LoadedPlan, list[CardLayout], list[Fill]]] = {}
    for name, plan in PLANS.items():
        tmp = tmp_path_factory.mktemp(f"fills-{name}")
        loaded = load_plan(plan)
        layouts = plan_layouts(loaded)
        issued = generate(loaded, tmp / "issued", private_key=key, jobs=1).files[0]
        rng = random.Random(f"piano-xlsx {name}")  # fixed seed: the same fills every run
        prepared[name] = (loaded, layouts, write_fills(issued, tmp / "filled", name, layouts, rng))
    with ThreadPoolExecutor(max_workers=len(prepared)) as pool:
        runs = {name: pool.submit(libreoffice_convert, [f.path for f in fills],
                                  tmp_path_factory.mktemp(f"calc-{name}"))
                for name, (_, _, fills) in prepared.items()}
        return {name: Batch(*prepared[name], runs[name].result()) for name in prepared}


@pytest.mark.parametrize("name", sorted(PLANS))
def test_libreoffice_computes_what_the_model_computes(name: str, batches: dict[str, Batch]) -> None:
    batch = batches[name]
    cells = formula_cells(batch.loaded, batch.layouts)
    problems: list[str] = []
    complete = 0
    for fill, path in zip(batch.fills, batch.converted, strict=True):
        results = {lay.card.id: evaluate(lay, fill.scores[lay.card.id]) for lay in batch.layouts}
        complete += sum(r.complete for r in results.values())
        problems += compare(path, cells, expected_values(batch.layouts, results))
    assert not problems, f"{len(problems)} cells differ:\n" + "\n".join(problems[:30])
    assert len(batch.fills) >= 50
    assert complete >= FILLS * len(batch.layouts) // 8  # the band, percentage and bonus paths were exercised
    assert sum(len(v) for v in cells.values()) * FILLS >= 1000


# ---------------------------------------------------------------- (b) the cached values written are right


def test_cached_values_are_what_libreoffice_computes(keys: tuple[Path, Path], tmp_path: Path) -> None:
    """LibreOffice keeps cached values on load (SPEC §8), so the values we write must already be right.

    Each generated workbook is converted twice: as issued (the cached values must survive), and with
    its cached values dropped (an openpyxl re-save), so that LibreOffice computes every formula itself.
    """
    key = load_private_key(keys[0])
    sources: list[tuple[Path, LoadedPlan, list[CardLayout]]] = []
    for name, plan in PLANS.items():
        loaded = load_plan(plan)
        layouts = plan_layouts(loaded)
        for per_sector in (False, True):
            folder = tmp_path / f"{name}-{'per' if per_sector else 'one'}"
            for path in generate(loaded, folder, private_key=key, per_sector=per_sector, jobs=1).files:
                sources.append((path, loaded, [lay for lay in layouts if lay.sheet in _sheets(path)]))
    stripped = []
    for path, _, _ in sources:
        copy = tmp_path / "stripped" / f"{path.parent.name}--{path.name}"
        copy.parent.mkdir(exist_ok=True)
        openpyxl.load_workbook(path).save(copy)
        stripped.append(copy)
    renamed = []
    for path, _, _ in sources:
        copy = tmp_path / "as-issued" / f"{path.parent.name}--{path.name}"
        copy.parent.mkdir(exist_ok=True)
        shutil.copyfile(path, copy)
        renamed.append(copy)
    kept = libreoffice_convert(renamed, tmp_path / "calc-kept")
    computed = libreoffice_convert(stripped, tmp_path / "calc-computed")
    problems: list[str] = []
    for (path, loaded, group), kept_path, computed_path in zip(sources, kept, computed, strict=True):
        cells = formula_cells(loaded, group)
        cached = _values(path, cells)
        results = {lay.card.id: evaluate(lay, {}) for lay in group}
        model = expected_values(group, results)
        for sheet, addresses in cells.items():
            for address in addresses:
                if not values_equal(cached[sheet][address], model[sheet][address], TOLERANCE):
                    problems.append(f"{path.name} {sheet}!{address}: cached {cached[sheet][address]!r}, "
                                    f"model {model[sheet][address]!r}")
        problems += compare(kept_path, cells, cached)
        problems += compare(computed_path, cells, cached)
    assert not problems, "\n".join(problems[:30])


def _sheets(path: Path) -> list[str]:
    return openpyxl.load_workbook(path, read_only=True).sheetnames


def _values(path: Path, cells: dict[str, list[str]]) -> dict[str, dict[str, Any]]:
    wb = openpyxl.load_workbook(path, data_only=True)
    return {sheet: {a: wb[sheet][a].value for a in addresses} for sheet, addresses in cells.items()}


# ---------------------------------------------------------------- (c) printable


def test_every_generated_workbook_converts_to_pdf(keys: tuple[Path, Path], tmp_path: Path) -> None:
    key = load_private_key(keys[0])
    sources: list[tuple[Path, LoadedPlan]] = []
    for name, plan in PLANS.items():
        loaded = load_plan(plan)
        for per_sector in (False, True):
            folder = tmp_path / f"{name}-{'per' if per_sector else 'one'}"
            for path in generate(loaded, folder, private_key=key, per_sector=per_sector, jobs=1).files:
                copy = tmp_path / "all" / f"{folder.name}--{path.name}"
                copy.parent.mkdir(exist_ok=True)
                shutil.copyfile(path, copy)
                sources.append((copy, loaded))
    pdfs = libreoffice_convert([p for p, _ in sources], tmp_path / "pdf", target="pdf")
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext is required (Debian package poppler-utils)"
    for (source, loaded), pdf in zip(sources, pdfs, strict=True):
        assert pdf.read_bytes()[:5] == b"%PDF-", pdf
        text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        group = [lay for lay in plan_layouts(loaded) if lay.sheet in _sheets(source)]
        pages = text.count("\f")
        assert pages >= len(group) + 2, (pdf.name, pages)  # instructions, every card, the summary
        # every printed page has its sheet's name in the footer: the summary is printed, the hidden lists are not
        footers = set(re.findall(r"^\s*(\S.*?)\s{2,}Pagina \d+ di \d+\s*$", text, flags=re.M))
        assert SUMMARY_SHEET in footers, (pdf.name, footers)
        if LISTS_SHEET in _sheets(source):
            assert LISTS_SHEET not in footers, pdf.name
        words = " ".join(text.split())
        assert loaded.plan.plan.ente in words
        for layout in group:
            assert f"Scheda di valutazione — {layout.card.card.title}" in words
            first = layout.items[0].item.title.split()[:4]
            assert " ".join(first) in words, (pdf.name, first)
            assert "Valutazione" in words and "Punteggio totale" in words and "Pagina 1 di" in words
