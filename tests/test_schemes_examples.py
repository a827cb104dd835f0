"""The three example plans of examples/ (each from public schemes, cited in its `source`), end to end.

Each: check without errors; generated (one signed workbook per card); filled as an office would; saved by the
real LibreOffice; collected without errors; audited with every formula as issued and the plan's model agreeing
with the independent engine; YAML -> plan workbook -> YAML with the same plan hash. Then the HR office adds an
exclusion after the workbooks went out: the plan hash does not change, and the excluded person shows as such,
with the reason and the source, in the report, the JSON and the console, in a plan with bands (percentages)
and in one without (points).
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import openpyxl
import pytest
import yaml
from click.testing import CliRunner
from support import ROOT, fill_workbook, libreoffice_convert

from piano_xlsx.audit import audit_file
from piano_xlsx.cli import cli
from piano_xlsx.collect import collect
from piano_xlsx.findings import Severity
from piano_xlsx.generate import generate, plan_layouts
from piano_xlsx.plan.check import check_plan
from piano_xlsx.plan.loader import load_plan, load_plan_text
from piano_xlsx.plan.resolve import ACHIEVED, GATE_PASSED
from piano_xlsx.planbook import export_plan, read_plan_workbook
from piano_xlsx.signing import load_private_key, load_public_key
from piano_xlsx.workbook.computation import values_equal
from piano_xlsx.workbook.layout import CardLayout

EXAMPLES = {name: ROOT / "examples" / f"piano-{name}.yaml" for name in ("percentuali", "punti", "personale")}
EXCLUDED = {"percentuali": "verdi", "punti": "resp-settore-2"}  # a plan with bands, and one without
EXCLUSION = {"reason": "sanzione disciplinare superiore al rimprovero scritto",
             "source": {"document": "Determinazione dell'Ufficio Personale n. 45 del 12/03/2026 (dato di prova)"}}


def a_score(layout: CardLayout, index: int, rng: random.Random) -> object:
    """What an evaluator gives: a value the item admits."""
    item = layout.items[index].item
    if item.gate:
        return GATE_PASSED
    scale = item.scale
    if scale.kind == "percent":
        return rng.choice([0.45, 0.6, 0.75, 0.9, 1.0] + ([0.855] if scale.decimals else []))
    if scale.kind == "points":
        return round(item.weight * rng.choice([0, 0.5, 0.8, 1]), 1)
    if scale.kind == "achieved":
        return ACHIEVED
    return rng.choice(scale.numbers())


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, keys: tuple[Path, Path]) -> dict[str, dict[str, object]]:
    """Every example generated, filled and saved by LibreOffice (one LibreOffice run for all the files)."""
    out: dict[str, dict[str, object]] = {}
    filled: list[Path] = []
    for name, plan in EXAMPLES.items():
        tmp = tmp_path_factory.mktemp(name)
        loaded = load_plan(plan)
        layouts = plan_layouts(loaded)
        issued = generate(loaded, tmp / "issued", private_key=load_private_key(keys[0]), per_sector=True,
                          jobs=1).files
        rng = random.Random(name)
        scores = {lay.card.id: {lay.items[i].item.id: a_score(lay, i, rng) for i in range(len(lay.items))}
                  for lay in layouts}
        mine = [fill_workbook(path, tmp / "filled" / path.name, layouts, scores)
                for path in issued if (tmp / "filled").mkdir(exist_ok=True) or True]
        filled += mine
        out[name] = {"plan": plan, "loaded": loaded, "layouts": layouts, "issued": issued, "tmp": tmp,
                     "filled": mine}
    saved = libreoffice_convert(filled, tmp_path_factory.mktemp("saved"))
    for run in out.values():
        run["returned"] = [saved[filled.index(p)] for p in run["filled"]]  # type: ignore[attr-defined]
    return out


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_example_cites_its_source_and_checks_without_errors(name: str) -> None:
    loaded = load_plan(EXAMPLES[name])
    source = loaded.plan.plan.source
    assert source is not None and source.document and source.reference and source.quote
    assert [f for f in check_plan(loaded) if f.severity == Severity.ERROR] == []


def test_the_staff_example_makes_a_card_per_person_weighted_by_category(runs: dict[str, dict[str, object]]) -> None:
    run = runs["personale"]
    loaded, layouts = run["loaded"], run["layouts"]
    staff = loaded.plan.staff  # type: ignore[attr-defined]
    assert len(layouts) == len(staff) >= 30  # type: ignore[arg-type]
    assert len({m.sector for m in staff}) == 4
    parts = loaded.plan.templates[0].part_weights  # type: ignore[attr-defined]
    for layout, member in zip(layouts, staff, strict=True):  # type: ignore[call-overload]
        card = layout.card
        assert card.evaluatee.name == member.name and card.template == "personale"
        assert {s.id: s.total for s in card.sections} == parts[member.category]
        unit = [i.ref for i in card.sections[1].items]
        assert unit and all(o.sector == member.sector for o in loaded.plan.shared_objectives if o.id in unit)
        assert member.name.split()[0].lower() in Path(run["issued"][layouts.index(layout)]).name  # type: ignore
    sheets = [lay.sheet for lay in layouts]  # type: ignore[attr-defined]
    assert len(set(sheets)) == len(sheets) and all(len(s) <= 31 for s in sheets)
    assert "Rossi Marco" in sheets and "Rossi Marco (0135)" in sheets


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_returns_collect_without_errors(name: str, runs: dict[str, dict[str, object]], keys: tuple[Path, Path]
                                        ) -> None:
    run = runs[name]
    result = collect(run["loaded"], run["returned"], public_key=load_public_key(keys[1]), jobs=1)  # type: ignore
    assert [(f.code, f.file, f.cell) for f in result.findings if f.severity == Severity.ERROR] == []
    assert {s.status for s in result.consolidated.statuses} == {"clean"}
    assert not [f for f in result.findings if f.code in ("CACHED_MISMATCH", "NO_CACHED_VALUES")]


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_returns_audit_as_issued_and_the_model_agrees(name: str, runs: dict[str, dict[str, object]],
                                                     keys: tuple[Path, Path]) -> None:
    run = runs[name]
    for path in run["returned"][:4]:  # type: ignore[index]
        audit = audit_file(path, public_key=load_public_key(keys[1]), loaded=run["loaded"],  # type: ignore[arg-type]
                           layouts=run["layouts"])  # type: ignore[arg-type]
        assert audit.signature == "valid"
        assert [f.code for f in audit.findings if f.severity == Severity.ERROR] == []
        # LibreOffice always drops the workbook's structure protection when it saves (audit warns of it)
        assert {f.code for f in audit.findings if f.severity == Severity.WARNING} <= {"PROTECTION_REMOVED"}
        assert audit.formulas and all(r.status == "ok" for r in audit.formulas)
        assert all(values_equal(r.cached, r.recomputed) for r in audit.formulas)
        assert all(values_equal(r.model, r.expected) for r in audit.formulas if r.model is not None)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_the_plan_workbook_keeps_every_key_and_the_hash(name: str, tmp_path: Path) -> None:
    loaded = load_plan(EXAMPLES[name])
    back = read_plan_workbook(export_plan(loaded, tmp_path / "piano.xlsx"))
    assert back.hash == loaded.hash
    assert back.plan.model_dump(exclude_defaults=True) == loaded.plan.model_dump(exclude_defaults=True)


def _with_exclusion(name: str, tmp_path: Path) -> Path:
    data = yaml.safe_load(EXAMPLES[name].read_text(encoding="utf-8"))
    data["exclusions"] = [{"evaluatee": EXCLUDED[name], **EXCLUSION}]
    path = tmp_path / f"{name}-con-esclusione.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(EXCLUDED))
def test_an_exclusion_added_later_shows_everywhere(name: str, runs: dict[str, dict[str, object]],
                                                   keys: tuple[Path, Path], tmp_path: Path) -> None:
    run = runs[name]
    plan = _with_exclusion(name, tmp_path)
    assert load_plan(plan).hash == run["loaded"].hash  # type: ignore[attr-defined]  # the returns stay valid
    done = CliRunner().invoke(cli, ["collect", str(plan), *map(str, run["returned"]),  # type: ignore[call-overload]
                                    "-o", str(tmp_path / "r.xlsx"), "--json", str(tmp_path / "r.json"),
                                    "--public-key", str(keys[1])])
    assert done.exit_code == 0, done.output
    layout = next(lay for lay in run["layouts"] if lay.card.card.evaluatee == EXCLUDED[name])  # type: ignore
    person = layout.card.evaluatee.name
    source = EXCLUSION["source"]["document"]  # type: ignore[index]
    # console
    assert f"Escluso dal premio: {person} (scheda {layout.card.id}) — {EXCLUSION['reason']} (fonte: {source})" \
        in done.output
    assert "escluse dal premio: 1" in done.output
    # JSON
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    card = next(c for c in data["cards"] if c["card"] == layout.card.id)
    assert card["excluded"] is True and card["exclusion_reason"] == EXCLUSION["reason"]
    assert card["exclusion_source"] == source and card["status"] == "excluded"
    assert all(c["excluded"] is False for c in data["cards"] if c["card"] != layout.card.id)
    assert data["excluded"] == [{"card": layout.card.id, "evaluatee": person, "reason": EXCLUSION["reason"],
                                 "source": source, "returned": True}]
    has_bands = bool(layout.card.bands)
    assert has_bands == (name == "percentuali")
    assert card["band"] == ("Escluso dal premio" if has_bands else None)
    assert card["total"] is not None  # still evaluated: the total stays
    # report
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    rows = [dict(zip([c.value for c in wb["Riepilogo"][3]], [c.value for c in row], strict=False))
            for row in wb["Riepilogo"].iter_rows(min_row=4)]
    row = next(r for r in rows if r["Scheda"] == layout.card.card.title)
    assert row["Stato"].startswith("Esclusa dal premio: " + EXCLUSION["reason"]) and source in row["Stato"]
    notes = [(r[0].value, r[1].value) for r in wb["Note"].iter_rows(min_row=4)]
    assert (f"Escluso dal premio: {person}", f"{EXCLUSION['reason']} (fonte: {source})") in notes
    assert any(r[1].value == "EVALUATEE_EXCLUDED" for r in wb["Anomalie"].iter_rows(min_row=4))


def test_the_report_notes_the_rules_and_their_sources(runs: dict[str, dict[str, object]], keys: tuple[Path, Path],
                                                      tmp_path: Path) -> None:
    run = runs["percentuali"]
    done = CliRunner().invoke(cli, ["collect", str(run["plan"]), *map(str, run["returned"]),  # type: ignore
                                    "-o", str(tmp_path / "r.xlsx"), "--public-key", str(keys[1])])
    assert done.exit_code == 0, done.output
    notes = {r[0].value: r[1].value for r in openpyxl.load_workbook(tmp_path / "r.xlsx")["Note"].iter_rows(min_row=4)}
    assert "art. 9, comma 1" in notes["Piano"]
    rule = next(text for topic, text in notes.items() if topic.startswith("Sotto il 60%"))
    assert "sotto 60%: nessun punto" in rule and "Dati relativi ai premi" in rule
    assert "Maggiore o uguale al 90%" in notes["Fasce «classi»"]


def test_the_docs_plans_are_valid_and_small(tmp_path: Path) -> None:
    """The examples in docs/plan-format.md's scheme sections load, check without errors, and generate."""
    import re

    text = (ROOT / "docs" / "plan-format.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text.split("## Schemi di valutazione", 1)[1], re.S)
    assert len(blocks) == 7
    for index, block in enumerate(blocks):
        loaded = load_plan_text(block)
        generate(loaded, tmp_path / str(index), jobs=1)


def test_the_web_app_shows_an_excluded_card_as_back_with_the_reason(runs: dict[str, dict[str, object]],
                                                                    keys: tuple[Path, Path], tmp_path: Path) -> None:
    from piano_xlsx.web.statuses import RETURNED, card_statuses

    run = runs["punti"]
    loaded = load_plan(_with_exclusion("punti", tmp_path))
    result = collect(loaded, run["returned"], public_key=load_public_key(keys[1]), jobs=1)  # type: ignore[arg-type]
    shown = card_statuses(result, set())
    card = next(lay.card.id for lay in run["layouts"] if lay.card.card.evaluatee == EXCLUDED["punti"])  # type: ignore
    assert shown[card].kind == RETURNED and EXCLUSION["reason"] in shown[card].label


def test_an_exclusion_reaches_the_payouts_and_an_hr_exclusion_reaches_the_card(tmp_path: Path) -> None:
    """The two ways the HR office excludes someone agree: `exclusions` (with a source) and the `excluded` reason
    of an HR record (`hr`, which the payouts read) both exclude from the money and mark the card."""
    from support import EXAMPLE_PLAN, full_scores, generate_plan

    data = yaml.safe_load(EXAMPLE_PLAN.read_text(encoding="utf-8"))
    data["exclusions"] = [{"evaluatee": "rossi", **EXCLUSION}]
    assert any(r["evaluatee"] == "verdi" for r in data["hr"])  # the example plan has HR data for verdi
    data["hr"] = [dict(r, excluded="giorni di servizio insufficienti") if r["evaluatee"] == "verdi" else r
                  for r in data["hr"]]
    plan = tmp_path / "piano.yaml"
    plan.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    loaded, issued = generate_plan(plan, tmp_path / "issued", per_sector=True)
    layouts = plan_layouts(loaded)
    filled = [fill_workbook(p, tmp_path / "filled" / p.name, layouts, full_scores(layouts, 8))
              for p in issued if (tmp_path / "filled").mkdir(exist_ok=True) or True]
    result = collect(loaded, filled, isolate=False)
    status = {s.card_id: s for s in result.consolidated.statuses}
    by_evaluatee = {lay.card.card.evaluatee: lay.card.id for lay in layouts}
    assert status[by_evaluatee["rossi"]].status == "excluded"
    assert status[by_evaluatee["verdi"]].status == "excluded"
    assert "giorni di servizio insufficienti" in status[by_evaluatee["verdi"]].text
    payments = [p for outcome in result.premi.results for p in outcome.payments]
    excluded = {p.person.evaluatee: p.excluded for p in payments if p.excluded}
    assert excluded.get("rossi") == EXCLUSION["reason"]
    assert excluded.get("verdi") == "giorni di servizio insufficienti"
    assert all(str(p.amount) == "0.00" for p in payments if p.person.evaluatee in ("rossi", "verdi"))
