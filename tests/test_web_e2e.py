"""The whole job in a real browser (Debian's Chromium through Playwright) against the real `piano-xlsx serve`.

Create a campaign from a plan with an error, see the error, fix it, generate, download the zip, fill returns with
openpyxl (one clean, one tampered, one duplicate, one late after a first report, one never returned), upload
them in two batches, see each card's status, open an audit page, download the report, and compare it with
`collect` run by the library on the same files. Each page is photographed: with PIANO_XLSX_SCREENSHOTS=DIR the
pictures go to DIR (docs/img for the HR office guide), else to a temporary folder.
"""

from __future__ import annotations

import json
import os
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import Page, sync_playwright
from support import EXAMPLE_PLAN, fill_workbook, full_scores
from web_support import serve

from piano_xlsx.collect import collect
from piano_xlsx.collect.report import to_json
from piano_xlsx.hr.read import merge_hr, read_hr_file
from piano_xlsx.plan.loader import load_plan
from piano_xlsx.signing import load_public_key
from piano_xlsx.workbook.layout import plan_layouts

CHROMIUM = "/usr/bin/chromium"
PAGES = ["web-campagne", "web-piano", "web-cartelle", "web-restituzioni", "web-quadro", "web-anomalie", "web-audit",
         "web-premi", "web-registro", "web-storico"]
HR_CSV = "valutato;giorni;part time;comune;quota\nverdi;200;;Comune di Esempio;60\nverdi;;;Comune vicino;40\n"


def _broken_plan(folder: Path) -> Path:
    """The example plan with one weight raised: its section no longer adds up."""
    text = EXAMPLE_PLAN.read_text(encoding="utf-8")
    marker = "            weight: 20\n  - id: settore-2"
    assert marker in text
    path = folder / "piano-con-errore.yaml"
    path.write_text(text.replace(marker, "            weight: 25\n  - id: settore-2"), encoding="utf-8")
    return path


def _returns(issued: Path, out: Path) -> dict[str, Path]:
    """Filled as offices would: clean, tampered (a weight raised), a second copy of one card, a late one."""
    out.mkdir()
    layouts = plan_layouts(load_plan(EXAMPLE_PLAN))
    scores = full_scores(layouts)
    name = "comune-esempio-2025-{}.xlsx"
    files = {
        "clean": fill_workbook(issued / name.format("settore-1"), out / "settore-1.xlsx", layouts, scores),
        "tampered": fill_workbook(issued / name.format("settore-2"), out / "settore-2.xlsx", layouts, scores),
        "first": fill_workbook(issued / name.format("settore-3"), out / "settore-3.xlsx", layouts, scores),
        "again": fill_workbook(issued / name.format("settore-3"), out / "settore-3-di-nuovo.xlsx", layouts, scores),
        "late": fill_workbook(issued / name.format("settore-4"), out / "settore-4.xlsx", layouts,
                              full_scores(layouts, 6)),
    }
    wb = openpyxl.load_workbook(files["tampered"])
    lay = next(lay for lay in layouts if lay.card.id == "settore-2")
    wb[lay.sheet][lay.items[2].cell("weight")] = 45  # protection is a flag openpyxl ignores
    wb.save(files["tampered"])
    wb = openpyxl.load_workbook(files["again"])
    wb.properties.title = "inviata di nuovo"  # other bytes, the same content
    wb.save(files["again"])
    return files


def _status(page: Page, card: str) -> str:
    return page.locator(f'tr[data-card="{card}"] .badge').first.inner_text()  # the status, before any amount's


def _comparable(report: dict[str, Any], duplicated: set[str]) -> dict[str, Any]:
    """What must agree between the app's report and the library's on the same files.

    Which of two identical copies counts may follow the order files are read in (the app keeps them by
    SHA-256): for those the file's name is left out, and the duplicate finding is compared without its place.
    """
    cards = [{k: v for k, v in card.items() if not (k == "file" and card["card"] in duplicated)}
             for card in report["cards"]]
    findings = Counter((f["code"], f["severity"]) + (() if f["code"] == "DUPLICATE_RETURN" else
                                                     (f["file"], f["sheet"], f["cell"], f["message"]))
                       for f in report["findings"])
    files = sorted((f["path"], f["sha256"], f["status"], tuple(f["cards"])) for f in report["files"])
    return {"plan": report["plan"], "cards": cards, "missing": report["missing"], "findings": findings,
            "files": files, "payouts": report["payouts"]}


