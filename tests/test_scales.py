"""Any scale, any band set: the list sheet, the dropdowns that read it, the band tables, and their checks.

Fast (openpyxl and the Python model only): tests/test_scales_apps.py runs the same workbooks in LibreOffice
and Gnumeric.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from scale_plans import HALVES, scales_plan, scales_plan_text
from support import TEMPLATES, fill_workbook, full_scores, rewrite_zip, sheet_part

from piano_xlsx.audit import audit_file
from piano_xlsx.collect import collect
from piano_xlsx.findings import Severity
from piano_xlsx.generate import generate, plan_layouts
from piano_xlsx.plan.check import check_plan
from piano_xlsx.plan.dropdowns import describe, dropdown_messages, inline_list, utf16_len
from piano_xlsx.plan.loader import LoadedPlan, load_plan, load_plan_text
from piano_xlsx.plan.model import Band
from piano_xlsx.plan.resolve import LISTS_SHEET, NEUTRALISED, resolve_cards
from piano_xlsx.signing import load_private_key, load_public_key
from piano_xlsx.workbook import content
from piano_xlsx.workbook.computation import band_region
from piano_xlsx.workbook.layout import LABEL_COL, LEGEND_ROW
from piano_xlsx.workbook.lists import BAND_OUTSIDE, band_index, band_table, list_sheet, range_source_change
from piano_xlsx.workbook.manifest import manifest_from_sheet

# ---------------------------------------------------------------- band tables


def _bands(*specs: tuple[float | None, bool, float | None, bool]) -> list[Band]:
    return [Band(label=f"F{n}", min=lo, min_inclusive=lo_in, max=hi, max_inclusive=hi_in, percent=n)
            for n, (lo, lo_in, hi, hi_in) in enumerate(specs, start=1)]


BAND_SETS = {
    "seed": _bands((None, True, 40, True), (40, False, 50, True), (50, False, 70, True), (70, False, 85, True),
                   (85, False, 100, True)),
    "gaps": _bands((0, True, 40, True), (41, True, 50, True), (51, True, 100, True)),  # what is 40.5?
    "exclusive": _bands((0, True, 60, False), (60, True, 100, False), (100, True, 100, True)),
    "overlap": _bands((0, True, 50, True), (40, True, 100, True)),  # the first band counts, as check says
    "unbounded": _bands((None, True, None, True)),
    "point": _bands((50, True, 50, True)),
    **{b.id: list(b.bands) for b in scales_plan().plan.bands},
}


@pytest.mark.parametrize("name", sorted(BAND_SETS))
def test_the_band_table_gives_every_value_the_band_the_plan_gives_it(name: str) -> None:
    bands = BAND_SETS[name]
    table = band_table(bands)
    assert len(table.band_at) == 2 * len(table.edges) + 1 == len(table.descriptions)
    rng = random.Random(name)
    values = {x + d for x in table.edges for d in (-1, -1e-9, 0, 1e-9, 0.25, 1)}
    values |= {rng.uniform(-20, 120) for _ in range(500)} | {-1e9, 1e9}
    for value in sorted(values):
        assert table.band_at[band_region(table, value)] == band_index(bands, value), (name, value)
    if name == "gaps":
        assert table.band_at[band_region(table, 40.5)] == 0  # a gap keeps its meaning: outside every band


def test_the_list_sheet_holds_each_band_set_as_its_table() -> None:
    loaded = scales_plan()
    cells = content.list_cells(loaded.plan)
    sheet = list_sheet(loaded.plan)
    for bandset in loaded.plan.bands:
        table, ranges = band_table(bandset.bands), sheet.bands[bandset.id]

        def column(ref: str) -> list[object]:
            letter, first, last = re.fullmatch(r"Elenchi!\$([A-Z]+)\$(\d+)(?::\$[A-Z]+\$(\d+))?", ref).groups()
            return [cells[f"{letter}{r}"].value if f"{letter}{r}" in cells else None
                    for r in range(int(first), int(last or first) + 1)]

        assert column(ranges.edges) == list(table.edges)
        labels = [bandset.bands[i - 1].label if i else BAND_OUTSIDE for i in table.band_at]
        assert column(ranges.labels) == labels
        assert column(ranges.percents) == [bandset.bands[i - 1].percent / 100 if i else None for i in table.band_at]
        assert all(cells[a].kind == "n" for a in cells if cells[a].style in ("list_value", "percent"))


# ---------------------------------------------------------------- dropdowns


def test_a_list_is_inline_only_where_that_is_safe() -> None:
    assert inline_list([4, 6, 8, 10, NEUTRALISED]) == "4,6,8,10,N.V."
    assert inline_list([4.0, 6.0]) == "4,6"
    assert inline_list([1, 1.5, 2]) is None  # "1.5" typed inline is a text where the decimal mark is a comma
    assert inline_list(list(range(101))) is None  # 291 characters, past Excel's 255
    assert inline_list(list(range(80))) == ",".join(map(str, range(80)))  # 229 characters
    assert inline_list(["Sì, pienamente", "No"]) is None


def test_dropdown_messages_fit_excel_and_say_what_they_leave_out() -> None:
    assert dropdown_messages([4, 6, 8, 10]) == ("Scegliere un valore dall'elenco: 4, 6, 8, 10.",
                                                "Sono ammessi solo i valori dell'elenco: 4, 6, 8, 10.", True)
    text, error, complete = dropdown_messages([*HALVES, NEUTRALISED])
    assert complete and text == "Scegliere un valore dall'elenco: da 0 a 100 con passo 0,5; N.V.."
    assert error.endswith("da 0 a 100 con passo 0,5; N.V..")
    squares = [float(v * v) for v in range(60)]
    text, error, complete = dropdown_messages(squares)
    assert not complete and text.endswith(", …, 3481.") and text.startswith("Scegliere un valore dall'elenco: 0, 1, 4")
    assert utf16_len(text) <= 255 and utf16_len(error) <= 255
    assert describe([0, 0.5, 1], 60) == ("0; 0,5; 1", True)  # decimal commas: the values are parted by ';'
    assert describe(HALVES, 60, sep="/") == ("da 0 a 100 con passo 0,5", True)


def test_range_sources_compare_by_the_cells_they_read() -> None:
    issued = "=Elenchi!$D$3:$D$203"
    for same in ("Elenchi!$D$3:$D$203", "'Elenchi'!D3:D203", "=elenchi!$D$3:$D$203", " Elenchi!$D$3:$D$203 "):
        assert range_source_change(issued, same) is None, same
    assert range_source_change(issued, "Elenchi!$D$3:$D$250").startswith("ampliata")
    assert range_source_change(issued, "Elenchi!$D$1:$E$203").startswith("ampliata")
    assert "invece che da" in range_source_change(issued, "Elenchi!$E$3:$E$203")
    assert "invece che da" in range_source_change(issued, "Riepilogo!$D$3:$D$203")
    assert "invece dei valori" in range_source_change(issued, '"0,1,2,3"')
    assert range_source_change(issued, None) is not None


# ---------------------------------------------------------------- the generated workbook


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory, keys: tuple[Path, Path]) -> tuple[LoadedPlan, Path]:
    loaded = scales_plan()
    return loaded, generate(loaded, tmp_path_factory.mktemp("scales"), private_key=load_private_key(keys[0]),
                            jobs=1).files[0]


def test_long_and_decimal_scales_read_their_dropdown_from_the_list_sheet(issued: tuple[LoadedPlan, Path]) -> None:
    loaded, path = issued
    wb = openpyxl.load_workbook(path)
    lists = list_sheet(loaded.plan)
    manifest = manifest_from_sheet({c.coordinate: c for row in wb["_piano_xlsx"].iter_rows() for c in row})[0]
    assert {"name": LISTS_SHEET, "role": "lists", "card": None} in manifest["sheets"]
    assert set(manifest["cells"][LISTS_SHEET]) == set(content.list_cells(loaded.plan))
    sheet = wb[LISTS_SHEET]
    assert sheet.sheet_state == "hidden" and sheet.protection.sheet
    for layout in plan_layouts(loaded):
        ws = wb[layout.sheet]
        issued_validations = {cell: allowed for cell, _, allowed in manifest["validations"][layout.sheet]}
        for item in layout.items:
            [dv] = [dv for dv in ws.data_validations.dataValidation if item.cell("score") in dv.sqref]
            assert utf16_len(dv.prompt) <= 255 and utf16_len(dv.error) <= 255
            if item.item.gate:
                assert dv.formula1 == '"Sì,No"' and issued_validations[item.cell("score")] == "Sì,No"
                continue
            ref = lists.scale_range(layout.card.scale, item.item.neutralisable)
            assert dv.formula1 == ref and issued_validations[item.cell("score")] == "=" + ref
            assert "con passo" in dv.prompt  # the whole scale said in the message
            values = [c.value for row in sheet[ref.split("!")[1].replace("$", "")] for c in row]
            want = [*layout.card.scale.numbers(), *([NEUTRALISED] if item.item.neutralisable else [])]
            assert values == want
            assert all(isinstance(v, float | int) for v in values if v != NEUTRALISED)  # numbers, not texts
        formulas = {a: str(c.value) for a, c in content.card_cells(loaded.plan, layout).items() if c.kind == "f"}
        assert all("CHOOSE" not in f and len(f) < 8192 for f in formulas.values())
        status = formulas[layout.items[0].cell("status")]
        assert lists.scale_range(layout.card.scale, False) in status and "{" not in status


def test_instructions_and_legend_describe_a_long_scale_in_one_line(issued: tuple[LoadedPlan, Path]) -> None:
    loaded, _ = issued
    layouts = plan_layouts(loaded)
    lines = [text for _, text in content.instruction_lines(loaded.plan, layouts)]
    assert "   Valori ammessi: da 0 a 100 con passo 0,5." in lines and "   37,5" not in lines
    assert not [t for t in lines if re.fullmatch(r"   [\d,]+", t)]  # not one line per value (201 of them)
    legend = content.card_cells(loaded.plan, layouts[1])[f"{LABEL_COL}{LEGEND_ROW}"].value
    assert "(da 0 a 100 con passo 0,5)" in str(legend)


def test_a_plan_without_bands_or_long_scales_has_no_list_sheet(tmp_path: Path) -> None:
    loaded = load_plan(TEMPLATES / "piano-2023-settori.yaml")
    assert not list_sheet(loaded.plan).entries
    [path] = generate(loaded, tmp_path, jobs=1).files
    assert LISTS_SHEET not in openpyxl.load_workbook(path, read_only=True).sheetnames


# ---------------------------------------------------------------- collect and audit on the list form


def _edit(source: Path, target: Path, part: str, pattern: str, new: str) -> Path:
    """A copy of `source` with one match of `pattern` in one XML part replaced."""
    def change(data: bytes) -> bytes:
        edited, count = re.subn(pattern.encode(), new.encode(), data, count=1, flags=re.S)
        assert count == 1, pattern
        return edited

    return rewrite_zip(source, target, {part: change})


@pytest.fixture(scope="module")
def tampered(issued: tuple[LoadedPlan, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A filled return (openpyxl) and copies of it, each with one change to a dropdown or to the list sheet."""
    loaded, path = issued
    layouts = plan_layouts(loaded)
    folder = tmp_path_factory.mktemp("tampered")
    scores = full_scores(layouts, 50) | {"mezzi-trentuno": {i.item.id: 37.5 for i in layouts[1].items}}
    base = fill_workbook(path, folder / "filled.xlsx", layouts, scores)
    card_part, lists_part = sheet_part(base, layouts[1].sheet), sheet_part(base, LISTS_SHEET)
    ref = list_sheet(loaded.plan).scale_range(layouts[1].card.scale, False).split("!")[1]  # $D$3:$D$203
    score = layouts[1].items[0].cell("score")
    validation = rf'<dataValidation [^>]*sqref="{score}"[^>]*>.*?</dataValidation>'
    return {
        "filled": base,
        "widened": _edit(base, folder / "widened.xlsx", card_part, re.escape(ref) + "</formula1>",
                         ref.rsplit("$", 1)[0] + "$250</formula1>"),
        "inline": _edit(base, folder / "inline.xlsx", card_part, re.escape(f"Elenchi!{ref}</formula1>"),
                        "&quot;0,1,2,200&quot;</formula1>"),
        "removed": _edit(base, folder / "removed.xlsx", card_part, validation, ""),
        "list-edited": _edit(base, folder / "list-edited.xlsx", lists_part, r'(<c r="A103"[^>]*>)<v>100</v>',
                             r"\1<v>1000</v>"),
    }


