"""A card's details sheet alone, kept when the wanted addresses are made, is the one the plan would issue."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import EXAMPLE_PLAN, TEMPLATES

from piano_xlsx.plan.loader import load_plan
from piano_xlsx.plan.resolve import DETAILS_SHEET
from piano_xlsx.verify.expected import Expected


@pytest.mark.parametrize("path", [EXAMPLE_PLAN, TEMPLATES / "piano-2023-settori.yaml",
                                  TEMPLATES / "casale-marittimo-2024.yaml"])
def test_kept_details_are_those_made_for_the_card(path: Path) -> None:
    kept, fresh = Expected.from_plan(load_plan(path)), Expected.from_plan(load_plan(path))
    kept.wanted_addresses()
    ids = list(kept.layouts)
    for cid in ids:
        assert kept.group_sheets((cid,)) == fresh.group_sheets((cid,)), cid
    assert kept.group_sheets(tuple(ids)) == fresh.group_sheets(tuple(ids))
    if path.name == "piano-2023-settori.yaml":  # a plan whose cards send objectives to the details sheet
        assert any(DETAILS_SHEET in kept.group_sheets((cid,)) for cid in ids)
