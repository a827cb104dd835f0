"""The YAML loader: syntax and schema errors as findings with key path and line; a stable plan hash."""

from __future__ import annotations

import ast
from importlib import resources
from pathlib import Path

import pytest
import yaml

import piano_xlsx
from piano_xlsx.findings import Severity
from piano_xlsx.plan.loader import PlanError, format_path, load_plan, load_plan_text, plan_hash

MINIMAL = """\
plan:
  id: prova
  ente: Comune di Prova
  title: Piano di prova
scales:
  - id: s
    values: [4, 6, 8, 10]
evaluatees:
  - id: rossi
    name: Anna Rossi
cards:
  - id: c1
    title: Scheda Rossi
    evaluatee: rossi
    total: 100
    sections:
      - id: ind
        title: Obiettivi
        items:
          - title: Primo
            weight: 100
"""


def refused(text: str) -> PlanError:
    with pytest.raises(PlanError) as info:
        load_plan_text(text)
    return info.value


def test_minimal_plan_loads_with_defaults() -> None:
    loaded = load_plan_text(MINIMAL)
    plan = loaded.plan
    assert plan.plan.version == "1"
    assert plan.default_scale is None and plan.default_bands is None  # undecided stays undecided
    assert plan.cards[0].sections[0].items[0].weight == 100
    assert plan.cards[0].sections[0].weights == "points"


def test_lines_of_key_paths() -> None:
    loaded = load_plan_text(MINIMAL)
    assert loaded.lines[("plan", "ente")] == 3
    assert loaded.lines[("scales", 0, "values")] == 7
    assert loaded.lines[("cards", 0, "total")] == 15
    assert loaded.lines[("cards", 0, "sections", 0, "items", 0, "weight")] == 21
    # a key that is absent takes the line of its nearest ancestor
    assert loaded.line(("cards", 0, "sections", 0, "items", 0, "level")) == 20


def test_format_path() -> None:
    assert format_path(("cards", 2, "sections", 0, "items", 3, "weight")) == "cards[2].sections[0].items[3].weight"
    assert format_path(("default_scale",)) == "default_scale"
    assert format_path(()) == ""


@pytest.mark.parametrize("text, line", [
    (MINIMAL.replace("  ente: Comune di Prova", " ente: Comune di Prova"), 3),  # bad indentation
    (MINIMAL.replace("values: [4, 6, 8, 10]", "values: [4, 6, 8, 10"), 8),  # unclosed flow sequence
    (MINIMAL.replace("    weight: 100", "\tweight: 100"), 21),  # a tab
])
def test_malformed_yaml(text: str, line: int) -> None:
    error = refused(text)
    assert [f.code for f in error.findings] == ["PLAN_YAML"]
    assert error.findings[0].severity == Severity.ERROR
    assert error.findings[0].line == line
    assert str(line) in error.findings[0].message


def test_wrong_type_names_key_path_and_line() -> None:
    error = refused(MINIMAL.replace("total: 100", "total: cento"))
    # (one finding per branch of int | float, for now)
    assert {(f.code, f.where, f.line) for f in error.findings} == {("PLAN_SCHEMA", "cards[0].total", 15)}


def test_wrong_type_in_a_list_of_numbers() -> None:
    error = refused(MINIMAL.replace("values: [4, 6, 8, 10]", "values: [4, sei, 8, 10]"))
    assert {f.where for f in error.findings} == {"scales[0].values[1]"}
    assert {f.line for f in error.findings} == {7}
    assert {f.code for f in error.findings} == {"PLAN_SCHEMA"}


def test_wrong_literal() -> None:
    error = refused(MINIMAL.replace("        title: Obiettivi\n", "        title: Obiettivi\n        weights: quote\n"))
    assert [(f.code, f.where, f.line) for f in error.findings] == [("PLAN_SCHEMA", "cards[0].sections[0].weights", 19)]


def test_unknown_key_rejected() -> None:
    error = refused(MINIMAL.replace("    total: 100\n", "    total: 100\n    colore: rosso\n"))
    assert [(f.code, f.where, f.line) for f in error.findings] == [("PLAN_SCHEMA", "cards[0].colore", 16)]


def test_missing_key_points_at_its_parent() -> None:
    error = refused(MINIMAL.replace("  ente: Comune di Prova\n", ""))
    assert [(f.code, f.where, f.line) for f in error.findings] == [("PLAN_SCHEMA", "plan.ente", 1)]


def test_empty_list_rejected() -> None:
    error = refused(MINIMAL.replace("values: [4, 6, 8, 10]", "values: []"))
    assert [(f.code, f.where, f.line) for f in error.findings] == [("PLAN_SCHEMA", "scales[0].values", 7)]


