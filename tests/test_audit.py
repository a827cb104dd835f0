"""`audit` on real returns: files filled like an office's and saved by the real LibreOffice, then tampered with.

An untouched return must come out with every formula "ok" and every cached
value equal to the independent engine's; each tampering must be reported at
its cell with its status and a plain explanation of its effect on the total.
"""

from __future__ import annotations

import copy
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from agree import both
from support import EXAMPLE_PLAN, TEMPLATES, fill_workbook, full_scores, generate_plan, libreoffice_convert

from piano_xlsx.audit import FileAudit, audit_file
from piano_xlsx.findings import Severity
from piano_xlsx.plan.loader import load_plan
from piano_xlsx.plan.resolve import GATE_PASSED, MANIFEST_SHEET, NEUTRALISED
from piano_xlsx.signing import keygen, load_public_key
from piano_xlsx.verify.expected import Expected
from piano_xlsx.workbook.computation import values_equal
from piano_xlsx.workbook.layout import CardLayout, plan_layouts

PLANS = {"esempio": EXAMPLE_PLAN, **{p.stem: p for p in sorted(TEMPLATES.glob("*.yaml"))}}
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
LINK_TARGET = "file:///C:/premi/punteggi-veri.xlsx"

# The example plan's card "settore-1", objective 3 (weight 20): scored 8 it earns 16 of a total of 80.
CARD, ITEM = "settore-1", "ind.3"


# --- tampering, as an office or an attacker would ---

def rewrite_zip(source: Path, target: Path, edit: Callable[[str, bytes], bytes | None],
                add: dict[str, bytes] | None = None) -> Path:
    """Copy a zip entry by entry (each ZipInfo copied), letting `edit` change some parts, and add others."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            changed = edit(info.filename, data)
            zout.writestr(copy.copy(info), data if changed is None else changed)
        for name, data in (add or {}).items():
            zout.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return target


def sheet_part(path: Path, sheet: str) -> str:
    """The part name of a sheet, from the workbook and its relationships."""
    with zipfile.ZipFile(path) as zf:
        book = zf.read("xl/workbook.xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet name="{re.escape(sheet)}"[^>]*r:id="([^"]+)"', book).group(1)  # type: ignore[union-attr]
    rel = re.search(rf'<Relationship [^>]*Id="{rid}"[^>]*>', rels).group(0)  # type: ignore[union-attr]
    target = re.search(r'Target="([^"]+)"', rel).group(1)  # type: ignore[union-attr]
    return target.lstrip("/") if target.startswith("/") else "xl/" + target


def edit_cached_value(source: Path, target: Path, sheet: str, cell: str, value: str) -> Path:
    """Change the <v> of a formula cell in the sheet XML; the formula stays as it is."""
    part = sheet_part(source, sheet)
    pattern = re.compile(rb'(<c r="' + cell.encode() + rb'"[^>]*>(?:(?!</c>).)*?<v>)[^<]*(</v>)', re.S)

    def edit(name: str, data: bytes) -> bytes | None:
        if name != part:
            return None
        new, count = pattern.subn(rb"\g<1>" + value.encode() + rb"\g<2>", data)
        assert count == 1
        return new

    return rewrite_zip(source, target, edit)


def widen_validation(source: Path, target: Path, sheet: str, cell: str, extra: str) -> Path:
    """Add a value to the list validation of one cell."""
    part = sheet_part(source, sheet)
    pattern = re.compile(rb'(<dataValidation [^>]*sqref="' + cell.encode() + rb'"[^>]*>\s*<formula1>&quot;)([^&]*)')

    def edit(name: str, data: bytes) -> bytes | None:
        if name != part:
            return None
        new, count = pattern.subn(rb"\g<1>\g<2>," + extra.encode(), data)
        assert count == 1
        return new

    return rewrite_zip(source, target, edit)


def add_external_link(source: Path, target: Path) -> Path:
    """A new externalLink part, its relationship from the workbook and the workbook's reference to it."""
    def edit(name: str, data: bytes) -> bytes | None:
        if name == "xl/workbook.xml":
            return data.replace(b"</sheets>", b'</sheets><externalReferences><externalReference r:id="rId99"/>'
                                              b"</externalReferences>", 1)
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(b"</Relationships>", f'<Relationship Id="rId99" Type="{REL}/externalLink" '
                                f'Target="externalLinks/externalLink1.xml"/></Relationships>'.encode())
        if name == "[Content_Types].xml":
            return data.replace(b"</Types>", b'<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType='
                                b'"application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>'
                                b"</Types>")
        return None

    link = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<externalLink xmlns="{MAIN}" '
            f'xmlns:r="{REL}"><externalBook r:id="rId1"><sheetNames><sheetName val="Foglio1"/></sheetNames>'
            f"</externalBook></externalLink>")
    rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
            f'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{REL}/externalLinkPath" '
            f'Target="{LINK_TARGET}" TargetMode="External"/></Relationships>')
    return rewrite_zip(source, target, edit, {"xl/externalLinks/externalLink1.xml": link.encode(),
                                              "xl/externalLinks/_rels/externalLink1.xml.rels": rels.encode()})


