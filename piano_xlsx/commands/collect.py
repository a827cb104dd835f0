"""`piano-xlsx collect`: thin over piano_xlsx.collect and its report writers."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from piano_xlsx.atomic import OutputExists
from piano_xlsx.findings import exit_status


@click.command(name="collect")
@click.argument("plan", type=click.Path(dir_okay=False))
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", "report", required=True, type=click.Path(dir_okay=False),
              help="Consolidated report (.xlsx).")
@click.option("--public-key", "public_key_path", type=click.Path(dir_okay=False),
              help="Public key that verifies the manifest signatures.")
@click.option("--json", "json_out", metavar="FILE", help="Also write JSON ('-' for standard output).")
@click.option("--csv", "csv_dir", metavar="DIR", type=click.Path(file_okay=False), help="Also write CSV files here.")
@click.option("--jobs", type=click.IntRange(min=1), help="Worker processes (default: the usable cores).")
@click.option("--force", is_flag=True, help="Overwrite existing outputs.")
def collect(plan: str, paths: tuple[str, ...], report: str, public_key_path: str | None, json_out: str | None,
            csv_dir: str | None, jobs: int | None, force: bool) -> None:
    """Read returned workbooks (files or folders), verify and consolidate them, flag every inconsistency.

    Returned files are only read, never written. Exit status: 0 no error found,
    1 at least one error found, 2 the command could not run.

    Example:


    \b
        piano-xlsx collect piano.yaml restituite/ -o consolidato.xlsx --public-key chiavi/piano-xlsx-pubblica.pem
    """
    from piano_xlsx.cli import CannotRun, open_plan
    from piano_xlsx.collect import collect as run_collect
    from piano_xlsx.collect.report import excluded_json, summary_text, write_csv, write_json, write_report
    from piano_xlsx.signing import KeyFileError, load_public_key

    loaded = open_plan(plan)
    try:
        public_key = load_public_key(public_key_path) if public_key_path else None
    except KeyFileError as exc:
        raise click.UsageError(str(exc)) from None
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise click.UsageError(f"percorso inesistente: {', '.join(missing)}")
    outputs = [Path(report)] + ([Path(json_out)] if json_out and json_out != "-" else [])
    existing = [str(p) for p in outputs if p.exists()]
    if existing and not force:
        raise CannotRun(f"{', '.join(existing)} esiste già: usare --force per sovrascrivere")

    bar = None
    if sys.stderr.isatty():
        bar = click.progressbar(length=1, label="Lettura dei file", file=sys.stderr)

    def progress(done: int, total: int) -> None:
        if bar is not None:
            bar.length = total
            bar.update(done - bar.pos)

    result = run_collect(loaded, paths, public_key=public_key, jobs=jobs, progress=progress)
    if bar is not None:
        bar.render_finish()
    try:
        write_report(result, report, force=force)
        text = write_json(result, json_out, force=force) if json_out else ""
    except OutputExists as exc:  # appeared while we were reading
        raise CannotRun(str(exc)) from None
    if json_out == "-":
        click.echo(text, nl=False)
    if csv_dir:
        write_csv(result, csv_dir, force=True)
    summary = summary_text(result)
    err = json_out == "-"
    click.echo(summary[:1].upper() + summary[1:], err=err)
    for entry in excluded_json(result):  # the HR office's exclusions, each with its reason and source
        source = f" (fonte: {entry['source']})" if entry["source"] else ""
        click.echo(f"Escluso dal premio: {entry['evaluatee']} (scheda {entry['card']}) — {entry['reason']}{source}",
                   err=err)
    click.echo(f"Rapporto: {report}", err=err)
    raise SystemExit(exit_status(result.findings))
