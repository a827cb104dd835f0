"""The choices the plan's author recorded where the source document is ambiguous."""

from __future__ import annotations

import re
from collections.abc import Iterator

from piano_xlsx.findings import Finding, finding
from piano_xlsx.plan.check.context import Context
from piano_xlsx.plan.loader import KeyPath

_PATH_TOKEN = re.compile(r"\.?([A-Za-z_][\w-]*)|\[(\d+)\]")


def parse_path(text: str) -> KeyPath | None:
    """'cards[0].sections[1]' → ('cards', 0, 'sections', 1); None when it is not a key path."""
    parts: list[str | int] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        match = _PATH_TOKEN.match(text, pos)
        if not match or (pos == 0 and text.startswith(".")):
            return None
        parts.append(match.group(1) if match.group(1) is not None else int(match.group(2)))
        pos = match.end()
    return tuple(parts) or None


def check_choices(ctx: Context) -> Iterator[Finding]:
    """Every choice the author recorded is reported as an ambiguity of the source (PLAN_CHOICE)."""
    for index, choice in enumerate(ctx.plan.choices):
        path = parse_path(choice.where)
        line = ctx.loaded.line(path) if path and path[:1] in ctx.loaded.lines else None
        yield finding("PLAN_CHOICE", where=choice.where, line=line or ctx.loaded.line(("choices", index)),
                      text=choice.text)