def unhide_manifest(source: Path, target: Path) -> Path:
    def edit(name: str, data: bytes) -> bytes | None:
        if name != "xl/workbook.xml":
            return None
        new, count = re.subn(rb'(<sheet name="' + MANIFEST_SHEET.encode() + rb'"[^>]*state=")[a-zA-Z]+(")',
                             rb"\g<1>visible\g<2>", data)
        assert count == 1
        return new

    return rewrite_zip(source, target, edit)


def edit_cells(path: Path, sheet: str, values: dict[str, Any]) -> Path:
    """Type into cells as someone who removed the protection would (openpyxl; LibreOffice saves it afterwards)."""
    wb = openpyxl.load_workbook(path)
    for address, value in values.items():
        wb[sheet][address] = value
    wb.save(path)
    return path


def varied_scores(layouts: list[CardLayout]) -> dict[str, dict[str, Any]]:
    """Every item scored, walking through the scale so totals are not round."""
    out: dict[str, dict[str, Any]] = {}
    for layout in layouts:
        scale = list(layout.card.scale.numbers())
        out[layout.card.id] = {i.item.id: GATE_PASSED if i.item.gate else scale[n % len(scale)]
                               for n, i in enumerate(layout.items)}
    return out


def partial_scores(layouts: list[CardLayout]) -> dict[str, dict[str, Any]]:
    """Like an office halfway through: one score missing per card, one objective neutralised where allowed."""
    out = varied_scores(layouts)
    for layout in layouts:
        scores = out[layout.card.id]
        first = next(i for i in layout.items if not i.item.gate)
        scores[first.item.id] = None
        neutral = next((i for i in layout.items if i.item.neutralisable), None)
        if neutral is not None:
            scores[neutral.item.id] = NEUTRALISED
    return out


def mistaken_scores(layouts: list[CardLayout]) -> dict[str, dict[str, Any]]:
    """The typical mistakes of an office: a score pasted as text, one outside the scale, a word in a gate."""
    out = full_scores(layouts, 8)
    for layout in layouts:
        scores = out[layout.card.id]
        plain = [i for i in layout.items if not i.item.gate]
        scores[plain[0].item.id] = "8"
        scores[plain[-1].item.id] = 7
        gate = next((i for i in layout.items if i.item.gate), None)
        if gate is not None:
            scores[gate.item.id] = "forse"
    return out


# --- the returns, made once ---

@pytest.fixture(scope="module")
def example() -> Any:
    return load_plan(EXAMPLE_PLAN)


@pytest.fixture(scope="module")
def target(example: Any) -> dict[str, str]:
    """The sheet and cells of objective 3 of card settore-1 in the example plan."""
    layout = next(lay for lay in plan_layouts(example) if lay.card.id == CARD)
    item = next(i for i in layout.items if i.item.id == ITEM)
    assert (item.item.number, item.item.weight) == ("3", 20)
    return {"sheet": layout.sheet, "points": item.cell("points"), "weight": item.cell("weight"),
            "score": item.cell("score"), "total": layout.total_cell("total")}


