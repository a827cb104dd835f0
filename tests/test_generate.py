"""`generate` read back with openpyxl: locked, validated, printable, safe with hostile text, deterministic.

Fast: no LibreOffice here (tests/test_generate_libreoffice.py opens the same workbooks in it).
"""

from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner
from openpyxl.cell.cell import MergedCell
from openpyxl.worksheet.worksheet import Worksheet
from support import EXAMPLE_PLAN, TEMPLATES
from xlsx_compare import compare_parts, updating, write_golden, xml_parts

from piano_xlsx.cli import cli
from piano_xlsx.generate import DELIVERY_NOTE, generate, plan_layouts
from piano_xlsx.plan.check import check_plan
from piano_xlsx.plan.loader import LoadedPlan, load_plan, load_plan_text
from piano_xlsx.plan.resolve import (
    DETAILS_SHEET,
    GATE_FAILED,
    GATE_PASSED,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    MANIFEST_SHEET,
    NEUTRALISED,
    SUMMARY_SHEET,
)
from piano_xlsx.signing import load_private_key
from piano_xlsx.workbook import content
from piano_xlsx.workbook.layout import (
    COLUMNS,
    DETAILS_COLUMNS,
    TABLE_HEADER_ROW,
    CardLayout,
    col,
    item_row_heights,
    objective_text,
)
from piano_xlsx.workbook.lists import list_sheet
from piano_xlsx.workbook.textmetrics import split_text, text_lines
from piano_xlsx.workbook.writer import legacy_password_hash

PLANS = {
    "settori": TEMPLATES / "piano-2023-settori.yaml",
    "casale": TEMPLATES / "casale-marittimo-2024.yaml",
    "esempio": EXAMPLE_PLAN,
}
GOLDEN = Path(__file__).parent / "golden"


@dataclass
class Workbooks:
    """One plan generated one way, read back with openpyxl."""

    loaded: LoadedPlan
    layouts: list[CardLayout]
    password: str
    files: list[Path]
    books: dict[Path, openpyxl.Workbook]

    def card_sheets(self) -> list[tuple[CardLayout, Worksheet, Path]]:
        out = []
        for path, wb in self.books.items():
            for layout in self.layouts:
                if layout.sheet in wb.sheetnames:
                    out.append((layout, wb[layout.sheet], path))
        return out

    def group(self, wb: openpyxl.Workbook) -> list[CardLayout]:
        return [lay for lay in self.layouts if lay.sheet in wb.sheetnames]


@pytest.fixture(scope="module", params=[(name, per) for name in PLANS for per in (False, True)],
                ids=lambda p: f"{p[0]}-{'per-sector' if p[1] else 'one-workbook'}")
def generated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
              keys: tuple[Path, Path]) -> Workbooks:
    name, per_sector = request.param
    loaded = load_plan(PLANS[name])
    out = tmp_path_factory.mktemp(f"gen-{name}")
    result = generate(loaded, out, private_key=load_private_key(keys[0]), per_sector=per_sector, jobs=1)
    assert len(result.files) == (len(loaded.plan.cards) if per_sector else 1)
    books = {path: openpyxl.load_workbook(path) for path in result.files}
    return Workbooks(loaded, plan_layouts(loaded), result.password, result.files, books)


# ---------------------------------------------------------------- locked


def test_every_sheet_and_the_structure_are_protected(generated: Workbooks) -> None:
    expected_hash = legacy_password_hash(generated.password)
    for wb in generated.books.values():
        assert wb.security is not None and wb.security.lockStructure
        assert wb.security.workbookPassword == expected_hash
        lists = [LISTS_SHEET] if list_sheet(generated.loaded.plan).entries else []  # band tables, long scales
        details = [DETAILS_SHEET] if any(lay.details for lay in generated.group(wb)) else []  # long descriptions
        names = [INSTRUCTIONS_SHEET, *(lay.sheet for lay in generated.group(wb)), SUMMARY_SHEET, *details, *lists,
                 MANIFEST_SHEET]
        assert wb.sheetnames == names
        for ws in wb.worksheets:
            assert ws.protection.sheet, ws.title
            assert ws.protection.password == expected_hash, ws.title
            # in OOXML a true attribute forbids the action: cells, columns and the rows' set are protected;
            # only row heights may change (a long note), which the manifest does not depend on
            protection = ws.protection
            assert protection.formatCells and protection.formatColumns and protection.insertRows
            assert protection.deleteRows and protection.insertColumns and protection.deleteColumns
            assert not protection.formatRows or ws.title == MANIFEST_SHEET
        assert wb[MANIFEST_SHEET].sheet_state == "veryHidden"
        assert all(wb[name].sheet_state == "hidden" for name in lists)
        assert all(ws.sheet_state == "visible" for ws in wb.worksheets if ws.title not in (MANIFEST_SHEET, *lists))


