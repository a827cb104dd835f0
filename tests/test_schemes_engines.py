"""Every input kind and every achievement rule, computed by the REAL LibreOffice and Gnumeric as the model does.

One plan holds them all: list scores scored proportionally, by thresholds and by steps; percentages of
achievement (with decimals) scored proportionally, by thresholds (proportional and linear between them) and by
steps; points up to the weight; achieved / not achieved; gates; N.V. redistributed over a section and over a
card; bands with an outcome outside every band, bands that only classify, and a card without bands.
Random fills (blanks, values off the scale, too many decimals, texts, "85%" as text, N.V.) are saved by
openpyxl, which drops every cached value, so both engines compute every formula themselves.
"""

from __future__ import annotations

import random
from pathlib import Path

import openpyxl
import pytest
from support import gnumeric_convert, libreoffice_convert, save_scores
from test_generate_libreoffice import compare, expected_values, formula_cells

from piano_xlsx.collect import collect
from piano_xlsx.findings import Severity
from piano_xlsx.generate import generate, plan_layouts
from piano_xlsx.plan.check import check_plan
from piano_xlsx.plan.loader import load_plan_text
from piano_xlsx.plan.resolve import ACHIEVED, GATE_FAILED, GATE_PASSED, NEUTRALISED, NOT_ACHIEVED
from piano_xlsx.signing import load_private_key
from piano_xlsx.workbook.computation import Value, evaluate, share
from piano_xlsx.workbook.layout import CardLayout

PLAN = """\
plan: {id: tutti-i-tipi-2025, ente: Comune di Prova, title: Piano della Performance 2025, year: 2025}
scales:
  - {id: perc, kind: percent, decimals: 1}
  - {id: perc-oltre, kind: percent, min: 0, max: 120}
  - {id: quattro-dieci, values: [4, 6, 8, 10]}
  - {id: punti, kind: points, decimals: 2}
  - {id: sino, kind: achieved}
default_scale: perc
rules:
  - {id: prop, kind: proportional}
  - {id: soglie, kind: thresholds, zero_below: 50, full_from: 90, between: proportional}
  - {id: lineare, kind: thresholds, zero_below: 33, full_from: 87.5, between: linear}
  - id: gradini
    kind: steps
    steps:
      - {max: 50, max_inclusive: false, share: 0}
      - {min: 50, max: 75, max_inclusive: false, share: 50}
      - {min: 75, max: 95, max_inclusive: false, share: 80}
      - {min: 95, share: 100}
  - {id: soglie-lista, kind: thresholds, zero_below: 6, full_from: 10, between: linear}
  - id: gradini-lista
    kind: steps
    steps:
      - {max: 6, share: 0}
      - {min: 6, min_inclusive: false, share: 75}
bands:
  - id: pagate
    rounding: {mode: round, decimals: 1}
    bands:
      - {label: Alta, min: 85, percent: 10, note: premio pieno}
      - {label: Media, min: 60, max: 85, max_inclusive: false, percent: 5.5}
    outside: {label: Nessuna fascia, percent: 0}
  - id: livelli
    rounding: {mode: floor, decimals: 0}
    bands:
      - {label: A, min: 80}
      - {label: B, min: 50, max: 80, max_inclusive: false}
    outside: {label: Sotto soglia}
evaluatees:
  - {id: rossi, name: Anna Rossi, base: 10000}
  - {id: verdi, name: Bruno Verdi}
  - {id: neri, name: Carla Neri}
cards:
  - id: percentuali
    title: Percentuali e punti
    evaluatee: rossi
    bands: pagate
    total: 100
    redistribution: card
    sections:
      - id: ob
        title: Obiettivi
        total: 70
        items:
          - {number: 1, title: Proporzionale, weight: 10, rule: prop, neutralisable: true}
          - {number: 2, title: Soglie, weight: 15, rule: soglie}
          - {number: 3, title: Lineare, weight: 15, rule: lineare}
          - {number: 4, title: Gradini, weight: 10, rule: gradini, neutralisable: true}
          - {number: 5, title: Oltre il cento, weight: 10, scale: perc-oltre, rule: prop}
          - {number: 6, title: Punti, weight: 10, scale: punti, neutralisable: true}
      - id: esito
        title: Raggiunto o no
        total: 30
        items:
          - {number: 1, title: Regolamento, weight: 20, scale: sino}
          - {number: 2, title: Condizione, gate: true}
          - {number: 3, title: Relazione, weight: 10, scale: sino, neutralisable: true}
  - id: liste
    title: Scale a elenco
    evaluatee: verdi
    bands: livelli
    scale: quattro-dieci
    total: 60
    redistribution: section
    sections:
      - id: ob
        title: Obiettivi
        total: 60
        items:
          - {number: 1, title: Proporzionale, weight: 20, neutralisable: true}
          - {number: 2, title: Soglie, weight: 20, rule: soglie-lista}
          - {number: 3, title: Gradini, weight: 20, rule: gradini-lista, neutralisable: true}
  - id: senza-fasce
    title: Senza fasce
    evaluatee: neri
    total: 40
    sections:
      - id: ob
        title: Obiettivi
        total: 40
        rule: soglie
        items:
          - {number: 1, title: Uno, weight: 25}
          - {number: 2, title: Due, weight: 15, scale: punti}
"""
FILLS = 40
ODD = [None, "x", NEUTRALISED, 85, 1.5, -0.1, 0.8555, "85%", "0,85", 7, 0.30000000000000004, 12.345, 11, "8", -1]


