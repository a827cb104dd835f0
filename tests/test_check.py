"""`check_plan`: one failing and one passing plan per check, built from a small valid base.

Tests assert on the code, the severity, the key path (`where`) and the line,
not on the Italian text, except where a hint must name a weight or a card.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from piano_xlsx.findings import CATALOGUE, Finding, Severity, sort_findings
from piano_xlsx.plan.check import check_plan
from piano_xlsx.plan.check.bands import reachable
from piano_xlsx.plan.check.choices import parse_path
from piano_xlsx.plan.check.content import blank_target_part
from piano_xlsx.plan.loader import LoadedPlan, load_plan, load_plan_text

BASE = """\
plan:
  id: prova-2025
  ente: Comune di Prova
  title: Piano della Performance 2025
  year: 2025
scales:
  - id: s
    values: [4, 6, 8, 10]
default_scale: s
levels: {BASSA: 5, MEDIA: 10, SIGNIFICATIVA: 15, ELEVATA: 20}
bands:
  - id: f
    rounding: {mode: round, decimals: 0}
    bands:
      - {label: A, max: 40, percent: 0}
      - {label: B, min: 40, min_inclusive: false, max: 70, percent: 5}
      - {label: C, min: 70, min_inclusive: false, max: 100, percent: 10}
default_bands: f
sectors:
  - {id: amm, title: Settore Amministrativo}
evaluatees:
  - {id: rossi, name: Anna Rossi, sector: amm}
shared_objectives:
  - id: org1
    number: 1
    title: Trasparenza
    indicators: [Sezioni aggiornate]
    target: "100%"
    deadline: 31.12.2025
cards:
  - id: c1
    title: Scheda Rossi
    evaluatee: rossi
    sector: amm
    total: 100
    sections:
      - id: org
        title: Performance organizzativa
        total: 20
        items:
          - {ref: org1, weight: 20}
      - id: ind
        title: Obiettivi individuali
        total: 80
        items:
          - {number: 1, title: Primo, indicators: [I1], target: "100%", deadline: 30.06.2025, weight: 30}
          - {number: 2, title: Secondo, indicators: [I2], target: "≤ 30 giorni", deadline: 31.12.2025, level: ELEVATA}
          - {number: 3, title: Terzo, indicators: [I3], target: "1 report", deadline: 31.12.2025, weight: 30}
