"""`generate`: from a checked plan to the locked workbooks that go out to the offices."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from piano_xlsx.atomic import write_bytes, write_text
from piano_xlsx.findings import Severity
from piano_xlsx.layout import CardLayout, card_layout
from piano_xlsx.plan.check import check_plan
from piano_xlsx.plan.loader import LoadedPlan, PlanError
from piano_xlsx.plan.resolve import resolve_cards
from piano_xlsx.writer import write_workbook

DELIVERY_NOTE = "consegna.txt"


@dataclass
class Generated:
    files: list[Path] = field(default_factory=list)
    password: str = ""
    signed: bool = False
    note: Path | None = None


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "piano"


def protection_password(loaded: LoadedPlan, private_key: Ed25519PrivateKey | None) -> str:
    """A password derived from the plan (and the key, when there is one): the same inputs give the same files."""
    secret = b"piano-xlsx"
    if private_key is not None:
        secret = private_key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                           serialization.NoEncryption())
    digest = hmac.new(secret, loaded.hash.encode("ascii"), hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii")[:12]


def plan_layouts(loaded: LoadedPlan) -> list[CardLayout]:
    return [card_layout(card) for card in resolve_cards(loaded.plan)]


def generate(loaded: LoadedPlan, out_dir: str | Path, *, private_key: Ed25519PrivateKey | None = None,
             per_sector: bool = False, password: str | None = None) -> Generated:
    """Write the workbooks (one with a sheet per card, or one per card) and a delivery note for the HR office."""
    errors = [f for f in check_plan(loaded) if f.severity == Severity.ERROR]
    if errors:
        raise PlanError(errors)
    out_dir = Path(out_dir)
    layouts = plan_layouts(loaded)
    password = password or protection_password(loaded, private_key)
    base = slug(loaded.plan.plan.id)
    groups = [(f"{base}-{slug(lay.card.id)}.xlsx", [lay]) for lay in layouts] if per_sector else [
        (f"{base}.xlsx", layouts)]
    result = Generated(password=password, signed=private_key is not None)
    lines = []
    for name, group in groups:
        issued = write_workbook(loaded, group, password=password, private_key=private_key)
        path = out_dir / name
        write_bytes(path, issued.data)
        result.files.append(path)
        lines.append(f"{name}  sha256 {hashlib.sha256(issued.data).hexdigest()}  "
                     f"schede: {', '.join(lay.card.id for lay in group)}")
    note = [
        f"Piano: {loaded.plan.plan.ente} — {loaded.plan.plan.title} (id {loaded.plan.plan.id}, "
        f"versione {loaded.plan.plan.version})",
        f"Impronta del piano: {loaded.hash}",
        "Firma: " + ("presente (verificare con la chiave pubblica)" if private_key else
                     "ASSENTE: manifesto con impronta ma non firmato (usare --key)"),
        f"Password di protezione dei fogli e della struttura: {password}",
        "NON inviare questo file agli uffici: contiene la password.",
        "",
        *lines,
    ]
    result.note = out_dir / DELIVERY_NOTE
    write_text(result.note, "\n".join(note) + "\n")
    return result