def corner(layout: CardLayout, index: int, high: bool) -> Value:
    """The lowest or the highest score an item admits (gates passed): fills that reach zero and full points."""
    item = layout.items[index].item
    if item.gate:
        return GATE_PASSED
    kind = item.scale.kind
    if kind == "achieved":
        return ACHIEVED if high else NOT_ACHIEVED
    if kind == "points":
        return item.weight if high else 0
    if kind == "percent":
        return item.scale.maximum / 100 if high else 0
    return max(item.scale.numbers()) if high else min(item.scale.numbers())


def score(rng: random.Random, layout: CardLayout, index: int) -> Value:
    item = layout.items[index].item
    draw = rng.random()
    if draw < 0.2:
        return rng.choice(ODD)
    if item.gate:
        return rng.choice([GATE_PASSED, GATE_PASSED, GATE_FAILED])
    if item.neutralisable and draw < 0.3:
        return NEUTRALISED
    kind = item.scale.kind
    if kind == "percent":
        top = int(item.scale.maximum * 10)
        edges = [0.0, 0.33, 0.5, 0.75, 0.875, 0.9, 0.95, 1.0]  # the rules' thresholds and steps, exactly
        return rng.choice(edges) if draw < 0.45 else rng.randint(0, top) / 1000
    if kind == "points":
        return rng.choice([0, item.weight, round(rng.uniform(0, item.weight), 2)])
    if kind == "achieved":
        return rng.choice([ACHIEVED, NOT_ACHIEVED])
    return rng.choice(item.scale.numbers())


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory, keys: tuple[Path, Path]) -> dict[str, object]:
    tmp = tmp_path_factory.mktemp("schemes")
    loaded = load_plan_text(PLAN)
    assert [f.code for f in check_plan(loaded) if f.severity == Severity.ERROR] == []
    layouts = plan_layouts(loaded)
    issued = generate(loaded, tmp / "issued", private_key=load_private_key(keys[0]), jobs=1).files[0]
    rng = random.Random("piano-xlsx schemes")
    wb = openpyxl.load_workbook(issued)
    fills: list[tuple[Path, dict[str, dict[str, Value]]]] = []
    for n in range(FILLS):
        scores = {lay.card.id: {lay.items[i].item.id: corner(lay, i, n == 1) if n < 2 else score(rng, lay, i)
                                for i in range(len(lay.items))} for lay in layouts}
        (tmp / "filled").mkdir(exist_ok=True)
        path = save_scores(wb, layouts, scores, tmp / "filled" / f"fill-{n:02d}.xlsx")
        fills.append((path, scores))
    paths = [p for p, _ in fills]
    return {"loaded": loaded, "layouts": layouts, "fills": fills, "issued": issued, "public": keys[1],
            "libreoffice": libreoffice_convert(paths, tmp / "libreoffice"),
            "gnumeric": gnumeric_convert(paths, tmp / "gnumeric")}


@pytest.mark.parametrize("engine", ["libreoffice", "gnumeric"])
def test_every_formula_cell_equals_the_model(engine: str, converted: dict[str, object]) -> None:
    loaded, layouts = converted["loaded"], converted["layouts"]
    cells = formula_cells(loaded, layouts)  # type: ignore[arg-type]
    problems: list[str] = []
    complete = 0
    for (_, scores), path in zip(converted["fills"], converted[engine], strict=True):  # type: ignore[call-overload]
        results = {lay.card.id: evaluate(lay, scores[lay.card.id]) for lay in layouts}  # type: ignore[attr-defined]
        complete += sum(r.complete for r in results.values())
        problems += compare(path, cells, expected_values(layouts, results))  # type: ignore[arg-type]
    assert not problems, f"{engine}: {len(problems)} cells differ:\n" + "\n".join(problems[:30])
    assert complete >= FILLS // 4  # bands, percentages and bonuses were computed on complete cards too
    assert sum(len(v) for v in cells.values()) * FILLS >= 2000


