"""`piano-xlsx check` and `piano-xlsx schema`: the plan's inconsistencies, and the plan format for editors."""

from __future__ import annotations

import json

import click

from piano_xlsx.commands.app import command
from piano_xlsx.commands.shared import emit_json, force_option, open_plan, print_findings, refuse_outputs
from piano_xlsx.findings import Severity, exit_status, sort_findings
from piano_xlsx.italian import severity_counts

_SHOWN = {Severity.ERROR: " (mostrati solo gli errori)", Severity.WARNING: " (mostrati solo errori e avvisi)",
          Severity.INFO: ""}


SEVERITY_WORDS = {"errore": Severity.ERROR, "error": Severity.ERROR, "avviso": Severity.WARNING,
                  "warning": Severity.WARNING, "info": Severity.INFO}


def _severity(ctx: click.Context, param: click.Parameter, value: str) -> Severity:
    """A severity named in Italian (errore, avviso, info) or as in the JSON (error, warning, info)."""
    try:
        return SEVERITY_WORDS[value.lower()]
    except KeyError:
        raise click.BadParameter(f"«{value}» non è una gravità: indicare errore, avviso o info.") from None


@command(name="check", short_help="Controlla il piano e ne segnala le incoerenze.")
@click.argument("plan", metavar="PIANO", type=click.Path(dir_okay=False))
@click.option("--json", "json_out", metavar="FILE",
              help="Scrive tutti i rilievi in JSON nel FILE («-» per l'uscita standard).")
@click.option("--severity", "minimum", metavar="[errore|avviso|info]", default="info", show_default=True,
              callback=_severity,
              help="Mostra solo i rilievi di questa gravità o più gravi: «errore» per vedere solo gli errori. "
                   "Il riepilogo li conta tutti; il JSON li contiene tutti.")
@force_option
def check(plan: str, json_out: str | None, minimum: Severity, force: bool) -> None:
    """Controlla il piano e segnala ogni incoerenza (pesi, totali, fasce, livelli, riferimenti).

    Il PIANO è un file YAML o una cartella Excel del piano (piano-xlsx plan
    export). Esito: 0 nessun errore, 1 almeno un errore, 2 piano illeggibile.

    Esempio:


    \b
        piano-xlsx check workbook_templates/casale-marittimo-2024.yaml --severity errore
    """
    from piano_xlsx.plan.check import check_plan

    refuse_outputs([json_out], force=force)
    loaded = open_plan(plan)
    findings = sort_findings(check_plan(loaded))
    if json_out:
        emit_json({"findings": [f.to_json() for f in findings]}, json_out, force=force)
    if json_out != "-":
        print_findings(findings, err=False, minimum=minimum)
        click.echo(f"{plan}: {severity_counts(findings)}{_SHOWN[minimum]}")
    raise SystemExit(exit_status(findings))


@command(name="schema", short_help="Scrive lo schema JSON del formato del piano.")
@click.option("-o", "--output", metavar="FILE", type=click.Path(dir_okay=False),
              help="Scrive lo schema nel FILE invece che sull'uscita standard.")
@force_option
def schema(output: str | None, force: bool) -> None:
    """Scrive lo schema JSON del formato del piano, per gli editor che completano e controllano il YAML.

    Esempio:


    \b
        piano-xlsx schema -o piano.schema.json
    """
    from piano_xlsx.atomic import write_text
    from piano_xlsx.plan.schema import plan_json_schema

    refuse_outputs([output], force=force)
    text = json.dumps(plan_json_schema(), ensure_ascii=False, indent=2) + "\n"
    if output:
        write_text(output, text, force=force)
        click.echo(f"Scritto {output}")
    else:
        click.echo(text, nl=False)
