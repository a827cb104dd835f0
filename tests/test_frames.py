"""The DataFrames hold exactly what `collect --json` and `audit --json` say, with the declared dtypes.

Built from the bundled demo, whose returns LibreOffice recalculates and saves (so cached values are there to
compare) and which holds every status a card can have but «non leggibile».
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner
from support import EXAMPLE_PLAN, ROOT, soffice

from piano_xlsx.audit import audit
from piano_xlsx.audit.frames import AUDIT_FILE_COLUMNS, FORMULA_COLUMNS
from piano_xlsx.cli import cli
from piano_xlsx.collect import collect
from piano_xlsx.collect import status as st
from piano_xlsx.collect.exclusions import EXCLUDED_BAND
from piano_xlsx.collect.frames import CARD_COLUMNS, FILE_COLUMNS, ITEM_COLUMNS, PAYMENT_COLUMNS
from piano_xlsx.demo import run_demo
from piano_xlsx.frames import (
    cards_frame,
    files_frame,
    findings_frame,
    formulas_frame,
    items_frame,
    payments_frame,
    plan_cards_frame,
    plan_items_frame,
)
from piano_xlsx.plan.frames import PLAN_CARD_COLUMNS, PLAN_ITEM_COLUMNS
from piano_xlsx.plan.loader import load_plan
from piano_xlsx.signing import load_public_key
from piano_xlsx.tabular import FINDING_COLUMNS, MONEY, Column, frame, to_rows
from piano_xlsx.workbook.computation import BAND_EXCLUDED
from piano_xlsx.workbook.lists import BAND_OUTSIDE


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The demo's returns, collected and audited through the CLI (JSON) and through the library (frames)."""
    soffice()  # fails, never skips, without LibreOffice
    out = tmp_path_factory.mktemp("frames")
    ran = run_demo(out / "demo", use_libreoffice=True)
    returns = ran.returns[0][0].parent
    key = str(ran.public_key)
    runner = CliRunner()
    done = runner.invoke(cli, ["collect", str(EXAMPLE_PLAN), str(returns), "-o", str(out / "r.xlsx"),
                               "--public-key", key, "--json", str(out / "collect.json")])
    assert done.exit_code == 1, done.output  # the demo's returns hold errors, as planned
    done = runner.invoke(cli, ["audit", str(returns), "--public-key", key, "-o", str(out / "a.html"),
                               "--json", str(out / "audit.json"), "--plan", str(EXAMPLE_PLAN)])
    assert done.exit_code == 1, done.output
    loaded = load_plan(EXAMPLE_PLAN)
    return {"loaded": loaded,
            "collected": collect(loaded, [returns], public_key=load_public_key(key), jobs=1),
            "audited": audit([returns], public_key=load_public_key(key), loaded=loaded),
            "collect_json": json.loads((out / "collect.json").read_text(encoding="utf-8")),
            "audit_json": json.loads((out / "audit.json").read_text(encoding="utf-8"))}


def plain(value: Any) -> Any:
    """A frame's value as JSON gives it: tuples as lists."""
    return list(value) if isinstance(value, tuple) else value


def rows(data: pd.DataFrame, keys: dict[str, str]) -> list[dict[str, Any]]:
    """The frame's rows with its columns renamed to the JSON's keys ({column: key})."""
    return [{key: plain(row[column]) for column, key in keys.items()} for row in to_rows(data)]


def same(keys: list[str]) -> dict[str, str]:
    return {key: key for key in keys}


