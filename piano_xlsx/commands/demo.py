"""`piano-xlsx demo`: the whole job on the bundled example, printed step by step."""

from __future__ import annotations

import click


@click.command(name="demo")
@click.option("-o", "--output", "out_dir", default="demo-output", show_default=True,
              type=click.Path(file_okay=False), help="Folder for everything the demo writes (new, empty, or a "
                                                     "previous demo's).")
@click.option("--without-libreoffice", is_flag=True,
              help="Do not let LibreOffice recalculate and save the filled returns, even where it is installed "
                   "(the returns then carry no cached values, and the reports say so).")
def demo(out_dir: str, without_libreoffice: bool) -> None:
    """Run the whole job on a bundled example plan, offline: keygen, generate, fill, collect, audit.

    Five cards go out, one workbook each. The offices fill them: one returns
    its card clean, one forgets a score and then sends the card again complete
    (a duplicate), one pastes a 7 into a 4/6/8/10 scale, one removes the sheet
    protection and raises a weight, one never answers. The consolidated report
    and the audit report list exactly those mistakes, and each card's status.
    LibreOffice is not needed; where it is installed it recalculates and
    saves the filled returns, as an office's spreadsheet would; without it
    the returns carry no cached values, and the reports say so.

    Example:


    \b
        piano-xlsx demo -o demo-output
    """
    from piano_xlsx.demo import DemoError, run_demo

    try:
        result = run_demo(out_dir, use_libreoffice=False if without_libreoffice else None, say=click.echo)
    except DemoError as exc:
        click.echo(f"Errore: {exc}", err=True)
        raise SystemExit(2) from None
    for title, findings in (("Cosa ha trovato la raccolta (rapporto consolidato):", result.collect.findings),
                            ("Cosa ha trovato l'audit delle formule:", result.audit.findings)):
        click.echo("")
        click.echo(title)
        for f in findings:
            place = " · ".join(p for p in (_short(f.file), f.sheet, f.cell) if p) or "—"
            click.echo(f"  {f.severity.value.upper():7} {f.code:20} {place}: {f.message}")
    click.echo("")
    click.echo(f"Rapporto consolidato: {result.collect_report}")
    click.echo(f"   (anche {result.collect_json} e i CSV in {result.collect_csv})")
    click.echo(f"Rapporto di audit:    {result.audit_report}")
    click.echo(f"   (anche {result.audit_workbook} e {result.audit_json})")
    click.echo(f"Cartelle emesse: {result.generated[0].parent}; restituite: {result.returns[0][0].parent}")


def _short(path: str | None) -> str | None:
    from pathlib import Path

    return Path(path).name if path else None
