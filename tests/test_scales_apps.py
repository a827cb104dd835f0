"""Scales of 0–100 (by 1 and by 0.5) and band sets of 2, 31, 40 and 101 bands in the REAL LibreOffice and Gnumeric.

Random fills (blanks, values off the scale, text) are saved by openpyxl, which drops every cached value, then
recalculated by each application: every formula cell must equal the Python model, every dropdown must still
read its list, and collect and audit must report nothing but the fills' own mistakes. The band formulas are
also probed at every edge, on both sides of it and in every gap. One LibreOffice process converts every file.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from scale_plans import HALVES, scales_plan
from support import gnumeric_convert, libreoffice_convert, libreoffice_pick, save_scores
from test_generate_libreoffice import compare, expected_values, formula_cells

from piano_xlsx.audit import audit_file
from piano_xlsx.audit.compare import found_sources
from piano_xlsx.audit.engine import Model
from piano_xlsx.audit.result import OK
from piano_xlsx.collect import collect
from piano_xlsx.findings import Severity
from piano_xlsx.generate import generate, plan_layouts
from piano_xlsx.plan.dropdowns import show as show_number
from piano_xlsx.plan.loader import LoadedPlan
from piano_xlsx.plan.resolve import GATE_FAILED, GATE_PASSED, LISTS_SHEET, NEUTRALISED
from piano_xlsx.reader.xlsx import read_workbook
from piano_xlsx.signing import load_private_key, load_public_key
from piano_xlsx.workbook.computation import Value, band_formulas, evaluate, values_equal
from piano_xlsx.workbook.layout import CardLayout
from piano_xlsx.workbook.lists import BAND_OUTSIDE, band_index, list_sheet, range_source_change

FILLS = 16
ENGINES = ("libreoffice", "gnumeric")
SCORE_CODES = {"SCORE_MISSING", "SCORE_OUT_OF_SCALE", "SCORE_AS_TEXT", "NEUTRALISED_NOT_ALLOWED"}
PROBES = "Sonde"


def off_scale(layout: CardLayout) -> list[Value]:
    """What a paste lets through on a 0–100 scale: beyond it, between its steps, numbers as text, typos."""
    wrong: list[Value] = [101, -1, 100.5, 0.25, 33.3, "50", "N.V", "x", " 8"]
    return [v for v in wrong if not (isinstance(v, (int, float)) and v in layout.card.scale.numbers())]


def random_scores(layouts: list[CardLayout], rng: random.Random, *, clean: bool) -> dict[str, dict[str, Value]]:
    blank, wrong = (0.0, 0.0) if clean else (rng.choice([0.0, 0.1, 0.3]), rng.choice([0.0, 0.1, 0.25]))
    out: dict[str, dict[str, Value]] = {}
    for layout in layouts:
        card: dict[str, Value] = {}
        for item in layout.items:
            draw = rng.random()
            if draw < blank:
                value: Value = None
            elif draw < blank + wrong:
                value = rng.choice(off_scale(layout) + ([NEUTRALISED] if not item.item.neutralisable else []))
            elif item.item.gate:
                value = rng.choice([GATE_PASSED, GATE_PASSED, GATE_FAILED])
            elif item.item.neutralisable and rng.random() < 0.3:
                value = NEUTRALISED
            else:
                value = rng.choice(layout.card.scale.numbers())
            card[item.item.id] = value
        out[layout.card.id] = card
    return out


@dataclass
class Fill:
    path: Path
    scores: dict[str, dict[str, Value]]


@dataclass
class World:
    loaded: LoadedPlan
    layouts: list[CardLayout]
    issued: Path
    fills: list[Fill]
    converted: dict[str, list[Path]]  # engine -> the fills as that engine saved them
    probes: dict[str, Path]  # engine -> the probe workbook as that engine computed it
    probe_values: dict[str, list[float]]  # band set id -> the values probed, row after row
    public: Any


def write_probes(issued: Path, target: Path, loaded: LoadedPlan) -> dict[str, list[float]]:
    """A copy of the issued workbook with a sheet that applies each band set's formulas to many values:
    every edge, a hair and a half point either side of it, and the middle of every gap. Returns the values
    by band set, in the order of the rows (band set after band set)."""
    lists = list_sheet(loaded.plan)
    wb = openpyxl.load_workbook(issued)
    ws = wb.create_sheet(PROBES)
    values: dict[str, list[float]] = {}
    row = 1
    for bandset in loaded.plan.bands:
        edges = sorted({float(e) for b in bandset.bands for e in (b.min, b.max) if e is not None})
        probes = sorted({x + d for x in edges for d in (-0.5, -1e-9, 0, 1e-9, 0.5)} | {-10.0, 150.0})
        values[bandset.id] = probes
        for value in probes:
            label, percent = band_formulas(lists.bands[bandset.id], f"A{row}")
            ws[f"A{row}"] = value
            ws[f"B{row}"] = "=" + label
            ws[f"C{row}"] = "=" + percent
            row += 1
    wb.save(target)
    return values


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, keys: tuple[Path, Path]) -> World:
    tmp = tmp_path_factory.mktemp("scales")
    loaded = scales_plan()
    layouts = plan_layouts(loaded)
    issued = generate(loaded, tmp / "issued", private_key=load_private_key(keys[0]), jobs=1).files[0]
    rng = random.Random("piano-xlsx scales")
    wb = openpyxl.load_workbook(issued)
    (tmp / "filled").mkdir()
    fills = []
    for n in range(FILLS):
        scores = random_scores(layouts, rng, clean=n < 4)  # a few complete and clean returns
        path = save_scores(wb, layouts, scores, tmp / "filled" / f"scale-{n:02d}.xlsx")
        fills.append(Fill(path, scores))
    probes = write_probes(issued, tmp / "filled" / "sonde.xlsx", loaded)
    sources = [f.path for f in fills] + [tmp / "filled" / "sonde.xlsx"]
    calc = libreoffice_convert(sources, tmp / "libreoffice")
    gnumeric = gnumeric_convert(sources, tmp / "gnumeric")
    return World(loaded, layouts, issued, fills, {"libreoffice": calc[:-1], "gnumeric": gnumeric[:-1]},
                 {"libreoffice": calc[-1], "gnumeric": gnumeric[-1]}, probes, load_public_key(keys[1]))


# ---------------------------------------------------------------- what each application computes


@pytest.mark.parametrize("engine", ENGINES)
def test_every_formula_cell_equals_the_model(world: World, engine: str) -> None:
    cells = formula_cells(world.loaded, world.layouts)
    problems: list[str] = []
    complete = 0
    for fill, path in zip(world.fills, world.converted[engine], strict=True):
        results = {lay.card.id: evaluate(lay, fill.scores[lay.card.id]) for lay in world.layouts}
        complete += sum(r.complete for r in results.values())
        problems += compare(path, cells, expected_values(world.layouts, results))
    assert not problems, f"{engine}: {len(problems)} cells differ:\n" + "\n".join(problems[:30])
    assert complete >= 4 * len(world.layouts)  # bands, percentages and bonuses were computed, not left blank


def _band_of(loaded: LoadedPlan, bandset_id: str, value: float) -> tuple[str, Any]:
    """The band the plan's words give a value (Band.contains, first band first), as label and fraction."""
    bandset = next(b for b in loaded.plan.bands if b.id == bandset_id)
    index = band_index(bandset.bands, value)
    if not index:
        return BAND_OUTSIDE, ""
    return bandset.bands[index - 1].label, float(bandset.bands[index - 1].percent) / 100


