"""`piano-xlsx check` and `piano-xlsx schema` through click's runner: exit status, places, JSON shape."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from click.testing import CliRunner, Result

from piano_xlsx.cli import cli

EXAMPLE = (resources.files("piano_xlsx") / "data" / "esempio.yaml").read_text(encoding="utf-8")
FINDING_KEYS = {"code", "severity", "message", "hint", "file", "sheet", "cell", "where"}


def run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def write(tmp_path: Path, text: str, name: str = "piano.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def changed(old: str, new: str) -> tuple[str, int]:
    """The example plan with the first `old` replaced by `new`, and the line of the change."""
    assert old in EXAMPLE
    line = EXAMPLE[: EXAMPLE.index(old)].count("\n") + 1
    return EXAMPLE.replace(old, new, 1), line


def json_findings(tmp_path: Path, text: str) -> tuple[int, list[dict[str, Any]]]:
    result = run("check", write(tmp_path, text), "--json", "-")
    return result.exit_code, json.loads(result.stdout)["findings"]


def test_example_exits_0(tmp_path: Path) -> None:
    result = run("check", write(tmp_path, EXAMPLE))
    assert result.exit_code == 0
    assert "0 errori" in result.output


@pytest.mark.parametrize("old, new, code, where", [
    # the other cards weigh this shared objective 10: that is the weight to correct
    ("{ref: trasparenza, weight: 10}", "{ref: trasparenza, weight: 15}", "SECTION_TOTAL_MISMATCH",
     "cards[0].sections[0].items[0].weight"),
    ("number: 3", "number: 2", "NUMBER_DUPLICATE", "cards[0].sections[1].items[2].number"),
    ("min: 50, min_inclusive: false", "min: 45, min_inclusive: false", "BAND_OVERLAP", "bands[0].bands[2].min"),
    ("level: ELEVATA", "level: ALTISSIMA", "LEVEL_UNKNOWN", "cards[1].sections[1].items[0].level"),
])
def test_one_change_exits_1_pointing_at_it(tmp_path: Path, old: str, new: str, code: str, where: str) -> None:
    text, line = changed(old, new)
    status, findings = json_findings(tmp_path, text)
    assert status == 1
    errors = [f for f in findings if f["severity"] == "error"]
    assert [(f["code"], f["where"], f["line"]) for f in errors] == [(code, where, line)]


def test_error_printed_with_its_place(tmp_path: Path) -> None:
    text, line = changed("level: ELEVATA", "level: ALTISSIMA")
    result = run("check", write(tmp_path, text))
    assert result.exit_code == 1
    assert f"LEVEL_UNKNOWN [cards[1].sections[1].items[0].level (riga {line})]" in result.output
    assert "1 errore, 0 avvisi" in result.output


@pytest.mark.parametrize("old, new", [
    ("  ente: Comune di Esempio", " ente: Comune di Esempio"),
    ('      - {label: "Da 41 a 50"', '      - {label: "Da 41 a 50'),
    ("            weight: 30\n", "            weight: 30\n\t"),
])
def test_malformed_yaml_exits_2_with_the_line(tmp_path: Path, old: str, new: str) -> None:
    text, line = changed(old, new)
    result = run("check", write(tmp_path, text))
    assert result.exit_code == 2
    assert "PLAN_YAML" in result.output
    assert "riga" in result.output


def test_malformed_yaml_names_the_right_line(tmp_path: Path) -> None:
    text, line = changed("  ente: Comune di Esempio", " ente: Comune di Esempio")
    result = run("check", write(tmp_path, text))
    assert result.exit_code == 2
    assert f"riga {line}" in result.output


def test_schema_error_exits_2_with_path_and_line(tmp_path: Path) -> None:
    text, line = changed("    total: 100\n", "    total: cento\n")
    result = run("check", write(tmp_path, text))
    assert result.exit_code == 2
    assert f"PLAN_SCHEMA [cards[0].total (riga {line})]" in result.output


def test_missing_plan_exits_2(tmp_path: Path) -> None:
    result = run("check", str(tmp_path / "non-esiste.yaml"))
    assert result.exit_code == 2
    assert "PLAN_UNREADABLE" in result.output


def test_json_to_stdout_shape(tmp_path: Path) -> None:
    text, _ = changed("number: 3", "number: 5")
    result = run("check", write(tmp_path, text), "--json", "-")
    assert result.exit_code == 0  # a gap is a warning
    data = json.loads(result.stdout)
    assert set(data) == {"findings"}
    assert data["findings"], "a numbering gap must be reported"
    for f in data["findings"]:
        assert FINDING_KEYS <= set(f)
        assert f["severity"] in {"error", "warning", "info"}
        assert f["file"] is None and f["sheet"] is None and f["cell"] is None
        assert isinstance(f["where"], str) and isinstance(f["line"], int)
    assert [f["code"] for f in data["findings"]] == ["NUMBER_GAP"]


def test_json_of_a_clean_plan_is_an_empty_list(tmp_path: Path) -> None:
    result = run("check", write(tmp_path, EXAMPLE), "--json", "-")
    assert json.loads(result.stdout) == {"findings": []}


def test_json_to_file(tmp_path: Path) -> None:
    text, _ = changed("weight: 30", "weight: 35")
    out = tmp_path / "out" / "findings.json"
    result = run("check", write(tmp_path, text), "--json", str(out))
    assert result.exit_code == 1
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [f["code"] for f in data["findings"]] == ["SECTION_TOTAL_MISMATCH"]
    assert "SECTION_TOTAL_MISMATCH" in result.output  # the report is printed as well


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def test_schema_validates_the_example() -> None:
    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    plan = _jsonable(yaml.safe_load(EXAMPLE))
    jsonschema.validate(plan, schema, cls=jsonschema.Draft202012Validator)


def test_schema_rejects_an_unknown_key() -> None:
    schema = json.loads(run("schema").stdout)
    plan = _jsonable(yaml.safe_load(EXAMPLE))
    plan["cards"][0]["colore"] = "rosso"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(plan, schema, cls=jsonschema.Draft202012Validator)


def test_schema_to_file(tmp_path: Path) -> None:
    out = tmp_path / "piano.schema.json"
    assert run("schema", "-o", str(out)).exit_code == 0
    assert json.loads(out.read_text(encoding="utf-8"))["title"] == "piano-xlsx plan"


def test_severity_shows_only_what_is_asked(tmp_path: Path) -> None:
    """A real plan prints many warnings; --severity errore shows the errors only, the summary still counts all."""
    text, _ = changed("weight: 30", "weight: 35")
    plan = write(tmp_path, text.replace("number: 3", "number: 5", 1))  # one error, one warning
    everything = run("check", plan)
    errors = run("check", plan, "--severity", "errore")
    english = run("check", plan, "--severity", "error", "--json", str(tmp_path / "tutti.json"))
    assert everything.exit_code == errors.exit_code == english.exit_code == 1
    assert "AVVISO NUMBER_GAP" in everything.output and "ERRORE SECTION_TOTAL_MISMATCH" in everything.output
    assert "NUMBER_GAP" not in errors.output and "ERRORE SECTION_TOTAL_MISMATCH" in errors.output
    assert errors.output.rstrip().endswith("1 errore, 1 avviso, 0 info (mostrati solo gli errori)")
    assert english.output == errors.output
    saved = json.loads((tmp_path / "tutti.json").read_text(encoding="utf-8"))["findings"]
    assert sorted(f["code"] for f in saved) == ["NUMBER_GAP", "SECTION_TOTAL_MISMATCH"]  # JSON keeps them all
    assert run("check", plan, "--severity", "grave").exit_code == 2
