"""What the app does to a campaign, through the same library functions as the command line.

Plans are loaded and checked, returns are read and audited, in isolated worker processes with the CLI's time
and memory limits: an uploaded file is as untrusted as a returned one.

One concern, a campaign's work over the library, read best whole.
"""

from __future__ import annotations

import dataclasses
import io
import shutil
import tempfile
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

from sqlalchemy import delete, select, update

from piano_xlsx.audit import audit
from piano_xlsx.audit.report_html import render as render_audit
from piano_xlsx.collect import CollectResult, collect
from piano_xlsx.collect.inspect import FileReport
from piano_xlsx.collect.notes import plan_notes
from piano_xlsx.collect.premi_report import payouts_json
from piano_xlsx.collect.report import write_csv, write_json, write_report
from piano_xlsx.files.isolation import Failure, Limits, run_isolated
from piano_xlsx.findings import Finding, Severity, count, finding, sort_findings
from piano_xlsx.generate import generate
from piano_xlsx.hr.read import HrFileError, merge_hr, read_hr_file
from piano_xlsx.plan.check import check_plan
from piano_xlsx.plan.loader import LoadedPlan, PlanError
from piano_xlsx.plan.payouts import HrRecord
from piano_xlsx.planfile import load_plan_file
from piano_xlsx.verify.expected import Expected
from piano_xlsx.web import tables as t
from piano_xlsx.web.statuses import CardStatus, card_statuses
from piano_xlsx.web.store import Store, existing, now
from piano_xlsx.workbook.naming import slug

PLAN_LIMITS = Limits(seconds=60.0, memory=1024 * 1024 * 1024)
CHUNK = 1 << 20
ZIP_DATE = (1980, 1, 1, 0, 0, 0)  # entries dated alike: the same workbooks give the same zip


@dataclass
class PlanCheck:
    """A plan as loaded and checked: `loaded` is None when it cannot be used at all."""

    loaded: LoadedPlan | None
    findings: list[Finding]
    notes: list[dict[str, Any]] = field(default_factory=list)  # the rules and their sources, as the report prints

    @property
    def errors(self) -> int:
        return count(self.findings, Severity.ERROR)


def _load_and_check(path: str) -> PlanCheck:
    try:
        loaded = load_plan_file(path)
    except PlanError as exc:
        return PlanCheck(None, sort_findings(exc.findings))
    findings = sort_findings(check_plan(loaded))
    if count(findings, Severity.ERROR):  # the rules of a plan in error are not shown: they may not hold together
        return PlanCheck(loaded, findings)
    return PlanCheck(loaded, findings, plan_notes(Expected.from_plan(loaded)))


def _plan_failed(path: str, failure: Failure) -> PlanCheck:
    """A plan whose reading crashed or overran its limits: unreadable, with the reason in the same words as collect."""
    reason = finding(failure.code, detail=failure.detail).message
    return PlanCheck(None, [finding("PLAN_UNREADABLE", detail=reason)])


@dataclass
class HrData:
    """An HR data file as `collect --hr` reads it: its records and findings, or why it cannot be read at all."""

    name: str
    records: list[HrRecord] | None
    findings: list[Finding]
    error: str | None = None


def _read_hr(item: tuple[str, str]) -> HrData:
    """Read the kept file at `path`; every finding and message names it as the office uploaded it."""
    path, name = item
    try:
        records, findings = read_hr_file(path)
    except HrFileError as exc:
        return HrData(name, None, [], str(exc).replace(path, f"«{name}»"))
    return HrData(name, records, [dataclasses.replace(f, file=name) if f.file == path else f for f in findings])


def _hr_failed(item: tuple[str, str], failure: Failure) -> HrData:
    return HrData(item[1], None, [], finding(failure.code, detail=failure.detail).message)


K = TypeVar("K")
V = TypeVar("V")


