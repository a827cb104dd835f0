"""Checks of card templates, the staff list that uses them, and the HR office's exclusions.

The cards a staff list makes are checked like every other card (see
check/expand.py); what is checked here is what only templates and staff have:
templates nobody uses (their references are checked all the same), part
weights naming sections the template lacks or leaving some out, members whose
category the template's part weights do not know, members of a unit without
the shared objectives their template's unit section needs, exclusions of
nobody the plan knows.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from piano_xlsx.findings import Finding, finding
from piano_xlsx.plan.loader import KeyPath
from piano_xlsx.plan.model import CardTemplate
from piano_xlsx.plan.templates import unit_objectives

if TYPE_CHECKING:
    from piano_xlsx.plan.check.context import Context


def check_templates(ctx: Context) -> Iterator[Finding]:
    """Templates unused or repeated; part weights of unknown or missing sections; references of unused templates."""
    plan = ctx.plan
    used = {member.template for member in plan.staff}
    seen: set[str] = set()
    for t, template in enumerate(plan.templates):
        path: KeyPath = ("templates", t)
        if template.id in seen:
            yield finding("PLAN_ID_DUPLICATE", **ctx.at(path + ("id",)), id=template.id,
                          kind="i modelli di scheda (templates)")
        seen.add(template.id)
        sections = [s.id for s in template.sections]
        for category, weights in template.part_weights.items():
            for section_id in weights:
                if section_id not in sections:
                    yield finding("PLAN_REF_UNKNOWN", **ctx.at(path + ("part_weights", category, section_id)),
                                  ref=section_id, kind=f"le sezioni del modello «{template.id}»")
            left = [s for s in sections if s not in weights]
            if left:
                yield finding("PART_WEIGHTS_INCOMPLETE", **ctx.at(path + ("part_weights", category)),
                              category=category, template=template.id, sections=", ".join(left))
        if template.id not in used:
            yield finding("TEMPLATE_UNUSED", **ctx.at(path + ("id",)), template=template.id)
            yield from _references(ctx, path, template)


def _references(ctx: Context, path: KeyPath, template: CardTemplate) -> Iterator[Finding]:
    """References of a template no card is made from (those of a used one are checked on its cards)."""
    plan = ctx.plan
    known = {"scale": ({s.id for s in plan.scales}, "le scale (scales)"),
             "bands": ({b.id for b in plan.bands}, "le fasce (bands)"),
             "rule": ({r.id for r in plan.rules}, "le regole (rules)"),
             "ref": ({o.id for o in plan.shared_objectives}, "gli obiettivi condivisi (shared_objectives)")}
    places: list[tuple[str, str | None, KeyPath]] = [(key, getattr(template, key), path + (key,))
                                                     for key in ("scale", "bands", "rule")]
    for si, section in enumerate(template.sections):
        spath = path + ("sections", si)
        places += [("scale", section.scale, spath + ("scale",)), ("rule", section.rule, spath + ("rule",))]
        for ii, item in enumerate(section.items):
            places += [(key, getattr(item, key), spath + ("items", ii, key)) for key in ("scale", "rule", "ref")]
    for kind, ref, where in places:
        ids, label = known[kind]
        if ref is not None and ref not in ids:
            yield finding("PLAN_REF_UNKNOWN", **ctx.at(where), ref=ref, kind=label)


def check_staff(ctx: Context) -> Iterator[Finding]:
    """Members with an unknown template or category, or in a unit with no objectives for their template."""
    plan = ctx.plan
    templates = {t.id: t for t in reversed(plan.templates)}  # the first of a repeated id counts, as in resolve
    units = unit_objectives(plan)
    for m, member in enumerate(plan.staff):
        path: KeyPath = ("staff", m)
        template = templates.get(member.template)
        if template is None:
            yield finding("PLAN_REF_UNKNOWN", **ctx.at(path + ("template",)), ref=member.template,
                          kind="i modelli di scheda (templates)")
            continue
        if template.part_weights:
            known = ", ".join(template.part_weights)
            if member.category is None:
                yield finding("STAFF_CATEGORY", **ctx.at(path + ("category",)), name=member.name,
                              template=template.id, detail=f"non ne indica una (previste: {known})")
            elif member.category not in template.part_weights:
                yield finding("STAFF_CATEGORY", **ctx.at(path + ("category",)), name=member.name,
                              template=template.id, detail=f"indica «{member.category}» (previste: {known})")
        for section in template.sections:
            if section.unit_objectives and not units.get(member.sector) and not section.items:
                unit = f"l'unità «{member.sector}»" if member.sector else "la persona non indica l'unità (sector) e"
                yield finding("UNIT_OBJECTIVES_MISSING", **ctx.at(path + ("sector",)), name=member.name,
                              section=section.title, unit=unit)


def check_exclusions(ctx: Context) -> Iterator[Finding]:
    """Exclusions of someone the plan does not list, or of the same person twice."""
    known = {e.id for e in ctx.plan.all_evaluatees()}
    seen: set[str] = set()
    for e, exclusion in enumerate(ctx.plan.exclusions):
        path = ("exclusions", e, "evaluatee")
        if exclusion.evaluatee not in known:
            yield finding("PLAN_REF_UNKNOWN", **ctx.at(path), ref=exclusion.evaluatee,
                          kind="i valutati (evaluatees) e il personale (staff)")
        elif exclusion.evaluatee in seen:
            yield finding("PLAN_ID_DUPLICATE", **ctx.at(path), id=exclusion.evaluatee, kind="le esclusioni")
        seen.add(exclusion.evaluatee)