"""



@dataclass
class Case:
    loaded: LoadedPlan
    text: str
    findings: list[Finding]

    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def of(self, code: str) -> list[Finding]:
        return [f for f in self.findings if f.code == code]

    def one(self, code: str) -> Finding:
        found = self.of(code)
        assert len(found) == 1, (code, self.findings)
        return found[0]

    def assert_at(self, f: Finding, where: str, *, key_present: bool = True) -> None:
        """`f` points at `where`, on the line of that key (or of its nearest ancestor when the key is absent)."""
        assert f.where == where
        path = parse_path(where)
        assert path is not None
        assert f.line == self.loaded.line(path)
        if key_present:
            assert path in self.loaded.lines, f"{where} is not a key of the plan"
        if key_present and isinstance(path[-1], str):
            key = path[-1]
            assert key in self.text.splitlines()[f.line - 1], (where, self.text.splitlines()[f.line - 1])


def make(change: Callable[[dict[str, Any]], Any] | None = None) -> Case:
    """The base plan with `change` applied to its data, written back as YAML and checked."""
    data = yaml.safe_load(BASE)
    if change is not None:
        change(data)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    loaded = load_plan_text(text)
    return Case(loaded, text, check_plan(loaded))


def card(data: dict[str, Any], index: int = 0) -> dict[str, Any]:
    return data["cards"][index]


def ind(data: dict[str, Any], index: int) -> dict[str, Any]:
    return data["cards"][0]["sections"][1]["items"][index]


def second_card(data: dict[str, Any], **changes: Any) -> dict[str, Any]:
    new = copy.deepcopy(data["cards"][0])
    new.update({"id": "c2", "title": "Scheda Bianchi", **changes})
    data["cards"].append(new)
    return new


def test_base_plan_is_clean() -> None:
    assert make().findings == []


def test_findings_are_sorted_and_carry_catalogue_severities() -> None:
    case = make(lambda d: (card(d).update(total=90), ind(d, 2).update(number=5), d.update(default_bands=None)))
    assert case.findings == sort_findings(case.findings)
    for f in case.findings:
        assert f.severity == CATALOGUE[f.code].severity


def test_example_plan_has_no_errors() -> None:
    with resources.as_file(resources.files("piano_xlsx") / "data" / "esempio.yaml") as path:
        findings = check_plan(load_plan(path))
    assert [f for f in findings if f.severity == Severity.ERROR] == []


# --------------------------------------------------------------------------- references


@pytest.mark.parametrize("change, where", [
    (lambda d: card(d).update(evaluatee="nessuno"), "cards[0].evaluatee"),
    (lambda d: card(d).update(sector="nessuno"), "cards[0].sector"),
    (lambda d: card(d).update(scale="nessuna"), "cards[0].scale"),
    (lambda d: card(d).update(bands="nessuna"), "cards[0].bands"),
    (lambda d: d.update(default_scale="nessuna"), "default_scale"),
    (lambda d: d.update(default_bands="nessuna"), "default_bands"),
    (lambda d: d["evaluatees"][0].update(sector="nessuno"), "evaluatees[0].sector"),
    (lambda d: card(d)["sections"][0]["items"][0].update(ref="nessuno"), "cards[0].sections[0].items[0].ref"),
])
def test_unknown_reference(change: Callable[[dict[str, Any]], Any], where: str) -> None:
    case = make(change)
    f = [f for f in case.of("PLAN_REF_UNKNOWN") if f.where == where]
    assert len(f) == 1
    assert f[0].severity == Severity.ERROR
    case.assert_at(f[0], where)


def test_known_references_pass() -> None:
    case = make(lambda d: card(d).update(scale="s", bands="f"))
    assert "PLAN_REF_UNKNOWN" not in case.codes()


@pytest.mark.parametrize("change, where", [
    (lambda d: d["scales"].append({"id": "s", "values": [1, 2]}), "scales[1].id"),
    (lambda d: d["bands"].append(copy.deepcopy(d["bands"][0])), "bands[1].id"),
    (lambda d: d["sectors"].append({"id": "amm", "title": "Altro"}), "sectors[1].id"),
    (lambda d: d["evaluatees"].append({"id": "rossi", "name": "Altra Rossi"}), "evaluatees[1].id"),
    (lambda d: d["shared_objectives"].append({"id": "org1", "title": "Altro"}), "shared_objectives[1].id"),
    (lambda d: second_card(d, id="c1", sheet="Altra"), "cards[1].id"),
    (lambda d: card(d)["sections"][1].update(id="org"), "cards[0].sections[1].id"),
    (lambda d: card(d)["sections"][0]["items"].append({"ref": "org1", "weight": 0}),
     "cards[0].sections[0].items[1].ref"),
])
def test_duplicate_id(change: Callable[[dict[str, Any]], Any], where: str) -> None:
    case = make(change)
    f = [f for f in case.of("PLAN_ID_DUPLICATE") if f.where == where]
    assert len(f) == 1, case.findings
    assert f[0].severity == Severity.ERROR
    case.assert_at(f[0], where)


def test_distinct_ids_pass() -> None:
    case = make(lambda d: second_card(d))
    assert "PLAN_ID_DUPLICATE" not in case.codes()


def test_shared_objective_unused() -> None:
    case = make(lambda d: d["shared_objectives"].append(
        {"id": "org2", "title": "Altro", "indicators": ["x"], "target": "x", "deadline": "31.12.2025"}))
    f = case.one("SHARED_UNUSED")
    assert f.severity == Severity.INFO
    case.assert_at(f, "shared_objectives[1].id")
    assert "SHARED_UNUSED" not in make().codes()


# --------------------------------------------------------------------------- weights and totals


def test_changed_weight_points_at_the_weight_another_card_states() -> None:
    # the same objective weighs 30 on the other card: 35 less the 5 in excess is that weight
    case = make(lambda d: (second_card(d), ind(d, 0).update(weight=35)))
    f = case.one("SECTION_TOTAL_MISMATCH")
    assert f.severity == Severity.ERROR
    case.assert_at(f, "cards[0].sections[1].items[0].weight")


def test_changed_weight_without_evidence_points_at_the_total() -> None:
    # 35 + 20 + 30 for 80: 35 less 5 is the other 30, but that 30 less 5 could as well be a 25 typed as 30
    case = make(lambda d: ind(d, 0).update(weight=35))
    case.assert_at(case.one("SECTION_TOTAL_MISMATCH"), "cards[0].sections[1].total")


def test_the_odd_weight_of_a_regular_section() -> None:
    def regular(d: dict[str, Any]) -> None:
        items = card(d)["sections"][1]["items"]
        items[1].pop("level")
        for item in items:
            item["weight"] = 20
        items.append({**items[2], "number": 4, "title": "Quarto", "weight": 25})  # four of 20 expected
    case = make(regular)
    case.assert_at(case.one("SECTION_TOTAL_MISMATCH"), "cards[0].sections[1].items[3].weight")


def test_changed_level_points_at_the_level_the_source_prints() -> None:
    case = make(lambda d: ind(d, 1).update(level="MEDIA", printed_levels=[{"level": "ELEVATA", "points": 20}]))
    case.assert_at(case.one("SECTION_TOTAL_MISMATCH"), "cards[0].sections[1].items[1].level")
    # without the printed level, a level of 20 is no likelier than a weight of 40 for either other objective
    case = make(lambda d: ind(d, 1).update(level="MEDIA"))
    case.assert_at(case.one("SECTION_TOTAL_MISMATCH"), "cards[0].sections[1].total")


def test_weight_against_its_own_level_points_at_the_weight() -> None:
    case = make(lambda d: ind(d, 1).update(weight=25))  # ELEVATA is 20 in the table
    case.assert_at(case.one("SECTION_TOTAL_MISMATCH"), "cards[0].sections[1].items[1].weight")
    assert "LEVEL_POINTS_MISMATCH" in case.codes()


def test_changed_total_points_at_the_total() -> None:
    case = make(lambda d: card(d)["sections"][1].update(total=85))
    case.assert_at(case.one("SECTION_TOTAL_MISMATCH"), "cards[0].sections[1].total")


def test_ambiguous_change_points_at_the_total() -> None:
    # 30 → 40 and 20 → 10 would both fit the other weights: no single culprit
    case = make(lambda d: (ind(d, 0).update(weight=25), ind(d, 2).update(weight=25),
                           ind(d, 1).update(level="SIGNIFICATIVA")))
    case.assert_at(case.one("SECTION_TOTAL_MISMATCH"), "cards[0].sections[1].total")


def test_section_weights_within_tolerance_pass() -> None:
    def thirds(d: dict[str, Any]) -> None:
        items = card(d)["sections"][1]["items"]
        for item in items:
            item.pop("level", None)
            item["weight"] = 80 / 3
        card(d)["sections"][1]["total"] = 80
    assert "SECTION_TOTAL_MISMATCH" not in make(thirds).codes()


def test_shares_section_is_not_summed() -> None:
    case = make(lambda d: (card(d)["sections"][1].update(weights="shares"), ind(d, 0).update(weight=1),
                           ind(d, 1).update(level=None, weight=1), ind(d, 2).update(weight=2)))
    assert "SECTION_TOTAL_MISMATCH" not in case.codes()


def test_section_total_undeclared() -> None:
    case = make(lambda d: card(d)["sections"][0].pop("total"))
    f = case.one("SECTION_TOTAL_UNDECLARED")
    assert f.severity == Severity.INFO
    case.assert_at(f, "cards[0].sections[0]")
    assert "CARD_TOTAL_MISMATCH" not in case.codes()


def test_gate_only_section_needs_no_total() -> None:
    case = make(lambda d: card(d)["sections"].append({"id": "g", "title": "Vincoli", "items": [
        {"number": 4, "title": "Rendiconto", "indicators": ["x"], "target": "x", "deadline": "30.04.2025",
         "gate": True}]}))
    assert case.findings == []


def test_card_total_mismatch() -> None:
    case = make(lambda d: card(d).update(total=90))
    f = case.one("CARD_TOTAL_MISMATCH")
    assert f.severity == Severity.ERROR
    case.assert_at(f, "cards[0].total")
    assert "CARD_TOTAL_MISMATCH" not in make(lambda d: card(d).pop("total")).codes()


TEMPLATES = Path(__file__).resolve().parent.parent / "workbook_templates"


def template_edited(name: str, old: str, new: str) -> tuple[Case, int]:
    """A shipped template with the first `old` replaced by `new`, checked; and the line of the change."""
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    assert old in text
    line = text[: text.index(old)].count("\n") + 1
    text = text.replace(old, new, 1)
    loaded = load_plan_text(text)
    return Case(loaded, text, check_plan(loaded)), line


def test_template_weight_raised_without_evidence_lists_the_weights() -> None:
    # objective 1 of the first Settore, 20 -> 25: 30 less 5 would give that 25, yet objective 5 is not the one
    case, _ = template_edited("piano-2023-settori.yaml", "weight: 20", "weight: 25")
    f = case.one("SECTION_TOTAL_MISMATCH")
    case.assert_at(f, "cards[0].sections[1].total")
    assert "n. 1 = 25, n. 2 = 15, n. 3 = 5, n. 4 = 5, n. 5 = 30, n. 6 = 5 (5 in più)" in f.message
    assert "correggere:" not in f.message  # no objective is named as the one to correct


def test_template_weight_the_other_cards_state_is_named() -> None:
    # objective 5 (tempi medi di pagamento) weighs 30 on the other two Settori: 35 is the weight to correct
    case, line = template_edited("piano-2023-settori.yaml", "weight: 30", "weight: 35")
    f = case.one("SECTION_TOTAL_MISMATCH")
    case.assert_at(f, "cards[0].sections[1].items[4].weight")
    assert f.line == line
    assert "il peso 35 dell'obiettivo 5" in f.message
    assert "«Settore II Finanziario», «Settore III Tecnico»" in f.message


def test_template_odd_weight_of_a_regular_section_is_named() -> None:
    # the Segretario's five results weigh 10 each: the one raised to 15 is the odd one out
    case, line = template_edited("casale-marittimo-2024.yaml", "weight: 10", "weight: 15")
    f = case.one("SECTION_TOTAL_MISMATCH")
    case.assert_at(f, "cards[2].sections[0].items[0].weight")
    assert f.line == line
    assert "il peso 15 dell'obiettivo 1" in f.message and "altri 4 obiettivi" in f.message


# --------------------------------------------------------------------------- numbering


def test_duplicate_number() -> None:
    case = make(lambda d: ind(d, 2).update(number=2))
    f = case.one("NUMBER_DUPLICATE")
    assert f.severity == Severity.ERROR
    case.assert_at(f, "cards[0].sections[1].items[2].number")
    assert "NUMBER_GAP" not in case.codes()


def test_duplicate_number_as_text() -> None:
    case = make(lambda d: ind(d, 2).update(number="2"))
    case.assert_at(case.one("NUMBER_DUPLICATE"), "cards[0].sections[1].items[2].number")


def test_number_gap() -> None:
    case = make(lambda d: ind(d, 2).update(number=5))
    f = case.one("NUMBER_GAP")
    assert f.severity == Severity.WARNING
    case.assert_at(f, "cards[0].sections[1].items[2].number")
    assert "3, 4" in f.message


def test_numbering_continues_across_sections() -> None:
    def more(number: int) -> Callable[[dict[str, Any]], None]:
        def change(d: dict[str, Any]) -> None:
            card(d)["sections"][1]["total"] = 60
            ind(d, 2)["weight"] = 10
            card(d)["sections"].append({"id": "pluri", "title": "Obiettivi pluriennali", "total": 20, "items": [
                {"number": number, "title": "Pluriennale", "indicators": ["x"], "target": "x",
                 "deadline": "31.12.2026", "weight": 20}]})
        return change
    assert make(more(4)).findings == []  # 1, 2, 3 then 4: one numbering
    assert make(more(1)).findings == []  # starts again at 1: a numbering of its own
    case = make(more(3))  # 1, 2, 3 then 3: the same numbering, repeated
    case.assert_at(case.one("NUMBER_DUPLICATE"), "cards[0].sections[2].items[0].number")
    case = make(more(5))
    case.assert_at(case.one("NUMBER_GAP"), "cards[0].sections[2].items[0].number")


def test_shared_numbers_are_not_duplicates_but_fill_gaps() -> None:
    # the shared objective is number 1; individual objectives continuing at 2 leave no gap
    case = make(lambda d: [ind(d, i).update(number=i + 2) for i in range(3)])
    assert case.findings == []


def test_items_without_numbers_are_ignored() -> None:
    assert make(lambda d: [ind(d, i).pop("number") for i in range(3)]).findings == []


# --------------------------------------------------------------------------- levels and weights


def test_unknown_level() -> None:
    case = make(lambda d: ind(d, 1).update(level="ALTISSIMA"))
    f = case.one("LEVEL_UNKNOWN")
    assert f.severity == Severity.ERROR
    case.assert_at(f, "cards[0].sections[1].items[1].level")
    assert "SECTION_TOTAL_MISMATCH" not in case.codes()  # the sum is unknowable, not wrong


def test_level_points_mismatch() -> None:
    case = make(lambda d: ind(d, 1).update(weight=15))
    f = case.one("LEVEL_POINTS_MISMATCH")
    assert f.severity == Severity.ERROR
    case.assert_at(f, "cards[0].sections[1].items[1].weight")
    assert make(lambda d: ind(d, 1).update(weight=20)).findings == []  # agreeing: fine


def test_weight_missing() -> None:
    case = make(lambda d: ind(d, 1).pop("level"))
    f = case.one("WEIGHT_MISSING")
    assert f.severity == Severity.ERROR
    case.assert_at(f, "cards[0].sections[1].items[1]")


@pytest.mark.parametrize("key, value", [("weight", 5), ("level", "BASSA")])
def test_gate_with_weight_or_level(key: str, value: Any) -> None:
    def change(d: dict[str, Any]) -> None:
        card(d)["sections"].append({"id": "g", "title": "Vincoli", "items": [
            {"number": 4, "title": "Rendiconto", "indicators": ["x"], "target": "x", "deadline": "30.04.2025",
             "gate": True, key: value}]})
    case = make(change)
    f = case.one("WEIGHT_AMBIGUOUS")
    assert f.severity == Severity.ERROR
    case.assert_at(f, f"cards[0].sections[2].items[0].{key}")
    assert "WEIGHT_MISSING" not in case.codes()


def test_several_printed_levels() -> None:
    case = make(lambda d: ind(d, 1).update(printed_levels=[{"level": "BASSA", "points": 5},
                                                          {"level": "ELEVATA", "points": 20}]))
    f = case.one("LEVEL_MULTIPLE")
    assert f.severity == Severity.WARNING
    case.assert_at(f, "cards[0].sections[1].items[1].printed_levels")


def test_printed_level_with_other_points() -> None:
    case = make(lambda d: ind(d, 1).update(printed_levels=[{"level": "MEDIA", "points": 15}]))
    f = case.one("LEVEL_PRINTED_MISMATCH")
    assert f.severity == Severity.WARNING
    case.assert_at(f, "cards[0].sections[1].items[1].printed_levels[0].points")
    assert "LEVEL_MULTIPLE" not in case.codes()


def test_printed_level_unknown_is_a_warning() -> None:
    case = make(lambda d: ind(d, 1).update(printed_levels=[{"level": "ALTA"}]))
    f = case.one("LEVEL_UNKNOWN")
    assert f.severity == Severity.WARNING
    case.assert_at(f, "cards[0].sections[1].items[1].printed_levels[0].level")


def test_printed_level_agreeing_passes() -> None:
    assert make(lambda d: ind(d, 1).update(printed_levels=[{"level": "ELEVATA", "points": 20}])).findings == []


# --------------------------------------------------------------------------- objective content


@pytest.mark.parametrize("change, code, where, present", [
    (lambda d: ind(d, 0).pop("indicators"), "INDICATOR_MISSING", "cards[0].sections[1].items[0].indicators", False),
    (lambda d: ind(d, 0).update(indicators=[]), "INDICATOR_MISSING", "cards[0].sections[1].items[0].indicators", True),
    (lambda d: ind(d, 0).pop("target"), "TARGET_MISSING", "cards[0].sections[1].items[0].target", False),
    (lambda d: ind(d, 0).update(target=""), "TARGET_MISSING", "cards[0].sections[1].items[0].target", True),
    (lambda d: ind(d, 0).update(target="Tempo medio di pagamento giorni 30; tempo medio di ritardo giorni"),
     "TARGET_MISSING", "cards[0].sections[1].items[0].target", True),
    (lambda d: ind(d, 0).pop("deadline"), "DEADLINE_MISSING", "cards[0].sections[1].items[0].deadline", False),
    (lambda d: d["shared_objectives"][0].pop("indicators"), "INDICATOR_MISSING",
     "shared_objectives[0].indicators", False),
    (lambda d: card(d)["sections"][0]["items"][0].update(target=""), "TARGET_MISSING",
     "cards[0].sections[0].items[0].target", True),
])
def test_missing_content(change: Callable[[dict[str, Any]], Any], code: str, where: str, present: bool) -> None:
    case = make(change)
    f = case.one(code)
    assert f.severity == Severity.WARNING
    case.assert_at(f, where, key_present=present)


def test_shared_objective_reported_once_at_its_definition() -> None:
    def change(d: dict[str, Any]) -> None:
        d["shared_objectives"][0].pop("deadline")
        second_card(d, sheet="Altra")
    case = make(change)
    case.assert_at(case.one("DEADLINE_MISSING"), "shared_objectives[0].deadline", key_present=False)


def test_item_may_supply_what_the_shared_objective_lacks() -> None:
    def change(d: dict[str, Any]) -> None:
        d["shared_objectives"][0].pop("deadline")
        card(d)["sections"][0]["items"][0]["deadline"] = "31.12.2025"
    # the shared objective itself still lacks it, once; the card's item does not
    case = make(change)
    case.assert_at(case.one("DEADLINE_MISSING"), "shared_objectives[0].deadline", key_present=False)


def test_behaviour_items_need_no_content() -> None:
    case = make(lambda d: [ind(d, i).update(kind="behaviour", indicators=None, target=None, deadline=None)
                           for i in range(3)])
    assert case.findings == []


def test_deadline_date_alone_is_a_deadline() -> None:
    assert make(lambda d: (ind(d, 0).pop("deadline"), ind(d, 0).update(deadline_date="2025-06-30"))).findings == []


def test_gates_need_content_too() -> None:
    case = make(lambda d: card(d)["sections"].append({"id": "g", "title": "Vincoli", "items": [
        {"number": 4, "title": "Rendiconto", "gate": True}]}))
    assert sorted(case.codes()) == ["DEADLINE_MISSING", "INDICATOR_MISSING", "TARGET_MISSING"]


@pytest.mark.parametrize("target, blank", [
    ("", ""),
    ("   ", ""),
    ("Tempo medio di pagamento giorni 30; Indicatore del tempo medio di ritardo giorni",
     "Indicatore del tempo medio di ritardo giorni"),
    ("Riduzione pari a", "Riduzione pari a"),
    ("Pratiche evase: ", "Pratiche evase:"),
    ("Entro ____", "Entro ____"),
    ("%", "%"),
    ("≤ 30 giorni", None),
    ("entro 30 gg.", None),
    ("100%", None),
    ("almeno 5 %", None),
    ("Tempo medio di pagamento giorni 30", None),
    ("Tutte le misure di competenza", None),
    ("Entro il 30 aprile", None),
])
def test_blank_target_part(target: str, blank: str | None) -> None:
    assert blank_target_part(target) == blank


# --------------------------------------------------------------------------- scales


@pytest.mark.parametrize("values", [[4, 8, 6, 10], [4, 6, 6, 10], [-2, -1, 0]])
def test_invalid_scale(values: list[int]) -> None:
    case = make(lambda d: d["scales"][0].update(values=values))
    f = case.one("SCALE_INVALID")
    assert f.severity == Severity.ERROR
    case.assert_at(f, "scales[0].values")


def test_scale_with_labels_passes() -> None:
    case = make(lambda d: d["scales"][0].update(values=[{"value": v, "label": f"v{v}"} for v in (4, 6, 8, 10)]))
    assert case.findings == []


def test_scale_undecided() -> None:
    case = make(lambda d: d.pop("default_scale"))
    f = case.one("SCALE_UNDECIDED")
    assert f.severity == Severity.WARNING
    case.assert_at(f, "cards[0].scale", key_present=False)
    assert make(lambda d: (d.pop("default_scale"), card(d).update(scale="s"))).findings == []


# --------------------------------------------------------------------------- bands


def bands(d: dict[str, Any]) -> list[dict[str, Any]]:
    return d["bands"][0]["bands"]


def test_overlapping_bands() -> None:
    case = make(lambda d: bands(d)[1].update(min=35))
    f = case.one("BAND_OVERLAP")
    assert f.severity == Severity.ERROR
    case.assert_at(f, "bands[0].bands[1].min")


def test_bands_touching_at_an_inclusive_edge_overlap() -> None:
    case = make(lambda d: bands(d)[1].update(min_inclusive=True))
    case.assert_at(case.one("BAND_OVERLAP"), "bands[0].bands[1].min")


def test_overlap_reported_at_the_later_band_whatever_the_order() -> None:
    case = make(lambda d: d["bands"][0].update(bands=[bands(d)[2], bands(d)[1], {**bands(d)[0], "max": 45}]))
    case.assert_at(case.one("BAND_OVERLAP"), "bands[0].bands[1].min")


def test_empty_band() -> None:
    case = make(lambda d: bands(d)[2].update(min=100, max=70))
    f = case.one("PLAN_BAND_EMPTY")
    assert f.severity == Severity.ERROR
    case.assert_at(f, "bands[0].bands[2].max")


def integer_ranges(d: dict[str, Any]) -> None:
    """The seeds' style: ≤ 40, 41–70, 71–100, which leaves (40, 41) and (70, 71) uncovered."""
    bands(d)[1].update(min=41, min_inclusive=True)
    bands(d)[2].update(min=71, min_inclusive=True)


