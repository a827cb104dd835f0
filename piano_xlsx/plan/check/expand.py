"""`check` on the cards made from templates: every check runs on them, each finding is reported where it belongs.

The cards a staff list makes (see plan/templates.py) are appended to the
plan's cards, and the staff to its evaluatees, so that every check sees them
as it sees cards written out. A finding about such a card is then moved to the
place in the plan it comes from — the template, its part weights, the staff
entry, the unit's shared objective — and reported once there, not once per
person.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from piano_xlsx.findings import Finding
from piano_xlsx.plan.check.choices import parse_path
from piano_xlsx.plan.loader import KeyPath, LoadedPlan, format_path
from piano_xlsx.plan.templates import Instance, instantiate

_FROM_MEMBER = {"id": "id", "evaluatee": "id", "sector": "sector", "sheet": "name"}  # card key -> staff key


@dataclass
class Expanded:
    loaded: LoadedPlan  # the plan with the made cards appended and the staff among the evaluatees
    original: LoadedPlan
    instances: list[Instance] = field(default_factory=list)

    @property
    def cards(self) -> int:
        return len(self.original.plan.cards)

    @property
    def evaluatees(self) -> int:
        return len(self.original.plan.evaluatees)

    def origin(self, path: KeyPath) -> KeyPath | None:
        """Where in the plan the key path of an expanded card or evaluatee comes from; None if it is the plan's."""
        if len(path) < 2 or not isinstance(path[1], int):
            return None
        if path[0] == "evaluatees" and path[1] >= self.evaluatees:
            return ("staff", path[1] - self.evaluatees) + path[2:]
        if path[0] != "cards" or path[1] < self.cards:
            return None
        instance = self.instances[path[1] - self.cards]
        rest = path[2:]
        member = ("staff", instance.member)
        template = ("templates", instance.template)
        if not rest:
            return member
        if rest[0] in _FROM_MEMBER:
            return member + (_FROM_MEMBER[str(rest[0])],)
        if rest[0] != "sections" or len(rest) < 2 or not isinstance(rest[1], int):
            return template + rest
        section = instance.sections[rest[1]]
        rest = rest[2:]
        if not rest:
            return section.path
        if rest[0] == "total":
            return section.total
        if rest[0] != "items" or len(rest) < 2 or not isinstance(rest[1], int):
            return section.path + rest
        item = section.items[rest[1]]
        rest = rest[2:]
        if item[0] == "shared_objectives" and rest[:1] == ("ref",):
            return item + ("id",)
        return item + rest

    def translate(self, findings: list[Finding]) -> list[Finding]:
        """Findings moved to their place in the plan; those about a made card reported once per place and code."""
        if not self.instances and not self.original.plan.staff:
            return findings
        out: list[Finding] = []
        seen: set[tuple[str, str]] = set()
        for f in findings:
            path = parse_path(f.where) if f.where else None
            moved = self.origin(path) if path else None
            if moved is None:
                out.append(f)
                continue
            f.where, f.line = format_path(moved), self.original.line(moved)
            if path is not None and path[0] == "cards":  # name the template the person's card comes from
                instance = self.instances[int(path[1]) - self.cards]
                template = self.original.plan.templates[instance.template]
                named = f"«{template.title}» (modello «{template.id}»)"
                f.message = f.message.replace(f"«{instance.card.title}»", named)
            if (f.code, f.where) not in seen:
                seen.add((f.code, f.where))
                out.append(f)
        return out


def expand(loaded: LoadedPlan) -> Expanded:
    plan = loaded.plan
    if not plan.staff:
        return Expanded(loaded, loaded)
    instances = instantiate(plan)
    expanded = plan.model_copy(update={"cards": [*plan.cards, *(i.card for i in instances)],
                                       "evaluatees": [*plan.evaluatees, *plan.staff]})
    return Expanded(LoadedPlan(plan=expanded, source=loaded.source, lines=loaded.lines), loaded, instances)
