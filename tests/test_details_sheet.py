"""The details sheet ("Dettaglio obiettivi") is locked content like any other sheet: a return re-saved by the real
LibreOffice or Gnumeric verifies clean; a description edited, or the sheet removed, is found by collect and audit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from agree import both
from support import TEMPLATES, fill_workbook, full_scores, generate_plan, gnumeric_convert, libreoffice_convert

from piano_xlsx.collect import collect
from piano_xlsx.findings import Severity
from piano_xlsx.plan.resolve import DETAILS_SHEET, MANIFEST_SHEET
from piano_xlsx.signing import load_public_key
from piano_xlsx.verify.expected import Expected
from piano_xlsx.workbook import content
from piano_xlsx.workbook.layout import LABEL_COL, LEGEND_ROW, detail_parts, plan_layouts

PLAN = TEMPLATES / "piano-2023-settori.yaml"  # every card sends its descriptions to the details sheet


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, keys: tuple[Path, Path]) -> dict[str, Any]:
    """The plan as one workbook and as one per card, filled; the one workbook re-saved by each application."""
    base = tmp_path_factory.mktemp("details")
    loaded, [one] = generate_plan(PLAN, base / "one", key=keys[0])
    _, per_card = generate_plan(PLAN, base / "per", key=keys[0], per_sector=True)
    layouts = plan_layouts(loaded)
    assert all(layout.details for layout in layouts)
    scores = full_scores(layouts, 8)
    filled = fill_workbook(one, base / "compilata.xlsx", layouts, scores)
    (base / "per-filled").mkdir()
    per_filled = [fill_workbook(p, base / "per-filled" / p.name, layouts, scores) for p in per_card]
    return {"base": base, "loaded": loaded, "layouts": layouts, "filled": filled, "per_card": per_filled,
            "saved": {"libreoffice": libreoffice_convert([filled], base / "libreoffice")[0],
                      "gnumeric": gnumeric_convert([filled], base / "gnumeric")[0]},
            "expected": Expected.from_plan(loaded), "public": load_public_key(keys[1])}


def not_info(findings: list[Any]) -> list[tuple[str, str | None, str | None]]:
    return [(f.code, f.sheet, f.cell) for f in findings if f.severity != Severity.INFO]


def test_the_details_sheet_holds_every_description_once(world: dict[str, Any]) -> None:
    wb = openpyxl.load_workbook(world["filled"])
    texts = " ".join(str(c.value) for row in wb[DETAILS_SHEET].iter_rows() for c in row if c.value)
    words = " ".join(texts.split())
    for layout in world["layouts"]:
        assert f"Scheda «{layout.card.card.title}»" in words
        for item in layout.items:
            for part in detail_parts(item.item):
                if item.item.ref is None:  # a shared objective's text is given once, then referred to
                    assert " ".join(part.split()) in words, (layout.sheet, item.item.id)
    shared = [i for i in world["layouts"][0].items if i.item.ref and detail_parts(i.item)]
    assert shared and words.count(" ".join(shared[0].item.description.split())) == 1
    assert "come per l'obiettivo 1 di «Obiettivi di performance organizzativa» della scheda" in words
    assert wb[DETAILS_SHEET].protection.sheet
    card = wb[world["layouts"][0].sheet]
    assert f"foglio «{DETAILS_SHEET}»" in card[f"{LABEL_COL}{LEGEND_ROW}"].value  # the legend says where they are


@pytest.mark.parametrize("app", ["libreoffice", "gnumeric"])
def test_a_resaved_return_with_a_details_sheet_verifies_clean(app: str, world: dict[str, Any]) -> None:
    path = world["saved"][app]
    collected, audited = both(path, world["loaded"], world["expected"], world["public"])
    assert collected == audited
    assert all(severity == "info" for _, severity, _, _ in collected), collected
    result = collect(world["loaded"], [path], public_key=world["public"], jobs=1)
    assert not_info(result.findings) == []
    assert all(card.result.complete for card in result.consolidated.cards)


def edited(source: Path, target: Path, change: Any) -> Path:
    wb = openpyxl.load_workbook(source)
    change(wb)
    wb.save(target)
    return target


def test_a_description_edited_is_found_by_collect_and_audit(world: dict[str, Any], tmp_path: Path) -> None:
    cells = content.detail_cells(world["loaded"].plan, world["layouts"])
    address = next(a for a, cell in cells.items() if cell.style == "text" and len(str(cell.value)) > 200)

    def edit(wb: openpyxl.Workbook) -> None:
        ws = wb[DETAILS_SHEET]
        ws.protection.sheet = False
        ws[address] = "Obiettivo raggiunto con la sola pubblicazione di un avviso."

    path = edited(world["filled"], tmp_path / "descrizione.xlsx", edit)
    collected, audited = both(path, world["loaded"], world["expected"], world["public"])
    assert collected == audited
    assert ("LOCKED_CHANGED", "error", DETAILS_SHEET, address) in collected
    assert ("PROTECTION_REMOVED", "error", DETAILS_SHEET, None) in collected


def test_the_details_sheet_removed_is_found(world: dict[str, Any], tmp_path: Path) -> None:
    path = edited(world["filled"], tmp_path / "senza-dettaglio.xlsx", lambda wb: wb.remove(wb[DETAILS_SHEET]))
    collected, audited = both(path, world["loaded"], world["expected"], world["public"])
    assert ("SHEET_MISSING", "error", DETAILS_SHEET, None) in collected and collected == audited


def test_each_card_alone_carries_its_own_details_and_collect_reads_them_all(world: dict[str, Any],
                                                                           tmp_path: Path) -> None:
    """A workbook of one card gives that card's descriptions in full; its last row is read and checked too."""
    result = collect(world["loaded"], world["per_card"], public_key=world["public"], jobs=1)
    assert not_info(result.findings) == []
    last = world["per_card"][-1]
    layout = world["layouts"][-1]
    cells = content.detail_cells(world["loaded"].plan, [layout])
    address = max(cells, key=lambda a: int(a[1:]))

    def edit(wb: openpyxl.Workbook) -> None:
        wb[DETAILS_SHEET][address] = "Testo cambiato."

    path = edited(last, tmp_path / last.name, edit)
    result = collect(world["loaded"], [path], public_key=world["public"], jobs=1)
    assert ("LOCKED_CHANGED", DETAILS_SHEET, address) in not_info(result.findings)
    assert MANIFEST_SHEET not in {f.sheet for f in result.findings if f.severity == Severity.ERROR}