@pytest.fixture(scope="module")
def public_key(keys: tuple[Path, Path]) -> Any:
    return load_public_key(keys[1])


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory, keys: tuple[Path, Path], target: dict[str, str]
            ) -> dict[str, Path]:
    """name -> a returned file, every one saved by LibreOffice (one conversion for all)."""
    folder = tmp_path_factory.mktemp("audit")
    (folder / "filled").mkdir()
    filled: dict[str, Path] = {}
    for name, plan_path in PLANS.items():
        loaded, files = generate_plan(plan_path, folder / "issued" / name, key=keys[0])
        layouts = plan_layouts(loaded)
        filled[f"{name}-untouched"] = fill_workbook(files[0], folder / "filled" / f"{name}-untouched.xlsx",
                                                    layouts, varied_scores(layouts))
        if name == "esempio":
            filled["esempio-partial"] = fill_workbook(files[0], folder / "filled" / "esempio-partial.xlsx", layouts,
                                                      partial_scores(layouts))
            filled["esempio-mistakes"] = fill_workbook(files[0], folder / "filled" / "esempio-mistakes.xlsx",
                                                       layouts, mistaken_scores(layouts))
            base = {}
            for edit in ("base", "formula-edited", "formula-constant", "formula-deleted", "weight-changed",
                         "hidden-sheet"):
                base[edit] = fill_workbook(files[0], folder / "filled" / f"{edit}.xlsx", layouts,
                                           full_scores(layouts, 8))
            sheet, points = target["sheet"], target["points"]
            edit_cells(base["formula-edited"], sheet, {points: "=" + _points_formula(target).replace("/10", "/8")})
            edit_cells(base["formula-constant"], sheet, {points: 30})
            edit_cells(base["formula-deleted"], sheet, {points: None})
            edit_cells(base["weight-changed"], sheet, {target["weight"]: 40})
            wb = openpyxl.load_workbook(base["hidden-sheet"])
            notes = wb.create_sheet("Appunti")
            notes["A1"] = "Punteggio concordato con il sindaco"
            notes["B1"] = 60
            notes.sheet_state = "hidden"
            wb.save(base["hidden-sheet"])
            filled |= base
    saved = libreoffice_convert(list(filled.values()), folder / "returned")
    out = dict(zip(filled, saved, strict=True))
    tampered = folder / "tampered"
    tampered.mkdir()
    base_file = out["base"]
    out["cached-edited"] = edit_cached_value(base_file, tampered / "cached-edited.xlsx", target["sheet"],
                                             target["points"], "30")
    out["validation-widened"] = widen_validation(base_file, tampered / "validation-widened.xlsx", target["sheet"],
                                                 target["score"], "12")
    out["external-link"] = add_external_link(base_file, tampered / "external-link.xlsx")
    out["manifest-unhidden"] = unhide_manifest(base_file, tampered / "manifest-unhidden.xlsx")
    return out


def _points_formula(target: dict[str, str]) -> str:
    row = target["points"][1:]
    return f'IF(H{row}="OK",E{row}*F{row}/10,0)'


@pytest.fixture(scope="module")
def audited(returns: dict[str, Path], public_key: Any) -> dict[str, FileAudit]:
    return {name: audit_file(path, public_key=public_key) for name, path in returns.items()}


def _not_ok(audit: FileAudit) -> list[Any]:
    return [r for r in audit.formulas if r.status != "ok"]


def _errors(audit: FileAudit) -> list[tuple[str, str | None, str | None]]:
    return [(f.code, f.sheet, f.cell) for f in audit.findings if f.severity == Severity.ERROR]


# --- untouched returns ---

@pytest.mark.parametrize("name", [*(f"{n}-untouched" for n in PLANS), "esempio-partial", "esempio-mistakes",
                                  "base"])
def test_an_untouched_return_has_every_formula_ok_and_every_cached_value_recomputed(
        name: str, audited: dict[str, FileAudit], returns: dict[str, Path]) -> None:
    audit = audited[name]
    assert audit.signature == "valid"
    assert _errors(audit) == []
    assert audit.formulas and _not_ok(audit) == []
    for row in audit.formulas:
        assert row.issued is not None and row.found is not None
        assert row.cached is not None or row.recomputed in ("", None), (row.sheet, row.cell)
        assert values_equal(row.cached, row.recomputed), (row.sheet, row.cell, row.cached, row.recomputed)
    issued = sum(1 for c in _manifest_cells(returns[name]).values() for kind, _ in c.values() if kind == "f")
    assert len(audit.formulas) == issued
    for card in audit.cards:
        assert values_equal(card.total_shown, card.total_expected)
    if name == "esempio-mistakes":  # LibreOffice and the engine agree that a text "8" is not a score
        assert sum(1 for r in audit.formulas if r.cached == "Non ammesso") >= 2 * len(audit.cards)
    assert audit.engine_seconds is not None and audit.engine_seconds < 60