def _validation_findings(findings: list) -> list[tuple[str, str | None, str | None]]:
    return sorted((f.code, f.sheet, f.cell) for f in findings if f.code in ("VALIDATION_CHANGED", "LOCKED_CHANGED",
                                                                         "SHEET_HIDDEN", "SHEET_ADDED"))


def test_collect_and_audit_accept_the_list_form_and_catch_its_changes(
        issued: tuple[LoadedPlan, Path], tampered: dict[str, Path], keys: tuple[Path, Path]) -> None:
    loaded, _ = issued
    card, score = plan_layouts(loaded)[1].sheet, plan_layouts(loaded)[1].items[0].cell("score")
    public = load_public_key(keys[1])
    result = collect(loaded, list(tampered.values()), public_key=public, jobs=1)
    by_name = {Path(r.path).stem: r for r in result.files}
    audits = {name: audit_file(path, public_key=public) for name, path in tampered.items()}
    for name, findings in [*((n, r.findings) for n, r in by_name.items()), *((n, a.findings) for n, a in
                                                                          audits.items())]:
        found = _validation_findings(findings)
        if name == "filled":
            assert found == [] and not [f for f in findings if f.severity == Severity.ERROR], findings
        elif name == "list-edited":  # 100 made 1000 in the list of the 0–100 scale
            assert found == [("LOCKED_CHANGED", LISTS_SHEET, "A103")], found
        else:
            assert found == [("VALIDATION_CHANGED", card, score)], (name, found)
    widened = next(f for f in by_name["widened"].findings if f.code == "VALIDATION_CHANGED")
    assert "ampliata" in widened.message and "$D$250" in widened.message


