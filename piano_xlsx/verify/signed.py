"""The manifest of a returned workbook: present, readable, consistent with its hash, signed by the HR office."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from piano_xlsx.findings import Finding, finding
from piano_xlsx.plan.resolve import MANIFEST_SHEET
from piano_xlsx.reader.xlsx import WorkbookData, split_address
from piano_xlsx.verify import Add
from piano_xlsx.workbook.manifest import (
    COUNT_ROW,
    FIRST_CHUNK_ROW,
    FORMAT,
    KEY_ROW,
    MARKER,
    SIGNATURE_ROW,
    ManifestError,
    content_hash,
    parse_manifest_rows,
    signature_code,
    signature_state,
)


@dataclass
class Manifest:
    """A manifest that parses, and the state of its signature: valid, invalid, or absent (unsigned, or no key)."""

    data: dict[str, Any]
    signature: str  # valid / invalid / absent
    signed: bool  # whether it carries a signature at all (verified or not)


def read_manifest(book: WorkbookData, name: str, add: Add, public_key: Ed25519PublicKey | None, *,
                  missing: str) -> Manifest | None:
    """The manifest and its signature's state, with the findings that say what is wrong with them.

    Args:
        missing: the detail of MANIFEST_MISSING, which says what the command does without a manifest.
    """
    sheet = book.sheets.get(MANIFEST_SHEET)
    if sheet is None:
        add(finding("MANIFEST_MISSING", file=name, detail=missing))
        return None
    try:
        stored = read_stored(sheet.cells)
    except ManifestError as exc:
        add(finding("MANIFEST_INVALID", file=name, sheet=MANIFEST_SHEET, detail=str(exc)))
        return None
    manifest = stored.data
    state = check_signature(stored, public_key, name, add)
    if not isinstance(manifest.get("cells"), dict) or stored_hash(stored, state) != manifest.get("content_hash"):
        add(finding("CONTENT_HASH_MISMATCH", file=name, sheet=MANIFEST_SHEET))
    return Manifest(manifest, state, bool(stored.signature))


@dataclass
class Stored:
    """The manifest as stored in its sheet: parsed once, with its text and where each top-level member's value lies
    in it (`spans`, empty when the text was parsed the ordinary way)."""

    data: dict[str, Any]
    signature: str
    key: str
    text: str
    spans: dict[str, tuple[int, int]]


def read_stored(cells: dict[str, Any]) -> Stored:
    """The manifest sheet as read: its JSON parsed once, each member's place in the text kept.

    Only a sheet that is clearly well formed is read here; for anything else the workbook's own
    `parse_manifest_rows` reads it, so every refusal and its detail are the ones it gives.
    """
    column_a = {}
    for address, cell in cells.items():
        parsed = split_address(address)
        if parsed and parsed[0] == "A":
            column_a[parsed[1]] = cell.value
    text = _joined(column_a)
    members = _members(text) if text is not None else None
    if text is None or members is None or members[0].get("format") != FORMAT:
        manifest, signature, key, signed = parse_manifest_rows(column_a)
        return Stored(manifest, signature, key, signed.decode("utf-8"), {})
    return Stored(members[0], str(column_a.get(SIGNATURE_ROW) or ""), str(column_a.get(KEY_ROW) or ""), text,
                  members[1])


def _joined(column_a: dict[int, Any]) -> str | None:
    """The manifest's text when the marker, the count and every chunk are in place; None when any is not."""
    count = column_a.get(COUNT_ROW)
    if column_a.get(1) != MARKER or not isinstance(count, str) or not count.isdigit() or not 0 < int(count) < 10_000:
        return None
    parts = [column_a.get(FIRST_CHUNK_ROW + i) for i in range(int(count))]
    chunks = [part for part in parts if isinstance(part, str)]
    return "".join(chunks) if len(chunks) == len(parts) else None


# json.loads's own scanner, one value at a time (set by JSONDecoder.__init__, which the stubs do not declare)
_SCAN: Callable[[str, int], tuple[Any, int]] = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def _members(text: str) -> tuple[dict[str, Any], dict[str, tuple[int, int]]] | None:
    """A JSON object written without spaces, parsed member by member (as json.loads would), with the span of each
    value; None for any other text (json.loads then reads it and says what is wrong)."""
    data: dict[str, Any] = {}
    spans: dict[str, tuple[int, int]] = {}
    if not text.startswith('{"'):
        return None
    pos = 1
    try:
        while True:
            key, pos = _SCAN(text, pos)
            if not isinstance(key, str) or text[pos:pos + 1] != ":":
                return None
            value, end = _SCAN(text, pos + 1)
            data[key], spans[key] = value, (pos + 1, end)
            if text[end:end + 2] == ',"':
                pos = end + 1
            elif end + 1 == len(text) and text[end] == "}":
                return data, spans
            else:
                return None
    except (StopIteration, ValueError):
        return None


def check_signature(stored: Stored, public_key: Ed25519PublicKey | None, name: str, add: Add) -> str:
    """valid / invalid / absent, with the finding that says why when it is not valid.

    With a key given, an unsigned manifest is as bad as a wrong signature: anyone could have rewritten it.
    Without a key, the signature is not verified; each command says so (collect once per run, audit per file).
    The signature is verified over the text as stored (`signature_state`).
    """
    state, why = signature_state(stored.signature, stored.key, stored.text.encode("utf-8"), public_key)
    if state == "invalid" or (state == "absent" and public_key is not None):
        add(finding(signature_code(stored.key, public_key), file=name, sheet=MANIFEST_SHEET, detail=why))
    return state


def stored_hash(stored: Stored, state: str) -> str:
    """The hash of the manifest's cells. In a manifest whose signature is valid (its text canonical JSON), the cells'
    canonical JSON is their text as stored; otherwise they are serialised again, as the hash was made."""
    span = stored.spans.get("cells")
    if state == "valid" and span is not None:
        return hashlib.sha256(stored.text[span[0]:span[1]].encode("utf-8")).hexdigest()
    return content_hash(stored.data["cells"])


def unverified(name: str, signed: bool) -> Finding:
    """SIGNATURE_ABSENT for one file checked without a public key."""
    if signed:
        detail = ("Il manifesto è firmato ma non è stata indicata la chiave pubblica (--public-key): "
                  "la firma non è stata verificata.")
    else:
        detail = ("Il manifesto non è firmato: chiunque avrebbe potuto riscriverlo, le formule «emesse» "
                  "non sono garantite.")
    return finding("SIGNATURE_ABSENT", file=name, sheet=MANIFEST_SHEET, detail=detail)
