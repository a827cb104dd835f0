"""The plan workbook: YAML -> workbook -> YAML without loss, hand-written workbooks, errors placed on sheet/row/column.

Hand-written workbooks are written here as small markdown tables, typed the
way a person types into Excel (numbers become numbers, dd/mm/yyyy becomes a date).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from click.testing import CliRunner
from support import EXAMPLE_PLAN, TEMPLATES, libreoffice_convert

from piano_xlsx.cli import cli
from piano_xlsx.findings import CATALOGUE, Severity
from piano_xlsx.generate import generate
from piano_xlsx.plan.check import check_plan
from piano_xlsx.plan.loader import PlanError, load_plan, load_plan_text, plan_hash
from piano_xlsx.planbook import export_plan, import_plan, plan_yaml, read_plan_workbook, write_plan_workbook
from piano_xlsx.planbook.sheets import SHEETS
from piano_xlsx.planfile import load_plan_file

PLANS = [TEMPLATES / "piano-2023-settori.yaml", TEMPLATES / "casale-marittimo-2024.yaml", EXAMPLE_PLAN]


# --------------------------------------------------------------------------- helpers


def typed(text: str) -> Any:
    """A cell value as Excel stores what a person types."""
    text = text.strip().replace("<br>", "\n")
    if text == "":
        return None
    if text.startswith("'"):
        return text[1:]  # Excel's own way to type a number as text
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+[.,]\d+", text):
        return float(text.replace(",", "."))
    if re.fullmatch(r"\d{2}/\d{2}/\d{4}", text):
        return dt.datetime.strptime(text, "%d/%m/%Y")
    return text


def table(markdown: str) -> list[list[Any]]:
    rows = []
    for line in markdown.strip().splitlines():
        line = line.strip()
        if not line.startswith("|") or re.fullmatch(r"\|[\s:|-]+\|", line):
            continue
        rows.append([typed(cell) for cell in line.strip("|").split("|")])
    return rows


def workbook(path: Path, sheets: dict[str, str | list[list[Any]]], *, first_row: int = 1) -> Path:
    """A workbook written with openpyxl from markdown tables, without using `plan export`."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, content in sheets.items():
        ws = wb.create_sheet(name)
        rows = table(content) if isinstance(content, str) else content
        for r, row in enumerate(rows, start=first_row):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(r, c, value)
    wb.save(path)
    return path


HAND_WRITTEN = {
    "Piano": """
        | Chiave            | Valore                       |
        | Identificativo    | comune-di-prova-2025         |
        | Ente              | Comune di Prova              |
        | Titolo            | Piano della Performance 2025 |
        | Anno              | 2025                         |
        | Versione          | 1                            |
        | Scala predefinita | quattro-dieci                |
        | Fasce predefinite | fasce                        |
    """,
    "Scale": """
        | Scala         | Valore | Etichetta |
        | quattro-dieci | 4      | Non raggiunto |
        | quattro-dieci | 6      |           |
        | quattro-dieci | 8      |           |
        | quattro-dieci | 10     | Pienamente raggiunto |
    """,
    "Fasce": """
        | Insieme di fasce | Arrotondamento | Fascia      | Da | Da incluso | A   | Percentuale |
        | fasce            | matematico     | Fino a 50   |    |            | 50  | 0           |
        | fasce            |                | Oltre 50    | 50 | no         | 100 | 8           |
    """,
    "Valutati": """
        | Valutato | Nome        | Ruolo                | Base (€) |
        | rossi    | Mario Rossi | Responsabile di Area | 9000     |
    """,
    "Schede": """
        | Scheda | Titolo              | Valutato | Valutatore | Totale |
        | area-1 | Area Amministrativa | rossi    | Sindaco    | 100    |
    """,
    "Sezioni": """
        | Scheda | Sezione | Titolo                | Totale |
        | area-1 | ob      | Obiettivi individuali | 100    |
        | area-1 | cond    | Condizioni            |        |
    """,
    # columns in another order, lower-case headers, an extra column of notes, a weight typed as text
    "Obiettivi": """
    | sezione | scheda | numero | titolo | peso | indicatori | termine | Data termine | valore atteso | Appunti |
    | ob   | area-1 | 1 | Fascicolo digitale | 50  | Fascicoli digitalizzati | 30.09.2025 | 30/09/2025 | 100% | vedi |
    | ob   | area-1 | 2 | Tempi di pagamento | 30  | Tempestività<br>Report  | 31.12.2025 | | ≤ 30 giorni  | |
    | ob   | area-1 | 3 | Customer satisfaction | '20 | Report annuale     | 31.12.2025 | | 1 report     | |
    | cond | area-1 | 4 | Rendiconto nei termini |  | Data di approvazione | 30.04.2025 | | Entro aprile | |
    """,
}