def test_cards_are_the_json_cards_and_missing(demo):
    cards, data = cards_frame(demo["collected"]), demo["collect_json"]
    assert {s for s in cards["status"]} == {st.CLEAN, st.DUPLICATE, st.INCOMPLETE, st.ERRORS, st.MISSING}
    returned = cards[cards["status"] != st.MISSING]
    keys = {"card": "card", "title": "title", "evaluatee": "evaluatee", "file": "file", "sheet": "sheet",
            "total": "total", "max": "max", "band": "band", "percent": "percent", "complete": "complete",
            "status": "status", "status_text": "status_text", "files": "files", "errors": "errors",
            "warnings": "warnings", "excluded": "excluded", "exclusion_reason": "exclusion_reason",
            "exclusion_source": "exclusion_source", "evaluator": "evaluator", "date": "date"}
    assert rows(returned, keys) == [{key: card[key] for key in keys.values()} for card in data["cards"]]
    assert list(cards.loc[cards["status"] == st.MISSING, "card"]) == data["missing"]
    assert list(cards["card"]) == [card.id for card in demo["loaded"].plan.cards]  # every card, in plan order
    # the bonus is the exact decimal of what the workbook computes in binary floating point
    bonuses = [(row["bonus"], card["bonus"]) for row, card in zip(to_rows(returned), data["cards"], strict=True)]
    assert any(json_bonus is not None for _, json_bonus in bonuses)
    for exact, json_bonus in bonuses:
        assert (exact is None) == (json_bonus is None)
        if exact is not None:
            assert isinstance(exact, Decimal) and float(exact) == pytest.approx(json_bonus, abs=1e-9)
            assert exact == exact.quantize(Decimal("0.01"))  # the demo's bases and percentages give whole cents


