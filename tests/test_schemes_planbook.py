"""Every scheme key through the plan workbook and back with the same plan hash; every new key in the JSON Schema
with an Italian description; a plan workbook's scheme sheets report their mistakes on sheet, row and column."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
import yaml
from test_schemes_engines import PLAN as ENGINES_PLAN

from piano_xlsx.plan.loader import PlanError, load_plan_text
from piano_xlsx.plan.schema import plan_json_schema
from piano_xlsx.planbook import export_plan, plan_yaml, read_plan_workbook


def every_key_plan() -> str:
    """The engines' plan (every input kind, rule, steps, classifying bands, an outcome outside the bands) with
    sources everywhere, a card template, its part weights, a staff list and exclusions."""
    data = yaml.safe_load(ENGINES_PLAN)
    source = {"document": "Sistema di misurazione e valutazione", "authority": "Comune di Prova, DGC n. 1/2025",
              "reference": "art. 3", "quote": "«Il punteggio è attribuito…»", "url": "https://example.invalid/smvp"}
    data["plan"]["source"] = source
    data["scales"][0]["source"] = {"document": "SMVP", "reference": "art. 4"}
    data["rules"][1]["source"] = {"document": "SMVP", "reference": "art. 5", "quote": "sotto il 50% nulla"}
    data["bands"][0]["source"] = {"document": "SMVP", "reference": "art. 9"}
    data["cards"][0]["sections"][0]["items"][0]["source"] = {"document": "PIAO 2025-2027", "reference": "pag. 14"}
    data["sectors"] = [{"id": "rag", "title": "Ragioneria"}]
    data["shared_objectives"] = [{"id": "pag", "sector": "rag", "weight": 2, "title": "Pagamenti",
                                  "indicators": ["x"], "target": "30", "deadline": "31.12.2025"}]
    data["templates"] = [{"id": "dip", "title": "Valutazione individuale", "evaluator": "Responsabile",
                          "scale": "perc", "rule": "soglie", "total": 100, "redistribution": "section", "year": 2025,
                          "source": {"document": "SMVP", "reference": "art. 12"},
                          "part_weights": {"C": {"unita": 40, "comp": 60}, "D": {"unita": 60, "comp": 40}},
                          "sections": [
                              {"id": "unita", "title": "Obiettivi dell'unità", "weights": "shares",
                               "unit_objectives": True},
                              {"id": "comp", "title": "Comportamenti", "weights": "shares", "scale": "quattro-dieci",
                               "items": [{"number": 1, "title": "Collaborazione", "kind": "behaviour", "weight": 1,
                                          "neutralisable": True}]}]}]
    data["staff"] = [{"id": "01", "name": "Bianchi Anna", "role": "Istruttore", "sector": "rag", "category": "C",
                      "template": "dip", "base": 1200},
                     {"id": "02", "name": "Verdi Carlo", "sector": "rag", "category": "D", "template": "dip"}]
    data["exclusions"] = [{"evaluatee": "02", "reason": "giorni di servizio insufficienti",
                           "source": {"document": "Determinazione n. 3", "reference": "punto 2"}}]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def test_every_scheme_key_round_trips_with_the_same_hash(tmp_path: Path) -> None:
    loaded = load_plan_text(every_key_plan())
    back = read_plan_workbook(export_plan(loaded, tmp_path / "piano.xlsx"))
    assert back.hash == loaded.hash
    assert back.plan.model_dump(exclude_defaults=True) == loaded.plan.model_dump(exclude_defaults=True)
    again = load_plan_text(plan_yaml(back.plan))
    assert again.hash == loaded.hash and again.plan.exclusions == loaded.plan.exclusions
    sheets = openpyxl.load_workbook(tmp_path / "piano.xlsx").sheetnames
    assert {"Regole", "Modelli", "Sezioni dei modelli", "Obiettivi dei modelli", "Pesi delle parti", "Personale",
            "Esclusioni", "Fonti"} <= set(sheets)


def _edited(tmp_path: Path, sheet: str, cell: str, value: object) -> Path:
    loaded = load_plan_text(every_key_plan())
    path = export_plan(loaded, tmp_path / "piano.xlsx")
    wb = openpyxl.load_workbook(path)
    wb[sheet][cell] = value
    wb.save(path)
    return path


@pytest.mark.parametrize(("sheet", "cell", "value", "column"), [
    ("Fonti", "A2", "cards[99]", "A"),  # a source of no element
    ("Pesi delle parti", "D2", "tanti", "D"),  # a part weight that is no number
    ("Regole", "C3", "a scalini", "C"),  # an unknown kind of rule
])
def test_a_mistake_in_a_scheme_sheet_names_sheet_row_and_column(tmp_path: Path, sheet: str, cell: str,
                                                                value: object, column: str) -> None:
    with pytest.raises(PlanError) as error:
        read_plan_workbook(_edited(tmp_path, sheet, cell, value))
    places = [(f.sheet, f.cell) for f in error.value.findings]
    assert (sheet, cell) in places, places


NEW_KEYS = {
    "Source": ["document", "authority", "reference", "quote", "url"],
    "PlanInfo": ["source"],
    "Scale": ["kind", "values", "min", "max", "decimals", "source"],
    "Rule": ["id", "kind", "title", "zero_below", "full_from", "between", "steps", "source"],
    "Step": ["min", "min_inclusive", "max", "max_inclusive", "share", "printed"],
    "Band": ["percent", "note"],
    "Outcome": ["label", "percent", "note"],
    "BandSet": ["outside", "source"],
    "SharedObjective": ["sector", "weight"],
    "Item": ["scale", "rule", "source"],
    "Section": ["scale", "rule"],
    "Card": ["rule"],
    "TemplateSection": ["unit_objectives", "items"],
    "CardTemplate": ["id", "title", "evaluator", "scale", "bands", "rule", "total", "redistribution", "year",
                     "part_weights", "sections", "source"],
    "StaffMember": ["template", "category"],
    "Exclusion": ["evaluatee", "reason", "source"],
}


ITALIAN = {"il", "la", "le", "di", "per", "dei", "degli", "da", "del", "della", "delle", "nel", "nella", "al", "alla",
           "si", "un", "una", "che", "è", "se", "con", "non", "ogni"}
ENGLISH = {"the", "of", "is", "when", "which"}


def test_the_schema_describes_every_new_key_in_italian() -> None:
    schema = plan_json_schema()
    definitions = schema["$defs"]
    for model, keys in NEW_KEYS.items():
        properties = definitions[model]["properties"]
        for key in keys:
            text = f' {properties[key].get("description", "").lower()} '
            words = set(text.replace("(", " ").replace(",", " ").replace(":", " ").split())
            assert words & ITALIAN and not words & ENGLISH, (model, key, text)
    for key in ("rules", "templates", "staff", "exclusions"):
        assert schema["properties"][key]["description"]
