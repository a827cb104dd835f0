"""Read a YAML plan into the typed model, with line numbers for every key.

Plan workbooks are read by `planbook`, which builds on `validate` here; `piano_xlsx.planfile` opens either kind.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from piano_xlsx.errors import UserError
from piano_xlsx.findings import Finding, finding
from piano_xlsx.italian import os_reason
from piano_xlsx.plan.model import Plan
from piano_xlsx.plan.yaml_italian import italian_problem

try:  # the C loader is several times faster; both build the same nodes
    _Loader: type[yaml.CSafeLoader | yaml.SafeLoader] = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

KeyPath = tuple[str | int, ...]
MONEY_KEYS = ("payouts", "funds", "hr")  # kept out of the plan hash


class PlanError(UserError):
    """The plan cannot be used at all; `findings` says why and where."""

    def __init__(self, findings: list[Finding]):
        super().__init__("; ".join(f.message for f in findings))
        self.findings = findings


@dataclass
class LoadedPlan:
    plan: Plan
    source: str
    lines: dict[KeyPath, int] = field(default_factory=dict)
    notes: list[Finding] = field(default_factory=list)  # what reading noticed without refusing (a column ignored)

    def locate(self, f: Finding) -> Finding:
        """`f` placed as the plan's reader places it: a YAML plan's findings already carry key path and line."""
        return f

    def line(self, path: KeyPath) -> int | None:
        return line_of(self.lines, path)

    @functools.cached_property
    def hash(self) -> str:
        """The plan hash, computed once: it serialises the whole plan, and a loaded plan is not changed afterwards."""
        return plan_hash(self.plan)


def line_of(lines: dict[KeyPath, int], path: KeyPath) -> int | None:
    """The line of `path`, or of its nearest ancestor that has one."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get(())


def format_path(path: KeyPath) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def plan_hash(plan: Plan) -> str:
    """SHA-256 of the plan's canonical JSON: the same plan gives the same hash whatever its source form.

    Money (payouts, funds) and HR data never reach the workbooks and are settled after they went out (a fund is
    certified, a person's days are known at year end, the HR office excludes someone), so they stay out of the
    hash: recording them after the workbooks went out does not make the returns another plan's.
    """
    data = plan.model_dump(mode="json", exclude_defaults=True)
    for key in (*MONEY_KEYS, "exclusions"):
        data.pop(key, None)
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


MAX_ALIASED = 200_000  # values reached again through aliases (&/*); an alias bomb reaches billions


class _Budget:
    def __init__(self) -> None:
        self.left = MAX_ALIASED
        self.active: set[int] = set()
        self.seen: set[int] = set()