# ---------------------------------------------------------------- check


def _plan_with(change: Callable[[dict[str, Any]], None]) -> LoadedPlan:
    data = yaml.safe_load(scales_plan_text())
    change(data)
    return load_plan_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def test_check_warns_only_where_a_message_cannot_name_every_value() -> None:
    def irregular(data: dict[str, Any]) -> None:
        data["scales"][0] = {"id": "cento", "title": "Valori irregolari", "values": [float(v * v) for v in range(60)]}

    findings = [f for f in check_plan(_plan_with(irregular)) if f.code == "DROPDOWN_MESSAGE_SHORTENED"]
    assert [(f.severity, f.where) for f in findings] == [(Severity.WARNING, "scales[0].values")]
    assert "I 60 valori della scala «Valori irregolari»" in findings[0].message and "…, 3481" in findings[0].message
    for quiet in (scales_plan(), load_plan(TEMPLATES / "casale-marittimo-2024.yaml")):
        assert not [f for f in check_plan(quiet) if f.code == "DROPDOWN_MESSAGE_SHORTENED"]


def test_a_card_cannot_take_the_list_sheets_name() -> None:
    loaded = _plan_with(lambda data: data["cards"][0].update(title="Elenchi"))
    assert resolve_cards(loaded.plan)[0].sheet == "Elenchi (2)"
    assert any(f.code == "SHEET_NAME_COLLISION" for f in check_plan(loaded))
