"""Returns re-saved by the real LibreOffice and the real Gnumeric, card sheets named as real sectors are.

An untouched return, filled and saved by either application, gives no error and no warning in `collect` or
in `audit`; what remains is an info that says what the application did (each pinned below). A formula edited
afterwards in such a file, to point at another cell or with another constant, is still FORMULA_CHANGED.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from agree import both
from support import (
    EXAMPLE_PLAN,
    fill_workbook,
    full_scores,
    generate_plan,
    gnumeric_convert,
    libreoffice_convert,
    rewrite_zip,
    sheet_part,
)

from piano_xlsx.audit import audit_file
from piano_xlsx.collect import collect
from piano_xlsx.findings import Severity
from piano_xlsx.plan.resolve import MANIFEST_SHEET, SUMMARY_SHEET
from piano_xlsx.signing import load_public_key
from piano_xlsx.verify.expected import Expected
from piano_xlsx.workbook import content
from piano_xlsx.workbook.layout import plan_layouts

# one word, several words, accents, apostrophe, ampersand, hyphen, parentheses, digits first, 31 characters
SHEETS = ["Ragioneria", "Lavori pubblici", "Attività produttive", "Polizia d'ambito", "Lavori & Servizi",
          "Socio-sanitario", "Tributi (entrate)", "2024 Tributi", "Servizi sociali, scuola e sport"]
APOSTROPHE = "Polizia d'ambito"
APPS = ["libreoffice", "gnumeric"]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, keys: tuple[Path, Path]) -> dict[str, Any]:
    """A plan of nine cards, one per sheet-name shape; its workbook filled, then re-saved by each application."""
    base = tmp_path_factory.mktemp("resaved")
    plan = yaml.safe_load(EXAMPLE_PLAN.read_text(encoding="utf-8"))
    examples = plan["cards"]
    plan["cards"] = [{**examples[i % len(examples)], "id": f"scheda-{i + 1}", "sheet": name}
                     for i, name in enumerate(SHEETS)]
    plan_path = base / "piano.yaml"
    plan_path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    loaded, [issued] = generate_plan(plan_path, base / "issued", key=keys[0])
    layouts = plan_layouts(loaded)
    assert [lay.sheet for lay in layouts] == SHEETS and len(SHEETS[-1]) == 31
    filled = fill_workbook(issued, base / "compilata.xlsx", layouts, full_scores(layouts, 8))
    saved = {"libreoffice": libreoffice_convert([filled], base / "libreoffice")[0],
             "gnumeric": gnumeric_convert([filled], base / "gnumeric")[0]}
    return {"base": base, "loaded": loaded, "layouts": layouts, "saved": saved,
            "expected": Expected.from_plan(loaded), "public": load_public_key(keys[1])}


def summary_cells(world: dict[str, Any], sheet: str) -> set[str]:
    """The summary's formula cells that show the card on `sheet`."""
    cells = content.summary_cells(world["loaded"].plan, world["layouts"])
    return {a for a, c in cells.items() if c.kind == "f" and str(c.value).startswith(content.quote_sheet(sheet))}


# What each application does to every file it saves, and what the tool says of it (info, never more):
# both drop the workbook's structure protection; Gnumeric also shows every sheet (the manifest too) and keeps a
# reference to a sheet whose name holds an apostrophe as an error (the summary row of that card).
def remaining(app: str, world: dict[str, Any]) -> set[tuple[str, str | None, str | None]]:
    infos = {("PROTECTION_REMOVED", None, None)}
    if app == "gnumeric":
        infos.add(("MANIFEST_VISIBLE", MANIFEST_SHEET, None))
        infos |= {("FORMULA_SAVED_AS_ERROR", SUMMARY_SHEET, cell) for cell in summary_cells(world, APOSTROPHE)}
    return infos


def places(findings: list[Any]) -> set[tuple[str, str | None, str | None]]:
    return {(f.code, f.sheet, f.cell) for f in findings}


@pytest.mark.parametrize("app", APPS)
def test_an_untouched_resaved_return_collects_without_error_or_warning(app: str, world: dict[str, Any]) -> None:
    path = world["saved"][app]
    result = collect(world["loaded"], [path], public_key=world["public"], jobs=1)
    assert [f for f in result.findings if f.severity != Severity.INFO] == []
    assert places(result.findings) == remaining(app, world)
    cards = result.consolidated.cards
    assert [c.sheet for c in cards] == SHEETS
    assert all(c.result.complete and c.result.total == pytest.approx(c.result.maximum * 0.8) for c in cards)


