"""Helpers the commands share: options, the plan, findings on the console, JSON, output checks."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import click

from piano_xlsx.atomic import refuse_existing, write_text
from piano_xlsx.commands.app import CannotRun
from piano_xlsx.csvfile import DEFAULT_FORMAT, FORMATS
from piano_xlsx.findings import SEVERITY_ORDER, Finding, Severity, sort_findings
from piano_xlsx.italian import SEVERITY_LABELS
from piano_xlsx.plan.loader import LoadedPlan, PlanError
from piano_xlsx.planfile import load_plan_file

force_option = click.option("--force", is_flag=True,
                            help="Sovrascrive le uscite che esistono già (senza, il comando si ferma e non scrive "
                                 "nulla).")

F = TypeVar("F", bound=Callable[..., Any])  # a command's function


def output_file_option(help: str) -> Callable[[F], F]:
    """-o/--output FILE, required: the one file a command writes."""
    return click.option("-o", "--output", metavar="FILE", required=True, type=click.Path(dir_okay=False), help=help)


public_key_option = click.option("--public-key", "public_key_path", metavar="CHIAVE",
                                 type=click.Path(dir_okay=False),
                                 help="Chiave pubblica che verifica la firma dei manifesti (piano-xlsx-pubblica.pem).")
jobs_option = click.option("--jobs", type=click.IntRange(min=1), metavar="N",
                           help="Processi in parallelo (predefinito: i processori disponibili); il risultato non "
                                "dipende da questo numero.")
csv_format_option = click.option("--csv-format", type=click.Choice(sorted(FORMATS)), default=DEFAULT_FORMAT,
                                 show_default=True,
                                 help="Formato dei CSV: excel-it si apre con un doppio clic in Excel italiano "
                                      "(«;», virgola decimale, UTF-8 con BOM); rfc4180 per altri programmi («,», "
                                      "punto decimale).")


def print_findings(findings: Iterable[Finding], *, err: bool = True, minimum: Severity = Severity.INFO) -> None:
    """Each finding as 'ERRORE CODE [place]: message' and its hint, errors first; those below `minimum` left out."""
    for f in sort_findings([f for f in findings if SEVERITY_ORDER[f.severity] <= SEVERITY_ORDER[minimum]]):
        place = f" [{f.place}]" if f.place else ""
        click.echo(f"{SEVERITY_LABELS[f.severity].upper()} {f.code}{place}: {f.message}", err=err)
        click.echo(f"    → {f.hint}", err=err)


def open_plan(path: str) -> LoadedPlan:
    """Load the plan, YAML or plan workbook, or stop with exit status 2 and its findings."""
    try:
        return load_plan_file(path)
    except PlanError as exc:
        print_findings(exc.findings)
        raise SystemExit(2) from None


def emit_json(data: Any, target: str, *, force: bool) -> None:
    """Write JSON to a file atomically, or to standard output for '-'."""
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    if target == "-":
        click.echo(text, nl=False)
    else:
        write_text(target, text, force=force)


def require_suffix(path: str | None, suffixes: tuple[str, ...], what: str) -> None:
    """Outputs are what their names say: stop before any work when `path` does not end as it must."""
    if path is not None and Path(path).suffix.lower() not in suffixes:
        wanted = " o ".join(suffixes)
        raise CannotRun(f"{what} «{path}» deve avere l'estensione {wanted}.")


def require_existing(paths: Iterable[str]) -> None:
    """Inputs named on the command line must exist."""
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        names = ", ".join(f"«{p}»" for p in missing)
        raise CannotRun(f"{'Percorso inesistente' if len(missing) == 1 else 'Percorsi inesistenti'}: {names}.")


def refuse_outputs(paths: Iterable[str | Path | None], *, force: bool) -> None:
    """Before any work: stop when an output exists and --force was not given ('-' is standard output)."""
    refuse_existing([p for p in paths if p is not None and str(p) != "-"], force=force)
