"""A plan from a file of either kind, told apart by its content: YAML, or a plan workbook (.xlsx).

The one module that knows both readers: `plan.loader` reads YAML and knows
nothing of workbooks, `planbook` reads workbooks and validates them with the
loader, so the dependency goes one way.
"""

from __future__ import annotations

from pathlib import Path

from piano_xlsx.plan.loader import LoadedPlan, is_workbook, load_plan


def load_plan_file(path: str | Path) -> LoadedPlan:
    """The plan in `path`, chosen by content: a plan workbook or YAML. PlanError says why it cannot be used."""
    path = Path(path)
    if is_workbook(path):
        from piano_xlsx.planbook import read_plan_workbook  # only plan workbooks need the spreadsheet libraries

        return read_plan_workbook(path)
    return load_plan(path)