def quarters(d: dict[str, Any]) -> None:
    """A 0/25/50/75/100 scale: with weights 20 and 30 totals move in steps of 2.5."""
    d["scales"][0]["values"] = [0, 25, 50, 75, 100]


def test_gap_no_total_reaches_is_a_warning() -> None:
    case = make(integer_ranges)  # 4/6/8/10 on weights 20, 30, 20, 30: every total is an integer
    gaps = case.of("BAND_GAP")
    assert [f.where for f in gaps] == ["bands[0].bands[1].min", "bands[0].bands[2].min"]
    assert all(f.severity == Severity.WARNING for f in gaps)
    case.assert_at(gaps[0], "bands[0].bands[1].min")
    assert "BAND_GAP_REACHABLE" not in case.codes()


def test_gap_a_total_reaches_is_an_error() -> None:
    def change(d: dict[str, Any]) -> None:
        quarters(d)
        d["bands"][0]["rounding"] = {"mode": "none"}
        bands(d)[1].update(min=43, min_inclusive=True)  # 42.5 is reachable and falls between 40 and 43
    case = make(change)
    f = case.one("BAND_GAP_REACHABLE")
    assert f.severity == Severity.ERROR
    case.assert_at(f, "bands[0].bands[1].min")
    assert "42,5" in f.message
    assert "BAND_GAP" not in case.codes()


