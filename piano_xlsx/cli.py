"""The `piano-xlsx` command line: thin commands over the library.

Exit status (SPEC §7): 0 no finding of severity error, 1 at least one, 2 the command could not run.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from piano_xlsx import __version__
from piano_xlsx.atomic import OutputExists, write_text
from piano_xlsx.findings import Finding, Severity, count, exit_status, sort_findings
from piano_xlsx.plan.loader import LoadedPlan, PlanError
from piano_xlsx.planfile import load_plan_file


class CannotRun(click.ClickException):
    """The command could not run (exit status 2): e.g. an output exists and --force was not given."""

    exit_code = 2

    def format_message(self) -> str:
        return self.message


def emit_json(data: Any, target: str) -> None:
    """Write JSON to a file atomically, or to standard output for '-'."""
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    if target == "-":
        click.echo(text, nl=False)
    else:
        write_text(target, text)


def print_findings(findings: list[Finding], *, err: bool = True) -> None:
    for f in sort_findings(findings):
        label = {Severity.ERROR: "ERRORE", Severity.WARNING: "AVVISO", Severity.INFO: "INFO"}[f.severity]
        place = f" [{f.place}]" if f.place else ""
        click.echo(f"{label} {f.code}{place}: {f.message}", err=err)
        click.echo(f"    → {f.hint}", err=err)


def summary_line(findings: list[Finding]) -> str:
    return (f"{count(findings, Severity.ERROR)} errori, {count(findings, Severity.WARNING)} avvisi, "
            f"{count(findings, Severity.INFO)} note")


def open_plan(path: str) -> LoadedPlan:
    """Load the plan or stop with exit status 2 and its findings (no traceback)."""
    try:
        return load_plan_file(path)
    except PlanError as exc:
        print_findings(exc.findings)
        raise SystemExit(2) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="piano-xlsx")
def cli() -> None:
    """Locked Excel workbooks for the yearly performance evaluation (Piano della Performance / PIAO).

    Write the plan in YAML or as a plan workbook, `check` it, `generate` the
    workbooks, `collect` the returned ones, `audit` their formulas.
    """


@cli.command()
@click.argument("plan", type=click.Path(dir_okay=False))
@click.option("--json", "json_out", metavar="FILE", help="Write the findings as JSON ('-' for standard output).")
def check(plan: str, json_out: str | None) -> None:
    """Report every inconsistency of a plan.

    Example:


    \b
        piano-xlsx check workbook_templates/casale-marittimo-2024.yaml
    """
    from piano_xlsx.plan.check import check_plan

    loaded = open_plan(plan)
    findings = sort_findings(check_plan(loaded))
    if json_out:
        emit_json({"findings": [f.to_json() for f in findings]}, json_out)
    if json_out != "-":
        print_findings(findings, err=False)
        click.echo(f"{plan}: {summary_line(findings)}")
    raise SystemExit(exit_status(findings))


@cli.command()
@click.option("-o", "--output", metavar="FILE", help="Write the schema to FILE instead of standard output.")
def schema(output: str | None) -> None:
    """Print the JSON Schema of the plan format, for editors.

    Example:


    \b
        piano-xlsx schema -o piano.schema.json
    """
    from piano_xlsx.plan.schema import plan_json_schema

    text = json.dumps(plan_json_schema(), ensure_ascii=False, indent=2) + "\n"
    if output:
        write_text(output, text)
    else:
        click.echo(text, nl=False)


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--force", is_flag=True, help="Overwrite existing key files.")
def keygen(directory: str, force: bool) -> None:
    """Write a new Ed25519 private key and its public key into DIRECTORY; print both paths.

    Keep the private key in the HR office; give the public key to auditors.

    Example:


    \b
        piano-xlsx keygen chiavi/
    """
    from piano_xlsx.signing import keygen as make_keys

    private, public = make_keys(directory, force=force)
    click.echo(f"Chiave privata: {private}")
    click.echo(f"Chiave pubblica: {public}")


@cli.command()
@click.argument("plan", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder for the workbooks.")
@click.option("--key", "key_path", type=click.Path(dir_okay=False), help="Private key that signs the manifest.")
@click.option("--per-sector", is_flag=True, help="One workbook per card instead of one workbook with a sheet per card.")
@click.option("--password", help="Protection password (default: derived from the plan and the key).")
@click.option("--jobs", type=click.IntRange(min=1), metavar="N",
              help="Processes writing workbooks (default: the usable cores); the files do not depend on it.")
def generate(plan: str, out_dir: str, key_path: str | None, per_sector: bool, password: str | None,
             jobs: int | None) -> None:
    """Generate the locked workbooks of a plan.

    Example:


    \b
        piano-xlsx generate piano.yaml -o cartelle/ --key chiavi/piano-xlsx-privata.pem
    """
    from piano_xlsx.generate import generate as run_generate
    from piano_xlsx.signing import KeyFileError, load_private_key

    loaded = open_plan(plan)
    try:
        key = load_private_key(key_path) if key_path else None
    except KeyFileError as exc:
        raise click.UsageError(str(exc)) from None
    try:
        result = run_generate(loaded, out_dir, private_key=key, per_sector=per_sector, password=password,
                              jobs=jobs)
    except PlanError as exc:
        print_findings(exc.findings)
        click.echo("Il piano contiene errori: correggerli prima di generare (piano-xlsx check).", err=True)
        raise SystemExit(1) from None
    for path in result.files:
        click.echo(f"Scritto {path}")
    if not result.signed:
        click.echo("Attenzione: manifesto NON firmato (nessuna --key): l'integrità è verificabile solo rispetto "
                   "al piano.", err=True)
    click.echo(f"Password di protezione (per l'Ufficio Personale): {result.password}")
    click.echo(f"Nota di consegna: {result.note}")


def _register() -> None:
    from piano_xlsx.commands.audit import audit
    from piano_xlsx.commands.collect import collect
    from piano_xlsx.commands.demo import demo
    from piano_xlsx.commands.plan import plan
    from piano_xlsx.commands.serve import serve

    for command in (collect, audit, plan, demo, serve):
        cli.add_command(command)


_register()


def main() -> None:
    """Entry point: no traceback reaches the user for a refused output."""
    try:
        cli.main(standalone_mode=True)
    except OutputExists as exc:
        click.echo(f"Errore: {exc}", err=True)
        sys.exit(2)


if __name__ == "__main__":  # pragma: no cover
    main()
