"""`check`: every inconsistency of the plan itself, as findings with key path and line.

One module per family of checks; each check is a function of the `Context`
that yields findings whose `where` is the plan key path of the exact key at
fault (the changed weight, the repeated number, the overlapping band, the
unknown level) and whose `line` is that key's line in the YAML file (or the
line of its nearest ancestor when the key is absent). A new family is a module
here, imported below, with one line per check in `CHECKS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from piano_xlsx.findings import Finding, sort_findings
from piano_xlsx.plan.check import (
    choices,
    content,
    levels,
    limits,
    numbering,
    payouts,
    period,
    references,
    scales,
    schemes,
    sheets,
    staff,
    totals,
)
from piano_xlsx.plan.check.bands import checks as bands
from piano_xlsx.plan.check.context import Context
from piano_xlsx.plan.check.expand import expand
from piano_xlsx.plan.loader import LoadedPlan

Check = Callable[[Context], Iterator[Finding]]

CHECKS: list[Check] = [
    references.check_references,
    references.check_duplicate_ids,
    references.check_shared_unused,
    totals.check_section_totals,
    totals.check_card_totals,
    numbering.check_numbering,
    levels.check_levels,
    content.check_content,
    scales.check_scales,
    bands.check_band_overlaps,
    bands.check_rounding,
    bands.check_bands_undecided,
    bands.check_band_coverage,
    totals.check_redistribution,
    sheets.check_sheet_names,
    choices.check_choices,
    period.check_period,
    schemes.check_scheme_references,
    schemes.check_scales_of_kind,
    schemes.check_rules,
    schemes.check_rules_where_used,
    schemes.check_band_percents,
    staff.check_templates,
    staff.check_staff,
    staff.check_exclusions,
    limits.check_limits,
    payouts.check_payouts,
]


def check_plan(loaded: LoadedPlan) -> list[Finding]:
    """All findings about the plan, in a stable order.

    Args:
        loaded: the plan as loaded, with the line of every key path.

    Returns:
        The findings, sorted by `sort_findings` (errors first): what reading the
        plan noticed, then every check's, each placed by the plan's reader (a
        plan workbook names sheet, row, column and header).
    """
    expanded = expand(loaded)  # cards made from templates are checked like the others
    ctx = Context.build(expanded.loaded)
    found: list[Finding] = []
    for check in CHECKS:
        found.extend(check(ctx))
    found = schemes.outside_outcomes(ctx.plan, expanded.translate(found))  # findings moved to the plan's places
    return sort_findings([*loaded.notes, *(loaded.locate(f) for f in found)])

