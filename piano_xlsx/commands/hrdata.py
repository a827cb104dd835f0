"""`--hr FILE` for collect and audit: the HR office's data, read once, replacing the plan's person by person."""

from __future__ import annotations

import click

from piano_xlsx.commands.app import CannotRun
from piano_xlsx.findings import Finding
from piano_xlsx.plan.loader import LoadedPlan
from piano_xlsx.plan.payouts import HrRecord

hr_option = click.option("--hr", "hr_path", metavar="FILE", type=click.Path(dir_okay=False),
                         help="Dati del personale (CSV o xlsx) per i premi: base, giorni, part-time, convenzioni, "
                              "moltiplicatori, esclusioni.")


def read_hr(loaded: LoadedPlan, path: str | None) -> tuple[list[HrRecord] | None, list[Finding]]:
    """The HR records to use (None: the plan's own) and the findings about values that cannot be read."""
    if not path:
        return None, []
    from piano_xlsx.hr.read import HrFileError, merge_hr, read_hr_file

    try:
        records, findings = read_hr_file(path)
    except HrFileError as exc:
        raise CannotRun(str(exc)) from None
    return merge_hr(loaded.plan.hr, records), findings
