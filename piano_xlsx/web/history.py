"""A person's and a sector's results across campaigns, side by side, from each campaign's last consolidation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import select

from piano_xlsx.web import tables as t
from piano_xlsx.web.store import Store


def history(store: Store) -> dict[str, Any]:
    campaigns = sorted(store.campaigns(), key=lambda c: (c["year"] or 0, c["id"]))
    rows = store.rows(select(t.results))
    people: dict[str, dict[str, Any]] = {}
    sectors: dict[str, dict[str, Any]] = {}
    for row in rows:
        person = people.setdefault(row["evaluatee_id"] or row["card_id"],
                                   {"name": row["evaluatee"] or row["title"], "by": {}})
        person["by"].setdefault(row["campaign_id"], []).append(row)
        if row["sector_id"] or row["sector"]:
            sector = sectors.setdefault(row["sector_id"] or row["sector"], {"name": row["sector"], "by": {}})
            sector["by"].setdefault(row["campaign_id"], []).append(row)
    for sector in sectors.values():
        sector["summary"] = {cid: _sector_summary(cards) for cid, cards in sector["by"].items()}
    return {"campaigns": campaigns,
            "people": sorted(people.values(), key=lambda p: p["name"]),
            "sectors": sorted(sectors.values(), key=lambda s: s["name"] or "")}


def _sector_summary(cards: list[dict[str, Any]]) -> dict[str, Any]:
    """The sector's cards in one campaign: how many came back and their mean share of the maximum."""
    scored = [c for c in cards if c["total"] is not None and c["maximum"]]
    mean = sum(c["total"] / c["maximum"] for c in scored) / len(scored) * 100 if scored else None
    amounts = [Decimal(c["amount"]) for c in cards if c["amount"] is not None]  # final amounts only
    return {"cards": len(cards), "returned": len(scored), "mean": mean,
            "bonus": sum(c["bonus"] or 0 for c in scored) if scored else None,
            "amount": sum(amounts, Decimal("0.00")) if amounts else None}
