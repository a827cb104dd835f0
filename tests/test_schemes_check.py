"""`check` on schemes: input kinds, rules, classifying bands, templates and staff, exclusions.

Each test edits a small valid plan and asserts the code, the severity and the key path of what check reports.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from piano_xlsx.findings import Finding, Severity
from piano_xlsx.plan.check import check_plan
from piano_xlsx.plan.loader import load_plan_text
from piano_xlsx.plan.resolve import resolve_cards

BASE = """\
plan: {id: schemi-2025, ente: Comune di Prova, title: Piano della Performance 2025, year: 2025}
scales:
  - {id: perc, kind: percent, decimals: 0}
  - {id: uno-cinque, values: [1, 2, 3, 4, 5]}
  - {id: punti, kind: points, decimals: 1}
  - {id: sino, kind: achieved}
default_scale: perc
rules:
  - {id: soglie, kind: thresholds, zero_below: 50, full_from: 90, between: proportional}
  - id: gradini
    kind: steps
    steps:
      - {max: 50, max_inclusive: false, share: 0}
      - {min: 50, max: 80, max_inclusive: false, share: 60}
      - {min: 80, share: 100}
bands:
  - id: f
    rounding: {mode: round, decimals: 0}
    bands:
      - {label: A, max: 60, percent: 0}
      - {label: B, min: 60, min_inclusive: false, percent: 10}
default_bands: f
sectors:
  - {id: rag, title: Ragioneria}
  - {id: trib, title: Tributi}
evaluatees:
  - {id: rossi, name: Anna Rossi, sector: rag}
shared_objectives:
  - {id: pag, sector: rag, weight: 1, number: 1, title: Pagamenti, indicators: [x], target: "30", deadline: 31.12.2025}
  - {id: ris, sector: trib, weight: 1, number: 1, title: Incassi, indicators: [x], target: "8", deadline: 31.12.2025}
cards:
  - id: c1
    title: Scheda Rossi
    evaluatee: rossi
    total: 100
    sections:
      - id: ob
        title: Obiettivi
        total: 60
        rule: soglie
        items:
          - {number: 1, title: Uno, weight: 30, indicators: [x], target: "1", deadline: 31.12.2025}
          - {number: 2, title: Due, weight: 20, rule: gradini, indicators: [x], target: "1", deadline: 31.12.2025}
          - {number: 3, title: Tre, weight: 10, scale: punti, indicators: [x], target: "1", deadline: 31.12.2025}
      - id: comp
        title: Comportamenti
        total: 40
        scale: uno-cinque
        items:
          - {number: 1, title: Quattro, weight: 30, kind: behaviour}
          - {number: 2, title: Cinque, weight: 10, kind: behaviour, scale: sino}