def _probe_problems(world: World, found: dict[int, tuple[Any, Any]], who: str) -> list[str]:
    problems = []
    row = 1
    for bandset_id, values in world.probe_values.items():
        for value in values:
            want = _band_of(world.loaded, bandset_id, value)
            label, percent = found.get(row, want)  # a row not probed here agrees by definition
            if label != want[0] or not values_equal(percent, want[1]):
                problems.append(f"{who} {bandset_id} at {value!r}: {label!r} {percent!r}, the plan says {want!r}")
            row += 1
    return problems


@pytest.mark.parametrize("engine", ENGINES)
def test_band_formulas_keep_edges_and_gaps_in_each_application(world: World, engine: str) -> None:
    ws = openpyxl.load_workbook(world.probes[engine], data_only=True)[PROBES]
    found = {row: (ws[f"B{row}"].value, ws[f"C{row}"].value) for row in range(1, ws.max_row + 1)}
    problems = _probe_problems(world, found, engine)
    assert not problems, "\n".join(problems[:30])
    outside = sum(1 for label, _ in found.values() if label == BAND_OUTSIDE)
    assert len(found) == sum(len(v) for v in world.probe_values.values())
    assert outside >= 100  # the gaps and the values beyond every band were probed


def test_the_audit_engine_computes_the_band_formulas_too(world: World) -> None:
    import zipfile

    with zipfile.ZipFile(world.probes["libreoffice"]) as zf:
        book = read_workbook(zf, lambda sheet: None)
    sources = found_sources(book)
    rows = [int(a[1:]) for a in sources[PROBES] if a.startswith("A") and int(a[1:]) % 2]  # every other value:
    probes = {f"{c}{r}": sources[PROBES][f"{c}{r}"] for r in rows for c in "ABC"}  # each formula costs 10 ms
    model = Model({PROBES: probes, LISTS_SHEET: sources[LISTS_SHEET]})
    assert not model.problems
    values = model.compute().values
    found = {row: (values[(PROBES, f"B{row}")], values[(PROBES, f"C{row}")]) for row in rows}
    problems = _probe_problems(world, found, "formulas")
    assert not problems, "\n".join(problems[:30])
    assert len(found) > 400 and sum(1 for label, _ in found.values() if label == BAND_OUTSIDE) >= 40


