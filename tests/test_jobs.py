"""Results do not depend on how many processes do the work, nor on the order files are given in."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from support import EXAMPLE_PLAN, TEMPLATES, fill_workbook, full_scores, plan_layouts

from piano_xlsx.cli import cli
from piano_xlsx.collect import collect
from piano_xlsx.collect.report import to_json
from piano_xlsx.generate import generate
from piano_xlsx.plan.loader import load_plan
from piano_xlsx.signing import load_private_key, load_public_key

PLANS = [EXAMPLE_PLAN, TEMPLATES / "piano-2023-settori.yaml"]


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("plan", PLANS, ids=lambda p: p.stem)
@pytest.mark.parametrize("per_sector", [True, False], ids=["per-sector", "one-workbook"])
def test_generate_gives_the_same_bytes_whatever_jobs(plan, per_sector, keys, tmp_path):
    loaded = load_plan(plan)
    key = load_private_key(keys[0])
    results = {jobs: generate(loaded, tmp_path / f"jobs{jobs}", private_key=key, per_sector=per_sector, jobs=jobs)
               for jobs in (1, 2, 3)}
    one = folder_bytes(tmp_path / "jobs1")
    assert len(one) == (len(loaded.plan.cards) if per_sector else 1) + 1  # workbooks and the delivery note
    for jobs, result in results.items():
        assert folder_bytes(tmp_path / f"jobs{jobs}") == one
        assert [p.name for p in result.files] == [p.name for p in results[1].files]
        assert result.password == results[1].password


def test_generate_cli_jobs(keys, tmp_path):
    runner = CliRunner()
    for jobs in ("1", "2"):
        out = runner.invoke(cli, ["generate", str(EXAMPLE_PLAN), "-o", str(tmp_path / jobs), "--per-sector",
                                  "--key", str(keys[0]), "--jobs", jobs])
        assert out.exit_code == 0, out.output
    assert folder_bytes(tmp_path / "1") == folder_bytes(tmp_path / "2")
    bad = runner.invoke(cli, ["generate", str(EXAMPLE_PLAN), "-o", str(tmp_path / "0"), "--jobs", "0"])
    assert bad.exit_code == 2


def test_collect_json_is_the_same_whatever_jobs_and_order(keys, tmp_path):
    loaded = load_plan(EXAMPLE_PLAN)
    issued = generate(loaded, tmp_path / "issued", private_key=load_private_key(keys[0]), per_sector=True, jobs=1)
    layouts = plan_layouts(loaded)
    returns = tmp_path / "returns"
    returns.mkdir()
    scores = full_scores(layouts, 8)
    scores["settore-1"]["ind.1"] = 7  # out of scale
    for path in issued.files:
        fill_workbook(path, returns / path.name, layouts, scores)
    first = returns / issued.files[0].name
    copy = shutil.copy(first, returns / "0-copia.xlsx")  # an identical copy: first by path, modified later
    os.utime(copy, (first.stat().st_mtime + 60, first.stat().st_mtime + 60))
    second = returns / issued.files[1].name  # settore-2 sent again with another score: a real duplicate
    wb = openpyxl.load_workbook(second)
    wb[layouts[1].sheet][layouts[1].items[0].cell("score")] = 4
    wb.save(returns / "altra-versione.xlsx")
    (returns / "appunti.txt").write_text("non è una cartella di lavoro")
    (returns / "~$appunti.xlsx").write_bytes(b"\x00" * 165)  # Excel's lock file: left out
    (returns / issued.files[-1].name).unlink()  # a card not returned
    files = sorted(returns.iterdir())
    public = load_public_key(keys[1])
    runs = [
        collect(loaded, files, public_key=public, jobs=1),
        collect(loaded, files, public_key=public, jobs=2),
        collect(loaded, list(reversed(files)), public_key=public, jobs=2),
        collect(loaded, [returns], public_key=public, jobs=3),
    ]
    texts = [json.dumps(to_json(r), ensure_ascii=False, sort_keys=True) for r in runs]
    assert texts[1:] == texts[:1] * 3
    data = json.loads(texts[0])
    codes = {f["code"] for f in data["findings"]}
    assert {"SCORE_OUT_OF_SCALE", "DUPLICATE_COPY", "DUPLICATE_RETURN", "CARD_MISSING", "FILE_IGNORED"} <= codes
    cards = {c["card"]: c for c in data["cards"]}
    assert cards["settore-1"]["file"] == str(first)  # the copy modified first is kept, whatever the order
    assert cards["settore-1"]["status"] == "incomplete" and cards["settore-2"]["status"] == "duplicate"
    assert data["missing"] == [layouts[-1].card.id]
