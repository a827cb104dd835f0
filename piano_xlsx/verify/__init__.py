"""The checks of one returned workbook, over the reader's `WorkbookData`, shared by `collect` and `audit`.

Both commands call these functions, so the same file gets the same finding codes and severities from both:

- `receive`: read the file (bounded), tell what it is, open it with the safe reader;
- `signed`: the manifest, its hash and its signature;
- `issued`: what the manifest says was issued, read defensively;
- `expected`, `planned`: what the plan issues, and the manifest against it (same plan and version, its cards);
- `structure`: links, names, hidden sheets, sheets missing, added or renamed;
- `protection`: workbook and sheet protection;
- `validations`: the dropdowns of the input cells;
- `cells`: every locked cell as issued, and rows inserted or deleted;
- `formulas`: formulas compared by meaning;
- `inputs`: a card's header and scores;
- `cached`: the values the file cached against the values recomputed.

`collect` keeps the consolidation across files and its report; `audit` its engine, explanations and reports.
"""

from __future__ import annotations

from collections.abc import Callable

from piano_xlsx.findings import Finding

Add = Callable[[Finding], None]  # where a check puts what it finds (a list's append)

__all__ = ["Add"]
