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
