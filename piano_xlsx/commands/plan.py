"""`piano-xlsx plan`."""

from __future__ import annotations

import click


@click.command(name="plan")
def plan() -> None:  # replaced by the plan command group
    """(in preparation)"""
    raise click.UsageError("piano-xlsx plan: not available yet")
