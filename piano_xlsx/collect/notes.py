"""The «Note» sheet of the consolidated report: the rules the cards were scored by, where they come from, and
who the HR office excluded. The words are the ones the workbooks' instructions use (workbook/wording.py)."""

from __future__ import annotations

from typing import Any

from piano_xlsx.collect import CollectResult
from piano_xlsx.collect.exclusions import exclusions_by_card, reason_text
from piano_xlsx.plan.model import Rule, Scale
from piano_xlsx.verify.expected import Expected
from piano_xlsx.workbook import wording


def _join(lines: list[str]) -> str:
    return "\n".join(line.strip() for line in lines if line.strip())


def note_rows(result: CollectResult) -> list[dict[str, Any]]:
    return plan_notes(result.expected)


def plan_notes(expected: Expected) -> list[dict[str, Any]]:
    """The rules of the plan with their sources, and the HR office's exclusions: one row (topic, note) each.

    The report's «Note» sheet and the web app's plan page show these rows.
    """
    plan = expected.loaded.plan
    rows: list[dict[str, Any]] = []

    def add(topic: str, lines: list[str], source: Any = None) -> None:
        text = _join(lines + wording.source_line(source, ""))
        if text:
            rows.append({"Argomento": topic, "Nota": text})

    add("Piano", [plan.plan.act or ""], plan.plan.source)
    layouts = list(expected.layouts.values())
    items = [i.item for layout in layouts for i in layout.items if not i.item.gate]
    scales: dict[str, Scale] = {}
    rules: dict[tuple[str | None, str], tuple[Rule | None, Scale]] = {}
    for item in items:
        scales.setdefault(item.scale.id, item.scale)
        rules.setdefault((item.rule.id if item.rule else None, item.scale.id), (item.rule, item.scale))
    for scale in scales.values():
        add(f"Scala: {wording.scale_title(scale)}", wording.scale_lines(scale), scale.source)
    for rule, scale in rules.values():
        add(f"{wording.rule_title(rule)} ({wording.scale_title(scale).lower()})", wording.rule_lines(rule, scale),
            rule.source if rule else None)
    bandsets = {layout.card.bandset.id: layout.card.bandset for layout in layouts if layout.card.bandset}
    for bandset in bandsets.values():
        lines = [wording.band_line(band) for band in bandset.bands] + [wording.outside_line(bandset) or ""]
        add(f"Fasce «{bandset.id}»", lines, bandset.source)
    for template in plan.templates:
        weights = [f"categoria {category}: " + ", ".join(f"{section} {wording.number(points)}"
                                                          for section, points in parts.items())
                   for category, parts in template.part_weights.items()]
        add(f"Modello di scheda «{template.title}»", weights, template.source)
    for card_id, exclusion in exclusions_by_card(expected).items():
        layout = expected.layouts[card_id]
        name = layout.card.evaluatee.name if layout.card.evaluatee else layout.card.card.evaluatee
        add(f"Escluso dal premio: {name}", [reason_text(exclusion)])
    return rows