def test_rounding_closes_the_gap() -> None:
    def change(d: dict[str, Any]) -> None:
        quarters(d)
        bands(d)[1].update(min=41, min_inclusive=True)
    case = make(change)  # ROUND(…; 0): 40.x is 40 or 41; 41 and 42 are never reached, but no total is lost
    assert "BAND_GAP_REACHABLE" not in case.codes()
    assert [f.code for f in case.findings] == ["BAND_GAP"]


def test_gap_with_undecided_rounding_and_fractional_totals() -> None:
    def change(d: dict[str, Any]) -> None:
        quarters(d)
        d["bands"][0].pop("rounding")
        bands(d)[1].update(min=42, min_inclusive=True)
        ind(d, 0)["weight"] = 25  # 25 × 0.25 = 6.25: totals move in steps of 1.25, and 41.25 is reachable
        ind(d, 2)["weight"] = 35
    case = make(change)
    f = case.one("BAND_GAP_REACHABLE")
    case.assert_at(f, "bands[0].bands[1].min")
    assert "41,25" in f.message
    f = case.one("ROUNDING_UNDECIDED")
    assert f.severity == Severity.WARNING
    case.assert_at(f, "bands[0].rounding", key_present=False)


def test_gap_reached_by_one_card_only() -> None:
    def change(d: dict[str, Any]) -> None:
        d["scales"].append({"id": "q", "values": [0, 25, 50, 75, 100]})
        d["bands"][0]["rounding"] = {"mode": "none"}
        bands(d)[1].update(min=43, min_inclusive=True)
        second_card(d, scale="q")
    case = make(change)
    f = case.one("BAND_GAP_REACHABLE")
    assert "Scheda Bianchi" in f.message
    assert "BAND_GAP" not in case.codes()