def _unlocked_allowed(ws: Worksheet, inputs: set[str]) -> set[str]:
    """Inputs, and the cells a merged input covers (a long note spans its item's rows)."""
    allowed = set(inputs)
    for merged in ws.merged_cells.ranges:
        anchor = merged.start_cell.coordinate
        if anchor in inputs:
            allowed |= {f"{openpyxl.utils.get_column_letter(c)}{r}" for r, c in merged.cells}
    return allowed


def test_only_inputs_are_unlocked(generated: Workbooks) -> None:
    for wb in generated.books.values():
        for ws in wb.worksheets:
            layout = next((lay for lay in generated.layouts if lay.sheet == ws.title), None)
            inputs = set(layout.inputs()) if layout else set()
            allowed = _unlocked_allowed(ws, inputs)
            for cell in inputs:
                assert ws[cell].protection.locked is False, (ws.title, cell)
                assert ws[cell].value is None, (ws.title, cell)  # issued empty
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell, MergedCell):
                        continue
                    if cell.coordinate not in allowed:
                        assert cell.protection.locked, (ws.title, cell.coordinate, cell.value)


def test_every_locked_cell_holds_what_content_says(generated: Workbooks) -> None:
    """Formulas are stored as formulas, texts as texts, numbers as numbers: exactly the issued content."""
    plan = generated.loaded.plan
    for wb in generated.books.values():
        group = generated.group(wb)
        sheets = {INSTRUCTIONS_SHEET: content.instruction_cells(plan, group),
                  SUMMARY_SHEET: content.summary_cells(plan, group),
                  **{lay.sheet: content.card_cells(plan, lay) for lay in group}}
        if LISTS_SHEET in wb.sheetnames:
            sheets[LISTS_SHEET] = content.list_cells(plan)
        if DETAILS_SHEET in wb.sheetnames:
            sheets[DETAILS_SHEET] = content.detail_cells(plan, group)
        for sheet, cells in sheets.items():
            ws = wb[sheet]
            for address, cell in cells.items():
                found = ws[address]
                if cell.kind == "f":
                    assert found.data_type == "f" and found.value == "=" + str(cell.value), (sheet, address)
                elif cell.kind == "n":
                    assert found.data_type == "n" and found.value == pytest.approx(float(cell.value)), address
                elif cell.value == "":
                    assert found.value is None, (sheet, address)
                else:
                    assert found.data_type == "s" and found.value == cell.value, (sheet, address)
            # and nothing else: every other non-empty cell is an input (empty when issued)
            extra = {c.coordinate for row in ws.iter_rows() for c in row
                     if c.value is not None and c.coordinate not in cells}
            assert not extra, (sheet, sorted(extra)[:5])


# ---------------------------------------------------------------- inputs


def _validations_at(ws: Worksheet, address: str) -> list:
    return [dv for dv in ws.data_validations.dataValidation if address in dv.sqref]


def test_every_score_has_the_dropdown_of_its_card_scale(generated: Workbooks) -> None:
    for layout, ws, _ in generated.card_sheets():
        scale = [f"{v:g}" for v in layout.card.scale.numbers()]
        for item in layout.items:
            options = [GATE_PASSED, GATE_FAILED] if item.item.gate else scale + (
                [NEUTRALISED] if item.item.neutralisable else [])
            found = _validations_at(ws, item.cell("score"))
            assert len(found) == 1, (ws.title, item.cell("score"))
            dv = found[0]
            assert dv.type == "list"
            assert dv.formula1 == '"' + ",".join(options) + '"'
            assert dv.showErrorMessage and dv.errorStyle in (None, "stop")  # stop is the OOXML default
            assert dv.error and dv.errorTitle == "Valore non ammesso"
            assert dv.showInputMessage and dv.prompt.startswith("Scegliere un valore dall'elenco")
            assert not dv.showDropDown  # in OOXML showDropDown=1 HIDES the arrow
            assert dv.allow_blank
            assert not _validations_at(ws, item.cell("note"))


