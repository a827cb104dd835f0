"""The web app (Flask): pages in Italian over `Campaigns`, each a thin view like the CLI's commands."""

from __future__ import annotations

import io
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

from flask import Flask, abort, redirect, render_template, request, send_file, url_for
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from piano_xlsx import __version__
from piano_xlsx.demo import example_plan_path
from piano_xlsx.money.numbers import euro
from piano_xlsx.plan.loader import PlanError
from piano_xlsx.web import charts, money, pages, security
from piano_xlsx.web import tables as t
from piano_xlsx.web.campaign import Campaigns
from piano_xlsx.web.history import history
from piano_xlsx.web.statuses import KINDS
from piano_xlsx.web.store import Store, existing

DEFAULT_UPLOAD_LIMIT = 256 * 1024 * 1024  # bytes in one request: a season of returns dropped at once
PLAN_SUFFIXES = (".yaml", ".yml", ".xlsx")
HR_SUFFIXES = (".csv", ".xlsx")
SEVERITY_WORDS = {"error": "Errore", "warning": "Avviso", "info": "Nota"}
SEVERITY_PLURALS = {"error": "Errori", "warning": "Avvisi", "info": "Note"}
ERROR_WORDS = {400: "Richiesta non valida", 403: "Accesso negato", 404: "Pagina non trovata",
               405: "Operazione non consentita", 413: "Caricamento troppo grande", 500: "Errore interno"}


def templates() -> dict[str, Path]:
    """The plans a campaign can start from: the bundled example and the repository's templates, where present."""
    found = {"Esempio (Comune di Esempio 2025)": example_plan_path()}
    folder = Path(__file__).resolve().parents[2] / "workbook_templates"
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        found[f"Modello {path.stem}"] = path
    return found