def test_too_many_totals_counts_every_total_as_reachable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reachable, "MAX_REACHABLE", 3)
    case = make(lambda d: (integer_ranges(d), d["bands"][0].update(rounding={"mode": "none"})))
    assert [f.where for f in case.of("BAND_GAP_REACHABLE")] == ["bands[0].bands[1].min", "bands[0].bands[2].min"]
    # with ROUND to units, no integer lies strictly between 40 and 41: the gaps stay unreachable
    case = make(integer_ranges)
    assert [f.code for f in case.findings] == ["BAND_GAP", "BAND_GAP"]


def test_contiguous_bands_pass() -> None:
    assert make(lambda d: (quarters(d), d["bands"][0].update(rounding={"mode": "none"}))).findings == []


def test_bands_not_reaching_the_bottom() -> None:
    case = make(lambda d: bands(d).pop(0))  # nothing below 40, and 40 is reachable (all scored 4)
    f = case.one("BAND_RANGE")
    assert f.severity == Severity.ERROR
    case.assert_at(f, "bands[0].bands[0].min")


def test_bands_not_reaching_the_top() -> None:
    case = make(lambda d: bands(d)[2].update(max=90))
    f = case.one("BAND_RANGE")
    assert f.severity == Severity.ERROR
    case.assert_at(f, "bands[0].bands[2].max")