def hand_written(tmp_path: Path, **changes: str) -> Path:
    sheets = dict(HAND_WRITTEN) | changes
    # the gate: a person types "x" or "si" in a column they add themselves
    rows = table(sheets["Obiettivi"])
    rows[0].append("Vincolante")
    for row in rows[1:]:
        row.append("si" if row[2] == 4 else None)
    sheets["Obiettivi"] = rows  # type: ignore[assignment]
    return workbook(tmp_path / "piano-a-mano.xlsx", sheets)


def failure(path: Path) -> list:
    with pytest.raises(PlanError) as caught:
        read_plan_workbook(path)
    return caught.value.findings


# --------------------------------------------------------------------------- round trip


@pytest.mark.parametrize("plan_path", PLANS, ids=lambda p: p.stem)
def test_yaml_workbook_yaml_keeps_the_plan_hash(plan_path, tmp_path):
    loaded = load_plan(plan_path)
    book = export_plan(loaded, tmp_path / "piano.xlsx")
    again = read_plan_workbook(book)
    assert again.hash == loaded.hash
    assert again.plan == loaded.plan
    assert again.notes == []  # every header the export writes is one the reader knows
    assert sorted((f.code, f.where) for f in check_plan(again)) == sorted((f.code, f.where) for f in check_plan(loaded))
    back = import_plan(book, tmp_path / "piano.yaml")
    reread = load_plan(tmp_path / "piano.yaml")
    assert back.hash == reread.hash == loaded.hash
    # and once more round the loop, from the imported YAML
    assert read_plan_workbook(export_plan(reread, tmp_path / "di-nuovo.xlsx")).hash == loaded.hash


def test_a_plan_workbook_saved_by_libreoffice_reads_the_same(tmp_path):
    """The HR office may fill the plan workbook in LibreOffice Calc: a re-save keeps the plan (and its hash)."""
    books = [export_plan(load_plan(p), tmp_path / f"{p.stem}.xlsx") for p in PLANS]
    for original, resaved in zip(books, libreoffice_convert(books, tmp_path / "salvati"), strict=True):
        assert read_plan_workbook(resaved).hash == read_plan_workbook(original).hash


def test_values_a_cell_cannot_tell_apart_survive(tmp_path):
    """A text printed blank vs absent, an empty list vs none, 10.0 vs 10, a number typed as text, '=' texts."""
    text = EXAMPLE_PLAN.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    items = data["cards"][0]["sections"][1]["items"]
    items[0] |= {"target": "", "indicators": [], "weight": 30.0, "number": "1a",
                 "title": "=SOMMA(A1) non è una formula"}
    items[1] |= {"printed_levels": [{"level": "MEDIA", "points": 15}, {"level": "ALTA"}], "description": " spazi "}
    items[2] |= {"modes": "riga uno\nriga due\n\nparagrafo", "deadline_date": dt.date(2025, 12, 31)}
    data["scales"][0]["values"][0] = 4  # a plain number beside values with labels
    data["bands"][0]["bands"][1]["percent"] = 4.5
    loaded = load_plan_text(yaml.safe_dump(data, allow_unicode=True))
    again = read_plan_workbook(export_plan(loaded, tmp_path / "p.xlsx"))
    assert again.hash == loaded.hash
    assert again.plan.cards[0].sections[1].items[0].target == ""
    assert again.plan.cards[0].sections[1].items[0].indicators == []
    assert isinstance(again.plan.cards[0].sections[1].items[0].weight, float)
    assert load_plan_text(plan_yaml(again.plan)).hash == loaded.hash