def create_app(data: str | Path, token: str, *, upload_limit: int = DEFAULT_UPLOAD_LIMIT,
               jobs: int | None = None) -> Flask:
    store = Store(data)
    campaigns = Campaigns(store, jobs=jobs)
    app = Flask(__name__)
    app.config.update(MAX_CONTENT_LENGTH=upload_limit, MAX_FORM_PARTS=20_000)
    security.install(app, token)
    app.jinja_env.globals.update(version=__version__, severity_words=SEVERITY_WORDS,
                                 severity_plurals=SEVERITY_PLURALS, kinds=KINDS,
                                 upload_limit=upload_limit, mb=lambda n: f"{n / 1024 / 1024:.0f}")
    app.jinja_env.filters["number"] = pages.number
    app.jinja_env.filters["euro"] = lambda value: "—" if value is None else euro(Decimal(value))
    app.jinja_env.filters["when"] = lambda iso: iso.replace("T", " ")[:19] if iso else ""

    def campaign_or_404(campaign_id: int) -> dict[str, Any]:
        found = store.campaign(campaign_id)
        if found is None:
            abort(404)
        return found

    def uploaded(field: str, missing: str) -> tuple[str, IO[bytes]]:
        """The name and bytes of the file sent in form field `field`; 400 saying `missing` when none was chosen."""
        upload = request.files.get(field)
        if upload is None or not upload.filename:
            abort(400, missing)
        return upload.filename, upload.stream

    def page(name: str, campaign: dict[str, Any] | None = None, **context: Any) -> str:
        return render_template(name, campaign=campaign, **context)

    @app.errorhandler(HTTPException)
    def _error(exc: HTTPException) -> tuple[str, int]:
        code = exc.code or 500
        detail = exc.description if code == 400 and isinstance(exc.description, str) else ""
        if code == 413:
            detail = (f"Il caricamento supera il limite di {upload_limit / 1024 / 1024:.0f} MB per volta: caricare i "
                      "file in più volte, o controllare che siano le cartelle restituite.")
        if code == 403:
            detail = ("Aprire l'applicazione dall'indirizzo completo di token stampato da «piano-xlsx serve» "
                      "(o riavviarla per averne uno nuovo).")
        return render_template("error.html", campaign=None, title=ERROR_WORDS.get(code, "Errore"),
                               detail=detail, code=code), code

    # ------------------------------------------------------------------ campaigns

    @app.get("/")
    def home() -> str:
        rows = []
        for campaign in store.campaigns():
            counts = Counter(r["status"] for r in store.rows(select(t.results.c.status)
                                                               .where(t.results.c.campaign_id == campaign["id"])))
            rows.append((campaign, store.current_plan(campaign["id"]), counts))
        return page("home.html", rows=rows, templates=list(templates()))

    @app.post("/campagne")
    def create() -> Any:
        name = request.form.get("name", "").strip() or "Campagna senza nome"
        upload = request.files.get("plan")
        if upload is not None and upload.filename:
            _check_plan_name(upload.filename)
            campaign_id = campaigns.create(name, upload.filename, upload.stream)
        else:
            chosen = templates().get(request.form.get("template", ""))
            if chosen is None:
                abort(400, "scegliere un modello o caricare il file del piano")
            with open(chosen, "rb") as fh:
                campaign_id = campaigns.create(name, chosen.name, fh)
        return redirect(url_for("plan", campaign_id=campaign_id))

    @app.get("/campagne/<int:campaign_id>")
    def overview(campaign_id: int) -> str:
        campaign = campaign_or_404(campaign_id)
        consolidation = campaigns.consolidate(campaign_id)
        return page("overview.html", campaign, tab="quadro", c=consolidation,
                    **(pages.overview(consolidation) if consolidation else {}))

    # ------------------------------------------------------------------ plan

    @app.get("/campagne/<int:campaign_id>/piano")
    def plan(campaign_id: int) -> str:
        campaign = campaign_or_404(campaign_id)
        row, checked = campaigns.plan(campaign_id)
        findings = checked.findings if checked else []
        severity = request.args.get("gravita", "")
        shown = [f for f in findings if not severity or f.severity.value == severity]
        history_rows = store.rows(select(t.plans).where(t.plans.c.campaign_id == campaign_id)
                                  .order_by(t.plans.c.id.desc()))
        return page("plan.html", campaign, tab="piano", row=row, checked=checked, findings=shown,
                    counts=Counter(f.severity.value for f in findings), severity=severity, plans=history_rows)

    @app.post("/campagne/<int:campaign_id>/piano")
    def replace_plan(campaign_id: int) -> Any:
        campaign_or_404(campaign_id)
        filename, stream = uploaded("plan", "scegliere il file del piano da caricare")
        _check_plan_name(filename)
        campaigns.replace_plan(campaign_id, filename, stream)
        return redirect(url_for("plan", campaign_id=campaign_id))

    # ------------------------------------------------------------------ workbooks out

    @app.get("/campagne/<int:campaign_id>/cartelle")
    def workbooks(campaign_id: int) -> str:
        campaign = campaign_or_404(campaign_id)
        _, checked = campaigns.plan(campaign_id)
        return page("workbooks.html", campaign, tab="cartelle", checked=checked,
                    generation=store.last_generation(campaign_id), refused=request.args.get("rifiutato"))

    @app.post("/campagne/<int:campaign_id>/cartelle")
    def generate(campaign_id: int) -> Any:
        campaign_or_404(campaign_id)
        try:
            campaigns.generate(campaign_id)
        except PlanError:
            return redirect(url_for("workbooks", campaign_id=campaign_id, rifiutato=1))
        return redirect(url_for("workbooks", campaign_id=campaign_id))

    @app.get("/campagne/<int:campaign_id>/cartelle.zip")
    def workbooks_zip(campaign_id: int) -> Any:
        campaign_or_404(campaign_id)
        generation = store.last_generation(campaign_id)
        if generation is None:
            abort(404)
        store.log(campaign_id, "cartelle scaricate", f"zip SHA-256 {generation['zip_sha256']}")
        return send_file(store.blobs.path(generation["zip_sha256"]), mimetype="application/zip",
                         as_attachment=True, download_name=campaigns.zip_name(campaign_id))

    @app.get("/chiave-pubblica.pem")
    def public_key() -> Any:
        return send_file(store.public_key_path, mimetype="application/x-pem-file", as_attachment=True,
                         download_name="piano-xlsx-pubblica.pem")

    # ------------------------------------------------------------------ returns in

    @app.get("/campagne/<int:campaign_id>/restituzioni")
    def returns(campaign_id: int) -> str:
        campaign = campaign_or_404(campaign_id)
        consolidation = campaigns.consolidate(campaign_id)
        receipts = store.receipts(campaign_id)
        audits: dict[int, dict[str, Any]] = {}
        for row in campaigns.audits(campaign_id):
            audits.setdefault(row["receipt_id"], row)
        batch = request.args.get("lotto", type=int)
        return page("returns.html", campaign, tab="restituzioni", receipts=receipts, audits=audits, batch=batch,
                    status={r["id"]: pages.receipt_status(r, consolidation) for r in receipts},
                    new=[r for r in receipts if r["batch"] == batch])

    @app.post("/campagne/<int:campaign_id>/restituzioni")
    def receive(campaign_id: int) -> Any:
        campaign_or_404(campaign_id)
        files = [(Path(f.filename or "senza-nome").name, f.stream) for f in request.files.getlist("files")
                 if f.filename]
        if not files:
            abort(400, "nessun file scelto: trascinare i file nel riquadro o sceglierli con il pulsante")
        ids = campaigns.receive(campaign_id, files)
        batch = existing(store.receipt(campaign_id, ids[0]), ids[0])["batch"]
        return redirect(url_for("returns", campaign_id=campaign_id, lotto=batch))

    @app.post("/campagne/<int:campaign_id>/restituzioni/<int:receipt_id>/esclusione")
    def exclude(campaign_id: int, receipt_id: int) -> Any:
        if store.receipt(campaign_id, receipt_id) is None:
            abort(404)
        campaigns.set_excluded(campaign_id, receipt_id, request.form.get("excluded") == "1")
        return redirect(url_for("returns", campaign_id=campaign_id))

    # ------------------------------------------------------------------ money

    @app.get("/campagne/<int:campaign_id>/premi")
    def premi(campaign_id: int) -> str:
        campaign = campaign_or_404(campaign_id)
        consolidation = campaigns.consolidate(campaign_id)
        hr_row, hr = campaigns.hr(campaign_id)
        result = consolidation.result if consolidation else None
        hr_findings = [f for f in result.findings if f.code.startswith("HR_")] if result else []
        rows = money.chart_rows(result) if result else []
        return page("premi.html", campaign, tab="premi", c=consolidation, hr_row=hr_row, hr=hr,
                    hr_findings=hr_findings, payouts=money.payouts(result) if result else [],
                    chart=charts.amounts(rows, "Importo dovuto a ogni persona") if rows else None)

    @app.post("/campagne/<int:campaign_id>/premi")
    def upload_hr(campaign_id: int) -> Any:
        campaign_or_404(campaign_id)
        filename, stream = uploaded("hr", "scegliere il file dei dati del personale da caricare")
        name = Path(filename).name
        if not name.lower().endswith(HR_SUFFIXES):
            abort(400, f"i dati del personale devono essere un file CSV (.csv) o una cartella di lavoro (.xlsx): "
                       f"«{name}»")
        campaigns.upload_hr(campaign_id, name, stream)
        return redirect(url_for("premi", campaign_id=campaign_id))

    # ------------------------------------------------------------------ findings, audits, reports

    @app.get("/campagne/<int:campaign_id>/anomalie")
    def findings(campaign_id: int) -> str:
        campaign = campaign_or_404(campaign_id)
        consolidation = campaigns.consolidate(campaign_id)
        all_findings = consolidation.result.findings if consolidation else []
        severity = request.args.get("gravita", "")
        shown = [f for f in all_findings if not severity or f.severity.value == severity]
        return page("findings.html", campaign, tab="anomalie", findings=shown, severity=severity,
                    counts=Counter(f.severity.value for f in all_findings), ready=consolidation is not None)

    @app.post("/campagne/<int:campaign_id>/restituzioni/<int:receipt_id>/audit")
    def run_audit(campaign_id: int, receipt_id: int) -> Any:
        if store.receipt(campaign_id, receipt_id) is None:
            abort(404)
        audit_id = campaigns.audit(campaign_id, receipt_id)
        return redirect(url_for("audit_page", campaign_id=campaign_id, audit_id=audit_id))

    @app.get("/campagne/<int:campaign_id>/audit/<int:audit_id>")
    def audit_page(campaign_id: int, audit_id: int) -> str:
        campaign = campaign_or_404(campaign_id)
        row = store.row(select(t.audits, t.receipts.c.name, t.receipts.c.sha256).join(t.receipts)
                        .where(t.audits.c.id == audit_id, t.receipts.c.campaign_id == campaign_id))
        if row is None:
            abort(404)
        report = store.blobs.read(row["report_sha256"]).decode("utf-8")
        # the page is the audit's own HTML report (self-contained, every text escaped), with a way back
        back = render_template("audit_nav.html", campaign=campaign, audit=row)
        return report.replace("<body>", "<body>" + back, 1)

    @app.get("/campagne/<int:campaign_id>/rapporto.<kind>")
    def report(campaign_id: int, kind: str) -> Any:
        campaign_or_404(campaign_id)
        try:
            data, name = campaigns.report(campaign_id, kind)
        except LookupError:
            abort(404)
        types = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 "json": "application/json"}
        return send_file(io.BytesIO(data), mimetype=types.get(kind, "text/csv"), as_attachment=True,
                         download_name=name)

    @app.get("/campagne/<int:campaign_id>/registro")
    def log(campaign_id: int) -> str:
        campaign = campaign_or_404(campaign_id)
        return page("log.html", campaign, tab="registro", events=store.events(campaign_id))

    @app.get("/storico")
    def past() -> str:
        return page("history.html", None, **history(store))

    return app


def _check_plan_name(name: str) -> None:
    if not name.lower().endswith(PLAN_SUFFIXES):
        abort(400, f"il piano deve essere un file YAML (.yaml) o una cartella di lavoro del piano (.xlsx): «{name}»")
