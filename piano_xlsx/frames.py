"""The results as pandas DataFrames, for analysis in a notebook or a script (docs/analisi.md lists the columns).

    from piano_xlsx.frames import cards_frame
    cards = cards_frame(collect(plan, ["restituite/"]))

`cards_frame`, `items_frame`, `payments_frame` take `collect`'s result; `formulas_frame` `audit`'s; `files_frame` and
`findings_frame` either; `plan_cards_frame`, `plan_items_frame` the plan itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from piano_xlsx.audit.frames import audit_files_frame, audit_findings_frame, formulas_frame
from piano_xlsx.audit.result import AuditResult
from piano_xlsx.collect import CollectResult
from piano_xlsx.collect import frames as collect_frames
from piano_xlsx.collect.frames import cards_frame, items_frame, payments_frame
from piano_xlsx.plan.frames import plan_cards_frame, plan_items_frame

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["cards_frame", "files_frame", "findings_frame", "formulas_frame", "items_frame", "payments_frame",
           "plan_cards_frame", "plan_items_frame"]


def files_frame(result: CollectResult | AuditResult) -> pd.DataFrame:
    """The files of a `collect` (receipts, and those left out unopened) or of an `audit` (signature, formulas)."""
    if isinstance(result, AuditResult):
        return audit_files_frame(result)
    return collect_frames.files_frame(result)


def findings_frame(result: CollectResult | AuditResult) -> pd.DataFrame:
    """Every finding of a `collect` or of an `audit`, in the order their reports give them."""
    if isinstance(result, AuditResult):
        return audit_findings_frame(result)
    return collect_frames.findings_frame(result)