templates:
  - id: dip
    title: Valutazione individuale
    total: 100
    part_weights:
      C: {unita: 40, comp: 60}
      D: {unita: 60, comp: 40}
    sections:
      - {id: unita, title: Obiettivi dell'unità, weights: shares, unit_objectives: true, rule: soglie}
      - id: comp
        title: Comportamenti
        weights: shares
        scale: uno-cinque
        items:
          - {number: 1, title: Collaborazione, kind: behaviour, weight: 1}
          - {number: 2, title: Precisione, kind: behaviour, weight: 1}
staff:
  - {id: "01", name: Bianchi Anna, sector: rag, category: C, template: dip}
  - {id: "02", name: Verdi Carlo, sector: trib, category: D, template: dip}
  - {id: "03", name: Neri Luca, sector: rag, category: D, template: dip}
"""


def plan_data() -> dict[str, Any]:
    return yaml.safe_load(BASE)


def run(data: dict[str, Any]) -> list[Finding]:
    return check_plan(load_plan_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False)))


def codes(findings: list[Finding], severity: Severity | None = None) -> list[tuple[str, str | None]]:
    return [(f.code, f.where) for f in findings if severity is None or f.severity == severity]


def test_the_base_plan_has_no_error_nor_warning():
    assert codes(run(plan_data()), Severity.ERROR) == []
    assert codes(run(plan_data()), Severity.WARNING) == []


def test_thresholds_out_of_order_missing_or_undecided():
    data = plan_data()
    data["rules"][0] |= {"zero_below": 95}
    assert ("RULE_THRESHOLDS_ORDER", "rules[0].full_from") in codes(run(data), Severity.ERROR)
    data = plan_data()
    del data["rules"][0]["full_from"]
    assert ("RULE_INVALID", "rules[0].full_from") in codes(run(data), Severity.ERROR)
    data = plan_data()
    del data["rules"][0]["between"]
    assert codes(run(data), Severity.WARNING) == [("RULE_UNDECIDED", "rules[0].between")]


def test_steps_overlapping_or_leaving_gaps():
    data = plan_data()
    data["rules"][1]["steps"][1]["min"] = 45  # 45–50 is in two steps
    assert ("RULE_STEPS_OVERLAP", "rules[1].steps[1]") in codes(run(data), Severity.ERROR)
    data = plan_data()
    data["rules"][1]["steps"][1] |= {"min": 51}  # 50 is admitted and in no step
    assert ("RULE_STEPS_GAP", "rules[1].steps") in codes(run(data), Severity.ERROR)
    data = plan_data()
    data["rules"][1]["steps"][1] |= {"min": 50, "min_inclusive": False}  # only 50 exactly: admitted, uncovered
    assert ("RULE_STEPS_GAP", "rules[1].steps") in codes(run(data), Severity.ERROR)
    data = plan_data()
    data["rules"][1]["steps"][0] |= {"max": 49.5, "max_inclusive": True}  # 49.5–50: no admitted percentage there
    assert codes(run(data), Severity.WARNING) == [("RULE_STEPS_GAP", "rules[1].steps")]
    data = plan_data()
    data["rules"][1]["steps"][2]["share"] = 120
    assert ("RULE_INVALID", "rules[1].steps[2].share") in codes(run(data), Severity.ERROR)


def test_rules_where_they_cannot_apply_and_percentages_without_rule():
    data = plan_data()
    data["cards"][0]["sections"][0]["items"][2]["rule"] = "soglie"  # on points
    assert ("RULE_NOT_APPLICABLE", "cards[0].sections[0].items[2].rule") in codes(run(data), Severity.ERROR)
    data = plan_data()
    del data["cards"][0]["sections"][0]["rule"]  # percentages scored without a rule: once per section
    found = run(data)
    assert codes(found, Severity.WARNING) == [("RULE_UNDECIDED", "cards[0].sections[0].rule")]
    data = plan_data()
    data["rules"].append({"id": "spare", "kind": "proportional"})
    assert ("RULE_UNUSED", "rules[2].id") in codes(run(data), Severity.INFO)


def test_an_inherited_rule_applies_only_to_scores_it_can_apply_to():
    card = resolve_cards(load_plan_text(BASE).plan)[0]
    kinds = {item.number: (item.scale.kind, item.rule.id if item.rule else None) for item in card.sections[0].items}
    assert kinds == {"1": ("percent", "soglie"), "2": ("percent", "gradini"), "3": ("points", None)}


def test_scales_of_every_kind():
    data = plan_data()
    data["scales"][0]["values"] = [1, 2]
    assert ("SCALE_INVALID", "scales[0].values") in codes(run(data), Severity.ERROR)
    data = plan_data()
    data["scales"][0] |= {"min": 100, "max": 100}
    assert ("SCALE_INVALID", "scales[0].max") in codes(run(data), Severity.ERROR)
    data = plan_data()
    data["scales"][3]["decimals"] = 2
    assert codes(run(data), Severity.WARNING) == [("SCALE_INVALID", "scales[3].decimals")]


def test_bands_that_classify_pay_in_every_band_or_in_none():
    data = plan_data()
    del data["bands"][0]["bands"][1]["percent"]
    assert ("BAND_PERCENT_MIXED", "bands[0].bands[1]") in codes(run(data), Severity.ERROR)
    data = plan_data()
    for band in data["bands"][0]["bands"]:
        del band["percent"]
    assert codes(run(data), Severity.ERROR) == []


def test_an_outcome_outside_every_band_turns_reachable_gaps_into_warnings():
    data = plan_data()
    data["bands"][0]["bands"][1]["min"] = 61  # totals between 60 and 61 fall into no band
    assert ("BAND_GAP_REACHABLE", "bands[0].bands[1].min") in codes(run(data), Severity.ERROR)
    data["bands"][0]["outside"] = {"label": "Nessuna fascia", "percent": 0}
    found = run(data)
    assert codes(found, Severity.ERROR) == []
    assert ("BAND_OUTSIDE", "bands[0].bands[1].min") in codes(found, Severity.WARNING)


def test_a_template_problem_is_reported_once_at_the_template():
    data = plan_data()
    data["templates"][0]["sections"][1]["items"][1]["number"] = 3  # a gap, on every card made from it
    found = [f for f in run(data) if f.code == "NUMBER_GAP"]
    assert [(f.where, f.line is not None) for f in found] == [("templates[0].sections[1].items[1].number", True)]


def test_part_weights_per_category_are_checked_where_they_are_written():
    data = plan_data()
    data["templates"][0]["total"] = 90  # every card made from it declares 90 but sums 100
    assert ("CARD_TOTAL_MISMATCH", "templates[0].total") in codes(run(data), Severity.ERROR)
    data = plan_data()
    del data["templates"][0]["part_weights"]["D"]["comp"]
    found = run(data)
    assert ("PART_WEIGHTS_INCOMPLETE", "templates[0].part_weights.D") in codes(found, Severity.WARNING)
    data = plan_data()
    data["templates"][0]["part_weights"]["D"]["altro"] = 10
    assert ("PLAN_REF_UNKNOWN", "templates[0].part_weights.D.altro") in codes(run(data), Severity.ERROR)


def test_staff_category_unit_and_template():
    data = plan_data()
    data["staff"][0]["category"] = "B"
    data["staff"][1].pop("category")
    found = codes(run(data), Severity.ERROR)
    assert ("STAFF_CATEGORY", "staff[0].category") in found and ("STAFF_CATEGORY", "staff[1].category") in found
    data = plan_data()
    data["staff"][2]["sector"] = "nessuno"
    found = codes(run(data), Severity.ERROR)
    assert ("PLAN_REF_UNKNOWN", "staff[2].sector") in found
    assert ("UNIT_OBJECTIVES_MISSING", "staff[2].sector") in found
    data = plan_data()
    data["staff"][0]["template"] = "altro"
    assert ("PLAN_REF_UNKNOWN", "staff[0].template") in codes(run(data), Severity.ERROR)
    data = plan_data()
    data["staff"][0]["id"] = "rossi"  # the same id as an evaluatee written out
    found = codes(run(data), Severity.ERROR)
    assert ("PLAN_ID_DUPLICATE", "staff[0].id") in found


def test_an_unused_template_is_noted_and_its_references_checked():
    data = plan_data()
    data["templates"].append(copy.deepcopy(data["templates"][0]) | {"id": "spare", "rule": "nessuna"})
    found = run(data)
    assert ("TEMPLATE_UNUSED", "templates[1].id") in codes(found, Severity.INFO)
    assert ("PLAN_REF_UNKNOWN", "templates[1].rule") in codes(found, Severity.ERROR)


def test_cards_from_templates_are_named_after_the_person():
    data = plan_data()
    data["staff"].append({"id": "04", "name": "Bianchi Anna", "sector": "trib", "category": "C", "template": "dip"})
    data["staff"].append({"id": "05", "name": "Del Vecchio Maria Antonietta Giuseppina", "sector": "rag",
                          "category": "C", "template": "dip"})
    loaded = load_plan_text(yaml.safe_dump(data, allow_unicode=True))
    cards = resolve_cards(loaded.plan)
    sheets = [c.sheet for c in cards if c.template]
    assert sheets == ["Bianchi Anna", "Verdi Carlo", "Neri Luca", "Bianchi Anna (04)",
                      "Del Vecchio Maria Antonietta Gi"]
    assert all(len(s) <= 31 for s in sheets)
    made = {c.id: c for c in cards}
    assert made["04"].card.title == "Valutazione individuale — Bianchi Anna"
    assert [s.total for s in made["01"].sections] == [40, 60] and [s.total for s in made["02"].sections] == [60, 40]
    assert [i.ref for i in made["02"].sections[0].items] == ["ris"]  # the unit's shared objective
    assert not [f for f in check_plan(loaded) if f.severity == Severity.ERROR]


@pytest.mark.parametrize("problem", ["unknown", "twice"])
def test_exclusions_name_someone_the_plan_knows_once(problem):
    data = plan_data()
    data["exclusions"] = [{"evaluatee": "nessuno" if problem == "unknown" else "01", "reason": "x"}]
    if problem == "twice":
        data["exclusions"].append({"evaluatee": "01", "reason": "y"})
    expected = ("PLAN_REF_UNKNOWN", "exclusions[0].evaluatee") if problem == "unknown" else \
        ("PLAN_ID_DUPLICATE", "exclusions[1].evaluatee")
    assert expected in codes(run(data), Severity.ERROR)


def test_exclusions_are_not_part_of_the_plan_hash():
    data = plan_data()
    before = load_plan_text(yaml.safe_dump(data, allow_unicode=True)).hash
    data["exclusions"] = [{"evaluatee": "01", "reason": "sanzione disciplinare",
                           "source": {"document": "Determinazione n. 1"}}]
    after = load_plan_text(yaml.safe_dump(data, allow_unicode=True))
    assert after.hash == before and after.plan.exclusions