# ---------------------------------------------------------------- dropdowns and the list sheet survive


@pytest.mark.parametrize("engine", ENGINES)
def test_dropdowns_still_read_the_list_sheet(world: World, engine: str) -> None:
    lists = list_sheet(world.loaded.plan)
    for path in [world.issued, *world.converted[engine][:3]]:
        wb = openpyxl.load_workbook(path)
        for layout in world.layouts:
            ws = wb[layout.sheet]
            for item in layout.items:
                found = [dv for dv in ws.data_validations.dataValidation if item.cell("score") in dv.sqref]
                assert len(found) == 1 and found[0].type == "list", (path.name, layout.sheet, item.cell("score"))
                if item.item.gate:
                    assert found[0].formula1 == f'"{GATE_PASSED},{GATE_FAILED}"'
                    continue
                issued = lists.scale_range(layout.card.scale, item.item.neutralisable)
                assert issued and range_source_change("=" + issued, found[0].formula1) is None, found[0].formula1
        sheet = wb[LISTS_SHEET]
        for (_, with_nv), ref in lists.scales.items():
            cells = [c for row in sheet[ref.split("!")[1].replace("$", "")] for c in row]
            numbers = cells[:-1] if with_nv else cells
            assert all(c.data_type == "n" and isinstance(c.value, (int, float)) for c in numbers), path.name
            assert [c.value for c in numbers][:3] in ([0, 1, 2], [0, 0.5, 1]), path.name


# ---------------------------------------------------------------- collect and audit


def _score_problems(fill: Fill, layouts: list[CardLayout]) -> set[tuple[str, str]]:
    """(sheet, cell) of every score the fill left blank or made invalid."""
    out = set()
    for layout in layouts:
        for result in evaluate(layout, fill.scores[layout.card.id]).items:
            if result.status in ("Manca", "Non ammesso"):
                out.add((layout.sheet, result.cell))
    return out


def _not_this_feature(finding: Any) -> bool:
    # Gnumeric does not keep the workbook's structure protection; how that is judged is the structure check's
    # concern, not this test's
    return finding.code == "PROTECTION_REMOVED" and finding.sheet is None


@pytest.mark.parametrize("engine", ENGINES)
def test_collect_reports_only_the_fills_own_mistakes(world: World, engine: str) -> None:
    result = collect(world.loaded, world.converted[engine], public_key=world.public, jobs=1)
    by_name = {Path(report.path).name: report for report in result.files}
    clean = 0
    for fill, path in zip(world.fills, world.converted[engine], strict=True):
        report = by_name[path.name]
        errors = [f for f in report.findings if f.severity == Severity.ERROR and not _not_this_feature(f)]
        assert {f.code for f in errors} <= SCORE_CODES, (path.name, [(f.code, f.message) for f in errors][:5])
        assert {(f.sheet, f.cell) for f in errors} == _score_problems(fill, world.layouts), path.name
        assert len(report.cards) == len(world.layouts)
        for card in report.cards:  # the scores were read as they were written: numbers stay numbers
            wanted = fill.scores[card.card_id]
            assert all(values_equal(card.scores[k], v) or (v is None and card.scores[k] is None)
                       for k, v in wanted.items()), (path.name, card.card_id)
        clean += not errors
    assert clean >= 4