def test_the_date_is_validated_as_a_date(generated: Workbooks) -> None:
    for layout, ws, _ in generated.card_sheets():
        found = _validations_at(ws, layout.header_cell("date"))
        assert len(found) == 1
        dv = found[0]
        assert dv.type == "date" and dv.operator in (None, "between")  # between is the OOXML default
        assert (dv.formula1, dv.formula2) == ("36526", "73415")  # 1 January 2000 to 31 December 2100
        assert dv.showErrorMessage and dv.errorStyle in (None, "stop") and not dv.showDropDown
        assert "gg/mm/aaaa" in dv.prompt
        assert ws[layout.header_cell("date")].number_format == "dd/mm/yyyy"
        assert not _validations_at(ws, layout.header_cell("evaluator"))


def test_empty_and_invalid_scores_are_highlighted(generated: Workbooks) -> None:
    for layout, ws, _ in generated.card_sheets():
        rules = {str(cf.sqref): [r.formula[0] for r in cf.rules] for cf in ws.conditional_formatting}
        for section in layout.sections:
            scores = f"{col('score')}{section.first_item_row}:{col('score')}{section.last_item_row}"
            if section.first_item_row == section.last_item_row:
                scores = f"{col('score')}{section.first_item_row}"
            status = f"${col('status')}{section.first_item_row}"
            assert rules[scores] == [f'{status}="Manca"', f'{status}="Non ammesso"'], (ws.title, scores)
        for key in ("evaluator", "date"):
            assert rules[layout.header_cell(key)] == [f"ISBLANK({layout.header_cell(key)})"]


# ---------------------------------------------------------------- printing and reading


def test_print_setup(generated: Workbooks) -> None:
    ente = generated.loaded.plan.plan.ente
    for wb in generated.books.values():
        for ws in wb.worksheets:
            if ws.title == MANIFEST_SHEET:
                continue
            setup = ws.page_setup
            assert int(setup.paperSize) == 9  # A4
            assert ws.sheet_properties.pageSetUpPr.fitToPage
            assert setup.fitToWidth in (None, 1)  # 1 is the default, which XlsxWriter leaves out
            assert int(setup.fitToHeight) == 0  # as many pages down as needed
            assert setup.orientation == ("portrait" if ws.title in (INSTRUCTIONS_SHEET, DETAILS_SHEET) else "landscape")
            assert ente.replace("&", "&&")[:40] in ws.oddHeader.left.text
            assert "&P" in ws.oddFooter.right.text and "&N" in ws.oddFooter.right.text
            # the hidden list sheet has no print area: LibreOffice would print it
            assert bool(ws.print_area) == (ws.title != LISTS_SHEET)
        for layout in generated.group(wb):
            ws = wb[layout.sheet]
            assert ws.print_area == [f"'{layout.sheet}'!$A$1:${col('note')}${layout.last_row}"] or \
                ws.print_area == f"'{layout.sheet}'!$A$1:${col('note')}${layout.last_row}"
            assert ws.print_title_rows == f"${TABLE_HEADER_ROW}:${TABLE_HEADER_ROW}"
            assert ws.freeze_panes == f"A{TABLE_HEADER_ROW + 1}"
        assert wb[SUMMARY_SHEET].print_title_rows == "$4:$4"


def test_the_full_objective_text_is_on_the_sheet_with_rows_tall_enough(generated: Workbooks) -> None:
    """XlsxWriter does not autofit rows: each objective piece has a row whose height shows it in full."""
    width = COLUMNS["objective"][2]
    for layout, ws, _ in generated.card_sheets():
        for item in layout.items:
            pieces = [ws[f"{col('objective')}{row}"].value or "" for row in item.rows]
            assert " ".join(" ".join(pieces).split()) == " ".join(objective_text(item.item, layout.details).split())
            heights = [ws.row_dimensions[row].height for row in item.rows]
            assert heights == item_row_heights(item)
            for piece, height in zip(pieces, heights, strict=True):
                assert text_lines(piece, width) * 12.0 + 4 <= height + 1e-9, (ws.title, item.row)
                assert height <= 409


def test_long_objectives_continue_below_their_title(generated: Workbooks) -> None:
    for layout, ws, _ in generated.card_sheets():
        for item in layout.items:
            if len(item.text_chunks) == 1:
                continue
            merged = {str(r) for r in ws.merged_cells.ranges}
            last = item.rows[-1]
            for key in ("number", "indicators", "deadline", "weight", "points", "status", "note"):
                assert f"{col(key)}{item.row}:{col(key)}{last}" in merged, (ws.title, key, item.row)
            assert ws[item.cell("objective")].value.startswith(item.item.title.strip()[:20])


