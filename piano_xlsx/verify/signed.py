"""The manifest of a returned workbook: present, readable, consistent with its hash, signed by the HR office."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from piano_xlsx.findings import Finding, finding
from piano_xlsx.plan.resolve import MANIFEST_SHEET
from piano_xlsx.reader.xlsx import WorkbookData
from piano_xlsx.verify import Add
from piano_xlsx.workbook.manifest import (
    ManifestError,
    content_hash,
    manifest_from_sheet,
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
        manifest, signature, key, signed = manifest_from_sheet(sheet.cells)
    except ManifestError as exc:
        add(finding("MANIFEST_INVALID", file=name, sheet=MANIFEST_SHEET, detail=str(exc)))
        return None
    state = check_signature(manifest, signature, key, signed, public_key, name, add)
    if not isinstance(manifest.get("cells"), dict) or content_hash(manifest["cells"]) != manifest.get("content_hash"):
        add(finding("CONTENT_HASH_MISMATCH", file=name, sheet=MANIFEST_SHEET))
    return Manifest(manifest, state, bool(signature))


def check_signature(manifest: dict[str, Any], signature: str, key: str, signed: bytes,
                    public_key: Ed25519PublicKey | None, name: str, add: Add) -> str:
    """valid / invalid / absent, with the finding that says why when it is not valid.

    With a key given, an unsigned manifest is as bad as a wrong signature: anyone could have rewritten it.
    Without a key, the signature is not verified; each command says so (collect once per run, audit per file).
    """
    state, why = signature_state(manifest, signature, key, signed, public_key)
    if state == "invalid" or (state == "absent" and public_key is not None):
        add(finding(signature_code(key, public_key), file=name, sheet=MANIFEST_SHEET, detail=why))
    return state


def unverified(name: str, signed: bool) -> Finding:
    """SIGNATURE_ABSENT for one file checked without a public key."""
    if signed:
        detail = ("Il manifesto è firmato ma non è stata indicata la chiave pubblica (--public-key): "
                  "la firma non è stata verificata.")
    else:
        detail = ("Il manifesto non è firmato: chiunque avrebbe potuto riscriverlo, le formule «emesse» "
                  "non sono garantite.")
    return finding("SIGNATURE_ABSENT", file=name, sheet=MANIFEST_SHEET, detail=detail)
