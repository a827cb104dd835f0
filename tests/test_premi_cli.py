"""Worked examples from published documents, reproduced to the cent through the CLI: generate, fill, collect."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from support import ROOT, fill_workbook, generate_plan, plan_layouts

from piano_xlsx.cli import cli

PREMI = ROOT / "examples" / "premi"


def collect_json(plan: Path, scores: dict[str, dict[str, Any]], tmp: Path, *args: str,
                 files: list[Path] | None = None) -> dict[str, Any]:
    """Generate the plan's workbooks, fill them with `scores`, collect them through the CLI; the JSON."""
    loaded, issued = generate_plan(plan, tmp / "emesse")
    layouts = plan_layouts(loaded)
    returns = tmp / "restituite"
    returns.mkdir(exist_ok=True)
    for path in issued:
        fill_workbook(path, returns / path.name, layouts, scores)
    out = tmp / "rapporto.json"
    done = CliRunner().invoke(cli, ["collect", str(plan), str(returns), "-o", str(tmp / "rapporto.xlsx"),
                                    "--json", str(out), "--force", *args])
    assert done.exit_code in (0, 1), done.output
    return json.loads(out.read_text(encoding="utf-8"))


def payments(data: dict[str, Any], payout: str) -> dict[str, dict[str, Any]]:
    return {p["card"]: p for p in next(x for x in data["payouts"] if x["id"] == payout)["payments"]}


def test_terlizzi_2020_result_pay_to_the_cent(tmp_path: Path) -> None:
    """Proportional mode, weighting and interim multipliers, days/365, a 51 % convention share (HR data as CSV)."""
    scores = {card: {"valutazione.1": 10, "valutazione.2": 9 if card.endswith("finanziari") else 10}
              for card in ("panzini-finanziari", "dicapua-finanziari", "piscitelli-finanziari", "piscitelli-suap",
                           "piscitelli-sviluppo", "dicapua-pm")}
    data = collect_json(PREMI / "terlizzi-2020-dirigenti.yaml", scores, tmp_path,
                        "--hr", str(PREMI / "terlizzi-2020-personale.csv"))
    paid = payments(data, "risultato-dirigenti")

    def terlizzi(card: str) -> str:
        parts = {p["comune"]: p["amount"] for p in paid[card]["parts"]}
        return parts.get("Comune di Terlizzi", paid[card]["amount"])

    published = {"panzini-finanziari": "0.00", "dicapua-finanziari": "90.61", "piscitelli-finanziari": "3064.69",
                 "piscitelli-suap": "3912.34", "piscitelli-sviluppo": "2826.67", "dicapua-pm": "557.59"}
    assert {card: terlizzi(card) for card in published} == published
    assert paid["dicapua-finanziari"]["amount"] == "177.66" and paid["dicapua-pm"]["amount"] == "1093.31"
    assert all(p["state"] == "Definitivo" for p in paid.values())
    assert "3.912,34 € × 97,5/100 × 85 % × 20/365 × 51 % = 90,61 €" in "\n".join(paid["dicapua-finanziari"]["steps"])