def test_export_is_deterministic_and_not_protected(tmp_path):
    loaded = load_plan(EXAMPLE_PLAN)
    assert write_plan_workbook(loaded.plan) == write_plan_workbook(loaded.plan)
    path = export_plan(loaded, tmp_path / "p.xlsx")
    wb = openpyxl.load_workbook(path)
    assert [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"] == [s.name for s in SHEETS] + [
        "Dati del personale", "Regole di pagamento", "Istruzioni"]  # the example plan has HR data and payouts
    obiettivi = wb["Obiettivi"]
    assert obiettivi.freeze_panes == "D2"
    assert not any(ws.protection.sheet for ws in wb.worksheets)
    assert wb.security is None or not wb.security.lockStructure
    headers = [c.value for c in obiettivi[1]]
    assert headers[:4] == ["Scheda", "Sezione", "Numero", "Titolo"]
    dropdowns = {str(dv.sqref).split(":")[0]: dv for dv in obiettivi.data_validations.dataValidation
                 if dv.type == "list"}
    assert dropdowns["A2"].formula1 == "Schede!$A$2:$A$2001"  # card ids, from the sheet that defines them
    assert dropdowns[f"{_letter(headers, 'Durata')}2"].formula1 == '"annuale,pluriennale"'
    assert dropdowns[f"{_letter(headers, 'Vincolante')}2"].formula1 == '"Sì,No"'
    assert dropdowns[f"{_letter(headers, 'Livello')}2"].formula1 == "Livelli!$A$2:$A$2001"
    assert obiettivi.column_dimensions["D"].width > 30


def _letter(headers: list[Any], name: str) -> str:
    return openpyxl.utils.get_column_letter(headers.index(name) + 1)


# --------------------------------------------------------------------------- written by hand


def test_a_hand_written_workbook_imports_checks_and_generates(tmp_path):
    loaded = read_plan_workbook(hand_written(tmp_path))
    plan = loaded.plan
    assert plan.plan.version == "1" and plan.plan.year == 2025
    assert plan.scales[0].numbers() == [4, 6, 8, 10] and plan.scales[0].label(10) == "Pienamente raggiunto"
    assert plan.bands[0].rounding.mode == "round" and plan.bands[0].bands[1].min_inclusive is False
    items = plan.cards[0].sections[0].items
    assert [i.weight for i in items] == [50, 30, 20]
    assert items[1].indicators == ["Tempestività", "Report"]
    assert items[0].deadline_date == dt.date(2025, 9, 30)
    gate = plan.cards[0].sections[1].items[0]
    assert gate.gate is True and gate.number == 4
    errors = [f for f in check_plan(loaded) if f.severity == Severity.ERROR]
    assert errors == []
    result = generate(loaded, tmp_path / "cartelle")
    wb = openpyxl.load_workbook(result.files[0])
    assert "Area Amministrativa" in wb.sheetnames


def test_the_cli_takes_a_plan_workbook_wherever_it_takes_a_plan(tmp_path):
    book = hand_written(tmp_path)
    runner = CliRunner()
    checked = runner.invoke(cli, ["check", str(book)])
    assert checked.exit_code == 0, checked.output
    generated = runner.invoke(cli, ["generate", str(book), "-o", str(tmp_path / "out")])
    assert generated.exit_code == 0, generated.output
    imported = runner.invoke(cli, ["plan", "import", str(book), "-o", str(tmp_path / "p.yaml")])
    assert imported.exit_code == 0, imported.output
    assert load_plan(tmp_path / "p.yaml").hash == read_plan_workbook(book).hash
    exported = runner.invoke(cli, ["plan", "export", str(tmp_path / "p.yaml"), "-o", str(tmp_path / "p2.xlsx")])
    assert exported.exit_code == 0, exported.output
    assert read_plan_workbook(tmp_path / "p2.xlsx").hash == read_plan_workbook(book).hash


