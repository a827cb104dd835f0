"""`piano-xlsx demo`."""

from __future__ import annotations

import click


@click.command(name="demo")
def demo() -> None:
    """(in preparation)"""
    raise click.UsageError("piano-xlsx demo: not available yet")
