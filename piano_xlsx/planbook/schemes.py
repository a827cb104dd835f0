"""Reading the plan workbook's sheets of scoring schemes: rules and their steps, part weights, sources.

They follow `planbook.sheets` like every other sheet; what is particular is
their grouping: a rule spreads over one row per step, a template's part weights
over one row per category and section, and the «Fonti» sheet puts each source
back on the element its key path names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from piano_xlsx.plan.loader import KeyPath
from piano_xlsx.planbook.cells import BLANK
from piano_xlsx.planbook.places import parse_path
from piano_xlsx.planbook.tables import Table

if TYPE_CHECKING:  # the reader calls these functions
    from piano_xlsx.planbook.reader import SheetReader

_RULE_KEYS = ("title", "kind", "zero_below", "full_from", "between")


def read_rules(reader: SheetReader, table: Table | None, data: dict[str, Any]) -> None:
    """Rules: rule-level keys once per rule, a step per row that gives one."""
    if table is None:
        return
    for path, rule_id, rows in reader.elements(table, data, "rules", "@rule"):
        rule: dict[str, Any] = {"id": rule_id}
        for key in _RULE_KEYS:
            if key in table.letters or key == "kind":
                value = reader.once(table, rows, key, path + (key,))
                if value is not BLANK:
                    rule[key] = value
        steps: list[dict[str, Any]] = []
        for row in rows:
            step = reader.values(table, row, path + ("steps", len(steps)), skip=_RULE_KEYS)
            if step:
                steps.append(step)
        if steps:
            rule["steps"] = steps
        data["rules"].append(rule)


def read_part_weights(reader: SheetReader, table: Table | None, data: dict[str, Any]) -> None:
    """Part weights: template -> category -> section -> points, one row each."""
    if table is None:
        return
    index = {t.get("id"): i for i, t in reversed(list(enumerate(data.get("templates", []))))}
    for row in table.rows:
        template = reader.link(table, row, "@template")
        category = reader.link(table, row, "@category")
        section = reader.link(table, row, "@section", repeat=False)
        if template is None or category is None or section is None:
            continue
        if template not in index:
            reader.error(reader.place(table, row, "@template"), f"il modello «{template}» non è nel foglio «Modelli»")
            continue
        path: KeyPath = ("templates", index[template], "part_weights", category, section)
        reader.places[path] = reader.place(table, row, "@points")
        points = reader.cell(table, row, table.sheet.column("@points"), path)
        if points is BLANK:
            reader.error(reader.place(table, row, "@points"), "valore obbligatorio mancante", path)
            continue
        weights = data["templates"][index[template]].setdefault("part_weights", {}).setdefault(category, {})
        if section in weights:
            reader.error(reader.place(table, row, "@section"),
                         f"peso della sezione «{section}» ripetuto per la categoria «{category}»", path)
            continue
        weights[section] = points


def read_sources(reader: SheetReader, table: Table | None, data: dict[str, Any]) -> None:
    """Each source put back, as `source`, on the element its «Elemento» names."""
    if table is None:
        return
    for row in table.rows:
        where = reader.cell(table, row, table.sheet.column("@where"), None)
        if where is BLANK:
            reader.error(reader.place(table, row, "@where"), "valore obbligatorio mancante")
            continue
        path = parse_path(str(where).strip())
        target: Any = data
        for part in path:
            found = target[part] if isinstance(target, list) and isinstance(part, int) and part < len(target) \
                else target.get(part) if isinstance(target, dict) and isinstance(part, str) else None
            if found is None:
                target = None
                break
            target = found
        if not isinstance(target, dict):
            reader.error(reader.place(table, row, "@where"), f"«{where}» non indica un elemento del piano")
            continue
        if "source" in target:
            reader.error(reader.place(table, row, "@where"), f"fonte di «{where}» ripetuta")
            continue
        target["source"] = reader.values(table, row, path + ("source",))