# ---------------------------------------------------------------- safe text, long text


def _plan_text(**changes: object) -> str:
    data = yaml.safe_load(EXAMPLE_PLAN.read_text(encoding="utf-8"))
    item = data["cards"][0]["sections"][1]["items"][0]
    item.update(changes)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def test_plan_texts_starting_with_equals_stay_texts(tmp_path: Path) -> None:
    formula_like = {"title": '=HYPERLINK("http://esempio.invalid","clic")', "description": "=1+1",
                    "indicators": ["=SUM(A1:A9)", "+39 055 1234"], "deadline": "-31.12.2025"}
    loaded = load_plan_text(_plan_text(**formula_like))
    assert not [f for f in check_plan(loaded) if f.severity.value == "error"]
    files = generate(loaded, tmp_path, jobs=1).files
    layout = plan_layouts(loaded)[0]
    item = layout.sections[1].items[0]
    ws = openpyxl.load_workbook(files[0])[layout.sheet]
    title_cell = ws[item.cell("objective")]
    assert title_cell.data_type == "s" and title_cell.value.startswith('=HYPERLINK("http')
    assert ws[item.cell("indicators")].data_type == "s"
    assert ws[item.cell("indicators")].value.startswith("• =SUM(A1:A9)")
    assert ws[item.cell("deadline")].value == "-31.12.2025" and ws[item.cell("deadline")].data_type == "s"
    with zipfile.ZipFile(files[0]) as zf:
        xml = zf.read("xl/worksheets/sheet2.xml").decode()
    cell = re.search(rf'<c r="{item.cell("objective")}"[^>]*?(/>|>.*?</c>)', xml)
    assert cell and 't="s"' in cell.group(0) and "<f>" not in cell.group(0)


def test_a_text_longer_than_a_cell_is_refused_not_cut(tmp_path: Path) -> None:
    """XlsxWriter would silently cut at 32,767 characters: generate refuses with a finding instead."""
    from piano_xlsx.plan.loader import PlanError

    indicator = "Indicatore molto dettagliato " * 1200  # 34,800 characters in one cell
    loaded = load_plan_text(_plan_text(indicators=[indicator]))
    with pytest.raises(PlanError) as raised:
        generate(loaded, tmp_path, jobs=1)
    [found] = raised.value.findings
    assert found.code == "TEXT_TOO_LONG" and found.cell and found.sheet
    assert "32.767" in found.message
    assert not list(tmp_path.glob("*.xlsx"))


def test_a_very_long_objective_is_split_over_rows_not_cut(tmp_path: Path) -> None:
    """An objective longer than a cell holds goes over many rows of the details sheet; every word is there, and
    the card keeps its title."""
    description = "\n".join(f"Paragrafo {n}: " + "attività di verifica e rendicontazione " * 40 for n in range(30))
    assert len(description) > 32_767
    loaded = load_plan_text(_plan_text(description=description))
    files = generate(loaded, tmp_path, jobs=1).files
    layout = plan_layouts(loaded)[0]
    item = layout.sections[1].items[0]
    assert layout.details
    wb = openpyxl.load_workbook(files[0])
    card = [wb[layout.sheet][f"{col('objective')}{row}"].value or "" for row in item.rows]
    assert " ".join(card).strip() == item.item.title.strip()
    texts = [cell.value for cell in wb[DETAILS_SHEET]["B"] if cell.value]
    start = texts.index(item.item.title.strip()) + 1
    pieces = texts[start:start + len(split_text(description, DETAILS_COLUMNS["text"][1]))]
    assert len(pieces) > 20 and max(len(p) for p in pieces) < 32_767
    assert " ".join(" ".join(pieces).split()) == " ".join(description.split())


# ---------------------------------------------------------------- deterministic, golden


@pytest.mark.parametrize("per_sector", [False, True], ids=["one-workbook", "per-sector"])
def test_generating_twice_gives_identical_bytes(per_sector: bool, keys: tuple[Path, Path], tmp_path: Path) -> None:
    loaded = load_plan(EXAMPLE_PLAN)
    key = load_private_key(keys[0])
    first = generate(loaded, tmp_path / "a", private_key=key, per_sector=per_sector, jobs=1)
    second = generate(load_plan(EXAMPLE_PLAN), tmp_path / "b", private_key=key, per_sector=per_sector, jobs=1)
    for a, b in zip(first.files, second.files, strict=True):
        assert a.name == b.name and a.read_bytes() == b.read_bytes()
    assert (tmp_path / "a" / DELIVERY_NOTE).read_bytes() == (tmp_path / "b" / DELIVERY_NOTE).read_bytes()


