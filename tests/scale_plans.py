"""A plan with scales of real size (0–100 by 1 and by 0.5) and band sets of 2, 31, 40 and 101 bands.

Built in the tests rather than shipped: the band sets have inclusive and exclusive edges, gaps closed by
rounding, a band of one point; weights of 25 keep every total exact in binary where a band set has no
rounding, so an engine and the Python model never differ by a last bit at an edge.
"""

from __future__ import annotations

from typing import Any

import yaml

from piano_xlsx.plan.loader import LoadedPlan, load_plan_text

HUNDRED = [float(v) for v in range(101)]  # 0–100 by 1
HALVES = [v / 2 for v in range(201)]  # 0–100 by 0.5


def _bands() -> list[dict[str, Any]]:
    two = [{"label": "Insufficiente", "max": 60, "max_inclusive": False, "percent": 0},
           {"label": "Sufficiente", "min": 60, "percent": 5}]
    # 31: [0, 3], then (3k, 3k+3] up to 90, then (90, 100]; half percentages need the "0.0#%" format
    thirty_one = [{"label": "Fascia 1 (0–3)", "min": 0, "max": 3, "percent": 0}]
    thirty_one += [{"label": f"Fascia {k + 1} ({3 * k}–{3 * k + 3})", "min": 3 * k, "min_inclusive": False,
                    "max": 3 * k + 3, "percent": k / 2} for k in range(1, 30)]
    thirty_one.append({"label": "Fascia 31 (oltre 90)", "min": 90, "min_inclusive": False, "max": 100,
                       "percent": 15})
    # 40 written as integer ranges, as the seeds write them: [0, 1], [2, 4], …, with the gaps between them
    # (what is 1.5?) closed by rounding the total to units first
    starts = [k * 101 // 40 for k in range(40)] + [101]
    forty = [{"label": f"Livello {k + 1} ({starts[k]}–{starts[k + 1] - 1})", "min": starts[k],
              "max": starts[k + 1] - 1, "percent": k / 4} for k in range(40)]
    # 101: [k, k+1) for k = 0…99, and exactly 100
    hundred_one = [{"label": f"Grado {k}", "min": k, "max": k + 1, "max_inclusive": False, "percent": k / 10}
                   for k in range(100)]
    hundred_one.append({"label": "Grado 100", "min": 100, "max": 100, "percent": 10})
    return [
        {"id": "due", "rounding": {"mode": "none"}, "bands": two},
        {"id": "trentuno", "rounding": {"mode": "none"}, "bands": thirty_one},
        {"id": "quaranta", "rounding": {"mode": "round", "decimals": 0}, "bands": forty},
        {"id": "centouno", "rounding": {"mode": "none"}, "bands": hundred_one},
    ]


def _card(card_id: str, title: str, scale: str, bands: str, *, neutralisable: bool = False,
          gate: bool = False) -> dict[str, Any]:
    first = [{"number": 1, "title": "Attuazione del piano triennale", "weight": 25, "indicators": ["Atti adottati"],
              "target": "100%", "deadline": "31.12.2025"},
             {"number": 2, "title": "Riduzione dei tempi dei procedimenti", "weight": 25,
              "indicators": ["Giorni medi"], "target": "≤ 30", "deadline": "31.12.2025"}]
    second = [{"number": 3, "title": "Digitalizzazione dei servizi", "weight": 25, "indicators": ["Servizi online"],
               "target": "5", "deadline": "30.09.2025", "neutralisable": neutralisable},
              {"number": 4, "title": "Formazione del personale", "weight": 25, "indicators": ["Ore di formazione"],
               "target": "20 ore", "deadline": "31.12.2025"}]
    if gate:
        second.append({"number": 5, "title": "Rispetto degli obblighi di trasparenza", "gate": True,
                       "indicators": ["Attestazione del Nucleo"], "target": "Positiva", "deadline": "31.12.2025"})
    card: dict[str, Any] = {
        "id": card_id, "title": title, "evaluatee": card_id, "evaluator": "Nucleo di Valutazione", "total": 100,
        "scale": scale, "bands": bands,
        "sections": [{"id": "org", "title": "Obiettivi di ente", "total": 50, "items": first},
                     {"id": "ind", "title": "Obiettivi individuali", "total": 50, "items": second}]}
    if neutralisable:
        card["redistribution"] = "card"
    return card


CARDS = [  # id, title, scale, band set, neutralisable, gate
    ("cento-due", "Scheda cento su due fasce", "cento", "due", False, False),
    ("mezzi-trentuno", "Scheda mezzi su trentuno fasce", "mezzi", "trentuno", False, False),
    ("cento-quaranta", "Scheda cento su quaranta fasce", "cento", "quaranta", True, False),
    ("mezzi-centouno", "Scheda mezzi su centouno fasce", "mezzi", "centouno", False, False),
    ("mezzi-quaranta", "Scheda mezzi su quaranta fasce", "mezzi", "quaranta", True, True),
]


def scales_plan_text() -> str:
    plan = {
        "plan": {"id": "scale-e-fasce-2025", "ente": "Comune di Prova", "title": "Piano delle scale 2025",
                 "year": 2025},
        "scales": [{"id": "cento", "title": "Da 0 a 100", "values": HUNDRED},
                   {"id": "mezzi", "title": "Da 0 a 100 a mezzi punti", "values": HALVES}],
        "bands": _bands(),
        "evaluatees": [{"id": cid, "name": f"Dirigente {n + 1}", "base": 10_000 + 500 * n}
                       for n, (cid, *_rest) in enumerate(CARDS)],
        "cards": [_card(cid, title, scale, bands, neutralisable=neutral, gate=gate)
                  for cid, title, scale, bands, neutral, gate in CARDS],
    }
    return yaml.safe_dump(plan, allow_unicode=True, sort_keys=False)


def scales_plan() -> LoadedPlan:
    return load_plan_text(scales_plan_text(), "scale-e-fasce.yaml")