@pytest.mark.parametrize("engine", ENGINES)
def test_audit_recomputes_every_formula_as_the_model(world: World, engine: str) -> None:
    for path in world.converted[engine][2:5]:
        audit = audit_file(path, public_key=world.public, loaded=world.loaded, layouts=world.layouts)
        errors = [f for f in audit.findings if f.severity == Severity.ERROR and not _not_this_feature(f)]
        assert not errors, (path.name, [(f.code, f.sheet, f.cell, f.message) for f in errors][:5])
        assert audit.formulas and all(row.status == OK for row in audit.formulas), path.name
        card_rows = [row for row in audit.formulas if row.card is not None]
        assert card_rows and all(values_equal(row.recomputed, row.model) or (row.model in ("", None) and
                                                                             row.recomputed in ("", None))
                                 for row in card_rows), path.name


# ---------------------------------------------------------------- an Italian Calc


def test_italian_calc_picks_half_points_as_numbers(world: World, tmp_path: Path) -> None:
    """In Calc with the Italian locale (decimal comma) a half point chosen from a dropdown is a number.

    Calc shows the list sheet's numbers as the locale writes them ("37,5") and enters the chosen text as if
    typed, so the pick is the number 37.5; the text "37.5", which an inline list of decimals would carry,
    stays a text there (which also shows that the locale is in force).
    """
    by_id = {lay.card.id: lay for lay in world.layouts}
    picked = [by_id["mezzi-quaranta"], by_id["mezzi-centouno"]]
    picks: list[dict[str, Any]] = []
    wanted: dict[str, dict[str, Value]] = {}
    for layout in picked:
        picks.append({"sheet": layout.sheet, "cell": layout.header_cell("evaluator"), "text": "Nucleo"})
        picks.append({"sheet": layout.sheet, "cell": layout.header_cell("date"), "text": "15/03/2026"})
        wanted[layout.card.id] = {}
        for n, item in enumerate(layout.items):
            entry = 0 if item.item.gate else [1, 75, 150, 199, 0][n]  # 0,5 37,5 75 99,5; Sì
            picks.append({"sheet": layout.sheet, "cell": item.cell("score"), "entry": entry})
            wanted[layout.card.id][item.item.id] = GATE_PASSED if item.item.gate else HALVES[entry]
    control = by_id["mezzi-trentuno"]
    picks.append({"sheet": control.sheet, "cell": control.items[0].cell("score"), "text": "37.5"})

    done = libreoffice_pick(world.issued, tmp_path / "scelte.xlsx", picks, locale="it-IT")

    chosen = [d for d in done if "entry" in d]
    assert len(chosen) == sum(len(lay.items) for lay in picked)
    for d in chosen:
        assert d["kind"] == ("TEXT" if d["entered"] == GATE_PASSED else "VALUE"), d
        if d["kind"] == "VALUE":
            assert d["value"] == HALVES[d["entry"]] and d["entered"] == show_number(HALVES[d["entry"]]), d
    assert any("," in d["entered"] for d in chosen)  # Calc showed half points with a decimal comma
    assert done[-1]["kind"] == "TEXT", done[-1]  # "37.5" is no number in Italian
    assert [d["kind"] for d in done if d["cell"] == picked[0].header_cell("date")] == ["VALUE"] * 2

    result = collect(world.loaded, [tmp_path / "scelte.xlsx"], public_key=world.public, jobs=1)
    [report] = result.files
    cards = {card.card_id: card for card in report.cards}
    for layout in picked:
        card = cards[layout.card.id]
        assert card.scores == wanted[layout.card.id]
        assert all(isinstance(v, float) for v in card.scores.values() if v != GATE_PASSED), card.scores
        assert card.result.complete and card.date == "2026-03-15"
        assert not [f for f in report.findings if f.sheet == layout.sheet and f.severity != Severity.INFO], \
            [f.message for f in report.findings if f.sheet == layout.sheet]
    as_text = [f for f in report.findings if f.sheet == control.sheet and f.code == "SCORE_AS_TEXT"]
    assert [f.cell for f in as_text] == [control.items[0].cell("score")]
