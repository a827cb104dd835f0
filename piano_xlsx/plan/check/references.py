"""References that name nothing, ids used twice, shared objectives no card uses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from piano_xlsx.findings import Finding, finding
from piano_xlsx.plan.check.context import Context
from piano_xlsx.plan.loader import KeyPath


def check_references(ctx: Context) -> Iterator[Finding]:
    """References that name nothing defined (PLAN_REF_UNKNOWN)."""
    plan = ctx.plan
    kinds = {
        "scale": ({s.id for s in plan.scales}, "le scale (scales)"),
        "bands": ({b.id for b in plan.bands}, "le fasce (bands)"),
        "sector": ({s.id for s in plan.sectors}, "i settori (sectors)"),
        "evaluatee": ({e.id for e in plan.evaluatees}, "i valutati (evaluatees)"),
        "ref": (set(ctx.shared), "gli obiettivi condivisi (shared_objectives)"),
    }

    def unknown(kind: str, ref: str | None, path: KeyPath) -> Iterator[Finding]:
        known, label = kinds[kind]
        if ref is not None and ref not in known:
            yield finding("PLAN_REF_UNKNOWN", **ctx.at(path), ref=ref, kind=label)

    yield from unknown("scale", plan.default_scale, ("default_scale",))
    yield from unknown("bands", plan.default_bands, ("default_bands",))
    for ei, evaluatee in enumerate(plan.evaluatees):
        yield from unknown("sector", evaluatee.sector, ("evaluatees", ei, "sector"))
    for ci, card in enumerate(plan.cards):
        for key in ("evaluatee", "sector", "scale", "bands"):
            yield from unknown(key, getattr(card, key), ("cards", ci, key))
    for path, _, _, _, item in ctx.items():
        yield from unknown("ref", item.ref, path + ("ref",))


def check_duplicate_ids(ctx: Context) -> Iterator[Finding]:
    """Ids used twice among elements of one kind (PLAN_ID_DUPLICATE), at the later one."""
    plan = ctx.plan
    groups: list[tuple[str, KeyPath, list[Any]]] = [
        ("le scale (scales)", ("scales",), plan.scales),
        ("le fasce (bands)", ("bands",), plan.bands),
        ("i settori (sectors)", ("sectors",), plan.sectors),
        ("i valutati (evaluatees)", ("evaluatees",), plan.evaluatees),
        ("gli obiettivi condivisi (shared_objectives)", ("shared_objectives",), plan.shared_objectives),
        ("le schede (cards)", ("cards",), plan.cards),
    ]
    for ci, card in enumerate(plan.cards):
        groups.append((f"le sezioni della scheda «{card.title}»", ("cards", ci, "sections"), card.sections))
    for kind, base, elements in groups:
        seen: set[str] = set()
        for index, element in enumerate(elements):
            if element.id in seen:
                yield finding("PLAN_ID_DUPLICATE", **ctx.at(base + (index, "id")), id=element.id, kind=kind)
            seen.add(element.id)
    # the same shared objective twice on one card would give two items the same id
    refs: set[tuple[int, str]] = set()  # (card index, ref): one pass over all items, not one per card
    for path, ci, card, _, item in ctx.items():
        if item.ref is None:
            continue
        if (ci, item.ref) in refs:
            yield finding("PLAN_ID_DUPLICATE", **ctx.at(path + ("ref",)), id=item.ref,
                          kind=f"gli obiettivi condivisi della scheda «{card.title}»")
        refs.add((ci, item.ref))


def check_shared_unused(ctx: Context) -> Iterator[Finding]:
    """Shared objectives that no card uses (SHARED_UNUSED)."""
    used = {item.ref for _, _, _, _, item in ctx.items() if item.ref}
    for index, objective in enumerate(ctx.plan.shared_objectives):
        if objective.id not in used:
            yield finding("SHARED_UNUSED", **ctx.at(("shared_objectives", index, "id")), ref=objective.id)