def test_outputs_are_not_overwritten_unless_asked(tmp_path):
    runner = CliRunner()
    target = tmp_path / "p.xlsx"
    target.write_bytes(b"da non perdere")
    refused = runner.invoke(cli, ["plan", "export", str(EXAMPLE_PLAN), "-o", str(target)])
    assert refused.exit_code != 0 and target.read_bytes() == b"da non perdere"
    forced = runner.invoke(cli, ["plan", "export", str(EXAMPLE_PLAN), "-o", str(target), "--force"])
    assert forced.exit_code == 0 and read_plan_workbook(target).hash == load_plan(EXAMPLE_PLAN).hash
    yaml_out = tmp_path / "p.yaml"
    yaml_out.write_text("da non perdere")
    assert runner.invoke(cli, ["plan", "import", str(target), "-o", str(yaml_out)]).exit_code == 2
    assert yaml_out.read_text() == "da non perdere"


def test_yaml_written_by_import_is_readable(tmp_path):
    import_plan(export_plan(load_plan(EXAMPLE_PLAN), tmp_path / "p.xlsx"), tmp_path / "p.yaml")
    text = (tmp_path / "p.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Piano importato da p.xlsx")
    assert "≤ 30 giorni" in text and "\\u" not in text  # unicode as is
    assert "{" not in text  # block style throughout
    assert text.index("plan:") < text.index("scales:") < text.index("cards:")  # the model's order
    assert "  - id: settore-1\n    title: Settore I Amministrativo" in text  # id first, then the model's order
    assert not list((tmp_path).glob(".*.tmp"))  # written atomically: no temporary left behind


def test_a_header_below_a_title_row_and_a_piano_sheet_without_headers(tmp_path):
    sheets: dict[str, Any] = dict(HAND_WRITTEN)
    sheets["Piano"] = table(HAND_WRITTEN["Piano"])[1:]  # keys in A, values in B, no header row
    sheets["Obiettivi"] = [["Obiettivi del piano 2025"], [], *table(HAND_WRITTEN["Obiettivi"])]
    loaded = read_plan_workbook(workbook(tmp_path / "p.xlsx", sheets))
    assert loaded.plan.plan.ente == "Comune di Prova"
    assert len(loaded.plan.cards[0].sections[0].items) == 3


def test_card_and_section_left_blank_repeat_the_row_above(tmp_path):
    """As people fill a table (or as merged cells read): the card and section are written once."""
    rows = table(HAND_WRITTEN["Obiettivi"])
    for row in rows[2:4]:
        row[0] = row[1] = None
    scale = table(HAND_WRITTEN["Scale"])
    for row in scale[2:]:
        row[0] = None
    loaded = read_plan_workbook(workbook(tmp_path / "p.xlsx", HAND_WRITTEN | {"Obiettivi": rows, "Scale": scale}))
    assert [len(s.items) for s in loaded.plan.cards[0].sections] == [3, 1]
    assert loaded.plan.scales[0].numbers() == [4, 6, 8, 10]
    first = table(HAND_WRITTEN["Obiettivi"])
    first[1][0] = first[1][1] = None  # nothing above the first row: it must say which card
    found = failure(workbook(tmp_path / "q.xlsx", HAND_WRITTEN | {"Obiettivi": first}))  # type: ignore[operator]
    assert {(f.sheet, f.cell) for f in found} == {("Obiettivi", "A2"), ("Obiettivi", "B2")}


def test_a_percentage_typed_with_the_percent_sign(tmp_path):
    path = hand_written(tmp_path)
    wb = openpyxl.load_workbook(path)
    cell = wb["Fasce"]["G3"]
    cell.value, cell.number_format = 0.08, "0%"  # what Excel stores when a person types 8%
    wb.save(path)
    assert read_plan_workbook(path).plan.bands[0].bands[1].percent == 8


# --------------------------------------------------------------------------- errors name sheet, row and column


def test_row_7_of_the_objectives_sheet(tmp_path):
    rows = table(HAND_WRITTEN["Obiettivi"])
    for n in (5, 6):
        rows.insert(4, ["ob", "area-1", n, f"Obiettivo {n}", 0, "Indicatore", "31.12.2025", None, "fatto", None])
    assert len(rows) == 7  # header + 6 objectives: row 7 of the sheet is the last objective
    rows[6][4] = "dieci"
    found = failure(workbook(tmp_path / "p.xlsx", HAND_WRITTEN | {"Obiettivi": rows}))  # type: ignore[operator]
    assert [(f.code, f.sheet, f.cell) for f in found] == [("PLAN_WORKBOOK_VALUE", "Obiettivi", "E7")]
    message = found[0].message
    assert "«Obiettivi»" in message and "riga 7" in message and "colonna E «Peso»" in message
    assert "«dieci»" in message
    assert found[0].where == "cards[0].sections[1].items[0].weight"


