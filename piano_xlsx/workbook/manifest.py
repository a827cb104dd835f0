"""The manifest: what was issued in a workbook, stored in a very hidden sheet and signed.

It names the plan (id, version, hash), says which card each sheet holds and
where every input is, and lists every locked cell (text, number or formula)
as issued. `content_hash` is computed from normalised cell contents, never
from bytes, so a file re-saved by Excel or LibreOffice still matches.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
import unicodedata
from typing import Any

from piano_xlsx import __version__
from piano_xlsx.errors import FileRefused
from piano_xlsx.workbook.content import Cell

FORMAT = "piano-xlsx/1"
MARKER = "piano-xlsx manifest"
CHUNK = 30_000  # characters per cell: under Excel's 32,767 limit, which XlsxWriter would silently truncate
# Rows of the manifest sheet: A1 marker, A2 signature, A3 key id, A4 chunk count, A5… the JSON in chunks.
SIGNATURE_ROW, KEY_ROW, COUNT_ROW, FIRST_CHUNK_ROW = 2, 3, 4, 5


@functools.lru_cache(maxsize=1 << 16)  # labels and objective texts repeat across the cards of a plan
def normalise_text(value: str) -> str:
    return unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))


def normalise_number(value: float) -> str:
    value = float(value)
    if math.isnan(value) or math.isinf(value):
        return repr(value)
    return repr(round(value, 9) + 0.0)


# string literals ("…") and quoted sheet names ('…') are kept as they are; elsewhere case and spaces do not matter
_XL_PREFIX = re.compile(r"_xl(fn|ws)\.", re.IGNORECASE)
_STRING_OR_SPACE = re.compile(r'("(?:[^"]|"")*"|\'(?:[^\']|\'\')*\')|\s+|([^"\'\s]+)')


@functools.lru_cache(maxsize=1 << 16)  # cards of one plan share most formulas: normalise each text once
def normalise_formula(text: str) -> str:
    """Formula text as engines may rewrite it: no '=', no _xlfn. prefixes, no spaces, upper case outside strings."""
    text = text.strip()
    if text.startswith("="):
        text = text[1:]
    out = []
    for match in _STRING_OR_SPACE.finditer(text):
        literal, other = match.group(1), match.group(2)
        if literal is not None:
            out.append(literal)
        elif other is not None:
            out.append(_XL_PREFIX.sub("", other).upper() if "_" in other else other.upper())
    return "".join(out)


def cell_key(cell: Cell) -> list[Any]:
    """[kind, normalised value]: the form stored in the manifest and hashed."""
    return list(_key(cell.kind, cell.value))


def _key(kind: str, value: str | float) -> tuple[str, str]:
    if kind == "f":
        return "f", normalise_formula(str(value))
    if kind == "n":
        return "n", normalise_number(float(value))
    return "t", normalise_text(str(value))


def content_hash(sheets: dict[str, dict[str, list[Any]]]) -> str:
    return hashlib.sha256(canonical(sheets)).hexdigest()


# made once: json.dumps with options builds a new encoder every call, and a workbook makes dozens
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


_json_string = json.encoder.encode_basestring  # a str as that encoder writes it (ensure_ascii=False)


def canonical(data: Any) -> bytes:
    return _CANONICAL.encode(data).encode("utf-8")


StoredSheet = bytes  # a sheet's cells as the manifest stores them (`cell_key`, by address), as canonical JSON


@functools.lru_cache(maxsize=1 << 16)
def _stored_cell(address: str, kind: str, value: str | float) -> bytes:
    """One cell's member of its sheet's JSON object, '"A1":["t","…"]'.

    Cards of one shape hold the same labels and formulas at the same addresses, and shared objectives the same
    texts: each distinct cell is serialised once. The bound holds the distinct cells of a 1,000-card plan of
    20-item cards (about 42,000) with room to spare, at a few hundred bytes each.
    """
    stored_kind, text = _key(kind, value)  # written as `canonical` writes {address: [stored_kind, text]}
    return f'{_json_string(address)}:["{stored_kind}",{_json_string(text)}]'.encode()


def stored_sheet(cells: dict[str, Cell]) -> StoredSheet:
    """One sheet's cells in the manifest's form (`cell_key`), as canonical JSON: its members in address order."""
    return b"{" + b",".join([_stored_cell(addr, c.kind, c.value) for addr, c in sorted(cells.items())]) + b"}"


def manifest_text(*, plan_info: dict[str, Any], sheets: list[dict[str, Any]], cards: list[dict[str, Any]],
                  cells: dict[str, dict[str, Cell]], validations: dict[str, list[list[str]]],
                  defined_names: dict[str, str], serialised: dict[str, StoredSheet] | None = None) -> bytes:
    """The manifest's canonical JSON (what is signed): `canonical(manifest)`, spliced from pre-serialised pieces.

    Each sheet's cells are serialised from their cells' cached JSON (`stored_sheet`); `serialised` holds sheets
    of `cells` already stored: the list sheet is the same in every workbook of a plan, so a run stores it once.
    A JSON object with sorted keys is its members joined in key order, so the pieces give the same bytes as one
    `canonical` of the whole manifest.
    """
    by_sheet = {sheet: (serialised or {}).get(sheet) or stored_sheet(by_addr) for sheet, by_addr in cells.items()}
    stored_json = b"{" + b",".join(canonical(sheet) + b":" + by_sheet[sheet] for sheet in sorted(by_sheet)) + b"}"
    members = {  # each member's canonical JSON
        "format": canonical(FORMAT),
        "generator": canonical(f"piano-xlsx {__version__}"),
        "plan": canonical(plan_info),
        "sheets": canonical(sheets),
        "cards": canonical(cards),
        "cells": stored_json,
        "validations": canonical(validations),
        "defined_names": canonical(defined_names),
        "content_hash": canonical(hashlib.sha256(stored_json).hexdigest()),
    }
    return b"{" + b",".join(canonical(key) + b":" + members[key] for key in sorted(members)) + b"}"


def manifest_rows(text: bytes, signature: str, key: str) -> list[str]:
    """Column A of the manifest sheet, top to bottom; `text` is the manifest's canonical JSON."""
    chars = text.decode("utf-8")
    chunks = [chars[i:i + CHUNK] for i in range(0, len(chars), CHUNK)]
    return [MARKER, signature, key, str(len(chunks)), *chunks]