def _manifest_cells(path: Path) -> dict[str, dict[str, list[Any]]]:
    from piano_xlsx.verify.receive import MANIFEST_ROWS
    from piano_xlsx.workbook.manifest import parse_manifest_rows

    wb = openpyxl.load_workbook(path, read_only=True)
    column = {row[0].row: row[0].value for row in wb[MANIFEST_SHEET].iter_rows(max_col=1, max_row=MANIFEST_ROWS)}
    return parse_manifest_rows(column)[0]["cells"]


def test_the_plans_python_model_agrees_with_the_engine(returns: dict[str, Path], public_key: Any) -> None:
    for name in ("esempio-untouched", "esempio-partial", "esempio-mistakes"):
        loaded = load_plan(EXAMPLE_PLAN)
        audit = audit_file(returns[name], public_key=public_key, loaded=loaded, layouts=plan_layouts(loaded))
        assert [f for f in audit.findings if f.code == "AUDIT_MODEL_DIFFERS"] == []
        card_rows = [r for r in audit.formulas if r.card is not None]
        assert card_rows and all(r.model is not None or r.expected in ("", None) for r in card_rows)


# --- each tampering, at its cell ---

def test_an_edited_formula_is_changed_with_its_effect_on_the_total(audited: dict[str, FileAudit],
                                                                   target: dict[str, str]) -> None:
    audit = audited["formula-edited"]
    [row] = _not_ok(audit)
    assert (row.sheet, row.cell, row.status, row.change) == (target["sheet"], target["points"], "changed", "formula")
    assert "/8" in row.found and row.issued == "=" + _points_formula(target)
    assert (row.cached, row.recomputed, row.expected, row.effect) == (20, 20, 16, 4)
    assert row.explanation.startswith("La formula dei punti dell'obiettivo 3 «")
    assert "il totale mostrato supera di 4 punti quello che risulta dalle valutazioni" in row.explanation
    assert ("FORMULA_CHANGED", target["sheet"], target["points"]) in _errors(audit)
    card = next(c for c in audit.cards if c.card == CARD)
    assert (card.total_shown, card.total_expected) == (84, 80)


def test_a_formula_replaced_by_a_constant_is_changed_and_says_by_how_much(audited: dict[str, FileAudit],
                                                                          target: dict[str, str]) -> None:
    audit = audited["formula-constant"]
    [row] = _not_ok(audit)
    assert (row.sheet, row.cell, row.status, row.change, row.found) == (
        target["sheet"], target["points"], "changed", "constant", 30)
    assert (row.recomputed, row.expected, row.effect) == (30, 16, 14)
    assert ("La formula dei punti dell'obiettivo 3 «Indagine di customer satisfaction» è stata sostituita dalla "
            "costante 30: il totale mostrato supera di 14 punti quello che risulta dalle valutazioni; la fascia "
            "mostrata è «Da 86 a 100» invece di «Da 71 a 85».") == row.explanation
    assert ("FORMULA_REPLACED", target["sheet"], target["points"]) in _errors(audit)
    card = next(c for c in audit.cards if c.card == CARD)
    assert (card.total_shown, card.total_recomputed, card.total_expected) == (94, 94, 80)
    assert (card.band_shown, card.band_expected) == ("Da 86 a 100", "Da 71 a 85")


def test_a_cached_value_edited_in_the_xml_is_stale(audited: dict[str, FileAudit], target: dict[str, str]) -> None:
    audit = audited["cached-edited"]
    [row] = _not_ok(audit)
    assert (row.sheet, row.cell, row.status, row.change) == (target["sheet"], target["points"], "stale", None)
    assert row.found == row.issued
    assert (row.cached, row.recomputed) == (30, 16)
    assert "intatta" in row.explanation and "(30)" in row.explanation and "(16)" in row.explanation
    assert _errors(audit) == [("CACHED_MISMATCH", target["sheet"], target["points"])]


def test_a_deleted_formula_is_missing(audited: dict[str, FileAudit], target: dict[str, str]) -> None:
    audit = audited["formula-deleted"]
    [row] = _not_ok(audit)
    assert (row.sheet, row.cell, row.status, row.found, row.effect) == (
        target["sheet"], target["points"], "missing", None, -16)
    assert "è inferiore di 16 punti a quello che risulta dalle valutazioni" in row.explanation


