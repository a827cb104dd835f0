"""`piano-xlsx generate`: the locked, signed workbooks of a plan, and the delivery note for the HR office."""

from __future__ import annotations

import click

from piano_xlsx.commands.app import command
from piano_xlsx.commands.shared import force_option, jobs_option, open_plan, print_findings


@command(name="generate", short_help="Genera le cartelle di lavoro bloccate da inviare.")
@click.argument("plan", metavar="PIANO", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "out_dir", metavar="CARTELLA", required=True, type=click.Path(file_okay=False),
              help="Cartella in cui scrivere le cartelle di lavoro e la nota di consegna.")
@click.option("--key", "key_path", metavar="CHIAVE", type=click.Path(dir_okay=False),
              help="Chiave privata che firma il manifesto (piano-xlsx-privata.pem, da piano-xlsx keygen).")
@click.option("--per-sector", is_flag=True,
              help="Una cartella di lavoro per scheda, invece di una sola con un foglio per scheda.")
@click.option("--password", help="Password di protezione dei fogli (predefinita: ricavata dal piano e dalla chiave).")
@jobs_option
@force_option
def generate(plan: str, out_dir: str, key_path: str | None, per_sector: bool, password: str | None,
             jobs: int | None, force: bool) -> None:
    """Genera le cartelle di lavoro bloccate del piano, da inviare agli uffici.

    Scrive anche la nota di consegna (consegna.txt) con la password di
    protezione: resta all'Ufficio Personale, non va inviata agli uffici.

    Esempio:


    \b
        piano-xlsx generate piano.yaml -o cartelle/ --key chiavi/piano-xlsx-privata.pem
    """
    from piano_xlsx.generate import generate as run_generate
    from piano_xlsx.plan.loader import PlanError
    from piano_xlsx.signing import load_private_key

    loaded = open_plan(plan)
    key = load_private_key(key_path) if key_path else None
    try:
        result = run_generate(loaded, out_dir, private_key=key, per_sector=per_sector, password=password,
                              jobs=jobs, force=force)
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
