"""The money part of a plan in its plan workbook: the HR data as a table, payouts and funds as YAML text.

«Dati del personale» has the columns `collect --hr` reads (one row per person,
more rows for a convention's comuni or several multipliers), so the HR office
can keep the same sheet in the plan workbook or in a file of its own.
«Regole di pagamento» holds the `payouts` and `funds` keys as YAML, one line
per row: nested rules (segments, the differentiated bonus) stay lossless.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from piano_xlsx.hr.read import COLUMNS, SHEET, records_from_rows
from piano_xlsx.plan.model import Plan

RULES_SHEET = "Regole di pagamento"
RULES_NOTE = "Regole di pagamento e fondi in YAML (vedi la guida al formato del piano): una riga per riga di testo."
HEADERS = [c.headers[0] for c in COLUMNS]


def hr_rows(plan: Plan) -> list[list[Any]]:
    rows = []
    for record in plan.hr:
        extra = max(len(record.conventions), len(record.multipliers), 1)
        for i in range(extra):
            first = i == 0
            convention = record.conventions[i] if i < len(record.conventions) else None
            multiplier = record.multipliers[i] if i < len(record.multipliers) else None
            values = {"evaluatee": record.evaluatee,
                      "base": record.base if first else None, "days": record.days if first else None,
                      "start": record.start if first else None, "end": record.end if first else None,
                      "part_time": record.part_time if first else None,
                      "comune": convention.comune if convention else None,
                      "share": convention.share if convention else None,
                      "multiplier": multiplier.percent if multiplier else None,
                      "multiplier_label": multiplier.label if multiplier else None,
                      "excluded": record.excluded if first else None, "priority": record.priority if first else None}
            rows.append([values[c.key] for c in COLUMNS])
    return rows


def write_money_sheets(wb: Any, plan: Plan) -> None:
    """The two sheets, only for a plan that has money keys."""
    bold = wb.add_format({"bold": True})
    if plan.hr:
        ws = wb.add_worksheet(SHEET)
        ws.write_row(0, 0, HEADERS, bold)
        for r, row in enumerate(hr_rows(plan), start=1):
            for c, value in enumerate(row):
                if value is None:
                    continue
                text = value.isoformat() if hasattr(value, "isoformat") else str(value)
                ws.write_string(r, c, text)
        ws.set_column(0, len(HEADERS) - 1, 18)
    if plan.payouts or plan.funds:
        ws = wb.add_worksheet(RULES_SHEET)
        ws.write_string(0, 0, RULES_NOTE, bold)
        data = plan.model_dump(mode="json", exclude_defaults=True, include={"payouts", "funds"})
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        for r, line in enumerate(text.splitlines(), start=1):
            ws.write_string(r, 0, line)
        ws.set_column(0, 0, 110)


def read_money_sheets(path: str | Path) -> dict[str, Any]:
    """The `hr`, `payouts` and `funds` keys found in a plan workbook (none where its sheets are absent)."""
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    out: dict[str, Any] = {}
    try:
        if SHEET in wb.sheetnames:
            rows = [list(r) for r in wb[SHEET].iter_rows(values_only=True)]
            records, _ = records_from_rows(str(path), SHEET, rows)
            out["hr"] = [r.model_dump(mode="json", exclude_defaults=True) for r in records]
        if RULES_SHEET in wb.sheetnames:
            lines = [str(r[0]) if r and r[0] is not None else "" for r in wb[RULES_SHEET].iter_rows(values_only=True)]
            data = yaml.safe_load("\n".join(lines[1:])) or {}
            out.update({k: v for k, v in data.items() if k in ("payouts", "funds")})
    finally:
        wb.close()
    return out