def test_an_exported_workbook_edited_by_hand_names_the_cell(tmp_path):
    path = export_plan(load_plan(EXAMPLE_PLAN), tmp_path / "p.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Obiettivi"]
    headers = [c.value for c in ws[1]]
    ws.cell(7, headers.index("Durata") + 1, "biennale")
    ws.cell(7, headers.index("Peso") + 1, "tanti")
    wb["Schede"]["B3"] = None  # the title of the second card
    wb.save(path)
    found = {(f.sheet, f.cell): f for f in failure(path)}
    duration = found[("Obiettivi", f"{_letter(headers, 'Durata')}7")]
    assert "annuale, pluriennale" in duration.message and "«biennale»" in duration.message
    assert "atteso un numero" in found[("Obiettivi", f"{_letter(headers, 'Peso')}7")].message
    title = found[("Schede", "B3")]
    assert "obbligatorio" in title.message and title.where == "cards[1].title"


@pytest.mark.parametrize("change, code, sheet, cell, words", [
    ({"Sezioni": "| Scheda | Titolo |\n| area-1 | x |"}, "PLAN_WORKBOOK_COLUMN", "Sezioni", None, "«Sezione»"),
    ({"Schede": None}, "PLAN_WORKBOOK_SHEET", "Schede", None, "«Schede»"),
    ({"Valutati": "| niente | di utile |\n| a | b |"}, "PLAN_WORKBOOK_SHEET", "Valutati", None, "intestazione"),
    ({"Piano": "| Chiave | Valore |\n| Identificativo | x |\n| Ente | y |\n| Titolo | z |\n| Colore | blu |"},
     "PLAN_WORKBOOK_VALUE", "Piano", "A5", "voce sconosciuta «Colore»"),
    ({"Piano": "| Chiave | Valore |\n| Identificativo | x |\n| Ente | y |\n| Titolo | z |\n| Versione | 2 |\n"
               "| Versioni | 3 |"}, "PLAN_WORKBOOK_VALUE", "Piano", "A6", "«Versioni» (forse «Versione»?"),
    ({"Piano": "| Chiave | Valore |\n| Identificativo | x |\n| Titolo | z |"},
     "PLAN_WORKBOOK_VALUE", "Piano", None, "voce «Ente»"),
    ({"Sezioni": "| Scheda | Sezione | Titolo |\n| area-2 | ob | x |\n| area-1 | cond | y |"},
     "PLAN_WORKBOOK_VALUE", "Sezioni", "A2", "«area-2» non è nel foglio «Schede»"),
    ({"Scale": "| Scala | Valore |\n| s | quattro |"}, "PLAN_WORKBOOK_VALUE", "Scale", "B2", "atteso un numero"),
    ({"Fasce": "| Insieme di fasce | Fascia | A | Da incluso | Percentuale |\n| fasce | tutte | 100 | forse | 1 |"},
     "PLAN_WORKBOOK_VALUE", "Fasce", "D2", "atteso Sì o No"),
])
def test_structural_errors(tmp_path, change, code, sheet, cell, words):
    sheets = {k: v for k, v in (HAND_WRITTEN | change).items() if v is not None}
    found = failure(workbook(tmp_path / "p.xlsx", sheets))
    matching = [f for f in found if f.code == code and f.sheet == sheet and f.cell == cell]
    assert matching, [f.message for f in found]
    assert words in matching[0].message
    assert CATALOGUE[code].severity == Severity.ERROR


def test_objectives_of_an_unknown_section_are_reported_not_lost(tmp_path):
    rows = table(HAND_WRITTEN["Obiettivi"])
    rows[2][0] = "ob2"
    found = failure(workbook(tmp_path / "p.xlsx", HAND_WRITTEN | {"Obiettivi": rows}))  # type: ignore[operator]
    assert [(f.sheet, f.cell) for f in found] == [("Obiettivi", "A3")]
    assert "la sezione «ob2» della scheda «area-1»" in found[0].message


