"""`piano-xlsx audit`: thin over piano_xlsx.audit and its report writers."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from piano_xlsx.commands.app import CannotRun, command
from piano_xlsx.commands.hrdata import hr_option, read_hr
from piano_xlsx.commands.shared import (
    csv_format_option,
    emit_json,
    force_option,
    open_plan,
    public_key_option,
    refuse_outputs,
    require_existing,
    require_suffix,
)
from piano_xlsx.findings import Severity, exit_status, sort_findings
from piano_xlsx.italian import decimal, plural

if TYPE_CHECKING:
    from piano_xlsx.audit.result import FileAudit

REPORT_SUFFIXES = (".xlsx", ".html", ".htm")
NOTHING_TO_READ = "Nessun file da esaminare in {paths}: verificare il percorso."
SHOWN_PER_FILE = 5  # errors printed under a file's line; the reports list them all
SIGNATURE = {"valid": "valida", "invalid": "non valida", "absent": "assente"}


@command(name="audit", short_help="Riverifica le formule delle cartelle restituite.")
@click.argument("paths", metavar="PERCORSO...", nargs=-1, required=True, type=click.Path())
@public_key_option
@click.option("-o", "--output", "report", metavar="FILE", type=click.Path(dir_okay=False),
              help="Rapporto per i revisori: .xlsx (cartella Excel) o .html (pagina), secondo l'estensione.")
@click.option("--json", "json_out", metavar="FILE",
              help="Scrive anche il risultato in JSON nel FILE («-» per l'uscita standard).")
@click.option("--csv", "csv_dir", metavar="CARTELLA", type=click.Path(file_okay=False),
              help="Scrive anche le tabelle del rapporto in CSV in questa cartella.")
@csv_format_option
@click.option("--plan", "plan_path", metavar="PIANO", type=click.Path(dir_okay=False),
              help="Il piano, per un terzo parere: il suo modello Python ricalcola ogni formula delle schede.")
@hr_option
@force_option
def audit(paths: tuple[str, ...], public_key_path: str | None, report: str | None, json_out: str | None,
          csv_dir: str | None, csv_format: str, plan_path: str | None, force: bool,
          hr_path: str | None = None) -> None:
    """Riverifica ogni formula delle cartelle restituite (file o cartelle) senza fidarsi del loro contenuto.

    Per ogni cella con formula: la formula emessa (dal manifesto firmato),
    quella trovata, il valore salvato nel file e quello ricalcolato da un
    motore di calcolo indipendente a partire dalle celle del file; esito
    corretta, modificata, cancellata o con valore non aggiornato. Anche fogli
    nascosti, collegamenti esterni, macro, nomi definiti, convalide e
    protezioni. I file vengono solo letti. Esito: 0 nessun errore, 1 almeno un
    errore, 2 il comando non è stato eseguito (anche quando nei percorsi non
    c'è alcun file da esaminare).

    Esempio:


    \b
        piano-xlsx audit restituite/ --public-key chiavi/piano-xlsx-pubblica.pem -o audit.html --json audit.json
    """
    from piano_xlsx.audit import audit as run_audit
    from piano_xlsx.audit.report_html import write_html
    from piano_xlsx.audit.report_xlsx import CSV_NAMES, write_csv, write_xlsx
    from piano_xlsx.signing import load_public_key

    require_suffix(report, REPORT_SUFFIXES, "Il rapporto")
    csv_files = [Path(csv_dir) / f"{name}.csv" for name in CSV_NAMES] if csv_dir else []
    refuse_outputs([report, json_out, *csv_files], force=force)
    require_existing(paths)
    public_key = load_public_key(public_key_path) if public_key_path else None
    loaded = open_plan(plan_path) if plan_path else None

    hr = read_hr(loaded, hr_path)[0] if loaded is not None else None
    result = run_audit(paths, public_key=public_key, loaded=loaded)
    if loaded is not None and result.files and loaded.plan.payouts:  # every amount, as collect computes it
        from piano_xlsx.collect import collect
        from piano_xlsx.collect.premi_report import payouts_json

        result.payouts = payouts_json(collect(loaded, paths, public_key=public_key, hr=hr, hr_source=hr_path or ""))
    if not result.files:
        raise CannotRun(NOTHING_TO_READ.format(paths=", ".join(f"«{p}»" for p in paths)))
    if report:
        writer = write_xlsx if Path(report).suffix.lower() == ".xlsx" else write_html
        writer(result, report, force=force)
    if json_out:
        emit_json(result.to_json(), json_out, force=force)
    if csv_dir:
        write_csv(result, csv_dir, format_name=csv_format, force=force)
    if json_out != "-":
        for file in result.files:
            _print_file(file, verified=public_key is not None)
        for ignored in result.ignored:
            click.echo(f"{ignored.file}: {ignored.message}")
        if report:
            click.echo(f"Rapporto: {report}")
    raise SystemExit(exit_status(result.findings))


def _print_file(file: FileAudit, *, verified: bool) -> None:
    """One line per file, then the errors that stop it from being accepted."""
    counts = file.counts()
    signature = SIGNATURE[file.signature] if verified or file.signature != "absent" else "non verificata"
    engine = f"; ricalcolo indipendente in {decimal(file.engine_seconds)} s" if file.engine_seconds else ""
    formulas = ", ".join((plural(counts["ok"], "corretta", "corrette"),
                          plural(counts["changed"], "modificata", "modificate"),
                          plural(counts["missing"], "cancellata", "cancellate"),
                          f"{counts['stale']} con valore non aggiornato"))
    findings = f"{plural(file.errors, 'errore', 'errori')}, {plural(file.warnings, 'avviso', 'avvisi')}"
    click.echo(f"{file.path}: firma {signature}; {plural(len(file.formulas), 'formula', 'formule')}: {formulas}; "
               f"{findings}{engine}")
    errors = [f for f in sort_findings(file.findings) if f.severity == Severity.ERROR]
    for f in errors[:SHOWN_PER_FILE]:
        place = " · ".join(p for p in (f.sheet, f.cell) if p)
        click.echo(f"    ERRORE {f.code}{f' [{place}]' if place else ''}: {f.message}")
        click.echo(f"        → {f.hint}")
    if len(errors) > SHOWN_PER_FILE:
        more = len(errors) - SHOWN_PER_FILE
        click.echo(f"    … e {plural(more, 'altro errore', 'altri errori')}: sono tutti nel rapporto (-o, --json).")
