"""The signed manifest: it verifies as issued, and any change to the locked content or to it is caught."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from support import EXAMPLE_PLAN, TEMPLATES

from piano_xlsx.collect.inspect import FileReport, inspect_file
from piano_xlsx.generate import generate, plan_layouts
from piano_xlsx.plan.loader import LoadedPlan, load_plan
from piano_xlsx.plan.resolve import MANIFEST_SHEET
from piano_xlsx.signing import keygen, load_private_key, load_public_key, sign, verify
from piano_xlsx.verify.expected import Expected
from piano_xlsx.workbook import content
from piano_xlsx.workbook.layout import CardLayout, col
from piano_xlsx.workbook.manifest import (
    CHUNK,
    COUNT_ROW,
    FIRST_CHUNK_ROW,
    SIGNATURE_ROW,
    ManifestError,
    canonical,
    content_hash,
    manifest_rows,
    parse_manifest_rows,
)

# what an unfilled, untouched workbook is expected to report: nothing about integrity
ONLY_EMPTY_INPUTS = {"SCORE_MISSING", "EVALUATOR_MISSING", "DATE_MISSING"}


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory, keys: tuple[Path, Path]) -> tuple[LoadedPlan, Path]:
    loaded = load_plan(EXAMPLE_PLAN)
    result = generate(loaded, tmp_path_factory.mktemp("issued"), private_key=load_private_key(keys[0]), jobs=1)
    return loaded, result.files[0]


def column_a(path: Path) -> dict[int, Any]:
    ws = openpyxl.load_workbook(path)[MANIFEST_SHEET]
    return {cell.row: cell.value for cell in ws["A"] if cell.value is not None}


def check(path: Path, loaded: LoadedPlan, public_key_path: Path) -> FileReport:
    return inspect_file(path, Expected.from_plan(loaded), load_public_key(public_key_path))


def codes(report: FileReport) -> Counter[str]:
    return Counter(f.code for f in report.findings)


def rewrite_manifest(source: Path, target: Path, change: Any, *, signature: str | None = None) -> Path:
    """Copy a workbook with its manifest JSON changed by `change(manifest)`; the old signature is kept."""
    wb = openpyxl.load_workbook(source)
    ws = wb[MANIFEST_SHEET]
    rows = {cell.row: cell.value for cell in ws["A"] if cell.value is not None}
    manifest, old_signature, key, _ = parse_manifest_rows(rows)
    change(manifest)
    for row in list(rows):
        ws.cell(row=row, column=1).value = None
    for row, text in enumerate(manifest_rows(canonical(manifest), signature or old_signature, key), start=1):
        ws.cell(row=row, column=1).value = text
    wb.save(target)
    return target


def first_card(loaded: LoadedPlan) -> CardLayout:
    return plan_layouts(loaded)[0]


# ---------------------------------------------------------------- as issued


def test_the_manifest_verifies_with_the_public_key(issued: tuple[LoadedPlan, Path], keys: tuple[Path, Path]) -> None:
    loaded, path = issued
    manifest, signature, key, signed = parse_manifest_rows(column_a(path))
    public = load_public_key(keys[1])
    assert signature and verify(public, signed, signature)
    assert signed == canonical(manifest)
    assert manifest["content_hash"] == content_hash(manifest["cells"])
    assert manifest["plan"]["hash"] == loaded.hash and manifest["plan"]["id"] == loaded.plan.plan.id
    layout = first_card(loaded)
    card = next(c for c in manifest["cards"] if c["id"] == layout.card.id)
    assert card["sheet"] == layout.sheet
    assert [i["score"] for i in card["items"]] == [i.cell("score") for i in layout.items]
    assert manifest["cells"][layout.sheet][layout.total_cell("total")][0] == "f"
    report = check(path, loaded, keys[1])
    assert set(codes(report)) <= ONLY_EMPTY_INPUTS, report.findings


def test_another_key_does_not_verify(issued: tuple[LoadedPlan, Path], tmp_path: Path) -> None:
    loaded, path = issued
    _, other_public = keygen(tmp_path / "altra")
    manifest, signature, _, signed = parse_manifest_rows(column_a(path))
    assert not verify(load_public_key(other_public), signed, signature)
    assert codes(check(path, loaded, other_public))["SIGNATURE_OTHER_KEY"] == 1  # the key to check, not the file


def test_an_unsigned_workbook_says_so_to_an_auditor_with_a_key(keys: tuple[Path, Path], tmp_path: Path) -> None:
    loaded = load_plan(EXAMPLE_PLAN)
    path = generate(loaded, tmp_path, jobs=1).files[0]
    rows = column_a(path)
    assert not rows.get(SIGNATURE_ROW)  # no signature written
    report = check(path, loaded, keys[1])
    assert codes(report)["SIGNATURE_INVALID"] == 1
    assert "non è firmato" in next(f.message for f in report.findings if f.code == "SIGNATURE_INVALID")


# ---------------------------------------------------------------- the manifest edited


@pytest.mark.parametrize("what", ["weight", "text", "formula", "content hash", "input cell", "plan hash"])
def test_editing_the_manifest_breaks_the_signature(what: str, issued: tuple[LoadedPlan, Path],
                                                   keys: tuple[Path, Path], tmp_path: Path) -> None:
    loaded, path = issued
    layout = first_card(loaded)
    item = layout.items[0]

    def change(manifest: dict[str, Any]) -> None:
        cells = manifest["cells"][layout.sheet]
        if what == "weight":
            cells[item.cell("weight")] = ["n", "15.0"]
            manifest["cards"][0]["items"][0]["weight"] = 15.0
        elif what == "text":
            cells[item.cell("objective")] = ["t", "Un altro obiettivo"]
        elif what == "formula":
            cells[layout.total_cell("total")] = ["f", "100"]
        elif what == "content hash":
            cells[item.cell("weight")] = ["n", "15.0"]
            manifest["content_hash"] = content_hash(manifest["cells"])  # consistent, but no longer signed
        elif what == "input cell":
            manifest["cards"][0]["items"][0]["score"] = "F99"
        else:
            manifest["plan"]["hash"] = "0" * 64

    edited = rewrite_manifest(path, tmp_path / "modificato.xlsx", change)
    manifest, signature, _, signed = parse_manifest_rows(column_a(edited))
    assert not verify(load_public_key(keys[1]), signed, signature)
    assert codes(check(edited, loaded, keys[1]))["SIGNATURE_INVALID"] == 1


def test_a_manifest_re_signed_with_another_key_is_refused(issued: tuple[LoadedPlan, Path], keys: tuple[Path, Path],
                                                         tmp_path: Path) -> None:
    loaded, path = issued
    forger_private, _ = keygen(tmp_path / "falsario")
    layout = first_card(loaded)
    manifest, _, key, _ = parse_manifest_rows(column_a(path))
    manifest["cells"][layout.sheet][layout.items[0].cell("weight")] = ["n", "15.0"]
    manifest["content_hash"] = content_hash(manifest["cells"])
    forged = rewrite_manifest(path, tmp_path / "falso.xlsx", lambda m: m.update(manifest),
                              signature=sign(load_private_key(forger_private), canonical(manifest)))
    assert codes(check(forged, loaded, keys[1]))["SIGNATURE_INVALID"] == 1


def test_a_manifest_naming_a_card_the_plan_does_not_have(issued: tuple[LoadedPlan, Path], keys: tuple[Path, Path],
                                                          tmp_path: Path) -> None:
    """Its own code (not CONTENT_HASH_MISMATCH), from collect and from audit --plan alike."""
    from piano_xlsx.audit import audit_file

    loaded, path = issued

    def change(manifest: dict[str, Any]) -> None:
        manifest["cards"].append({**manifest["cards"][0], "id": "settore-99"})

    edited = rewrite_manifest(path, tmp_path / "scheda-in-piu.xlsx", change)
    audited = audit_file(edited, public_key=load_public_key(keys[1]), loaded=loaded)
    for found in (codes(check(edited, loaded, keys[1])), Counter(f.code for f in audited.findings)):
        assert found["MANIFEST_UNKNOWN_CARD"] == 1 and found["SIGNATURE_INVALID"] == 1
        assert found["CONTENT_HASH_MISMATCH"] == 0  # the cells and their hash are as issued
    [unknown] = [f for f in audited.findings if f.code == "MANIFEST_UNKNOWN_CARD"]
    assert "settore-99" in unknown.message


# ---------------------------------------------------------------- the sheet edited


def _edit_cell(source: Path, target: Path, sheet: str, address: str, value: Any) -> Path:
    wb = openpyxl.load_workbook(source)
    wb[sheet][address] = value
    wb.save(target)
    return target


@pytest.mark.parametrize("what", ["weight", "objective text", "indicators", "section title", "total formula",
                                  "points formula", "formula to number", "maximum", "summary formula", "instructions"])
def test_editing_a_locked_cell_is_caught(what: str, issued: tuple[LoadedPlan, Path], keys: tuple[Path, Path],
                                         tmp_path: Path) -> None:
    loaded, path = issued
    layout = first_card(loaded)
    item = layout.items[0]
    cells = content.card_cells(loaded.plan, layout)
    sheet, address, value, code = {
        "weight": (layout.sheet, item.cell("weight"), 15, "LOCKED_CHANGED"),
        "objective text": (layout.sheet, item.cell("objective"), "Obiettivo cambiato", "LOCKED_CHANGED"),
        "indicators": (layout.sheet, item.cell("indicators"), "• Nessun indicatore", "LOCKED_CHANGED"),
        "section title": (layout.sheet, f"A{layout.sections[0].header_row}", "Altro", "LOCKED_CHANGED"),
        "total formula": (layout.sheet, layout.total_cell("total"), "=100", "FORMULA_CHANGED"),
        "points formula": (layout.sheet, item.cell("points"),
                           "=" + str(cells[item.cell("points")].value).replace("/10", "/8"), "FORMULA_CHANGED"),
        "formula to number": (layout.sheet, layout.total_cell("total"), 100, "FORMULA_REPLACED"),
        "maximum": (layout.sheet, layout.total_cell("maximum"), 80, "LOCKED_CHANGED"),
        "summary formula": ("Riepilogo", "D5", "=100", "FORMULA_CHANGED"),
        "instructions": ("Istruzioni", "A5", "Compilare come si vuole.", "LOCKED_CHANGED"),
    }[what]
    edited = _edit_cell(path, tmp_path / "modificato.xlsx", sheet, address, value)
    report = check(edited, loaded, keys[1])
    found = [f for f in report.findings if f.code == code]
    assert [(f.sheet, f.cell) for f in found] == [(sheet, address)], report.findings
    assert "SIGNATURE_INVALID" not in codes(report)  # the manifest itself is intact: the sheet differs from it


def test_cells_and_manifest_changed_together_are_still_caught(issued: tuple[LoadedPlan, Path],
                                                              keys: tuple[Path, Path], tmp_path: Path) -> None:
    """The forger raises a weight in the sheet and in the manifest: the signature no longer matches."""
    loaded, path = issued
    layout = first_card(loaded)
    address = layout.items[0].cell("weight")
    both = _edit_cell(path, tmp_path / "cella.xlsx", layout.sheet, address, 15)

    def change(manifest: dict[str, Any]) -> None:
        manifest["cells"][layout.sheet][address] = ["n", "15.0"]
        manifest["content_hash"] = content_hash(manifest["cells"])

    forged = rewrite_manifest(both, tmp_path / "entrambi.xlsx", change)
    found = codes(check(forged, loaded, keys[1]))
    assert found["SIGNATURE_INVALID"] == 1
    assert found["CONTENT_HASH_MISMATCH"] >= 1  # and the manifest no longer matches what the plan issues


# ---------------------------------------------------------------- long manifests


def test_a_manifest_longer_than_a_cell_is_chunked_and_reassembled() -> None:
    manifest = {"format": "piano-xlsx/1", "cells": {"Foglio": {f"B{n}": ["t", "x" * 500 + str(n)]
                                                               for n in range(200)}}}
    text = canonical(manifest).decode()
    assert len(text) > 3 * 32_767
    rows = manifest_rows(canonical(manifest), "firma", "chiave")
    chunks = rows[FIRST_CHUNK_ROW - 1:]
    assert rows[COUNT_ROW - 1] == str(len(chunks)) and len(chunks) == -(-len(text) // CHUNK)
    assert all(len(chunk) <= CHUNK < 32_767 for chunk in chunks)
    parsed, signature, key, signed = parse_manifest_rows({n: v for n, v in enumerate(rows, start=1)})
    assert parsed == manifest and signed == text.encode() and (signature, key) == ("firma", "chiave")


def test_a_missing_chunk_is_an_unreadable_manifest() -> None:
    manifest = {"format": "piano-xlsx/1", "cells": {"Foglio": {"A1": ["t", "y" * 70_000]}}}
    rows = dict(enumerate(manifest_rows(canonical(manifest), "", ""), start=1))
    del rows[FIRST_CHUNK_ROW + 1]
    with pytest.raises(ManifestError):
        parse_manifest_rows(rows)


def test_a_real_manifest_spans_several_cells_and_verifies(keys: tuple[Path, Path], tmp_path: Path) -> None:
    """The 2023 plan's long objective texts make a manifest of more than one cell: it is read back whole."""
    loaded = load_plan(TEMPLATES / "piano-2023-settori.yaml")
    path = generate(loaded, tmp_path, private_key=load_private_key(keys[0]), jobs=1).files[0]
    rows = column_a(path)
    count = int(rows[COUNT_ROW])
    assert count >= 2
    assert all(len(rows[FIRST_CHUNK_ROW + i]) <= CHUNK for i in range(count))
    manifest, signature, _, signed = parse_manifest_rows(rows)
    assert verify(load_public_key(keys[1]), signed, signature)
    longest = max(len(v[1]) for cells in manifest["cells"].values() for v in cells.values())
    assert longest < 32_767
    assert set(codes(check(path, loaded, keys[1]))) <= ONLY_EMPTY_INPUTS


def test_manifest_json_is_canonical(issued: tuple[LoadedPlan, Path]) -> None:
    """Sorted keys, no spaces, UTF-8: what is signed can be rebuilt from the parsed manifest."""
    _, path = issued
    rows = column_a(path)
    text = "".join(rows[FIRST_CHUNK_ROW + i] for i in range(int(rows[COUNT_ROW])))
    assert text == json.dumps(json.loads(text), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert "Performance organizzativa" in text and "\\u" not in text


def test_layout_cells_named_in_the_manifest_exist(issued: tuple[LoadedPlan, Path]) -> None:
    loaded, path = issued
    manifest, *_ = parse_manifest_rows(column_a(path))
    wb = openpyxl.load_workbook(path)
    for card in manifest["cards"]:
        ws = wb[card["sheet"]]
        for item in card["items"]:
            assert item["score"].startswith(col("score")) and ws[item["score"]].protection.locked is False
        for address in card["totals"].values():
            assert ws[address].data_type in ("f", "n"), (card["sheet"], address)
