"""The manifest as stored, read once: the same manifest, refusals and findings as the workbook's own reader gives."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from piano_xlsx.findings import Finding
from piano_xlsx.signing import sign
from piano_xlsx.verify.signed import check_signature, read_stored, stored_hash
from piano_xlsx.workbook.manifest import MARKER, ManifestError, canonical, content_hash, parse_manifest_rows

CELLS = {"Scheda": {"B2": ["t", "Obiettivo «uno»"], "C9": ["f", "SUM(C2:C8)"]}, "Riepilogo": {"A1": ["n", "1.5"]}}


def sheet(text: str, signature: str = "", key: str = "", count: str | None = None) -> dict[str, Any]:
    rows = [MARKER, signature, key, count or "1", text]
    return {f"A{n}": SimpleNamespace(value=v) for n, v in enumerate(rows, start=1)}


def manifest_text(**extra: Any) -> str:
    manifest = {"format": "piano-xlsx/1", "cells": CELLS, "content_hash": content_hash(CELLS), **extra}
    return canonical(manifest).decode()


TEXTS = [
    manifest_text(),
    manifest_text(plan={"id": "p", "cells": {"x": 1}}),
    manifest_text().replace(",", ", "),  # spaces: read the ordinary way
    manifest_text()[:-1] + ',"format":"piano-xlsx/1"}',  # a key twice: the last one counts, as in json.loads
    manifest_text()[:-1],  # cut short
    manifest_text() + "x",
    manifest_text().replace("piano-xlsx/1", "altro/2"),
    '{"format":"piano-xlsx/1"} ',
    "[1,2]",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_read_stored_is_the_workbooks_reading(text: str) -> None:
    cells = sheet(text, "firma", "chiave")
    column_a = {int(address[1:]): cell.value for address, cell in cells.items()}
    try:
        expected = parse_manifest_rows(column_a)
    except ManifestError as exc:
        with pytest.raises(ManifestError) as caught:
            read_stored(cells)
        assert str(caught.value) == str(exc)
        return
    stored = read_stored(cells)
    assert (stored.data, stored.signature, stored.key, stored.text.encode()) == expected
    for key, (start, end) in stored.spans.items():  # each span is its member's value as stored
        assert canonical(stored.data[key]).decode() == text[start:end]


def test_a_count_that_is_not_a_plain_number_is_refused_as_before() -> None:
    for count in ["0", "x", "10000", "2"]:
        with pytest.raises(ManifestError):
            read_stored(sheet(manifest_text(), count=count))


def test_the_hash_of_cells_stored_out_of_canonical_form_is_made_again_unless_validly_signed() -> None:
    """Cells written with spaces and a hash of that text: unsigned, the hash does not match (as it never did)."""
    private = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    spaced = canonical(CELLS).decode().replace(",", ", ")
    text = ('{"cells":' + spaced + ',"content_hash":"' + hashlib.sha256(spaced.encode()).hexdigest()
            + '","format":"piano-xlsx/1"}')
    stored = read_stored(sheet(text))
    assert stored.spans and stored_hash(stored, "absent") == content_hash(CELLS) != stored.data["content_hash"]
    found: list[Finding] = []
    signed = read_stored(sheet(manifest_text(), sign(private, manifest_text().encode())))
    assert check_signature(signed, private.public_key(), "f.xlsx", found.append) == "valid" and not found
    assert stored_hash(signed, "valid") == content_hash(CELLS) == signed.data["content_hash"]
    forged = read_stored(sheet(manifest_text(plan={"id": "altro"}), signed.signature))
    assert check_signature(forged, private.public_key(), "f.xlsx", found.append) == "invalid"
    assert [f.code for f in found] == ["SIGNATURE_INVALID"]
