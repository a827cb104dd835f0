"""`piano-xlsx audit`: thin over piano_xlsx.audit and its report writers."""

from __future__ import annotations

from pathlib import Path

import click

from piano_xlsx.findings import exit_status

REPORT_SUFFIXES = (".xlsx", ".html", ".htm")


@click.command(name="audit")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--public-key", "public_key_path", type=click.Path(dir_okay=False),
              help="Public key that verifies the manifest signatures.")
@click.option("-o", "--output", "report", type=click.Path(dir_okay=False),
              help="Report for auditors: .xlsx (a workbook) or .html (a page), by the suffix.")
@click.option("--json", "json_out", metavar="FILE", help="Also write JSON ('-' for standard output).")
@click.option("--plan", "plan_path", type=click.Path(dir_okay=False),
              help="The plan, for a third opinion: its Python model recomputes every card formula.")
@click.option("--force", is_flag=True, help="Overwrite existing outputs.")
def audit(paths: tuple[str, ...], public_key_path: str | None, report: str | None, json_out: str | None,
          plan_path: str | None, force: bool) -> None:
    """Re-check every formula of returned workbooks (files or folders) without trusting them.

    For every formula cell: the formula issued (from the signed manifest), the
    formula found, the value cached in the file and the value recomputed by an
    independent formula engine from the workbook's own cells; status ok,
    changed, stale or missing. Also hidden sheets, external links, macros,
    defined names, data validations and protection. Files are only read.
    Exit status: 0 no error found, 1 at least one error found, 2 the command
    could not run.

    Example:


    \b
        piano-xlsx audit restituite/ --public-key chiavi/piano-xlsx-pubblica.pem -o audit.html --json audit.json
    """
    from piano_xlsx.audit import audit as run_audit
    from piano_xlsx.audit.report_html import write_html
    from piano_xlsx.audit.report_xlsx import write_xlsx
    from piano_xlsx.cli import emit_json, open_plan
    from piano_xlsx.signing import KeyFileError, load_public_key

    if report and Path(report).suffix.lower() not in REPORT_SUFFIXES:
        raise click.UsageError(f"il report deve terminare con .xlsx o .html: {report}")
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise click.UsageError(f"percorso inesistente: {', '.join(missing)}")
    outputs = [Path(p) for p in (report, json_out) if p and p != "-"]
    existing = [str(p) for p in outputs if p.exists()]
    if existing and not force:
        raise click.UsageError(f"{', '.join(existing)} esiste già: usare --force per sovrascrivere")
    try:
        public_key = load_public_key(public_key_path) if public_key_path else None
    except KeyFileError as exc:
        raise click.UsageError(str(exc)) from None
    loaded = open_plan(plan_path) if plan_path else None

    quiet = json_out == "-"
    result = run_audit(paths, public_key=public_key, loaded=loaded)
    if not result.files:
        raise click.UsageError("nessun file da esaminare nei percorsi indicati")
    if report:
        writer = write_xlsx if Path(report).suffix.lower() == ".xlsx" else write_html
        writer(result, report, force=force)
    if json_out:
        emit_json(result.to_json(), json_out)
    if not quiet:
        for file in result.files:
            counts = file.counts()
            engine = f", motore {file.engine_seconds:.1f} s".replace(".", ",") if file.engine_seconds else ""
            click.echo(f"{file.path}: firma {file.signature}; {len(file.formulas)} formule: {counts['ok']} ok, "
                       f"{counts['changed']} modificate, {counts['missing']} cancellate, {counts['stale']} con valore "
                       f"non aggiornato; {file.errors} errori, {file.warnings} avvisi{engine}")
        for ignored in result.ignored:
            click.echo(f"{ignored.file}: {ignored.message}")
        if report:
            click.echo(f"Report: {report}")
    raise SystemExit(exit_status(result.findings))
