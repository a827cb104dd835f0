"""A plan written out as readable YAML: block style, unicode, keys in the model's order, defaults left out."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml

from piano_xlsx.plan.model import Plan


class _Dumper(yaml.SafeDumper):
    """Multi-line texts as literal blocks; lists indented under their key."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> Any:
        return super().increase_indent(flow, False)


WIDTH = 110


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    lines = value.split("\n")
    if len(lines) > 1 and not any(line != line.strip() for line in lines):
        # paragraphs: folded when long, so the file stays readable; literal when short
        style = ">" if any(len(line) > WIDTH - 10 for line in lines) else "|"
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


def _id_first(data: Any) -> Any:
    """Keys in the model's order, except that an element's `id` comes first, as people write it."""
    if isinstance(data, dict):
        ordered = {"id": data["id"]} if "id" in data else {}
        return ordered | {k: _id_first(v) for k, v in data.items() if k != "id"}
    if isinstance(data, list):
        return [_id_first(v) for v in data]
    return data


_Dumper.add_representer(str, _str)


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    """An amount of money as the number it is written as (3912.34), never through a binary float."""
    if value == value.to_integral_value():
        return dumper.represent_scalar("tag:yaml.org,2002:int", str(int(value)))
    return dumper.represent_scalar("tag:yaml.org,2002:float", str(value))


_Dumper.add_representer(Decimal, _decimal)


def plan_yaml(plan: Plan, header: str | None = None) -> str:
    """The plan as YAML text that loads back to the same plan (and the same plan hash)."""
    data = plan.model_dump(mode="python", exclude_defaults=True)
    data.setdefault("plan", {})["version"] = plan.plan.version  # always shown: returned workbooks must match it
    data["plan"] = {key: data["plan"][key] for key in type(plan.plan).model_fields if key in data["plan"]}
    text = yaml.dump(_id_first(data), Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False,
                     width=WIDTH)
    lines = [f"# {line}" if line else "#" for line in (header or "").splitlines()]
    return "\n".join(lines) + ("\n" if lines else "") + text
