"""The JSON Schema of the plan format, generated from the typed model so the two never disagree."""

from __future__ import annotations

from typing import Any

from piano_xlsx.plan.model import Plan

SCHEMA_ID = "https://piano-xlsx.invalid/schema/plan.json"


def plan_json_schema() -> dict[str, Any]:
    schema = Plan.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_ID
    schema["title"] = "piano-xlsx plan"
    return schema