class ManifestError(FileRefused):
    """The manifest sheet exists but cannot be read back."""


def parse_manifest_rows(column_a: dict[int, Any]) -> tuple[dict[str, Any], str, str, bytes]:
    """From the manifest sheet's column A (row -> value): manifest, signature, key id, signed bytes."""
    if column_a.get(1) != MARKER:
        raise ManifestError("intestazione del manifesto assente")
    try:
        count = int(str(column_a.get(COUNT_ROW)))
    except ValueError:
        raise ManifestError("numero di parti non valido") from None
    if not 0 < count < 10_000:
        raise ManifestError("numero di parti non valido")
    parts = [column_a.get(FIRST_CHUNK_ROW + i) for i in range(count)]
    chunks = [p for p in parts if isinstance(p, str)]
    if len(chunks) != count:
        raise ManifestError("parti del manifesto mancanti")
    text = "".join(chunks)
    try:
        manifest = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ManifestError(f"JSON non valido ({exc.msg})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ManifestError("formato del manifesto sconosciuto")
    signature = column_a.get(SIGNATURE_ROW) or ""
    key = column_a.get(KEY_ROW) or ""
    return manifest, str(signature), str(key), text.encode("utf-8")


def manifest_from_sheet(cells: dict[str, Any]) -> tuple[dict[str, Any], str, str, bytes]:
    """The manifest sheet as read (address -> cell with `.value`): manifest, signature, key id, signed bytes."""
    from piano_xlsx.reader.xlsx import split_address

    column_a = {}
    for address, cell in cells.items():
        parsed = split_address(address)
        if parsed and parsed[0] == "A":
            column_a[parsed[1]] = cell.value
    return parse_manifest_rows(column_a)


def other_key(key: str, public_key: Any) -> bool:
    """The manifest names the key that signed it: another one than `public_key` (most often, the wrong key given)."""
    from piano_xlsx.signing import key_id

    return bool(key) and public_key is not None and key != key_id(public_key)


def signature_code(key: str, public_key: Any) -> str:
    """The finding for an invalid signature: SIGNATURE_OTHER_KEY points at the key, SIGNATURE_INVALID at the file."""
    return "SIGNATURE_OTHER_KEY" if other_key(key, public_key) else "SIGNATURE_INVALID"


def signature_state(signature: str, key: str, signed: bytes, public_key: Any) -> tuple[str, str]:
    """("valid" | "invalid" | "absent", why in Italian): absent when unsigned or when there is no key to check.

    `signed` is the manifest's text as stored: what the HR office signs is always the manifest's canonical JSON,
    and only its key makes a text that verifies, so a text that verifies needs no serialising again to prove it.
    """
    from piano_xlsx.signing import key_id, verify

    if not signature:
        return "absent", "il manifesto non è firmato"
    if public_key is None:
        return "absent", "nessuna chiave pubblica indicata: la firma non è stata verificata"
    if other_key(key, public_key):
        return "invalid", f"la chiave che l'ha firmato ha impronta {key}, quella indicata {key_id(public_key)}"
    if not verify(public_key, signed, signature):
        return "invalid", "la firma non corrisponde al contenuto del manifesto"
    return "valid", ""