@pytest.mark.parametrize("app", APPS)
def test_an_untouched_resaved_return_audits_without_error_or_warning(app: str, world: dict[str, Any]) -> None:
    audit = audit_file(world["saved"][app], public_key=world["public"], loaded=world["loaded"])
    assert audit.signature == "valid"
    assert [f for f in audit.findings if f.severity != Severity.INFO] == []
    assert places(audit.findings) == remaining(app, world)
    kept_as_error = summary_cells(world, APOSTROPHE) if app == "gnumeric" else set()
    assert {r.cell for r in audit.formulas if r.status != "ok"} == kept_as_error
    assert len(audit.cards) == len(SHEETS)
    assert all(card.total_shown == pytest.approx(card.total_expected) for card in audit.cards)


@pytest.mark.parametrize("app", APPS)
def test_without_the_public_key_only_the_signature_is_unverified(app: str, world: dict[str, Any]) -> None:
    """SIGNATURE_ABSENT is what an untouched return gives without --public-key; with the key it is gone (above)."""
    path = world["saved"][app]
    result = collect(world["loaded"], [path], jobs=1)
    audit = audit_file(path, loaded=world["loaded"])
    for findings in (result.findings, audit.findings):
        assert {(f.code, f.severity) for f in findings if f.severity != Severity.INFO} == {
            ("SIGNATURE_ABSENT", Severity.WARNING)}


def edit_formula(source: Path, target: Path, sheet: str, cell: str, old: str, new: str) -> Path:
    """The re-saved file with one cell's formula text edited in its XML, as a hand on the file would."""
    part = sheet_part(source, sheet)
    pattern = re.compile(rb'(<c r="' + cell.encode() + rb'"[^>]*>\s*<f[^>]*>)([^<]*)(</f>)')

    def edit(data: bytes) -> bytes:
        match = pattern.search(data)
        assert match and old.encode() in match.group(2), (cell, match and match.group(2))
        return data[:match.start(2)] + match.group(2).replace(old.encode(), new.encode(), 1) + data[match.end(2):]

    return rewrite_zip(source, target, {part: edit})


@pytest.mark.parametrize("app", APPS)
def test_a_formula_edited_in_a_resaved_return_is_still_changed(app: str, world: dict[str, Any],
                                                               tmp_path: Path) -> None:
    layouts = {lay.sheet: lay for lay in world["layouts"]}
    polizia, ragioneria = layouts[APOSTROPHE], layouts["Ragioneria"]
    points = next(i for i in polizia.items if not i.item.gate).cell("points")
    row = int(points[1:])
    constant = next(i for i in ragioneria.items if not i.item.gate).cell("points")
    summary = min(summary_cells(world, "Ragioneria"))
    source = world["saved"][app]
    # another cell on the sheet with an apostrophe; another constant; another cell behind a quote-free reference
    path = edit_formula(source, tmp_path / "a.xlsx", APOSTROPHE, points, f"E{row}", f"E{row + 1}")
    path = edit_formula(path, tmp_path / "b.xlsx", "Ragioneria", constant, "/10", "/8")
    path = edit_formula(path, tmp_path / "c.xlsx", SUMMARY_SHEET, summary, "!G", "!H")
    edited = {("FORMULA_CHANGED", APOSTROPHE, points), ("FORMULA_CHANGED", "Ragioneria", constant),
              ("FORMULA_CHANGED", SUMMARY_SHEET, summary)}
    result = collect(world["loaded"], [path], public_key=world["public"], jobs=1)
    audit = audit_file(path, public_key=world["public"], loaded=world["loaded"])
    for findings in (result.findings, audit.findings):
        assert {(f.code, f.sheet, f.cell) for f in findings if f.code == "FORMULA_CHANGED"} == edited
        assert all(f.severity == Severity.ERROR for f in findings if f.code == "FORMULA_CHANGED")
    collected, audited = both(path, world["loaded"], world["expected"], world["public"])
    assert collected == audited


@pytest.mark.parametrize("app", APPS)
def test_collect_and_audit_agree_on_a_resaved_return(app: str, world: dict[str, Any]) -> None:
    collected, audited = both(world["saved"][app], world["loaded"], world["expected"], world["public"])
    assert collected == audited