def test_generated_parts_match_the_golden_files(tmp_path: Path) -> None:
    """The example plan (a copy kept beside the golden parts) gives exactly the golden XML.

    After an intended change: UPDATE_GOLDEN=1 python -m pytest tests/test_generate.py -k golden
    (this also refreshes the copy of the example plan), then review the diff of tests/golden/.
    """
    golden_dir = GOLDEN / "esempio"
    plan_copy = golden_dir / "piano.yaml"
    if updating():
        golden_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(EXAMPLE_PLAN, plan_copy)
    files = generate(load_plan(plan_copy), tmp_path, jobs=1).files  # unsigned: no key in the golden files
    found = xml_parts(files[0])
    if updating():
        write_golden(found, golden_dir)
    problems = compare_parts(found, golden_dir)
    assert not problems, "\n\n".join(problems)


# ---------------------------------------------------------------- the command


def test_cli_generate_prints_paths_and_password(keys: tuple[Path, Path], tmp_path: Path) -> None:
    runner = CliRunner()
    done = runner.invoke(cli, ["generate", str(EXAMPLE_PLAN), "-o", str(tmp_path), "--key", str(keys[0]),
                               "--jobs", "1"])
    assert done.exit_code == 0, done.output
    workbook = tmp_path / "comune-esempio-2025.xlsx"
    assert f"Scritto {workbook}" in done.stdout
    password = re.search(r"Password di protezione \(per l'Ufficio Personale\): (\S+)", done.stdout).group(1)
    assert len(password) >= 12
    note = (tmp_path / DELIVERY_NOTE).read_text(encoding="utf-8")
    assert password in note and "Firma: presente" in note and "NON inviare" in note
    assert "NON firmato" not in done.output
    wb = openpyxl.load_workbook(workbook)
    assert wb.security.workbookPassword == legacy_password_hash(password)


def test_cli_generate_per_sector_and_unsigned_warning(tmp_path: Path) -> None:
    done = CliRunner().invoke(cli, ["generate", str(EXAMPLE_PLAN), "-o", str(tmp_path), "--per-sector",
                                    "--jobs", "1"])
    assert done.exit_code == 0, done.output
    loaded = load_plan(EXAMPLE_PLAN)
    written = sorted(p.name for p in tmp_path.glob("*.xlsx"))
    assert len(written) == len(loaded.plan.cards)
    for name in written:
        assert f"Scritto {tmp_path / name}" in done.stdout
    assert "manifesto NON firmato" in done.stderr
    assert "ASSENTE" in (tmp_path / DELIVERY_NOTE).read_text(encoding="utf-8")


def test_cli_generate_given_password(tmp_path: Path) -> None:
    done = CliRunner().invoke(cli, ["generate", str(EXAMPLE_PLAN), "-o", str(tmp_path), "--password", "Segreta-1",
                                    "--jobs", "1"])
    assert done.exit_code == 0 and "Segreta-1" in done.stdout
    wb = openpyxl.load_workbook(tmp_path / "comune-esempio-2025.xlsx")
    assert wb.security.workbookPassword == legacy_password_hash("Segreta-1")
    assert all(ws.protection.password == legacy_password_hash("Segreta-1") for ws in wb.worksheets)


def test_cli_generate_refuses_a_plan_with_errors(tmp_path: Path) -> None:
    plan = tmp_path / "sbagliato.yaml"
    plan.write_text(_plan_text(weight=55), encoding="utf-8")  # the section no longer adds up to 80
    done = CliRunner().invoke(cli, ["generate", str(plan), "-o", str(tmp_path / "out")])
    assert done.exit_code == 1
    assert "SECTION_TOTAL_MISMATCH" in done.stderr and "piano-xlsx check" in done.stderr
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_cli_generate_malformed_yaml(tmp_path: Path) -> None:
    plan = tmp_path / "rotto.yaml"
    plan.write_text("plan:\n  id: [non chiuso\n  ente: x\n", encoding="utf-8")
    done = CliRunner().invoke(cli, ["generate", str(plan), "-o", str(tmp_path / "out")])
    assert done.exit_code == 2
    assert "PLAN_YAML" in done.stderr
    assert "Traceback" not in done.output