def money(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def test_payments_are_the_json_payouts(demo):
    """The amounts, exact: the JSON's decimal strings are the frame's Decimals, and each card's amount is the sum
    of its payments."""
    pays, cards, data = payments_frame(demo["collected"]), cards_frame(demo["collected"]), demo["collect_json"]
    amounts = ("base", "gross", "bonus", "rounding", "amount")
    want = [{"payout": payout["id"], "payout_title": payout["title"], "mode": payout["mode"], "card": p["card"],
             "evaluatee_id": p["evaluatee"], "evaluatee": p["name"], "state": p["state"], "score": p["score"],
             "band": p["band"], "coefficient_or_percent": p["coefficient_or_percent"],
             **{key: money(p[key]) for key in amounts},
             "factors": "; ".join(f"{t['text']} = {t['label']}" for t in p["factors"]) or None,
             "provisional": p["provisional"], "excluded": p["excluded"], "reason": p["reason"],
             "steps": "\n".join(p["steps"]) or None}
            for payout in data["payouts"] for p in payout["payments"]]
    assert rows(pays, same(list(want[0]))) == want
    assert pays["amount"].notna().sum() >= 2 and all(isinstance(v, Decimal) for v in pays["amount"].dropna())
    due = pays.groupby("card")["amount"].sum(min_count=1)
    assert {k: v for k, v in zip(cards["card"], cards["amount"], strict=True) if v is not None} == {
        k: v for k, v in due.items() if not pd.isna(v)}
    assert list(cards["provisional"].dropna()) == [bool(pays.loc[pays["card"] == c, "provisional"].any())
                                                   for c in cards.loc[cards["provisional"].notna(), "card"]]


def test_items_are_the_json_items(demo):
    items, data = items_frame(demo["collected"]), demo["collect_json"]
    keys = {"card": "card", "item": "id", "input": "input", "weight": "weight", "applied_weight": "applied_weight",
            "score": "score", "points": "points", "status": "status", "note": "note", "card_status": "card_status"}
    want = [{"card": card["card"],
             **{k: item[k] for k in ("id", "input", "weight", "applied_weight", "score", "points", "status", "note")},
             "card_status": card["status"]} for card in data["cards"] for item in card["items"]]
    assert rows(items, keys) == want
    assert len(want) > 20 and {"N.V.", "Sì", 7} <= set(items["score"])  # texts and an out-of-scale number too


def test_files_are_the_json_files(demo):
    files, data = files_frame(demo["collected"]), demo["collect_json"]
    keys = same(["path", "sha256", "status", "cards", "ignored"])
    assert rows(files, keys) == [{key: f[key] for key in keys} for f in data["files"]]
    modified = [dt.datetime.fromisoformat(f["modified"]) for f in data["files"]]
    assert [ts.to_pydatetime() for ts in files["modified"]] == modified  # the same instant, to the second
    assert list(files["size"]) == [Path(p).stat().st_size for p in files["path"]]


def finding_keys() -> dict[str, str]:
    return same([c.name for c in FINDING_COLUMNS])


def test_findings_are_the_json_findings(demo):
    assert rows(findings_frame(demo["collected"]), finding_keys()) == demo["collect_json"]["findings"]
    audit_json = demo["audit_json"]
    want = [f for file in audit_json["files"] for f in file["findings"]] + audit_json["ignored"]
    assert rows(findings_frame(demo["audited"]), finding_keys()) == want
    assert len(want) > 3


def test_formulas_are_the_json_formulas(demo):
    formulas, data = formulas_frame(demo["audited"]), demo["audit_json"]
    keys = same(["sheet", "cell", "issued", "found", "cached", "recomputed", "status", "change", "expected", "model",
                 "card", "label", "explanation", "effect"])
    want = [{key: row[key] for key in keys} for file in data["files"] for row in file["formulas"]]
    assert rows(formulas, keys) == want
    assert list(formulas["file"]) == [file["path"] for file in data["files"] for _ in file["formulas"]]
    assert len(want) > 100 and "ok" in set(formulas["status"])
    assert formulas["cached"].notna().any()  # LibreOffice saved the values it computed


def test_audit_files_are_the_json_files(demo):
    files, data = files_frame(demo["audited"]), demo["audit_json"]
    assert rows(files, same(["path", "sha256", "signature"])) == [
        {k: f[k] for k in ("path", "sha256", "signature")} for f in data["files"]]
    assert rows(files, same(["changed", "missing", "stale", "ok"])) == [f["counts"] for f in data["files"]]


def test_plan_frames_are_the_plan(demo):
    loaded = demo["loaded"]
    cards, items = plan_cards_frame(loaded), plan_items_frame(loaded)
    assert list(cards["card"]) == [c.id for c in loaded.plan.cards]
    people = {e.id: e for e in loaded.plan.evaluatees}
    assert list(cards["base"]) == [Decimal(str(people[c.evaluatee].base)).quantize(Decimal("0.01"))
                                   for c in loaded.plan.cards]
    # the items of the plan are the items every return is scored on, in the same order
    scored = items_frame(demo["collected"])
    first = scored["card"].iloc[0]
    assert list(items.loc[items["card"] == first, "item"]) == list(scored.loc[scored["card"] == first, "item"])
    assert items.groupby("card")["weight"].sum().to_dict() == dict(zip(cards["card"], cards["max"], strict=True))


def test_every_frame_has_its_declared_columns_and_dtypes(demo):
    collected, audited, loaded = demo["collected"], demo["audited"], demo["loaded"]
    for data, columns in [(cards_frame(collected), CARD_COLUMNS), (items_frame(collected), ITEM_COLUMNS),
                          (files_frame(collected), FILE_COLUMNS), (findings_frame(collected), FINDING_COLUMNS),
                          (findings_frame(audited), FINDING_COLUMNS), (formulas_frame(audited), FORMULA_COLUMNS),
                          (files_frame(audited), AUDIT_FILE_COLUMNS), (payments_frame(collected), PAYMENT_COLUMNS),
                          (plan_cards_frame(loaded), PLAN_CARD_COLUMNS),
                          (plan_items_frame(loaded), PLAN_ITEM_COLUMNS)]:
        assert list(data.columns) == [c.name for c in columns]
        for column in columns:
            assert str(data[column.name].dtype) == column.dtype, column.name
            if column.categories is not None:
                assert tuple(data[column.name].cat.categories) == column.categories, column.name
            if column.kind == MONEY:  # money is never a binary float
                assert all(v is None or isinstance(v, Decimal) for v in data[column.name]), column.name
    bands = cards_frame(collected)["band"]
    labels = [b.label for b in loaded.plan.bands[0].bands]
    assert list(bands.cat.categories) == [*labels, BAND_EXCLUDED, EXCLUDED_BAND, BAND_OUTSIDE]


def test_amounts_add_up_to_the_cent():
    """Money as Decimal: a sum is the sum of the cents, where binary floats drift."""
    data = frame([Column("bonus", MONEY)], [{"bonus": Decimal("0.10")}] * 3 + [{"bonus": None}])
    assert data["bonus"].sum() == Decimal("0.30") and sum([0.1] * 3) != 0.3


def test_a_category_refuses_a_value_outside_its_set():
    columns = [Column("status", "category", ("clean", "errors"))]
    assert list(frame(columns, [{"status": "clean"}, {"status": None}])["status"].isna()) == [False, True]
    with pytest.raises(ValueError, match="not among its categories"):
        frame(columns, [{"status": "pulita"}])
    with pytest.raises(ValueError, match="are not the columns"):
        frame(columns, [{"stato": "clean"}])


def test_reading_files_does_not_import_pandas():
    """collect and audit read files (in worker processes too) without pandas: only the reports and frames load it."""
    code = ("import sys, piano_xlsx.collect, piano_xlsx.audit, piano_xlsx.collect.frames, piano_xlsx.audit.frames;"
            "print('pandas' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "False"


DOCUMENTED = {"`cards_frame`": CARD_COLUMNS, "`items_frame`": ITEM_COLUMNS, "`payments_frame`": PAYMENT_COLUMNS,
              "`files_frame` di `collect`": FILE_COLUMNS,
              "`files_frame` di `audit`": AUDIT_FILE_COLUMNS, "`findings_frame`": FINDING_COLUMNS,
              "`formulas_frame`": FORMULA_COLUMNS, "`plan_cards_frame`": PLAN_CARD_COLUMNS,
              "`plan_items_frame`": PLAN_ITEM_COLUMNS}


def test_the_analysis_page_lists_every_column_with_its_type():
    """docs/analisi.md: one table per frame, each column with its kind, in the frame's order."""
    page = (ROOT / "docs" / "analisi.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^### (.+?)\n(.*?)(?=^##|\Z)", page, re.S | re.M))
    assert set(sections) == set(DOCUMENTED)
    for heading, columns in DOCUMENTED.items():
        listed = re.findall(r"^\| `([^`]+)` \| `([^`]+)` \|", sections[heading], re.M)
        assert listed == [(c.name, c.kind) for c in columns], heading


def a_value(item: Any) -> Any:
    """A value the item admits, whatever its input kind."""
    from piano_xlsx.plan.resolve import ACHIEVED, GATE_PASSED

    scale = item.scale
    if item.gate:
        return GATE_PASSED
    return {"percent": 0.75, "points": item.weight, "achieved": ACHIEVED}.get(scale.kind) or scale.numbers()[-1]


def test_an_excluded_card_and_percentages(tmp_path):
    """The percentages example with an evaluatee excluded by the HR office: the frames hold what the JSON
    says (status, band, exclusion, input kinds), and the report shows a percentage as the card shows it."""
    import yaml
    from support import fill_workbook, generate_plan

    from piano_xlsx.collect.report import Tables, to_json
    from piano_xlsx.generate import plan_layouts

    data = yaml.safe_load((ROOT / "examples" / "piano-percentuali.yaml").read_text(encoding="utf-8"))
    data["exclusions"] = [{"evaluatee": "verdi", "reason": "sanzione disciplinare (dato di prova)"}]
    plan = tmp_path / "piano.yaml"
    plan.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    loaded, issued = generate_plan(plan, tmp_path / "issued", per_sector=True)
    layouts = plan_layouts(loaded)
    scores = {lay.card.id: {i.item.id: a_value(i.item) for i in lay.items} for lay in layouts}
    (tmp_path / "filled").mkdir()
    filled = [fill_workbook(p, tmp_path / "filled" / p.name, layouts, scores) for p in issued]
    result = collect(loaded, filled, isolate=False)
    data = json.loads(json.dumps(to_json(result), ensure_ascii=False))  # as `collect --json` writes it
    cards, items = cards_frame(result), items_frame(result)
    keys = same(["card", "status", "status_text", "total", "band", "percent", "excluded", "exclusion_reason",
                 "exclusion_source"])
    assert rows(cards, keys) == [{k: c[k] for k in keys} for c in data["cards"]]
    excluded = cards[cards["excluded"].astype(bool)]
    assert list(excluded["status"]) == [st.EXCLUDED] and list(excluded["band"]) == [EXCLUDED_BAND]
    keys = {"card": "card", "item": "id", "input": "input", "score": "score", "points": "points", "status": "status"}
    assert rows(items, keys) == [{"card": c["card"], **{k: i[k] for k in list(keys.values())[1:]}}
                                 for c in data["cards"] for i in c["items"]]
    assert set(items["input"]) == {"percent", "list"}
    shown = Tables.of(result).scores["Valutazione"][items["input"] == "percent"]
    assert set(shown) == {"75%"}