def test_the_model_covers_every_branch_of_every_rule(converted: dict[str, object]) -> None:
    """The fills reach zero, partial and full points under every rule (else the comparison proves little)."""
    reached: dict[str, set[str]] = {}
    for _, scores in converted["fills"]:  # type: ignore[attr-defined]
        for layout in converted["layouts"]:  # type: ignore[attr-defined]
            result = evaluate(layout, scores[layout.card.id])
            for item, got in zip(layout.items, result.items, strict=True):
                if got.points is None or got.status != "OK":
                    continue
                earned = got.score / item.item.weight if item.item.scale.kind == "points" else share(item.item,
                                                                                                       got.score)
                reached.setdefault(f"{layout.card.id}.{item.item.id}", set()).add(
                    "zero" if earned == 0 else "full" if earned == 1 else "part")
    never = {"percentuali.esito.1": "part", "percentuali.esito.3": "part",  # achieved: all or nothing
             "liste.ob.1": "zero",  # 4/6/8/10 proportional: 40 % at least
             "liste.ob.3": "full"}  # steps of 0 % and 75 %
    assert len(reached) == 13
    for key, shares in reached.items():
        assert {"zero", "part", "full"} - {never.get(key, "")} == shares, (key, shares)


def test_returns_saved_by_libreoffice_collect_with_the_findings_their_scores_deserve(
        converted: dict[str, object]) -> None:
    loaded = converted["loaded"]
    result = collect(loaded, converted["libreoffice"][:10], public_key=load_public(converted),  # type: ignore[index]
                     isolate=False)
    codes = {f.code for f in result.findings if f.severity == Severity.ERROR}
    allowed = {"SCORE_MISSING", "SCORE_OUT_OF_SCALE", "SCORE_AS_TEXT", "SCORE_TOO_PRECISE", "PERCENT_AS_NUMBER",
               "NEUTRALISED_NOT_ALLOWED", "DUPLICATE_RETURN"}
    assert codes <= allowed, codes - allowed
    assert not [f for f in result.findings if f.code in ("VALIDATION_CHANGED", "CACHED_MISMATCH", "FORMULA_CHANGED")]


def load_public(converted: dict[str, object]):  # type: ignore[no-untyped-def]
    from piano_xlsx.signing import load_public_key

    return load_public_key(converted["public"])  # type: ignore[arg-type]


def test_validations_survive_libreoffice_and_gnumeric(converted: dict[str, object]) -> None:
    """The decimal ranges and the custom rule that lets N.V. through are still there after each engine's save."""
    layout = next(lay for lay in converted["layouts"] if lay.card.id == "percentuali")  # type: ignore[attr-defined]
    cells = {item.item.id: item.cell("score") for item in layout.items}
    for engine in ("libreoffice", "gnumeric"):
        ws = openpyxl.load_workbook(converted[engine][0])[layout.sheet]  # type: ignore[index]
        kinds = {}
        for validation in ws.data_validations.dataValidation:
            for cell in str(validation.sqref).split():
                kinds[cell] = (validation.type, validation.formula1)
        assert kinds[cells["ob.2"]][0] == "decimal", engine  # a percentage
        assert kinds[cells["ob.1"]][0] == "custom" and NEUTRALISED in kinds[cells["ob.1"]][1], engine  # or N.V.
        assert kinds[cells["ob.6"]][0] == "custom", engine  # points or N.V.
        assert kinds[cells["esito.1"]][0] == "list", engine  # achieved / not achieved


def test_the_audit_engine_recomputes_every_new_formula_as_libreoffice(converted: dict[str, object]) -> None:
    """The independent engine (audit) and the plan's model agree with LibreOffice on every rule and input kind."""
    from piano_xlsx.audit import audit_file
    from piano_xlsx.workbook.computation import values_equal

    loaded, layouts = converted["loaded"], converted["layouts"]
    for path in converted["libreoffice"][:6]:  # type: ignore[index]
        audit = audit_file(path, public_key=load_public(converted), loaded=loaded, layouts=layouts)  # type: ignore
        assert [f.code for f in audit.findings if f.code in ("AUDIT_ENGINE", "AUDIT_MODEL_DIFFERS")] == []
        rows = [r for r in audit.formulas if r.sheet != "Riepilogo"]
        assert rows and all(r.status == "ok" for r in rows), [(r.cell, r.status) for r in rows if r.status != "ok"]
        assert all(values_equal(r.cached, r.recomputed) for r in rows), \
            [(r.sheet, r.cell, r.cached, r.recomputed) for r in rows if not values_equal(r.cached, r.recomputed)]


def test_a_widened_percentage_range_is_a_changed_validation(converted: dict[str, object], tmp_path: Path) -> None:
    """A percentage cell whose range is widened to admit 85 (8500%) is caught, as a widened list is."""
    layout = next(lay for lay in converted["layouts"] if lay.card.id == "percentuali")  # type: ignore[attr-defined]
    cell = next(i.cell("score") for i in layout.items if i.item.id == "ob.2")
    wb = openpyxl.load_workbook(converted["libreoffice"][0])  # type: ignore[index]
    ws = wb[layout.sheet]
    validation = next(v for v in ws.data_validations.dataValidation if cell in str(v.sqref).split())
    validation.formula2 = "100"
    wb.save(tmp_path / "widened.xlsx")
    result = collect(converted["loaded"], [tmp_path / "widened.xlsx"], public_key=load_public(converted),  # type: ignore
                     isolate=False)
    changed = [(f.sheet, f.cell) for f in result.findings if f.code == "VALIDATION_CHANGED"]
    assert changed == [(layout.sheet, cell)]
