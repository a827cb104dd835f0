"""collect: real returns (filled, re-saved by LibreOffice), each typical mistake as its own file."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
from pathlib import Path

import msoffcrypto
import openpyxl
import pytest
from click.testing import CliRunner
from msoffcrypto.format.ooxml import OOXMLFile
from support import (
    EXAMPLE_PLAN,
    TEMPLATES,
    fill_workbook,
    full_scores,
    generate_plan,
    libreoffice_convert,
    plan_layouts,
    rewrite_zip,
    sheet_part,
)

from piano_xlsx.cli import cli
from piano_xlsx.collect import collect
from piano_xlsx.collect.report import neutralise, write_report
from piano_xlsx.plan.loader import load_plan, load_plan_text
from piano_xlsx.signing import load_public_key

# settore-1: weights 10, 10, 30, 30, 20 (scale max 10); settore-2 has a gate; settore-3: 10, 10, 20, 40, 20
SCORES = {
    "settore-1": {"org.trasparenza": 8, "org.anticorruzione": 8, "ind.1": 10, "ind.2": 8, "ind.3": 4},
    "settore-2": {"org.trasparenza": 8, "org.anticorruzione": 8, "ind.1": 6, "ind.2": 10, "ind.3": "N.V.",
                  "vincoli.4": "Sì"},
    "settore-3": {"org.trasparenza": 8, "org.anticorruzione": 8, "ind.1": 4, "ind.2": 6, "ind.3": 6},
}


@pytest.fixture(scope="module")
def world(tmp_path_factory, keys):
    """Issued workbooks (one per card, signed), clean returns re-saved by LibreOffice, and the plan."""
    base = tmp_path_factory.mktemp("collect")
    loaded, issued = generate_plan(EXAMPLE_PLAN, base / "issued", key=keys[0], per_sector=True)
    layouts = plan_layouts(loaded)
    scores = full_scores(layouts, 8) | SCORES  # cards beyond the three above: every item 8
    (base / "filled").mkdir()
    filled = [fill_workbook(path, base / "filled" / path.name, layouts, scores) for path in issued]
    returned = libreoffice_convert(filled, base / "returned")
    by_card = {lay.card.id: next(p for p in returned if p.stem.endswith("-" + lay.card.id)) for lay in layouts}
    return {"base": base, "loaded": loaded, "layouts": {lay.card.id: lay for lay in layouts}, "returned": by_card,
            "filled": filled, "public": load_public_key(keys[1]), "keys": keys}


def run(world, *paths):
    return collect(world["loaded"], list(paths), public_key=world["public"], jobs=1)


def codes_at(result, code):
    return [(f.file, f.sheet, f.cell) for f in result.findings if f.code == code]


def errors(result):
    return [f for f in result.findings if f.severity.value == "error"]


def variant(world, name: str) -> Path:
    folder = world["base"] / "variants"
    folder.mkdir(exist_ok=True)
    return folder / name


# --------------------------------------------------------------------------- clean returns


def expected_total(layout, scores):
    total = 0.0
    for item in layout.items:
        score = scores.get(item.item.id)
        if item.item.gate or not isinstance(score, (int, float)):
            continue
        total += item.item.weight * score / 10
    return total


def test_clean_returns_verify_and_match_the_plan_arithmetic(world):
    result = run(world, *world["returned"].values())
    assert errors(result) == []
    assert [f.code for f in result.findings if f.severity.value == "warning"] == []  # verifies clean
    cards = {c.card_id: c for c in result.consolidated.cards}
    assert set(cards) == set(world["layouts"])
    s1 = cards["settore-1"].result
    assert s1.total == pytest.approx(expected_total(world["layouts"]["settore-1"], SCORES["settore-1"]))
    assert s1.total == pytest.approx(8 + 8 + 30 + 24 + 8)
    assert (s1.band, s1.percent, s1.bonus) == ("Da 71 a 85", 8, pytest.approx(9000 * 0.08))
    # settore-2: ind.3 (30) neutralised, its weight redistributed within the section (80 over 50 assessed)
    s2 = cards["settore-2"].result
    assert s2.total == pytest.approx(8 + 8 + (12 + 30) * 80 / 50)
    assert s2.complete and s2.band == "Da 71 a 85"
    s3 = cards["settore-3"].result
    assert s3.total == pytest.approx(8 + 8 + 8 + 24 + 12) and s3.band == "Da 51 a 70" and s3.percent == 6
    assert result.consolidated.missing == []


def test_json_follows_the_contract(world, tmp_path):
    out = CliRunner().invoke(cli, ["collect", str(EXAMPLE_PLAN), *map(str, world["returned"].values()),
                                   "-o", str(tmp_path / "r.xlsx"), "--public-key", str(world["keys"][1]),
                                   "--json", "-"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    # SPEC §7 keys, plus money and the HR office's exclusions
    assert set(data) == {"plan", "files", "cards", "missing", "findings", "payouts", "excluded"}
    assert set(data["plan"]) == {"id", "hash"}
    assert {"path", "sha256", "status", "cards"} <= set(data["files"][0])
    card = data["cards"][0]
    assert {"card", "title", "evaluatee", "file", "sheet", "total", "max", "band", "percent", "bonus",
            "complete", "items"} <= set(card)
    assert {"id", "weight", "score", "points"} <= set(card["items"][0])
    assert all(set(f) >= {"code", "severity", "message", "hint", "file", "sheet", "cell", "where"}
               for f in data["findings"])


@pytest.mark.parametrize("template", sorted(TEMPLATES.glob("*.yaml")), ids=lambda p: p.stem)
def test_template_returns_collect_clean(template, tmp_path):
    loaded, issued = generate_plan(template, tmp_path / "issued")
    layouts = plan_layouts(loaded)
    filled = fill_workbook(issued[0], tmp_path / "filled.xlsx", layouts, full_scores(layouts, 8))
    returned = libreoffice_convert([filled], tmp_path / "returned")
    result = collect(loaded, returned, jobs=1)
    assert errors(result) == []
    for card in result.consolidated.cards:
        layout = next(lay for lay in layouts if lay.card.id == card.card_id)
        assert card.result.total == pytest.approx(layout.card.maximum * 0.8)
        assert card.result.complete


# --------------------------------------------------------------------------- one mistake per file


def _filled_copy(world, name, card, change):
    source = next(p for p in world["filled"] if p.stem.endswith("-" + card))
    target = variant(world, name)
    wb = openpyxl.load_workbook(source)
    change(wb, world["layouts"][card])
    wb.save(target)
    return target


def test_missing_score(world):
    lay = world["layouts"]["settore-1"]
    path = _filled_copy(world, "manca.xlsx", "settore-1", lambda wb, lay: wb[lay.sheet].__setitem__(
        lay.items[2].cell("score"), None))
    result = run(world, path)
    assert (str(path), lay.sheet, lay.items[2].cell("score")) in codes_at(result, "SCORE_MISSING")


def test_pasted_seven(world):
    lay = world["layouts"]["settore-1"]
    path = _filled_copy(world, "sette.xlsx", "settore-1", lambda wb, lay: wb[lay.sheet].__setitem__(
        lay.items[3].cell("score"), 7))
    result = run(world, path)
    assert (str(path), lay.sheet, lay.items[3].cell("score")) in codes_at(result, "SCORE_OUT_OF_SCALE")


def test_text_score_is_flagged(world):
    lay = world["layouts"]["settore-1"]
    path = _filled_copy(world, "testo.xlsx", "settore-1", lambda wb, lay: wb[lay.sheet].__setitem__(
        lay.items[0].cell("score"), "8 "))
    result = run(world, path)
    assert (str(path), lay.sheet, lay.items[0].cell("score")) in codes_at(result, "SCORE_AS_TEXT")


def test_neutralised_where_the_plan_does_not_allow_it(world):
    lay = world["layouts"]["settore-1"]
    path = _filled_copy(world, "nv.xlsx", "settore-1", lambda wb, lay: wb[lay.sheet].__setitem__(
        lay.items[2].cell("score"), "N.V."))
    result = run(world, path)
    assert (str(path), lay.sheet, lay.items[2].cell("score")) in codes_at(result, "NEUTRALISED_NOT_ALLOWED")


def test_weight_raised_after_removing_protection(world):
    lay = world["layouts"]["settore-1"]

    def raise_weight(wb, lay):
        ws = wb[lay.sheet]
        ws.protection.sheet = False
        ws[lay.items[2].cell("weight")] = 40

    path = _filled_copy(world, "peso.xlsx", "settore-1", raise_weight)
    result = run(world, path)
    assert (str(path), lay.sheet, lay.items[2].cell("weight")) in codes_at(result, "LOCKED_CHANGED")
    assert (str(path), lay.sheet, None) in codes_at(result, "PROTECTION_REMOVED")
    card = result.consolidated.cards[0]
    assert card.result.total == pytest.approx(8 + 8 + 30 + 24 + 8)  # the plan's weight counts, not the file's


def test_formula_replaced_by_a_number(world):
    lay = world["layouts"]["settore-1"]
    path = _filled_copy(world, "costante.xlsx", "settore-1", lambda wb, lay: wb[lay.sheet].__setitem__(
        lay.items[2].cell("points"), 30))
    result = run(world, path)
    assert (str(path), lay.sheet, lay.items[2].cell("points")) in codes_at(result, "FORMULA_REPLACED")


def test_cached_total_edited_in_the_xml(world):
    lay = world["layouts"]["settore-1"]
    source = world["returned"]["settore-1"]
    total = lay.total_cell("total")

    def forge(xml: bytes) -> bytes:
        text = xml.decode()
        new, n = re.subn(r'(<c r="' + total + r'"[^>]*>.*?<v>)[^<]*(</v>)', r"\g<1>99\g<2>", text, count=1)
        assert n == 1
        return new.encode()

    path = rewrite_zip(source, variant(world, "cache.xlsx"), {sheet_part(source, lay.sheet): forge})
    result = run(world, path)
    assert (str(path), lay.sheet, total) in codes_at(result, "CACHED_MISMATCH")


def test_a_defined_name_added_is_reported_by_collect_and_audit(world):
    from openpyxl.workbook.defined_name import DefinedName

    from piano_xlsx.audit import audit_file

    lay = world["layouts"]["settore-1"]
    target = f"'{lay.sheet}'!${lay.total_cell('total')[0]}${lay.total_cell('total')[1:]}"

    def add_name(wb, lay):
        wb.defined_names["Punteggio_vero"] = DefinedName("Punteggio_vero", attr_text=target)

    path = _filled_copy(world, "nome.xlsx", "settore-1", add_name)
    audited = audit_file(path, public_key=world["public"], loaded=world["loaded"])
    for findings in (run(world, path).findings, audited.findings):
        [found] = [f for f in findings if f.code == "DEFINED_NAME_CHANGED"]
        assert found.severity.value == "warning" and f"Punteggio_vero = {target}" in found.message


def test_manifest_sheet_deleted(world):
    path = _filled_copy(world, "senza-manifesto.xlsx", "settore-1",
                        lambda wb, lay: wb.remove(wb["_piano_xlsx"]))
    result = run(world, path)
    assert codes_at(result, "MANIFEST_MISSING") == [(str(path), None, None)]
    assert [c.card_id for c in result.consolidated.cards] == ["settore-1"]  # still read by the plan's layout


def test_card_sheet_renamed(world):
    lay = world["layouts"]["settore-1"]
    path = _filled_copy(world, "rinominato.xlsx", "settore-1",
                        lambda wb, lay: setattr(wb[lay.sheet], "title", "Foglio rinominato"))
    result = run(world, path)
    assert (str(path), lay.sheet, None) in codes_at(result, "SHEET_MISSING")
    assert "Foglio rinominato" in next(f.message for f in result.findings if f.code == "SHEET_MISSING")


def test_file_from_another_plan(world, tmp_path):
    text = EXAMPLE_PLAN.read_text(encoding="utf-8").replace("id: comune-esempio-2025", "id: altro-comune-2025")
    other = tmp_path / "altro.yaml"
    other.write_text(text, encoding="utf-8")
    _, issued = generate_plan(other, tmp_path / "altro")
    result = run(world, issued[0])
    assert codes_at(result, "PLAN_MISMATCH") == [(str(issued[0]), None, None)]
    assert result.consolidated.cards == []


def test_file_of_another_version(world, tmp_path):
    text = EXAMPLE_PLAN.read_text(encoding="utf-8").replace('version: "1"', 'version: "2"')
    other = tmp_path / "v2.yaml"
    other.write_text(text, encoding="utf-8")
    _, issued = generate_plan(other, tmp_path / "v2")
    result = run(world, issued[0])
    assert codes_at(result, "VERSION_MISMATCH") == [(str(issued[0]), None, None)]


def test_spreadsheet_without_manifest(world):
    path = variant(world, "qualsiasi.xlsx")
    wb = openpyxl.Workbook()
    wb.active["A1"] = "un altro foglio"
    wb.save(path)
    result = run(world, path)
    assert codes_at(result, "NOT_PIANO_WORKBOOK") == [(str(path), None, None)]
    assert result.files[0].status == "error"


def test_same_card_in_two_files(world):
    copy = variant(world, "doppione.xlsx")
    shutil.copy(world["returned"]["settore-2"], copy)
    different = _filled_copy(world, "doppione-diverso.xlsx", "settore-2", lambda wb, lay: wb[lay.sheet].__setitem__(
        lay.items[0].cell("score"), 4))
    same = run(world, world["returned"]["settore-2"], copy)
    assert [(f.code, f.severity.value) for f in same.findings if f.code.startswith("DUPLICATE")] == [
        ("DUPLICATE_COPY", "info")]  # an identical copy is noted, not an error
    assert [c.card_id for c in same.consolidated.cards] == ["settore-2"]  # identical copies: one counts
    differ = run(world, world["returned"]["settore-2"], different)
    duplicate = next(f for f in differ.findings if f.code == "DUPLICATE_RETURN")
    assert duplicate.severity.value == "error" and "Settore II Finanziario" in duplicate.message
    # different content: nobody wins until the office says, but the card did come back (no reminder)
    assert "settore-2" not in differ.consolidated.missing and "settore-2" not in [
        c.card_id for c in differ.consolidated.cards]
    assert next(s for s in differ.consolidated.statuses if s.card_id == "settore-2").status == "duplicate"


def test_card_not_returned(world):
    returned = [p for card, p in world["returned"].items() if card != "settore-3"]
    result = run(world, *returned)
    assert result.consolidated.missing == ["settore-3"]
    assert [f.message for f in result.findings if f.code == "CARD_MISSING"]


def test_not_a_spreadsheet(world):
    path = variant(world, "documento.xlsx")
    path.write_bytes(b"%PDF-1.4\n% not a workbook\n")
    result = run(world, path)
    assert codes_at(result, "FILE_NOT_SPREADSHEET") == [(str(path), None, None)]


def test_password_encrypted_file(world):
    path = variant(world, "cifrato.xlsx")
    with open(world["returned"]["settore-1"], "rb") as fh:
        out = io.BytesIO()
        OOXMLFile(fh).encrypt("segreta", out)
    path.write_bytes(out.getvalue())
    assert msoffcrypto.OfficeFile(io.BytesIO(path.read_bytes())).is_encrypted()
    result = run(world, path)
    assert codes_at(result, "FILE_ENCRYPTED") == [(str(path), None, None)]


def test_xls_and_ods_are_identified_by_their_bytes(world):
    folder = world["base"] / "formats"
    xls = libreoffice_convert([world["filled"][0]], folder, "xls")[0]
    ods = libreoffice_convert([world["filled"][0]], folder, "ods")[0]
    disguised = folder / "ods-travestito.xlsx"
    shutil.copy(ods, disguised)
    result = run(world, xls, ods, disguised)
    assert codes_at(result, "FILE_XLS") == [(str(xls), None, None)]
    assert sorted(codes_at(result, "FILE_ODS")) == sorted([(str(ods), None, None), (str(disguised), None, None)])


# --------------------------------------------------------------------------- data safety and outputs


def _digest(folder: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_inputs_untouched_and_report_never_overwritten(world, tmp_path):
    folder = world["base"] / "returned"
    before = _digest(folder)
    report = tmp_path / "consolidato.xlsx"
    args = ["collect", str(EXAMPLE_PLAN), str(folder), "-o", str(report), "--csv", str(tmp_path / "csv")]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert _digest(folder) == before
    written = report.read_bytes()
    second = CliRunner().invoke(cli, args)
    assert second.exit_code == 2 and "--force" in second.output
    assert report.read_bytes() == written
    assert CliRunner().invoke(cli, [*args, "--force"]).exit_code == 0
    assert not list(tmp_path.glob(".*.tmp"))


def test_report_opens_in_libreoffice(world, tmp_path):
    result = run(world, *world["returned"].values(), world["returned"]["settore-1"])
    report = write_report(result, tmp_path / "consolidato.xlsx")
    wb = openpyxl.load_workbook(report)
    assert wb.sheetnames == ["Riepilogo", "Punteggi", "Anomalie", "Ricevute", "Premi", "Grafici", "Note"]  # it pays
    assert len(wb["Grafici"]._charts) == 3
    pdf = libreoffice_convert([report], tmp_path / "pdf", "pdf")[0]
    assert pdf.stat().st_size > 5_000


def test_text_from_returns_never_becomes_a_formula(world, tmp_path):
    notes = {"settore-1": {"ind.1": "=HYPERLINK(\"http://x\",\"clic\")", "ind.2": "+39 333", "ind.3": "@SUM(1)"}}
    layouts = list(world["layouts"].values())
    path = fill_workbook(Path(world["base"] / "issued" / "comune-esempio-2025-settore-1.xlsx"),
                         variant(world, "note.xlsx"), layouts, SCORES, notes=notes)
    result = run(world, path)
    report = write_report(result, tmp_path / "r.xlsx")
    ws = openpyxl.load_workbook(report)["Punteggi"]
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "=HYPERLINK(\"http://x\",\"clic\")" in values  # kept as text: openpyxl shows a formula as its text...
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)  # ...and nothing is a formula
    assert neutralise("=1+1") == "'=1+1" and neutralise("-3") == "'-3" and neutralise(5) == 5
    csv_dir = tmp_path / "csv"
    from piano_xlsx.collect.report import write_csv

    write_csv(result, csv_dir)
    text = (csv_dir / "punteggi.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text and "'+39 333" in text and "'@SUM(1)" in text


def test_inline_plan_shared_objective_scored_differently(tmp_path):
    plan = load_plan_text(EXAMPLE_PLAN.read_text(encoding="utf-8"))
    _, issued = generate_plan(EXAMPLE_PLAN, tmp_path / "issued", per_sector=True)
    layouts = plan_layouts(plan)
    scores = full_scores(layouts, 8) | {k: dict(v) for k, v in SCORES.items()}
    scores["settore-3"]["org.trasparenza"] = 4
    filled = [fill_workbook(p, tmp_path / p.name, layouts, scores) for p in issued]
    result = collect(load_plan(EXAMPLE_PLAN), filled, jobs=1)
    shared = [f for f in result.findings if f.code == "SHARED_INCONSISTENT"]
    assert len(shared) == 1 and "trasparenza" in shared[0].message
