"""`check`: every inconsistency of the plan itself, as findings with key path and line."""

from __future__ import annotations

from piano_xlsx.findings import Finding
from piano_xlsx.plan.loader import LoadedPlan


def check_plan(loaded: LoadedPlan) -> list[Finding]:
    """All findings about the plan, in a stable order."""
    return []
