"""`piano-xlsx plan`: the plan as a workbook the HR office fills in Excel, and back to YAML."""

from __future__ import annotations

import click

from piano_xlsx.plan.loader import PlanError


def _refuse_existing(output: str, force: bool) -> None:
    """Outputs are never overwritten without being asked (exit status 2: the command could not run)."""
    from pathlib import Path

    if not force and Path(output).exists():
        click.echo(f"Errore: {output} esiste già: usare --force per sovrascriverlo", err=True)
        raise SystemExit(2)


@click.group(name="plan")
def plan() -> None:
    """Write a plan as a plan workbook for Excel, and read one back as YAML.

    Every command that takes a PLAN accepts either form, so the HR office can
    keep the plan in Excel and run check and generate on the workbook itself.

    Example:


    \b
        piano-xlsx plan export piano.yaml -o piano.xlsx
    """


@plan.command(name="export")
@click.argument("plan_path", metavar="PLAN", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The plan workbook to write (.xlsx).")
@click.option("--force", is_flag=True, help="Overwrite OUTPUT if it exists.")
def export(plan_path: str, output: str, force: bool) -> None:
    """Write PLAN (YAML or plan workbook) as a plan workbook: one sheet per table, dropdowns, instructions.

    Example:


    \b
        piano-xlsx plan export workbook_templates/casale-marittimo-2024.yaml -o casale.xlsx
    """
    from piano_xlsx.cli import open_plan
    from piano_xlsx.planbook import export_plan

    _refuse_existing(output, force)
    loaded = open_plan(plan_path)
    export_plan(loaded, output, force=True)
    click.echo(f"Scritto {output} (impronta del piano {loaded.hash[:12]}…)")


@plan.command(name="import")
@click.argument("workbook", metavar="PLAN.xlsx", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The YAML plan to write.")
@click.option("--force", is_flag=True, help="Overwrite OUTPUT if it exists.")
def import_(workbook: str, output: str, force: bool) -> None:
    """Read a plan workbook and write it as a YAML plan; errors name sheet, row and column.

    Example:


    \b
        piano-xlsx plan import piano.xlsx -o piano.yaml
    """
    from piano_xlsx.cli import print_findings
    from piano_xlsx.planbook import import_plan

    _refuse_existing(output, force)
    try:
        loaded = import_plan(workbook, output, force=True)
    except PlanError as exc:
        print_findings(exc.findings)
        click.echo(f"{workbook}: {len(exc.findings)} errori; nessun file scritto.", err=True)
        raise SystemExit(2) from None
    click.echo(f"Scritto {output} (impronta del piano {loaded.hash[:12]}…)")