def test_a_changed_weight_is_a_locked_constant_with_its_effect(audited: dict[str, FileAudit],
                                                               target: dict[str, str]) -> None:
    audit = audited["weight-changed"]
    assert _not_ok(audit) == []  # every formula is intact and computes what it shows
    [const] = audit.constants
    assert (const.sheet, const.cell, const.issued, const.found, const.effect) == (
        target["sheet"], target["weight"], 20, 40, 16)
    assert const.explanation.startswith("Il valore bloccato del peso dell'obiettivo 3")
    assert ("LOCKED_CHANGED", target["sheet"], target["weight"]) in _errors(audit)


def test_a_widened_validation_is_reported_at_its_cell(audited: dict[str, FileAudit], target: dict[str, str]) -> None:
    audit = audited["validation-widened"]
    assert _not_ok(audit) == []
    [found] = [f for f in audit.findings if f.code == "VALIDATION_CHANGED"]
    assert (found.sheet, found.cell, found.severity) == (target["sheet"], target["score"], Severity.ERROR)
    assert "ammette anche 12" in found.message


def test_a_new_external_link_is_reported(audited: dict[str, FileAudit]) -> None:
    audit = audited["external-link"]
    [found] = [f for f in audit.findings if f.code == "EXTERNAL_LINK"]
    assert LINK_TARGET in found.message and found.severity == Severity.ERROR
    assert audit.signature == "valid" and _not_ok(audit) == []


def test_the_manifest_made_visible_is_reported(audited: dict[str, FileAudit]) -> None:
    audit = audited["manifest-unhidden"]
    [found] = [f for f in audit.findings if f.code == "MANIFEST_VISIBLE"]
    assert found.sheet == MANIFEST_SHEET
    assert "MANIFEST_VISIBLE" not in {f.code for f in audited["base"].findings}


def test_a_hidden_sheet_is_reported_with_what_it_holds(audited: dict[str, FileAudit]) -> None:
    audit = audited["hidden-sheet"]
    codes = {(f.code, f.sheet) for f in audit.findings}
    assert {("SHEET_HIDDEN", "Appunti"), ("SHEET_ADDED", "Appunti")} <= codes
    [hidden] = audit.hidden_sheets
    assert (hidden.sheet, hidden.state) == ("Appunti", "hidden")
    assert ("A1", "Punteggio concordato con il sindaco") in hidden.cells and ("B1", 60) in hidden.cells


def test_libreoffice_dropping_structure_protection_is_an_info(audited: dict[str, FileAudit]) -> None:
    """LibreOffice drops it on every save (as collect says too): the sheets are still checked against the manifest."""
    [found] = [f for f in audited["base"].findings if f.code == "PROTECTION_REMOVED"]
    assert found.severity == Severity.INFO and "LibreOffice" in found.message


# --- the signature ---

def test_signature_states(returns: dict[str, Path], tmp_path: Path) -> None:
    path = returns["esempio-untouched"]
    unverified = audit_file(path)
    assert unverified.signature == "absent"
    assert [f.severity for f in unverified.findings if f.code == "SIGNATURE_ABSENT"] == [Severity.WARNING]
    _, other_public = keygen(tmp_path / "other")
    wrong = audit_file(path, public_key=load_public_key(other_public))
    assert wrong.signature == "invalid"
    assert "SIGNATURE_OTHER_KEY" in {code for code, _, _ in _errors(wrong)}


# --- the same verdicts as collect ---

@pytest.fixture(scope="module")
def plans() -> dict[str, tuple[Any, Expected]]:
    out = {}
    for name, plan_path in PLANS.items():
        loaded = load_plan(plan_path)
        out[name] = (loaded, Expected.from_plan(loaded))
    return out


def test_collect_and_audit_agree_on_every_return(returns: dict[str, Path], public_key: Any,
                                                 plans: dict[str, tuple[Any, Expected]]) -> None:
    """Untouched and tampered returns: the same codes, severities and places from both commands."""
    for name, path in returns.items():
        plan = next((p for p in PLANS if name == f"{p}-untouched"), "esempio")
        loaded, expected = plans[plan]
        collected, audited = both(path, loaded, expected, public_key)
        assert collected == audited, (name, sorted(collected - audited), sorted(audited - collected))