def test_uncovered_range_no_total_reaches_is_a_warning() -> None:
    case = make(lambda d: bands(d)[0].update(min=10))  # below 40 nothing is reachable
    f = case.one("BAND_RANGE")
    assert f.severity == Severity.WARNING
    case.assert_at(f, "bands[0].bands[0].min")


def test_bands_undecided() -> None:
    case = make(lambda d: d.pop("default_bands"))
    f = case.one("BANDS_UNDECIDED")
    assert f.severity == Severity.WARNING
    case.assert_at(f, "cards[0].bands", key_present=False)
    assert make(lambda d: (d.pop("default_bands"), card(d).update(bands="f"))).findings == []


# --------------------------------------------------------------------------- neutralisation, sheets


def test_redistribution_undecided() -> None:
    case = make(lambda d: ind(d, 0).update(neutralisable=True))
    f = case.one("REDISTRIBUTION_UNDECIDED")
    assert f.severity == Severity.WARNING
    case.assert_at(f, "cards[0].redistribution", key_present=False)
    assert make(lambda d: (ind(d, 0).update(neutralisable=True), card(d).update(redistribution="section"))) \
        .findings == []


@pytest.mark.parametrize("changes, where", [
    ({"title": "SCHEDA ROSSI"}, "cards[1].title"),
    ({"title": "Scheda/Rossi"}, "cards[1].title"),
    ({"sheet": "Scheda Rossi"}, "cards[1].sheet"),
])
def test_sheet_names_collide(changes: dict[str, Any], where: str) -> None:
    case = make(lambda d: second_card(d, **changes))
    f = case.one("SHEET_NAME_COLLISION")
    assert f.severity == Severity.ERROR
    case.assert_at(f, where)