def test_duplicate_key_rejected() -> None:
    error = refused(MINIMAL.replace("    total: 100\n", "    total: 100\n    total: 90\n"))
    assert [(f.code, f.where, f.line) for f in error.findings] == [("PLAN_YAML", "cards[0].total", 16)]


@pytest.mark.parametrize("text", ["", "- a\n- b\n", "solo testo\n"])
def test_plan_must_be_a_mapping(text: str) -> None:
    assert [f.code for f in refused(text).findings] == ["PLAN_SCHEMA"]


def test_unreadable_and_non_utf8_files(tmp_path: Path) -> None:
    with pytest.raises(PlanError) as info:
        load_plan(tmp_path / "manca.yaml")
    assert [f.code for f in info.value.findings] == ["PLAN_UNREADABLE"]
    latin = tmp_path / "latin1.yaml"
    latin.write_bytes(MINIMAL.replace("Prova", "Proà").encode("latin-1"))
    with pytest.raises(PlanError) as info:
        load_plan(latin)
    assert [f.code for f in info.value.findings] == ["PLAN_UNREADABLE"]


def test_plan_hash_is_stable() -> None:
    first = load_plan_text(MINIMAL)
    again = load_plan_text(MINIMAL)
    assert first.hash == again.hash == plan_hash(first.plan)
    assert len(first.hash) == 64


def test_plan_hash_ignores_layout_and_comments() -> None:
    data = yaml.safe_load(MINIMAL)
    flow = yaml.safe_dump(data, default_flow_style=True, sort_keys=True)
    assert load_plan_text("# commento\n" + flow).hash == load_plan_text(MINIMAL).hash


def test_plan_hash_changes_with_the_content() -> None:
    assert load_plan_text(MINIMAL.replace("weight: 100", "weight: 90")).hash != load_plan_text(MINIMAL).hash


def test_plan_hash_same_from_file_and_text(tmp_path: Path) -> None:
    path = tmp_path / "piano.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    assert load_plan(path).hash == load_plan_text(MINIMAL).hash


def test_example_plan_loads() -> None:
    with resources.as_file(resources.files("piano_xlsx") / "data" / "esempio.yaml") as path:
        loaded = load_plan(path)
    assert loaded.plan.plan.id == "comune-esempio-2025"
    assert len(loaded.plan.cards) == 5  # five cards: the demo shows one typical mistake per card


def test_alias_bomb_and_self_reference_are_refused_quickly() -> None:
    import time

    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8))
    # CPU time of this process, not wall time: a busy machine slows the clock, not the work. Expanded, the bomb
    # would be a billion values (hours); refused within its budget, it takes a fraction of a second.
    start = time.process_time()
    with pytest.raises(PlanError) as bomb_error:
        load_plan_text(bomb)
    assert time.process_time() - start < 5
    assert bomb_error.value.findings[0].code == "PLAN_YAML"
    with pytest.raises(PlanError) as loop_error:
        load_plan_text("a: &x {b: *x}\n")
    assert loop_error.value.findings[0].code == "PLAN_YAML"


def test_a_large_plan_without_aliases_loads() -> None:
    cards = "".join(
        f"  - {{id: c{i}, title: Scheda {i}, evaluatee: e, sections: [{{id: s, title: S, items: "
        f"[{{number: 1, title: T, weight: 10}}]}}]}}\n" for i in range(3000))
    text = ("plan: {id: p, ente: E, title: T}\nscales: [{id: s, values: [4, 6, 8, 10]}]\n"
            "evaluatees: [{id: e, name: N}]\ncards:\n" + cards)
    assert len(load_plan_text(text).plan.cards) == 3000


def _imported(module: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name.split(".")[0] == "piano_xlsx"}


def test_the_plan_package_imports_nothing_above_it() -> None:
    # everything reads the plan: it may use itself and the findings, nothing that builds on it (planbook, workbook…);
    # tabular.py (DataFrame columns, for the plan's frames) builds on the findings alone
    package = Path(piano_xlsx.__file__).parent
    allowed = ("piano_xlsx.plan.", "piano_xlsx.findings", "piano_xlsx.errors", "piano_xlsx.italian",
               "piano_xlsx.tabular")
    outside = {str(path.relative_to(package)): sorted(n for n in _imported(path) if not n.startswith(allowed))
               for path in (package / "plan").rglob("*.py")}
    assert {path: names for path, names in outside.items() if names} == {}
    assert {n for n in _imported(package / "tabular.py") if n.startswith("piano_xlsx")} <= {"piano_xlsx.findings"}
    # the plan workbook builds on the loader and never comes back through the file-kind dispatch
    assert not any("piano_xlsx.planfile" in _imported(path) for path in (package / "planbook").rglob("*.py"))
