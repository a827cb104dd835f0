"""`generate`: from a checked plan to the locked workbooks that go out to the offices."""

from __future__ import annotations

import base64
import hashlib
import hmac
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from piano_xlsx.atomic import make_dir, refuse_existing, write_bytes, write_text
from piano_xlsx.files.jobs import default_jobs
from piano_xlsx.findings import Severity
from piano_xlsx.plan.check import check_plan
from piano_xlsx.plan.loader import LoadedPlan, PlanError
from piano_xlsx.workbook.layout import CardLayout, plan_layouts
from piano_xlsx.workbook.naming import card_workbook_name, workbook_name
from piano_xlsx.workbook.writer import PlanParts, plan_parts, write_workbook

DELIVERY_NOTE = "consegna.txt"


@dataclass
class Generated:
    files: list[Path] = field(default_factory=list)
    password: str = ""
    signed: bool = False
    note: Path | None = None


def protection_password(loaded: LoadedPlan, private_key: Ed25519PrivateKey | None,
                        plan_hash: str | None = None) -> str:
    """A password derived from the plan (and the key, when there is one): the same inputs give the same files."""
    secret = b"piano-xlsx"
    if private_key is not None:
        secret = _raw_key(private_key)
    digest = hmac.new(secret, (plan_hash or loaded.hash).encode("ascii"), hashlib.sha256).digest()
    return base64.b32encode(digest).decode("ascii")[:12]


def _raw_key(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                     serialization.NoEncryption())


@dataclass
class _Job:
    """What every workbook of one run shares; built once per process."""

    loaded: LoadedPlan
    layouts: list[CardLayout]
    password: str
    private_key: Ed25519PrivateKey | None
    plan_hash: str
    out_dir: Path
    force: bool
    parts: PlanParts = field(init=False)

    def __post_init__(self) -> None:
        self.parts = plan_parts(self.loaded.plan)

    def write(self, name: str, indices: list[int]) -> str:
        """Write one workbook; return its SHA-256."""
        issued = write_workbook(self.loaded, [self.layouts[i] for i in indices], password=self.password,
                                private_key=self.private_key, plan_hash=self.plan_hash, parts=self.parts)
        write_bytes(self.out_dir / name, issued.data, force=self.force)
        return hashlib.sha256(issued.data).hexdigest()


_WORKER: dict[str, _Job] = {}  # worker process state


def _init_worker(loaded: LoadedPlan, layouts: list[CardLayout], password: str, raw_key: bytes | None,
                 plan_hash: str, out_dir: Path, force: bool) -> None:
    key = Ed25519PrivateKey.from_private_bytes(raw_key) if raw_key is not None else None
    _WORKER["job"] = _Job(loaded, layouts, password, key, plan_hash, out_dir, force)


def _write_in_worker(group: tuple[str, list[int]]) -> str:
    return _WORKER["job"].write(*group)


def generate(loaded: LoadedPlan, out_dir: str | Path, *, private_key: Ed25519PrivateKey | None = None,
             per_sector: bool = False, password: str | None = None, jobs: int | None = None,
             force: bool = False) -> Generated:
    """Write the workbooks (one with a sheet per card, or one per card) and a delivery note for the HR office.

    Args:
        loaded: the plan; one with errors (see `check_plan`) is refused with `PlanError`.
        out_dir: folder for the workbooks and the delivery note.
        private_key: signs each manifest; without it the manifests carry the plan hash only.
        per_sector: one workbook per card instead of one workbook with a sheet per card.
        password: protection password (default: derived from the plan and the key).
        jobs: processes writing workbooks (default: the usable cores). The files do not depend on it.
        force: replace workbooks and the delivery note already in `out_dir`; without it an existing one
            stops the run with OutputExists before anything is written.

    Returns:
        The files written, in plan order, the password and the delivery note.
    """
    errors = [f for f in check_plan(loaded) if f.severity == Severity.ERROR]
    if errors:
        raise PlanError(errors)
    out_dir = Path(out_dir)
    layouts = plan_layouts(loaded)
    plan_hash = loaded.hash
    password = password or protection_password(loaded, private_key, plan_hash)
    plan_id = loaded.plan.plan.id
    groups: list[tuple[str, list[int]]] = (
        [(card_workbook_name(plan_id, lay.card), [i]) for i, lay in enumerate(layouts)] if per_sector
        else [(workbook_name(plan_id), list(range(len(layouts))))])
    refuse_existing([out_dir / name for name, _ in groups] + [out_dir / DELIVERY_NOTE], force=force)
    make_dir(out_dir)
    result = Generated(password=password, signed=private_key is not None)
    jobs = max(1, min(jobs or default_jobs(), len(groups)))
    if jobs == 1:
        job = _Job(loaded, layouts, password, private_key, plan_hash, out_dir, force)
        digests = [job.write(name, indices) for name, indices in groups]
    else:
        raw = _raw_key(private_key) if private_key is not None else None
        with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker,
                                 initargs=(loaded, layouts, password, raw, plan_hash, out_dir, force)) as pool:
            digests = list(pool.map(_write_in_worker, groups, chunksize=max(1, len(groups) // (jobs * 8))))
    lines: list[str] = []
    for (name, indices), digest in zip(groups, digests, strict=True):
        result.files.append(out_dir / name)
        lines.append(f"{name}  sha256 {digest}  schede: {', '.join(layouts[i].card.id for i in indices)}")
    note = [
        f"Piano: {loaded.plan.plan.ente} — {loaded.plan.plan.title} (id {loaded.plan.plan.id}, "
        f"versione {loaded.plan.plan.version})",
        f"Impronta del piano: {plan_hash}",
        "Firma: " + ("presente (verificare con la chiave pubblica)" if private_key else
                     "ASSENTE: manifesto con impronta ma non firmato (usare --key)"),
        f"Password di protezione dei fogli e della struttura: {password}",
        "NON inviare questo file agli uffici: contiene la password.",
        "",
        *lines,
    ]
    result.note = out_dir / DELIVERY_NOTE
    write_text(result.note, "\n".join(note) + "\n", force=force)
    return result