def test_sheet_names_collide_once_cut_to_31_characters() -> None:
    long = "Settore Amministrativo e Contabile"
    case = make(lambda d: (card(d).update(title=long + " I"), second_card(d, title=long + " II")))
    case.assert_at(case.one("SHEET_NAME_COLLISION"), "cards[1].title")


@pytest.mark.parametrize("name", ["Riepilogo", "istruzioni", "_piano_xlsx"])
def test_sheet_name_reserved(name: str) -> None:
    case = make(lambda d: card(d).update(sheet=name))
    case.assert_at(case.one("SHEET_NAME_COLLISION"), "cards[0].sheet")


def test_distinct_sheet_names_pass() -> None:
    assert make(lambda d: second_card(d, sheet="Scheda Rossi (bis)")).findings == []


# --------------------------------------------------------------------------- choices and period


def test_choice_points_at_its_place() -> None:
    case = make(lambda d: d.update(choices=[{"where": "cards[0].sections[1].items[1]", "text": "Livello scelto"}]))
    f = case.one("PLAN_CHOICE")
    assert f.severity == Severity.WARNING
    case.assert_at(f, "cards[0].sections[1].items[1]")


def test_choice_with_a_free_text_place_points_at_the_choice() -> None:
    case = make(lambda d: d.update(choices=[{"where": "fasce del Segretario", "text": "Fasce contigue"}]))
    f = case.one("PLAN_CHOICE")
    assert f.where == "fasce del Segretario"
    assert f.line == case.loaded.lines[("choices", 0)]