def test_the_whole_job_in_a_browser(tmp_path: Path) -> None:
    shots = Path(os.environ.get("PIANO_XLSX_SCREENSHOTS") or tmp_path / "img")
    shots.mkdir(parents=True, exist_ok=True)
    served = serve(tmp_path / "dati")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--lang=it"],
                                        env={**os.environ, "LANGUAGE": "it"})  # its own controls in Italian
            context = browser.new_context(accept_downloads=True, viewport={"width": 1360, "height": 900},
                                          locale="it-IT")
            page = context.new_page()
            outside: list[str] = []
            page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(served.base) else None)

            def shot(name: str) -> None:
                page.screenshot(path=str(shots / f"{name}.png"), full_page=True)

            def download(link: str, target: Path) -> Path:
                with page.expect_download() as info:
                    page.get_by_role("link", name=link).first.click()
                info.value.save_as(target)
                return target

            page.goto(served.url)
            assert "token=" not in page.url  # swapped for a cookie at once

            # a campaign from a plan with an error: the error is shown with its place
            page.fill("input[name=name]", "Valutazione 2025")
            page.set_input_files("input[name=plan]", str(_broken_plan(tmp_path)))
            page.get_by_role("button", name="Crea la campagna").click()
            assert "Il piano contiene 1 errore:" in page.inner_text("main")
            row = page.locator("table.findings tbody tr", has_text="SECTION_TOTAL_MISMATCH")
            assert "cards[0].sections[1]" in row.inner_text() and "riga" in row.inner_text()
            page.get_by_role("link", name="Errori (1)").click()
            assert page.locator("table.findings tbody tr").count() == 1
            shot("web-piano")
            page.get_by_role("link", name="2. Cartelle").click()
            page.get_by_role("button", name="Genera le cartelle").click()
            assert "Il piano contiene errori" in page.inner_text("main")
            assert page.get_by_role("link", name="Scarica lo zip").count() == 0

            # the plan fixed: replaced, checked again, generated, downloaded
            page.get_by_role("link", name="1. Piano").click()
            page.set_input_files("form input[name=plan]", str(EXAMPLE_PLAN))
            page.get_by_role("button", name="Carica e controlla").click()
            assert "Nessun errore nel piano" in page.inner_text("main")
            page.get_by_role("link", name="2. Cartelle").click()
            page.get_by_role("button", name="Genera le cartelle").click()
            zipped = download("Scarica lo zip", tmp_path / "cartelle.zip")
            public = download("chiave pubblica", tmp_path / "pubblica.pem")
            shot("web-cartelle")
            issued = tmp_path / "emesse"
            with zipfile.ZipFile(zipped) as zf:
                zf.extractall(issued)
            assert len(list(issued.glob("*.xlsx"))) == 5
            assert "PRIVATE" not in page.content() and b"PRIVATE" not in public.read_bytes()

            returns = _returns(issued, tmp_path / "restituite")

            # first batch: clean, tampered, a card twice
            page.get_by_role("link", name="3. Restituzioni").click()
            first_batch = [str(returns[k]) for k in ("clean", "tampered", "first", "again")]
            page.set_input_files("input[name=files]", first_batch)
            page.get_by_role("button", name="Ricevi i file").click()
            assert "Lotto 1: ricevuti 4 file" in page.inner_text("main")
            receipts = page.locator("table.receipts tbody tr")
            assert receipts.count() == 4
            assert "SHA-256" in page.inner_text("table.receipts thead")
            page.get_by_role("link", name="Quadro d'insieme").click()
            assert [_status(page, f"settore-{n}") for n in range(1, 6)] == [
                "restituita", "da verificare", "restituita", "mancante", "mancante"]
            first_report = download("Excel (.xlsx)", tmp_path / "primo-rapporto.xlsx")
            summary = openpyxl.load_workbook(first_report)["Riepilogo"]
            assert "Non restituita" in [c.value for row in summary.iter_rows() for c in row]

            # the late one, after the first report
            page.get_by_role("link", name="3. Restituzioni").click()
            page.set_input_files("input[name=files]", [str(returns["late"])])
            page.get_by_role("button", name="Ricevi i file").click()
            assert "Lotto 2: ricevuti 1 file" in page.inner_text("main")
            shot("web-restituzioni")
            page.get_by_role("link", name="Quadro d'insieme").click()
            assert [_status(page, f"settore-{n}") for n in range(1, 6)] == [
                "restituita", "da verificare", "restituita", "restituita", "mancante"]
            assert page.locator("svg.chart").count() >= 2
            shot("web-quadro")

            # the HR office's data: uploaded, kept, used; each amount's steps shown
            page.get_by_role("link", name="5. Premi").click()
            hr = tmp_path / "personale.csv"
            hr.write_text(HR_CSV, encoding="utf-8")
            page.set_input_files("input[name=hr]", str(hr))
            page.get_by_role("button", name="Carica i dati del personale").click()
            assert "In uso: «personale.csv»" in page.inner_text("main")
            verdi = page.locator("tr#premio-settore-2")
            verdi.locator("summary").click()
            assert "200/365 × 60 %" in verdi.inner_text() and "Comune vicino" in verdi.inner_text()
            assert "provvisorio" in page.locator("tr#premio-settore-2").inner_text()  # its card is to be checked
            shot("web-premi")

            # what is wrong, where, and what to do
            page.get_by_role("link", name="4. Anomalie").click()
            tampered = page.locator("table.findings tbody tr", has_text="LOCKED_CHANGED")
            assert "settore-2.xlsx" in tampered.inner_text() and lay_cell_in(tampered.inner_text())
            shot("web-anomalie")

            # an audit page for the tampered file
            page.get_by_role("link", name="3. Restituzioni").click()
            page.locator("table.receipts tbody tr", has_text="settore-2.xlsx").get_by_role("button",
                                                                                        name="Audit").click()
            assert "Audit delle formule" in page.inner_text("h1")
            assert "settore-2.xlsx" in page.inner_text("body")
            assert "200/365 × 60 %" in page.inner_text("section#premi")  # its amount, with the HR file in force
            shot("web-audit")
            page.get_by_role("link", name="Torna alle restituzioni").click()

            # the report, and collect's on the same files
            page.get_by_role("link", name="Quadro d'insieme").click()
            downloaded = json.loads(download("JSON", tmp_path / "rapporto.json").read_text(encoding="utf-8"))
            final_xlsx = download("Excel (.xlsx)", tmp_path / "rapporto.xlsx")
            page.get_by_role("link", name="Registro").click()
            assert "file ricevuto" in page.inner_text("main") and "audit eseguito" in page.inner_text("main")
            shot("web-registro")
            page.get_by_role("link", name="Storico").click()
            assert "Anna Rossi" in page.inner_text("main")
            shot("web-storico")
            page.get_by_role("link", name="Campagne").first.click()
            shot("web-campagne")
            assert outside == []
            browser.close()
    finally:
        served.stop()

    uploaded = [returns[k] for k in ("clean", "tampered", "first", "again", "late")]
    loaded = load_plan(EXAMPLE_PLAN)
    library = collect(loaded, uploaded, public_key=load_public_key(public), names={str(p): p.name for p in uploaded},
                      hr=merge_hr(loaded.plan.hr, read_hr_file(hr)[0]), hr_source=hr.name)
    assert _comparable(downloaded, {"settore-3"}) == _comparable(to_json(library), {"settore-3"})
    assert downloaded["missing"] == ["settore-5"]
    sheets = openpyxl.load_workbook(final_xlsx).sheetnames
    assert {"Riepilogo", "Punteggi", "Anomalie", "Ricevute", "Premi"} <= set(sheets)
    assert sorted(p.stem for p in shots.glob("web-*.png")) == sorted(PAGES)


def lay_cell_in(text: str) -> bool:
    """The tampered weight's cell is named (E13, E17, …: the weight column)."""
    import re

    return re.search(r"\bE\d+\b", text) is not None


@pytest.fixture(autouse=True)
def _chromium_is_there() -> None:
    assert Path(CHROMIUM).exists(), "Debian's Chromium is required (package chromium)"