def test_check_findings_of_a_workbook_plan_name_sheet_row_column_and_header(tmp_path):
    rows = table(HAND_WRITTEN["Obiettivi"])
    rows[1][4] = 45  # the section no longer adds up to 100
    rows[2][4] = None  # and the second objective has no weight
    loaded = read_plan_workbook(workbook(tmp_path / "p.xlsx", HAND_WRITTEN | {"Obiettivi": rows}))  # type: ignore[operator]
    found = {(f.code, f.where): f for f in check_plan(loaded)}
    missing = found[("WEIGHT_MISSING", "cards[0].sections[0].items[1]")]  # about the whole row: its title names it
    assert (missing.sheet, missing.cell, missing.line) == ("Obiettivi", "D3", 3)
    assert missing.message.startswith("Foglio «Obiettivi», riga 3, colonna D «Titolo»: ")
    undeclared = found[("SECTION_TOTAL_UNDECLARED", "cards[0].sections[1]")]  # the conditions, row 3 of «Sezioni»
    assert (undeclared.sheet, undeclared.cell) == ("Sezioni", "B3")
    assert loaded.place(("cards", 0, "sections", 0, "items", 0, "weight")).cell == "E2"


def test_check_points_at_the_cell_of_the_weight(tmp_path):
    rows = table(HAND_WRITTEN["Obiettivi"])
    rows[1][4] = 45
    loaded = read_plan_workbook(workbook(tmp_path / "p.xlsx", HAND_WRITTEN | {"Obiettivi": rows}))  # type: ignore[operator]
    mismatch = next(f for f in check_plan(loaded) if f.code == "SECTION_TOTAL_MISMATCH")
    # no evidence singles out a weight: the section's declared total, on its row of «Sezioni»
    assert (mismatch.sheet, mismatch.cell, mismatch.line) == ("Sezioni", "D2", 2)
    assert mismatch.message.startswith("Foglio «Sezioni», riga 2, colonna D «Totale»: I pesi")
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "p.xlsx")])
    assert result.exit_code == 1
    assert "SECTION_TOTAL_MISMATCH [Sezioni · D2 · cards[0].sections[0].total (riga 2)]" in result.output


def test_a_misspelt_header_is_one_error_naming_the_column_meant(tmp_path):
    path = export_plan(load_plan(TEMPLATES / "piano-2023-settori.yaml"), tmp_path / "p.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb["Obiettivi"]
    headers = [c.value for c in ws[1]]
    letter = _letter(headers, "Peso")
    ws[f"{letter}1"] = "Pesi"
    wb.save(path)
    found = failure(path)
    assert [(f.code, f.severity, f.sheet, f.cell) for f in found] == [
        ("PLAN_WORKBOOK_HEADER", Severity.ERROR, "Obiettivi", f"{letter}1")]
    assert "«Pesi»" in found[0].message and "forse «Peso»?" in found[0].message
    assert "Peso, Livello, Livelli stampati" in found[0].hint  # the known headers, in the sheet's order
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 2 and "PLAN_WORKBOOK_HEADER" in result.output
    assert "WEIGHT_MISSING" not in result.output  # not one per objective


def test_an_unknown_header_unlike_any_column_is_a_column_of_notes(tmp_path):
    loaded = read_plan_workbook(hand_written(tmp_path))  # its «Obiettivi» has a column «Appunti»
    notes = [f for f in check_plan(loaded) if f.code == "PLAN_WORKBOOK_HEADER"]
    assert [(f.severity, f.sheet, f.cell) for f in notes] == [(Severity.WARNING, "Obiettivi", "J1")]
    assert "«Appunti»" in notes[0].message and "ignorata" in notes[0].message
    assert notes[0].hint.startswith("Se è una colonna del piano")
    assert "Scheda, Sezione, Numero, Titolo" in notes[0].hint


def test_not_a_workbook(tmp_path):
    path = tmp_path / "p.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(PlanError) as caught:
        load_plan_file(path)
    assert [f.code for f in caught.value.findings] == ["PLAN_UNREADABLE"]
    assert "non è una cartella di lavoro .xlsx leggibile" in caught.value.findings[0].message


def test_plan_hash_is_the_loaders(tmp_path):
    loaded = read_plan_workbook(hand_written(tmp_path))
    assert loaded.hash == plan_hash(loaded.plan)