@pytest.mark.parametrize("text, path", [
    ("cards[0].sections[1]", ("cards", 0, "sections", 1)),
    ("default_scale", ("default_scale",)),
    ("levels.ELEVATA", ("levels", "ELEVATA")),
    ("cards[x]", None),
    ("", None),
    (".cards", None),
])
def test_parse_path(text: str, path: tuple[Any, ...] | None) -> None:
    assert parse_path(text) == path


def test_card_year_differs_from_plan_year() -> None:
    case = make(lambda d: card(d).update(year=2024))
    f = case.one("PERIOD_MISMATCH")
    assert f.severity == Severity.WARNING
    case.assert_at(f, "cards[0].year")
    assert make(lambda d: card(d).update(year=2025)).findings == []


def test_card_year_outside_the_period() -> None:
    def change(year: int) -> Callable[[dict[str, Any]], None]:
        return lambda d: (d["plan"].pop("year"), d["plan"].update(period="2024-2026"), card(d).update(year=year))
    case = make(change(2023))
    case.assert_at(case.one("PERIOD_MISMATCH"), "cards[0].year")
    assert make(change(2026)).findings == []


def test_year_named_in_a_card_title() -> None:
    case = make(lambda d: card(d).update(title="Scheda di valutazione del Segretario anno 2023"))
    case.assert_at(case.one("PERIOD_MISMATCH"), "cards[0].title")
    assert make(lambda d: card(d).update(title="Scheda di valutazione anno 2025")).findings == []


def test_plan_year_outside_its_period() -> None:
    case = make(lambda d: d["plan"].update(period="2021-2023"))
    case.assert_at(case.one("PERIOD_MISMATCH"), "plan.year")
