"""The plan as a plain workbook the HR office fills in Excel: export, import, and YAML out.

A pipeline in the manner of XLSForm: the workbook is read into a plain dict,
validated by the same model as a YAML plan, and every error is placed back on
its sheet, row and column. YAML -> workbook -> YAML keeps the plan hash.

Example:

    from piano_xlsx.plan.loader import load_plan
    from piano_xlsx.planbook import export_plan, import_plan

    export_plan(load_plan("piano.yaml"), "piano.xlsx")
    import_plan("piano.xlsx", "piano-da-excel.yaml")
"""

from __future__ import annotations

from pathlib import Path

from piano_xlsx.atomic import write_bytes, write_text
from piano_xlsx.plan.loader import LoadedPlan
from piano_xlsx.planbook.places import Place, WorkbookPlan
from piano_xlsx.planbook.reader import read_plan_workbook
from piano_xlsx.planbook.writer import write_plan_workbook
from piano_xlsx.planbook.yamlout import plan_yaml

__all__ = ["Place", "WorkbookPlan", "export_plan", "import_plan", "plan_yaml", "read_plan_workbook",
           "write_plan_workbook"]


def export_plan(loaded: LoadedPlan, target: str | Path, *, force: bool = False) -> Path:
    """Write the plan as a plan workbook, atomically; refuse to overwrite unless `force`."""
    target = Path(target)
    write_bytes(target, write_plan_workbook(loaded.plan), force=force)
    return target


def import_plan(source: str | Path, target: str | Path, *, force: bool = False) -> WorkbookPlan:
    """Read a plan workbook (PlanError when it has errors) and write it as YAML, atomically."""
    loaded = read_plan_workbook(source)
    header = (f"Piano importato da {Path(source).name} con «piano-xlsx plan import».\n"
              f"Impronta del piano: {loaded.hash}")
    write_text(target, plan_yaml(loaded.plan, header), force=force)
    return loaded