def _to_python(node: yaml.Node, path: KeyPath, lines: dict[KeyPath, int], budget: _Budget | None = None) -> Any:
    """Turn a composed YAML node into plain data, recording the line of every key path.

    Aliases are expanded, within a budget: a self-referencing alias or an alias bomb is refused.
    """
    budget = budget or _Budget()
    if id(node) in budget.seen:  # only values repeated by aliases count: a large plan written out is fine
        budget.left -= 1
    budget.seen.add(id(node))
    if budget.left < 0:
        raise PlanError([finding("PLAN_YAML", line=node.start_mark.line + 1,
                                 detail="troppi valori: alias (&/*) ripetuti oltre misura")])
    if id(node) in budget.active:
        raise PlanError([finding("PLAN_YAML", line=node.start_mark.line + 1,
                                 detail=f"alias che richiama se stesso (riga {node.start_mark.line + 1})")])
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _Loader("").construct_scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if key is None:
                raise PlanError([finding("PLAN_YAML", line=key_node.start_mark.line + 1,
                                         detail=f"chiave non valida alla riga {key_node.start_mark.line + 1}")])
            key = str(key)
            if key in out:
                line = key_node.start_mark.line + 1
                raise PlanError([finding("PLAN_YAML", where=format_path(path + (key,)), line=line,
                                         detail=f"chiave «{key}» ripetuta alla riga {line}")])
            budget.active.add(id(node))
            out[key] = _to_python(value_node, path + (key,), lines, budget)
            budget.active.discard(id(node))
            lines[path + (key,)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        budget.active.add(id(node))
        items = [_to_python(child, path + (i,), lines, budget) for i, child in enumerate(node.value)]
        budget.active.discard(id(node))
        return items
    loader = _Loader("")
    return loader.construct_object(node, deep=True)


def parse_yaml(text: str) -> tuple[Any, dict[KeyPath, int]]:
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        # an unclosed quote or bracket is reported at the end of the file: its opening (context) is more useful
        at_end = "end of stream" in (exc.problem or "")
        mark = (exc.context_mark if at_end else None) or exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise PlanError([finding("PLAN_YAML", line=line,
                                 detail=f"{italian_problem(exc.problem or exc.context)} (riga {line})")]) from None
    except yaml.YAMLError as exc:
        raise PlanError([finding("PLAN_YAML", detail=italian_problem(str(exc)))]) from None
    lines: dict[KeyPath, int] = {}
    data = _to_python(node, (), lines) if node is not None else None
    return data, lines


def validate(data: Any, source: str, lines: dict[KeyPath, int] | None = None) -> LoadedPlan:
    """Validate plain data as a Plan; every schema error becomes a finding with key path and line."""
    lines = lines or {}
    if not isinstance(data, dict):
        raise PlanError([finding("PLAN_SCHEMA", path="(radice)", where="", line=1,
                                 detail="il piano deve essere una mappa di chiavi (plan, scales, cards, …)")])
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        findings = []
        seen: set[tuple[str, str]] = set()
        for err in exc.errors():
            path = tuple(p for p in err["loc"] if not (isinstance(p, str) and _is_union_tag(p)))
            where, detail = format_path(path), _italian_error(err)
            kind = "type" if err["type"].endswith(("_parsing", "_type")) else detail
            if (where, kind) in seen:  # one error per key, not one per branch of `int | float`
                continue
            seen.add((where, kind))
            findings.append(finding("PLAN_SCHEMA", path=where, where=where, line=line_of(lines, path), detail=detail))
        raise PlanError(findings) from None
    return LoadedPlan(plan=plan, source=source, lines=lines)


def _is_union_tag(part: str) -> bool:
    # pydantic names union branches in error locations ("ScaleValue", "int", "float"): not keys of the plan
    return part[:1].isupper() or part in {"int", "float", "str", "bool", "list[str]", "constrained-int"}


_ERROR_TEXT = {
    "missing": "chiave obbligatoria mancante",
    "extra_forbidden": "chiave non prevista",
    "string_type": "atteso un testo",
    "int_parsing": "atteso un numero intero",
    "int_type": "atteso un numero intero",
    "float_parsing": "atteso un numero",
    "float_type": "atteso un numero",
    "bool_parsing": "atteso vero/falso (true/false)",
    "list_type": "attesa una lista",
    "dict_type": "attesa una mappa di chiavi",
    "literal_error": "valore non ammesso",
    "too_short": "la lista non può essere vuota",
    "date_from_datetime_parsing": "attesa una data AAAA-MM-GG",
    "date_parsing": "attesa una data AAAA-MM-GG",
    "date_type": "attesa una data AAAA-MM-GG",
}


def _italian_error(err: ErrorDetails) -> str:
    text = _ERROR_TEXT.get(err["type"], err["msg"])
    if err["type"] == "literal_error":
        text += f" ({err.get('ctx', {}).get('expected', '')})"
    if err["type"] != "missing" and "input" in err and not isinstance(err["input"], (dict, list)):
        text += f"; trovato «{err['input']}»"
    return text


WORKBOOK_SIGNATURE = b"PK\x03\x04"  # a zip container: a plan workbook (.xlsx), not YAML


def is_workbook(path: Path) -> bool:
    """Whether `path` holds a workbook rather than YAML (False when it cannot be read: load_plan says why)."""
    try:
        with path.open("rb") as file:
            return file.read(len(WORKBOOK_SIGNATURE)) == WORKBOOK_SIGNATURE
    except OSError:
        return False


def load_plan(path: str | Path) -> LoadedPlan:
    """Load a YAML plan; a plan workbook is read by `planbook` (`piano_xlsx.planfile` opens either kind)."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PlanError([finding("PLAN_UNREADABLE", detail=f"{path}: {os_reason(exc)}")]) from None
    if raw.startswith(WORKBOOK_SIGNATURE):
        raise PlanError([finding("PLAN_UNREADABLE", detail=f"{path}: è una cartella di lavoro, non un piano YAML")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PlanError([finding("PLAN_UNREADABLE", detail=f"{path}: il file non è testo UTF-8")]) from None
    data, lines = parse_yaml(text)
    return validate(data, str(path), lines)


def load_plan_text(text: str, source: str = "<testo>") -> LoadedPlan:
    data, lines = parse_yaml(text)
    return validate(data, source, lines)