class _Cache(OrderedDict[K, V]):
    """The last few results, by what they were computed from."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def put(self, key: K, value: V) -> V:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)
        return value


@dataclass
class Consolidation:
    result: CollectResult
    statuses: dict[str, CardStatus]
    names: dict[int, str]  # receipt id -> the name the reports use
    reports: dict[int, FileReport] = field(default_factory=dict)  # receipt id -> collect's report of its file


class Campaigns:
    """The campaigns of one data folder."""

    def __init__(self, store: Store, jobs: int | None = None):
        self.store = store
        self.jobs = jobs
        self._plans: _Cache[str, PlanCheck] = _Cache(16)  # plan blob -> its check
        self._hr: _Cache[tuple[str, str], HrData] = _Cache(16)  # (HR blob, name) -> its records
        self._consolidations: _Cache[tuple[Any, ...], Consolidation] = _Cache(8)  # campaign, plan and files
        # the server answers on several threads: one consolidation at a time, so each is computed and saved once
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ plans

    def check(self, sha256: str) -> PlanCheck:
        with self._lock:
            return self._check(sha256)

    def _check(self, sha256: str) -> PlanCheck:
        if sha256 not in self._plans:
            path = str(self.store.blobs.path(sha256))
            (checked,) = run_isolated([path], _load_and_check, _plan_failed, limits=PLAN_LIMITS)
            self._plans.put(sha256, checked)
        return self._plans[sha256]

    def create(self, name: str, plan_name: str, plan: IO[bytes]) -> int:
        sha, _ = self.store.blobs.put_chunks(_chunks(plan))
        checked = self.check(sha)
        year = checked.loaded.plan.plan.year if checked.loaded is not None else None
        with self.store.begin() as conn:
            campaign_id = self.store.add(t.campaigns, conn, name=name, year=year, created_at=now())
            self.store.log(campaign_id, "campagna creata", name, conn)
        self._record_plan(campaign_id, plan_name, sha, checked)
        return campaign_id

    def replace_plan(self, campaign_id: int, plan_name: str, plan: IO[bytes]) -> None:
        sha, _ = self.store.blobs.put_chunks(_chunks(plan))
        self._record_plan(campaign_id, plan_name, sha, self.check(sha))

    def _record_plan(self, campaign_id: int, name: str, sha: str, checked: PlanCheck) -> None:
        with self.store.begin() as conn:
            self.store.add(t.plans, conn, campaign_id=campaign_id, sha256=sha, name=name, uploaded_at=now(),
                           plan_hash=checked.loaded.hash if checked.loaded else None, errors=checked.errors,
                           warnings=count(checked.findings, Severity.WARNING))
            if checked.loaded is not None and checked.loaded.plan.plan.year:
                conn.execute(update(t.campaigns).where(t.campaigns.c.id == campaign_id)
                             .values(year=checked.loaded.plan.plan.year))
            self.store.log(campaign_id, "piano caricato", f"{name}: {checked.errors} errori, "
                           f"{count(checked.findings, Severity.WARNING)} avvisi", conn)

    def plan(self, campaign_id: int) -> tuple[dict[str, Any] | None, PlanCheck | None]:
        row = self.store.current_plan(campaign_id)
        return (row, self.check(row["sha256"])) if row else (None, None)

    # ------------------------------------------------------------------ HR data

    def upload_hr(self, campaign_id: int, name: str, stream: IO[bytes]) -> HrData:
        """Keep an HR data file (CSV or xlsx) and read it as `collect --hr` does; the latest one is in force."""
        sha, size = self.store.blobs.put_chunks(_chunks(stream))
        data = self._read(sha, name)
        with self.store.begin() as conn:
            self.store.add(t.hr_files, conn, campaign_id=campaign_id, sha256=sha, name=name, uploaded_at=now(),
                           records=None if data.records is None else len(data.records), error=data.error)
            self.store.log(campaign_id, "dati del personale caricati", f"{name}, {size} byte, SHA-256 {sha}: " + (
                f"non leggibili ({data.error})" if data.error else
                f"{len(data.records or [])} persone, {len(data.findings)} anomalie di lettura"), conn)
        return data

    def hr(self, campaign_id: int) -> tuple[dict[str, Any] | None, HrData | None]:
        row = self.store.current_hr(campaign_id)
        return (row, self._read(row["sha256"], row["name"])) if row else (None, None)

    def _usable_hr(self, campaign_id: int) -> tuple[str | None, HrData | None]:
        """The HR file in force and what it holds, where it can be read (else the plan's own HR data counts)."""
        row, data = self.hr(campaign_id)
        return (row["sha256"], data) if row and data and data.records is not None else (None, None)

    def _read(self, sha256: str, name: str) -> HrData:
        with self._lock:
            if (sha256, name) not in self._hr:
                item = (str(self.store.blobs.path(sha256)), name)
                (data,) = run_isolated([item], _read_hr, _hr_failed, limits=PLAN_LIMITS)
                self._hr.put((sha256, name), data)
            return self._hr[(sha256, name)]

    # ------------------------------------------------------------------ workbooks out

    def generate(self, campaign_id: int) -> dict[str, Any]:
        """Generate one signed workbook per card into a zip kept in the store; PlanError if the plan has errors."""
        row, checked = self.plan(campaign_id)
        if row is None or checked is None or checked.loaded is None:
            raise PlanError(checked.findings if checked else [])
        work = Path(tempfile.mkdtemp(dir=self.store.blobs.tmp))
        try:
            issued = generate(checked.loaded, work, private_key=self.store.private_key(), per_sector=True,
                              jobs=self.jobs)
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
                for path in issued.files:
                    zf.writestr(zipfile.ZipInfo(path.name, ZIP_DATE), path.read_bytes(), zipfile.ZIP_DEFLATED)
            note = issued.note.read_text(encoding="utf-8") if issued.note else ""
        finally:
            shutil.rmtree(work, ignore_errors=True)
        sha = self.store.blobs.put(buffer.getvalue())
        with self.store.begin() as conn:
            self.store.add(t.generations, conn, campaign_id=campaign_id, plan_id=row["id"], zip_sha256=sha,
                           files=len(issued.files), password=issued.password, note=note, created_at=now())
            self.store.log(campaign_id, "cartelle generate", f"{len(issued.files)} cartelle firmate dal piano "
                           f"{row['name']}", conn)
        return existing(self.store.last_generation(campaign_id), campaign_id)

    def zip_name(self, campaign_id: int) -> str:
        _, checked = self.plan(campaign_id)
        base = slug(checked.loaded.plan.plan.id) if checked and checked.loaded else "cartelle"
        return f"{base}-cartelle.zip"

    # ------------------------------------------------------------------ returns in

    def receive(self, campaign_id: int, files: Iterable[tuple[str, IO[bytes]]]) -> list[int]:
        """Keep every file received, each committed on its own: a crash loses none already received."""
        batch = 1 + max((r["batch"] for r in self.store.receipts(campaign_id)), default=0)
        ids = []
        for name, stream in files:
            sha, size = self.store.blobs.put_chunks(_chunks(stream))
            with self.store.begin() as conn:
                first = conn.execute(select(t.receipts.c.id).where(
                    t.receipts.c.campaign_id == campaign_id, t.receipts.c.sha256 == sha, t.receipts.c.copy_of.is_(None))
                    .order_by(t.receipts.c.id).limit(1)).scalar()
                receipt_id = self.store.add(t.receipts, conn, campaign_id=campaign_id, name=name, sha256=sha,
                                            size=size, received_at=now(), batch=batch, copy_of=first, excluded=False)
                self.store.log(campaign_id, "file ricevuto", f"ricevuta {receipt_id}: {name}, {size} byte, "
                               f"SHA-256 {sha}" + (f", copia identica della ricevuta {first}" if first else ""), conn)
            ids.append(receipt_id)
        return ids

    def set_excluded(self, campaign_id: int, receipt_id: int, excluded: bool) -> None:
        with self.store.begin() as conn:
            conn.execute(update(t.receipts).where(t.receipts.c.campaign_id == campaign_id,
                                                  t.receipts.c.id == receipt_id).values(excluded=excluded))
            self.store.log(campaign_id, "file escluso" if excluded else "file riammesso", f"ricevuta {receipt_id}",
                           conn)

    # ------------------------------------------------------------------ consolidation

    def report_names(self, receipts: list[dict[str, Any]]) -> dict[int, str]:
        """The name each receipt has in the reports: the uploaded name, numbered when two files share it."""
        originals = [r for r in receipts if r["copy_of"] is None]
        shared = {r["name"] for r in originals if sum(1 for o in originals if o["name"] == r["name"]) > 1}
        return {r["id"]: f"{r['name']} (ricevuta {r['id']})" if r["name"] in shared else r["name"] for r in originals}

    def consolidate(self, campaign_id: int) -> Consolidation | None:
        """collect over the files that count; None while the plan cannot be used."""
        with self._lock:
            return self._consolidate(campaign_id)

    def _consolidate(self, campaign_id: int) -> Consolidation | None:
        row, checked = self.plan(campaign_id)
        if row is None or checked is None or checked.loaded is None:
            return None
        receipts = self.store.receipts(campaign_id)
        names = self.report_names(receipts)
        counted = [r for r in receipts if r["id"] in names and not r["excluded"]]
        hr_sha, usable = self._usable_hr(campaign_id)
        key = (campaign_id, row["sha256"], tuple((r["id"], r["sha256"], names[r["id"]]) for r in counted), hr_sha)
        if key in self._consolidations:
            return self._consolidations[key]
        paths = {str(self.store.blobs.path(r["sha256"])): r for r in counted}
        result = collect(checked.loaded, list(paths), public_key=self.store.public_key(), jobs=self.jobs,
                         names={p: names[r["id"]] for p, r in paths.items()}, **_hr_arguments(checked.loaded, usable))
        if usable and usable.findings:  # the values the reader could not read, as `collect --hr` reports them
            result.findings = sort_findings(result.findings + usable.findings)
        by_name = {names[r["id"]]: r["id"] for r in counted}
        reports = {by_name[report.path]: report for report in result.files if report.path in by_name}
        excluded_cards = {c for r in receipts if r["excluded"] and r["cards"] for c in r["cards"].split(",")}
        consolidation = Consolidation(result, card_statuses(result, excluded_cards), names, reports)
        self._save(campaign_id, consolidation)
        return self._consolidations.put(key, consolidation)

    def _save(self, campaign_id: int, consolidation: Consolidation) -> None:
        """Keep what each file held and each card's result, for the history across campaigns."""
        result, stamp = consolidation.result, now()
        counted = {c.card_id: c for c in result.consolidated.cards}
        with self.store.begin() as conn:
            for receipt_id, report in consolidation.reports.items():
                conn.execute(update(t.receipts).where(t.receipts.c.id == receipt_id)
                             .values(cards=",".join(c.card_id for c in report.cards)))
            conn.execute(delete(t.results).where(t.results.c.campaign_id == campaign_id))
            final = {s.card_id for s in result.consolidated.statuses if s.final}  # band and bonus count
            amounts = final_amounts(result)
            for card_id, layout in result.expected.layouts.items():
                card, resolved = counted.get(card_id), layout.card
                self.store.add(
                    t.results, conn, campaign_id=campaign_id, card_id=card_id, title=resolved.card.title,
                    evaluatee_id=resolved.evaluatee.id if resolved.evaluatee else resolved.card.evaluatee,
                    evaluatee=resolved.evaluatee.name if resolved.evaluatee else resolved.card.evaluatee,
                    sector_id=resolved.sector.id if resolved.sector else None,
                    sector=resolved.sector.title if resolved.sector else None,
                    status=consolidation.statuses[card_id].kind, maximum=resolved.maximum,
                    total=card.result.total if card else None,
                    band=card.result.band or None if card and card_id in final else None,
                    bonus=card.result.bonus if card and card_id in final else None,
                    amount=amounts.get(card_id), updated_at=stamp)

    # ------------------------------------------------------------------ reports

    def report(self, campaign_id: int, kind: str) -> tuple[bytes, str]:
        """The consolidated report as bytes and its file name: kind is xlsx, json or a CSV table's name."""
        consolidation = self.consolidate(campaign_id)
        if consolidation is None:
            raise LookupError(kind)
        result = consolidation.result
        work = Path(tempfile.mkdtemp(dir=self.store.blobs.tmp))
        try:
            if kind == "xlsx":
                data, name = write_report(result, work / "r.xlsx", force=True).read_bytes(), "rapporto-consolidato.xlsx"
            elif kind == "json":
                data, name = write_json(result, str(work / "r.json")).encode("utf-8"), "rapporto-consolidato.json"
            else:
                tables = {p.stem: p for p in write_csv(result, work)}
                if kind not in tables:
                    raise LookupError(kind)
                data, name = tables[kind].read_bytes(), f"{kind}.csv"
        finally:
            shutil.rmtree(work, ignore_errors=True)
        self.store.log(campaign_id, "rapporto scaricato", name)
        return data, name

    # ------------------------------------------------------------------ audit

    def audit(self, campaign_id: int, receipt_id: int) -> int:
        receipt = existing(self.store.receipt(campaign_id, receipt_id), receipt_id)
        copy_of = receipt["copy_of"]
        source = existing(self.store.receipt(campaign_id, copy_of), copy_of) if copy_of else receipt
        name = self.report_names(self.store.receipts(campaign_id)).get(source["id"], receipt["name"])
        _, checked = self.plan(campaign_id)
        path = str(self.store.blobs.path(source["sha256"]))
        loaded = checked.loaded if checked else None
        result = audit([path], public_key=self.store.public_key(), loaded=loaded, names={path: name})
        if loaded is not None and result.files and loaded.plan.payouts:  # every amount, as `audit --hr` shows it
            _, usable = self._usable_hr(campaign_id)
            result.payouts = payouts_json(collect(loaded, [path], public_key=self.store.public_key(),
                                                  names={path: name}, **_hr_arguments(loaded, usable)))
        file = result.files[0]
        sha = self.store.blobs.put(render_audit(result).encode("utf-8"))
        with self.store.begin() as conn:
            audit_id = self.store.add(t.audits, conn, receipt_id=receipt_id, created_at=now(), report_sha256=sha,
                                      signature=file.signature, errors=file.errors, warnings=file.warnings)
            self.store.log(campaign_id, "audit eseguito", f"ricevuta {receipt_id} ({name}): firma {file.signature}, "
                           f"{file.errors} errori, {file.warnings} avvisi", conn)
        return audit_id

    def audits(self, campaign_id: int) -> list[dict[str, Any]]:
        return self.store.rows(select(t.audits, t.receipts.c.name).join(t.receipts)
                               .where(t.receipts.c.campaign_id == campaign_id).order_by(t.audits.c.id.desc()))


def _hr_arguments(loaded: LoadedPlan, hr: HrData | None) -> dict[str, Any]:
    """collect's `hr` and `hr_source` for an HR file, as `collect --hr` passes them (none: the plan's own)."""
    if hr is None:
        return {}
    return {"hr": merge_hr(loaded.plan.hr, hr.records or []), "hr_source": hr.name}


def final_amounts(result: CollectResult) -> dict[str, str]:
    """Card id -> its amount due (decimal text), for the cards whose every payment is final: the history shows
    no provisional amount."""
    by_card: dict[str, list[Any]] = {}
    for pay in result.premi.payments():
        by_card.setdefault(pay.person.card_id, []).append(pay)
    return {card_id: f"{sum(p.amount for p in pays):f}" for card_id, pays in by_card.items()
            if all(p.amount is not None and not p.provisional for p in pays)}


def _chunks(stream: IO[bytes]) -> Iterable[bytes]:
    return iter(lambda: stream.read(CHUNK), b"")
