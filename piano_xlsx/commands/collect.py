"""`piano-xlsx collect`."""

from __future__ import annotations

import click


@click.command(name="collect")
def collect() -> None:
    """(in preparation)"""
    raise click.UsageError("piano-xlsx collect: not available yet")
