"""The one catalogue of finding codes: every code the source uses is in it, and (eventually) vice versa."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

import piano_xlsx
from piano_xlsx.findings import CATALOGUE, Severity, finding

PACKAGE = Path(piano_xlsx.__file__).parent
SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "findings.py")

CODES = sorted(CATALOGUE)


def _calls() -> list[tuple[Path, ast.Call]]:
    """Every call to `finding(...)` in the package (as a name or an attribute)."""
    out = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
                if name == "finding":
                    out.append((path, node))
    return out


def _code_of(call: ast.Call) -> str | None:
    arg = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "code"), None)
    return arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None


def _string_constants() -> set[str]:
    out = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                out.add(node.value)
    return out


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_the_source_calls_finding() -> None:
    assert len(_calls()) > 20  # the scan works: it sees the loader's and check's findings


def test_every_code_used_is_in_the_catalogue() -> None:
    unknown = {(path.relative_to(PACKAGE).as_posix(), call.lineno, code)
               for path, call in _calls() if (code := _code_of(call)) is not None and code not in CATALOGUE}
    assert unknown == set()


def test_plan_findings_name_their_code_literally() -> None:
    # so that the test above sees every code of the plan modules
    dynamic = [(path.name, call.lineno) for path, call in _calls()
               if "plan" in path.relative_to(PACKAGE).parts and _code_of(call) is None]
    assert dynamic == []


def test_every_catalogue_code_is_used() -> None:
    used = _string_constants()
    unused = sorted(code for code in CATALOGUE if code not in used)
    assert unused == [], f"catalogue codes used nowhere in the source: {unused}"


def test_plan_codes_are_all_used() -> None:
    """The codes of `check` and of the loader (listed first in the catalogue) are all used already."""
    used = _string_constants()
    plan_codes = list(CATALOGUE)[: list(CATALOGUE).index("PERIOD_MISMATCH") + 1]
    assert "SECTION_TOTAL_MISMATCH" in plan_codes and "FILE_UNREADABLE" not in plan_codes
    assert sorted(c for c in plan_codes if c not in used) == []


@pytest.mark.parametrize("code", CODES)
def test_entry_is_complete(code: str) -> None:
    entry = CATALOGUE[code]
    assert entry.code == code
    assert isinstance(entry.severity, Severity)
    assert entry.meaning.strip()
    assert entry.message.strip() and entry.hint.strip()
    assert entry.message != entry.meaning and entry.hint != entry.meaning  # Italian, not the English meaning
    # {file}, {sheet}, {cell} and {where} are filled from the place; line and severity never are
    assert not {"line", "severity"} & (_fields(entry.message) | _fields(entry.hint)), \
        "a template field named like a non-text argument of finding() can never be filled"


@pytest.mark.parametrize("code", CODES)
def test_templates_format(code: str) -> None:
    entry = CATALOGUE[code]
    details = {name: "x" for name in _fields(entry.message) | _fields(entry.hint)}
    f = finding(code, **details)
    assert "{" not in f.message and "{" not in f.hint
    assert f.severity == entry.severity


def test_plan_findings_fill_every_field_of_their_template() -> None:
    """In piano_xlsx/plan, each finding() call passes every field its message and hint need."""
    missing = []
    for path, call in _calls():
        code = _code_of(call)
        if code is None or code not in CATALOGUE or "plan" not in path.relative_to(PACKAGE).parts:
            continue
        if any(k.arg is None and not isinstance(k.value, ast.Call) for k in call.keywords):
            continue  # **details from a variable: cannot be checked statically
        given = {k.arg for k in call.keywords if k.arg}
        needed = _fields(CATALOGUE[code].message) | _fields(CATALOGUE[code].hint)
        if needed - given:
            missing.append((path.name, call.lineno, code, sorted(needed - given)))
    assert missing == []


def test_every_catalogue_code_is_asserted_by_a_test() -> None:
    """Each code appears in a test module besides this one, or in the hostile cases the tests assert: a code no
    test checks could stop being given unseen (tests/agree.py only names codes to leave them out: not counted)."""
    here = Path(__file__).parent
    tests = [p for p in here.glob("test_*.py") if p.name != Path(__file__).name] + [here / "hostile.py"]
    text = "\n".join(p.read_text(encoding="utf-8") for p in tests)
    assert sorted(code for code in CATALOGUE if code not in text) == []