def two_items(totals: dict[str, int]) -> dict[str, dict[str, Any]]:
    """Scores of the two 50-point items that give each card its total (a multiple of 5)."""
    out = {}
    for card, total in totals.items():
        first = min(10, (total // 5 + 1) // 2)
        out[card] = {"valutazione.1": first, "valutazione.2": total // 5 - first}
    return out


def test_differentiated_bonus_published_example(tmp_path: Path) -> None:
    """Bianco e Associati (2021): 10 staff, quota 20 %, increase 30 %, average 1.000 € -> two get 1.300 €."""
    totals = {f"dip-{i:02d}": 100 - 5 * (i - 1) for i in range(1, 11)}
    data = collect_json(PREMI / "premio-differenziato.yaml", two_items(totals), tmp_path)
    paid = payments(data, "premio-individuale")
    assert [paid[f"dip-{i:02d}"]["amount"] for i in range(1, 11)] == ["1300.00"] * 2 + ["925.00"] * 8
    assert paid["dip-01"]["bonus"] == "300.00" and paid["dip-03"]["bonus"] == "0.00"
    fund = data["payouts"][0]["fund"]
    assert fund["paid"] == "10000.00" and fund["leftover"] == "0.00"


def test_fund_split_with_a_leftover_cent(tmp_path: Path) -> None:
    """Cuneo's classes 200/150/100/0: 1.000,00 € over 90, 75, 65, 50 points leaves one cent, given by the rule."""
    scores = two_items({"dip-a": 90, "dip-b": 75, "dip-c": 65, "dip-d": 50})
    plan = PREMI / "fondo-coefficienti.yaml"
    data = collect_json(plan, scores, tmp_path / "assegnato")
    paid = payments(data, "produttivita")
    assert [paid[c]["amount"] for c in ("dip-a", "dip-b", "dip-c", "dip-d")] == ["444.45", "333.33", "222.22",
                                                                                  "0.00"]
    assert "+ 0,01 € dal resto" in "\n".join(paid["dip-a"]["steps"])
    kept = tmp_path / "tenuto.yaml"
    kept.write_text(plan.read_text(encoding="utf-8").replace("leftover: largest_remainder", "leftover: keep"),
                    encoding="utf-8")
    data = collect_json(kept, scores, tmp_path / "tenuto")
    paid = payments(data, "produttivita")
    assert [paid[c]["amount"] for c in ("dip-a", "dip-b", "dip-c")] == ["444.44", "333.33", "222.22"]
    assert data["payouts"][0]["fund"]["leftover"] == "0.01"
    assert any(f["code"] == "PAYOUT_FUND_LEFTOVER" for f in data["findings"])


def test_seed_004_segretario_in_a_convention_of_two_comuni(tmp_path: Path) -> None:
    """The Casale template's HR data: one card, two amounts, one per comune of the convention."""
    plan = ROOT / "workbook_templates" / "casale-marittimo-2024.yaml"
    loaded, _ = generate_plan(plan, tmp_path / "probe")
    layouts = plan_layouts(loaded)
    scores = {lay.card.id: {i.item.id: 8 for i in lay.items} for lay in layouts}  # 80 points: 8 %
    data = collect_json(plan, scores, tmp_path)
    paid = payments(data, "risultato-segretario")["segretario"]
    assert [(p["comune"], p["amount"]) for p in paid["parts"]] == [("Comune di Casale Marittimo", "2304.00"),
                                                                   ("Secondo comune della convenzione", "1536.00")]
    assert "Comune di Casale Marittimo: 48.000,00 € × 8 % × 60 % = 2.304,00 €" in paid["steps"]


def test_provisional_until_the_group_is_in(tmp_path: Path) -> None:
    totals = {f"dip-{i:02d}": 100 - 5 * (i - 1) for i in range(1, 11)}
    scores = two_items(totals)
    loaded, issued = generate_plan(PREMI / "premio-differenziato.yaml", tmp_path / "emesse")
    layouts = plan_layouts(loaded)
    returns = tmp_path / "restituite"
    returns.mkdir()
    del scores["dip-10"]  # one card of the group left unscored: incomplete
    for path in issued:
        fill_workbook(path, returns / path.name, layouts, scores)
    out = tmp_path / "r.json"
    CliRunner().invoke(cli, ["collect", str(PREMI / "premio-differenziato.yaml"), str(returns), "-o",
                             str(tmp_path / "r.xlsx"), "--json", str(out)])
    data = json.loads(out.read_text(encoding="utf-8"))
    payout = data["payouts"][0]
    assert payout["provisional"] and payout["pending"] == ["dip-10"]
    assert {p["state"] for p in payout["payments"]} == {"Provvisorio", "Nessun importo: scheda incompleta"}
    assert any(f["code"] == "PAYOUT_PROVISIONAL" and "dip-10" in f["message"] for f in data["findings"])


def test_the_other_payout_modes(tmp_path: Path) -> None:
    """Band percent of a fund's per-capita share (Sannazzaro's published rule), segments, increment, classes."""
    totals = {"q1": 15, "q2": 35, "q3": 75, "q4": 90, "t1": 55, "t2": 80, "t3": 95, "i1": 55, "i2": 70, "i3": 100,
              "c1": 65}
    data = collect_json(PREMI / "modi-di-pagamento.yaml", two_items(totals), tmp_path)
    amounts = {card: p["amount"] for x in data["payouts"] for card, p in payments(data, x["id"]).items()}
    assert amounts == {"q1": "0.00", "q2": "250.00", "q3": "750.00", "q4": "1000.00",
                       "t1": "0.00", "t2": "4000.00", "t3": "5000.00",
                       "i1": "0.00", "i2": "750.00", "i3": "1200.00", "c1": None}
    assert payments(data, "classi")["c1"]["band"] == "Livello avanzato"
    assert "4.000,00 € ÷ 4 × 25 % = 250,00 €" in payments(data, "quote")["q2"]["steps"]


def test_amounts_do_not_depend_on_file_order_or_jobs(tmp_path: Path) -> None:
    """The same returns, one file per card, read in two orders with 1 and 2 workers: the same payouts."""
    plan = PREMI / "premio-differenziato.yaml"
    loaded, issued = generate_plan(plan, tmp_path / "emesse")
    layouts = plan_layouts(loaded)
    scores = two_items({f"dip-{i:02d}": 100 - 5 * ((i * 7) % 10) for i in range(1, 11)})  # ties at the quota edge
    returns = tmp_path / "restituite"
    returns.mkdir()
    names = []
    for path in issued:
        for layout in layouts:  # one file per card, named so that sorting reverses the plan order
            target = returns / f"{99 - len(names):02d}-{layout.card.id}.xlsx"
            fill_workbook(path, target, layouts, {layout.card.id: scores[layout.card.id]})
            names.append(target)
    outputs = []
    for jobs, paths in (("1", sorted(names)), ("2", sorted(names, reverse=True))):
        out = tmp_path / f"r{jobs}.json"
        CliRunner().invoke(cli, ["collect", str(plan), *map(str, paths), "-o", str(tmp_path / f"r{jobs}.xlsx"),
                                 "--json", str(out), "--jobs", jobs])
        outputs.append(json.loads(out.read_text(encoding="utf-8"))["payouts"])
    assert outputs[0] == outputs[1]
    assert outputs[0][0]["fund"]["paid"] == "10000.00"


def test_audit_explains_every_amount(tmp_path: Path) -> None:
    """audit --plan --hr: the same amounts as collect, each with its steps, in JSON, HTML and the workbook."""
    import openpyxl

    scores = {card: {"valutazione.1": 10, "valutazione.2": 9 if card.endswith("finanziari") else 10}
              for card in ("panzini-finanziari", "dicapua-finanziari", "piscitelli-finanziari", "piscitelli-suap",
                           "piscitelli-sviluppo", "dicapua-pm")}
    plan, hr = PREMI / "terlizzi-2020-dirigenti.yaml", PREMI / "terlizzi-2020-personale.csv"
    collected = collect_json(plan, scores, tmp_path, "--hr", str(hr))
    out = tmp_path / "audit.json"
    for report in ("audit.html", "audit.xlsx"):
        done = CliRunner().invoke(cli, ["audit", str(tmp_path / "restituite"), "--plan", str(plan), "--hr", str(hr),
                                        "--json", str(out), "-o", str(tmp_path / report), "--force"])
        assert done.exit_code in (0, 1), done.output
    audited = json.loads(out.read_text(encoding="utf-8"))["payouts"]
    assert audited == collected["payouts"]
    html = (tmp_path / "audit.html").read_text(encoding="utf-8")
    assert "3.912,34 € × 97,5/100 × 85 % × 20/365 × 51 % = 90,61 €" in html
    sheet = openpyxl.load_workbook(tmp_path / "audit.xlsx")["Premi"]
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("= 557,59 €" in t for t in texts)


def test_a_band_cap_exceeded_is_an_error(tmp_path: Path) -> None:
    plan = tmp_path / "limite.yaml"
    plan.write_text((PREMI / "premio-differenziato.yaml").read_text(encoding="utf-8").replace(
        "    differentiated:\n", "    caps: [{band: Valutazione positiva, max_percent: 50}]\n    differentiated:\n"),
        encoding="utf-8")
    data = collect_json(plan, two_items({f"dip-{i:02d}": 100 - 5 * (i - 1) for i in range(1, 11)}), tmp_path)
    [cap] = [f for f in data["findings"] if f["code"] == "PAYOUT_CAP_EXCEEDED"]
    assert cap["severity"] == "error" and "10 persone, oltre il limite di 5" in cap["message"]
