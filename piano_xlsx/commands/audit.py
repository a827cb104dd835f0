"""`piano-xlsx audit`."""

from __future__ import annotations

import click


@click.command(name="audit")
def audit() -> None:
    """(in preparation)"""
    raise click.UsageError("piano-xlsx audit: not available yet")
