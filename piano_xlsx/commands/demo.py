"""`piano-xlsx demo`: the whole job on the bundled example, printed step by step."""

from __future__ import annotations

from pathlib import Path

import click

from piano_xlsx.commands.app import command
from piano_xlsx.commands.shared import force_option
from piano_xlsx.italian import SEVERITY_LABELS


@command(name="demo", short_help="Prova tutto il lavoro su un piano d'esempio.")
@click.option("-o", "--output", "out_dir", metavar="CARTELLA", default="demo-output", show_default=True,
              type=click.Path(file_okay=False),
              help="Cartella per tutto ciò che la dimostrazione scrive: nuova, vuota o di una dimostrazione "
                   "precedente (sostituita solo con --force).")
@click.option("--without-libreoffice", is_flag=True,
              help="Non usa LibreOffice per ricalcolare e salvare le restituite, anche dove è installato "
                   "(le restituite non hanno allora valori calcolati, e i rapporti lo dicono).")
@force_option
def demo(out_dir: str, without_libreoffice: bool, force: bool) -> None:
    """Esegue tutto il lavoro su un piano d'esempio, senza rete: keygen, generate, compilazione, collect, audit.

    Cinque schede partono, una cartella ciascuna. Gli uffici le compilano:
    uno restituisce la scheda corretta, uno dimentica una valutazione e poi
    rimanda la scheda completa (un doppione), uno incolla un 7 in una scala
    4/6/8/10, uno toglie la protezione del foglio e alza un peso, uno non
    risponde. Il rapporto consolidato e quello di audit elencano proprio
    questi errori, e lo stato di ogni scheda. LibreOffice non serve; dove è
    installato ricalcola e salva le restituite, come farebbe il foglio di
    calcolo di un ufficio; senza, le restituite non hanno valori calcolati e
    i rapporti lo dicono.

    Esempio:


    \b
        piano-xlsx demo -o demo-output
    """
    from piano_xlsx.demo import run_demo

    result = run_demo(out_dir, use_libreoffice=False if without_libreoffice else None, say=click.echo, force=force)
    for title, findings in (("Cosa ha trovato la raccolta (rapporto consolidato):", result.collect.findings),
                            ("Cosa ha trovato l'audit delle formule:", result.audit.findings)):
        click.echo("")
        click.echo(title)
        for f in findings:
            place = " · ".join(p for p in (_short(f.file), f.sheet, f.cell) if p) or "—"
            click.echo(f"  {SEVERITY_LABELS[f.severity].upper():7} {f.code:20} {place}: {f.message}")
    click.echo("")
    click.echo(f"Rapporto consolidato: {result.collect_report}")
    click.echo(f"   (anche {result.collect_json} e i CSV in {result.collect_csv})")
    click.echo(f"Rapporto di audit:    {result.audit_report}")
    click.echo(f"   (anche {result.audit_workbook} e {result.audit_json})")
    click.echo(f"Cartelle emesse: {result.generated[0].parent}; restituite: {result.returns[0][0].parent}")


def _short(path: str | None) -> str | None:
    return Path(path).name if path else None
