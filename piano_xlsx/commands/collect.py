"""`piano-xlsx collect`: thin over piano_xlsx.collect and its report writers."""

from __future__ import annotations

import sys

import click

from piano_xlsx.commands.app import CannotRun, command
from piano_xlsx.commands.hrdata import hr_option, read_hr
from piano_xlsx.commands.shared import (
    csv_format_option,
    force_option,
    jobs_option,
    open_plan,
    public_key_option,
    refuse_outputs,
    require_existing,
    require_suffix,
)
from piano_xlsx.findings import exit_status, sort_findings

NOTHING_TO_READ = "Nessun file da leggere in {paths}: verificare il percorso della cartella delle restituite."


@command(name="collect", short_help="Raccoglie e consolida le cartelle restituite.")
@click.argument("plan", metavar="PIANO", type=click.Path(dir_okay=False))
@click.argument("paths", metavar="PERCORSO...", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", "report", metavar="FILE", required=True, type=click.Path(dir_okay=False),
              help="Il rapporto consolidato da scrivere (.xlsx).")
@public_key_option
@click.option("--json", "json_out", metavar="FILE",
              help="Scrive anche il risultato in JSON nel FILE («-» per l'uscita standard).")
@click.option("--csv", "csv_dir", metavar="CARTELLA", type=click.Path(file_okay=False),
              help="Scrive anche le tabelle del rapporto in CSV in questa cartella.")
@csv_format_option
@jobs_option
@hr_option
@force_option
def collect(plan: str, paths: tuple[str, ...], report: str, public_key_path: str | None, json_out: str | None,
            csv_dir: str | None, csv_format: str, jobs: int | None, force: bool, hr_path: str | None = None) -> None:
    """Legge le cartelle restituite (file o cartelle), le verifica e le consolida, segnalando ogni incoerenza.

    I file restituiti vengono solo letti, mai modificati. Esito: 0 nessun
    errore, 1 almeno un errore, 2 il comando non è stato eseguito (anche
    quando nei percorsi non c'è alcun file da leggere).

    Esempio:


    \b
        piano-xlsx collect piano.yaml restituite/ -o consolidato.xlsx --public-key chiavi/piano-xlsx-pubblica.pem
    """
    from pathlib import Path

    from piano_xlsx.collect import collect as run_collect
    from piano_xlsx.collect.report import (
        CSV_NAMES,
        MONEY_CSV_NAMES,
        excluded_json,
        summary_text,
        write_csv,
        write_json,
        write_report,
    )
    from piano_xlsx.signing import load_public_key

    require_suffix(report, (".xlsx",), "Il rapporto")
    csv_files = [Path(csv_dir) / f"{name}.csv" for name in CSV_NAMES + MONEY_CSV_NAMES] if csv_dir else []
    refuse_outputs([report, json_out, *csv_files], force=force)
    loaded = open_plan(plan)
    public_key = load_public_key(public_key_path) if public_key_path else None
    require_existing([*paths, *([hr_path] if hr_path else [])])
    hr, hr_findings = read_hr(loaded, hr_path)

    bar = None
    if sys.stderr.isatty():
        bar = click.progressbar(length=1, label="Lettura dei file", file=sys.stderr)

    def progress(done: int, total: int) -> None:
        if bar is not None:
            bar.length = total
            bar.update(done - bar.pos)

    result = run_collect(loaded, paths, public_key=public_key, jobs=jobs, progress=progress, hr=hr,
                         hr_source=hr_path or "")
    if hr_findings:
        result.findings = sort_findings(result.findings + hr_findings)
    if bar is not None:
        bar.render_finish()
    if not result.files:
        raise CannotRun(NOTHING_TO_READ.format(paths=", ".join(f"«{p}»" for p in paths)))
    write_report(result, report, force=force)
    text = write_json(result, json_out, force=force) if json_out else ""
    if json_out == "-":
        click.echo(text, nl=False)
    if csv_dir:
        write_csv(result, csv_dir, format_name=csv_format, force=force)
    summary = summary_text(result)
    err = json_out == "-"
    click.echo(summary[:1].upper() + summary[1:], err=err)
    for entry in excluded_json(result):  # the HR office's exclusions, each with its reason and source
        source = f" (fonte: {entry['source']})" if entry["source"] else ""
        click.echo(f"Escluso dal premio: {entry['evaluatee']} (scheda {entry['card']}) — {entry['reason']}{source}",
                   err=err)
    click.echo(f"Rapporto: {report}", err=err)
    raise SystemExit(exit_status(result.findings))
