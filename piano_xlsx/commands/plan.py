"""`piano-xlsx plan`: the plan as a workbook the HR office fills in Excel, and back to YAML."""

from __future__ import annotations

from pathlib import Path

import click

from piano_xlsx.commands.app import CannotRun, group
from piano_xlsx.commands.shared import (
    force_option,
    open_plan,
    output_file_option,
    print_findings,
    refuse_outputs,
    require_suffix,
)
from piano_xlsx.italian import plural

ZIP_START = b"PK\x03\x04"  # every .xlsx starts so


@group(name="plan", short_help="Il piano come cartella Excel, e ritorno al YAML.")
def plan() -> None:
    """Scrive il piano come cartella Excel del piano, e la rilegge come YAML.

    Ogni comando che riceve un PIANO accetta entrambe le forme: l'Ufficio
    Personale può tenere il piano in Excel ed eseguire check e generate
    direttamente sulla cartella.

    Esempio:


    \b
        piano-xlsx plan export piano.yaml -o piano.xlsx
    """


@plan.command(name="export", short_help="Scrive il piano come cartella Excel del piano.")
@click.argument("plan_path", metavar="PIANO", type=click.Path(dir_okay=False))
@output_file_option("La cartella Excel del piano da scrivere (.xlsx).")
@force_option
def export(plan_path: str, output: str, force: bool) -> None:
    """Scrive il PIANO (YAML o cartella Excel del piano) come cartella Excel: un foglio per tabella, elenchi a
    discesa, istruzioni.

    Esempio:


    \b
        piano-xlsx plan export workbook_templates/casale-marittimo-2024.yaml -o casale.xlsx
    """
    from piano_xlsx.planbook import export_plan

    require_suffix(output, (".xlsx",), "La cartella Excel del piano")
    refuse_outputs([output], force=force)
    loaded = open_plan(plan_path)
    export_plan(loaded, output, force=force)
    click.echo(f"Scritto {output} (impronta del piano {loaded.hash[:12]}…)")


@plan.command(name="import", short_help="Legge una cartella Excel del piano e scrive il YAML.")
@click.argument("workbook", metavar="PIANO.xlsx", type=click.Path(dir_okay=False))
@output_file_option("Il piano YAML da scrivere (.yaml o .yml).")
@force_option
def import_(workbook: str, output: str, force: bool) -> None:
    """Legge una cartella Excel del piano e la scrive come piano YAML; gli errori indicano foglio, riga e colonna.

    Esempio:


    \b
        piano-xlsx plan import piano.xlsx -o piano.yaml
    """
    from piano_xlsx.plan.loader import PlanError
    from piano_xlsx.planbook import import_plan

    require_suffix(output, (".yaml", ".yml"), "Il piano YAML")
    refuse_outputs([output], force=force)
    _require_workbook(workbook)
    try:
        loaded = import_plan(workbook, output, force=force)
    except PlanError as exc:
        print_findings(exc.findings)
        click.echo(f"{workbook}: {plural(len(exc.findings), 'errore', 'errori')}; nessun file scritto.", err=True)
        raise SystemExit(2) from None
    click.echo(f"Scritto {output} (impronta del piano {loaded.hash[:12]}…)")


def _require_workbook(path: str) -> None:
    """plan import reads a plan workbook; a YAML plan needs no import (check and generate take it as it is)."""
    with open(path, "rb") as fh:
        start = fh.read(4)
    if start != ZIP_START:
        looks_yaml = Path(path).suffix.lower() in (".yaml", ".yml")
        raise CannotRun(f"«{path}» non è una cartella Excel (.xlsx): "
                        + ("è già un piano YAML, che check e generate usano così com'è." if looks_yaml else
                           "indicare la cartella Excel del piano scritta da «piano-xlsx plan export»."))
