"""A percentage typed in an Italian-locale LibreOffice Calc is read as the number the person meant.

The percentage cell of a card is formatted as a percentage and holds the fraction (85% is 0.85), as Calc and
Excel store it. Proved here with the real Calc 7.4 set to it-IT, typing through its own input command (see
calc_typing.py): «85%» and «0,85» are 0.85; «85,5%» is 0.855; «85» is 85 (8500%), which the card marks
«Non ammesso» and collect reports as PERCENT_AS_NUMBER; «0.85» with a point is a text in Italian. The same
texts typed in an en-US Calc read the other way round for the separators, which shows the locale is in effect.
Not proved here: Calc's stop alert on the validation (it shows only to a person); the validation that would
stop «85» (a decimal between 0 and 1) is read back from the saved file.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from calc_typing import type_in_calc
from support import ROOT
from test_generate_libreoffice import compare, expected_values, formula_cells

from piano_xlsx.collect import collect
from piano_xlsx.generate import generate, plan_layouts
from piano_xlsx.plan.loader import load_plan

PLAN = ROOT / "examples" / "piano-percentuali.yaml"
TYPED = {"ambito.trasparenza": "85%", "ambito.pagamenti": "0,85", "individuali.1": "85,5%", "individuali.2": "85",
         "competenze.1": "4", "competenze.2": "5", "competenze.3": "0.85"}
ITALIAN = {"ambito.trasparenza": 0.85, "ambito.pagamenti": 0.85, "individuali.1": 0.855, "individuali.2": 85,
           "competenze.1": 4, "competenze.2": 5, "competenze.3": "0.85"}
ENGLISH = {"ambito.trasparenza": 0.85, "ambito.pagamenti": "0,85", "individuali.1": "85,5%", "individuali.2": 85,
           "competenze.1": 4, "competenze.2": 5, "competenze.3": 0.85}


@pytest.fixture(scope="module")
def typed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    tmp = tmp_path_factory.mktemp("typing")
    loaded = load_plan(PLAN)
    layout = next(lay for lay in plan_layouts(loaded) if lay.card.id == "area-tecnica")
    issued = generate(loaded, tmp / "issued", per_sector=True, jobs=1).files
    source = next(p for p in issued if "area-tecnica" in p.name)
    entries = [(layout.sheet, item.cell("score"), TYPED[item.item.id]) for item in layout.items]
    entries += [(layout.sheet, layout.header_cell("evaluator"), "Nucleo di Valutazione"),
                (layout.sheet, layout.header_cell("date"), "15/03/2026")]
    return {"loaded": loaded, "layout": layout,
            "it": type_in_calc(source, tmp / "it" / source.name, entries, locale="it-IT"),
            "en": type_in_calc(source, tmp / "en" / source.name, entries, locale="en-US")}


def cell_values(path: Path, layout) -> dict[str, object]:  # type: ignore[no-untyped-def]
    ws = openpyxl.load_workbook(path)[layout.sheet]
    return {item.item.id: ws[item.cell("score")].value for item in layout.items}


def test_italian_calc_reads_percentages_as_meant(typed: dict[str, object]) -> None:
    assert cell_values(typed["it"], typed["layout"]) == ITALIAN  # type: ignore[arg-type]


def test_the_locale_is_in_effect(typed: dict[str, object]) -> None:
    assert cell_values(typed["en"], typed["layout"]) == ENGLISH  # type: ignore[arg-type]


def test_calc_computes_the_typed_card_as_the_model(typed: dict[str, object]) -> None:
    from piano_xlsx.workbook.computation import evaluate

    layout = typed["layout"]
    scores = cell_values(typed["it"], layout)  # type: ignore[arg-type]
    result = evaluate(layout, scores)  # type: ignore[arg-type]
    cells = {layout.sheet: formula_cells(typed["loaded"], [layout])[layout.sheet]}  # type: ignore[union-attr]
    assert compare(typed["it"], cells, expected_values([layout], {layout.card.id: result})) == []  # type: ignore
    assert result.invalid == 2  # 85 without its sign, and «0.85» with a point, are not admitted


def test_collect_says_what_was_meant(typed: dict[str, object]) -> None:
    result = collect(typed["loaded"], [typed["it"]], isolate=False)  # type: ignore[arg-type]
    layout = typed["layout"]
    cell = {item.item.id: item.cell("score") for item in layout.items}  # type: ignore[attr-defined]
    by_cell = {f.cell: f for f in result.findings if f.sheet == layout.sheet}  # type: ignore[attr-defined]
    assert by_cell[cell["individuali.2"]].code == "PERCENT_AS_NUMBER"
    assert "85%" in by_cell[cell["individuali.2"]].message
    assert by_cell[cell["competenze.3"]].code == "SCORE_OUT_OF_SCALE"  # a text that is no list value
    assert not {cell[i] for i in ("ambito.trasparenza", "ambito.pagamenti", "individuali.1")} & set(by_cell)
    statuses = {s.card_id: s.status for s in result.consolidated.statuses}
    assert statuses["area-tecnica"] == "incomplete"  # two scores not admitted, and nothing else wrong


def test_the_validation_that_stops_85_survives_calc(typed: dict[str, object]) -> None:
    layout = typed["layout"]
    ws = openpyxl.load_workbook(typed["it"])[layout.sheet]  # type: ignore[index,attr-defined]
    cell = next(item.cell("score") for item in layout.items if item.item.id == "individuali.2")  # type: ignore
    found = [v for v in ws.data_validations.dataValidation if cell in str(v.sqref).split()]
    assert len(found) == 1 and found[0].type == "decimal" and found[0].errorStyle in (None, "stop")
    assert (float(found[0].formula1), float(found[0].formula2)) == (0.0, 1.0)
