"""One card, one status that says what happened to it: the same in the report, the JSON and the console line.

Every status through the command line (`piano-xlsx collect`), on returns filled as offices fill them and saved
by LibreOffice; and the files that are not returns (lock files, system files, hidden files) left out unopened.
"""

from __future__ import annotations

import io
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from msoffcrypto.format.ooxml import OOXMLFile
from support import EXAMPLE_PLAN, fill_workbook, full_scores, generate_plan, libreoffice_convert, plan_layouts

from piano_xlsx.cli import cli
from piano_xlsx.files.discover import not_a_return
from piano_xlsx.workbook.naming import cards_named, workbook_name

PLAN_ID = "comune-esempio-2025"
TITLES = {"settore-1": "Settore I Amministrativo", "settore-2": "Settore II Finanziario",
          "settore-3": "Settore III Tecnico", "settore-4": "Settore IV Polizia Locale",
          "settore-5": "Settore V Servizi alla Persona"}


def name(card: str, suffix: str = ".xlsx") -> str:
    return workbook_name(PLAN_ID, card).removesuffix(".xlsx") + suffix


@pytest.fixture(scope="module")
def world(tmp_path_factory, keys):
    """Signed workbooks, one per card; every card filled (all 8) and saved by LibreOffice; some variants."""
    base = tmp_path_factory.mktemp("statuses")
    loaded, issued = generate_plan(EXAMPLE_PLAN, base / "issued", key=keys[0], per_sector=True)
    layouts = plan_layouts(loaded)
    by_card = {lay.card.id: lay for lay in layouts}
    issued_by = {card: base / "issued" / name(card) for card in by_card}
    scores = full_scores(layouts, 8)
    typed = base / "typed"
    typed.mkdir()
    filled = [fill_workbook(issued_by[card], typed / name(card), layouts, scores) for card in by_card]
    incomplete = {k: dict(v) for k, v in scores.items()}
    incomplete["settore-3"]["ind.1"] = None
    other = {k: dict(v) for k, v in scores.items()}
    other["settore-2"]["ind.1"] = 10
    raised = by_card["settore-4"].items[2].item  # an individual objective, weight 40
    variants = {
        "incomplete": fill_workbook(issued_by["settore-3"], typed / "incomplete.xlsx", layouts, incomplete),
        "other": fill_workbook(issued_by["settore-2"], typed / "other.xlsx", layouts, other),
        "raised": fill_workbook(issued_by["settore-4"], typed / "raised.xlsx", layouts, scores,
                                weights={"settore-4": {raised.id: raised.weight + 10}}),
    }
    saved = libreoffice_convert([*filled, *variants.values()], base / "saved")  # as an office saves them
    clean = {card: saved[i] for i, card in enumerate(by_card)}
    variants = {key: base / "saved" / path.name for key, path in variants.items()}
    formats = {kind: libreoffice_convert([filled[4]], base / kind, kind)[0] for kind in ("xls", "ods")}
    _, (one_book,) = generate_plan(EXAMPLE_PLAN, base / "one-book", key=keys[0])
    book_filled = fill_workbook(one_book, typed / "one-book.xlsx", layouts, scores,
                                weights={"settore-1": {by_card["settore-1"].items[2].item.id: 40}})
    return {"base": base, "clean": clean, "variants": variants, "formats": formats, "keys": keys,
            "one_book": libreoffice_convert([book_filled], base / "one-book-saved")[0]}


@dataclass
class Outcome:
    exit_code: int
    console: str
    data: dict[str, Any]  # the JSON
    rows: dict[str, dict[str, Any]]  # Riepilogo: card title -> column -> value
    receipts: dict[str, dict[str, Any]]  # Ricevute: file name -> column -> value
    folder: Path

    def status(self, card: str) -> str | None:
        return next((c["status"] for c in self.data["cards"] if c["card"] == card), None)

    def card(self, card: str) -> dict[str, Any]:
        return next(c for c in self.data["cards"] if c["card"] == card)

    def codes(self, severity: str | None = None) -> list[tuple[str | None, str]]:
        return sorted((Path(f["file"]).name if f["file"] else None, f["code"]) for f in self.data["findings"]
                      if severity is None or f["severity"] == severity)


def _table(ws: Any) -> list[dict[str, Any]]:
    header = [c.value for c in ws[3]]
    return [dict(zip(header, row, strict=True)) for row in ws.iter_rows(min_row=4, values_only=True)]


def collect_cli(world, folder: Path, files: dict[str, Path | bytes], modified: dict[str, float] | None = None
                ) -> Outcome:
    """Put `files` (name -> source file or bytes) in a returns folder and run `piano-xlsx collect` on it.

    `modified`: name -> modification time to give the file (default: the time it is written)."""
    returns = folder / "restituite"
    returns.mkdir(parents=True)
    for file_name, source in files.items():
        target = returns / file_name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(source, bytes):
            target.write_bytes(source)
        else:
            shutil.copyfile(source, target)
        if file_name in (modified or {}):
            os.utime(target, (modified[file_name], modified[file_name]))  # type: ignore[index]
    report, json_path = folder / "consolidato.xlsx", folder / "consolidato.json"
    out = CliRunner().invoke(cli, ["collect", str(EXAMPLE_PLAN), str(returns), "-o", str(report),
                                   "--public-key", str(world["keys"][1]), "--json", str(json_path)])
    assert out.exit_code in (0, 1), out.output
    wb = openpyxl.load_workbook(report)
    rows = {row["Scheda"]: row for row in _table(wb["Riepilogo"])}
    receipts = {Path(row["File"]).name: row for row in _table(wb["Ricevute"])}
    return Outcome(out.exit_code, out.output, json.loads(json_path.read_text(encoding="utf-8")), rows, receipts,
                   returns)


def clean_set(world, *cards: str) -> dict[str, Path | bytes]:
    return {name(card): world["clean"][card] for card in cards or TITLES}


# --------------------------------------------------------------------------- each status


def test_returned_and_clean(world, tmp_path):
    out = collect_cli(world, tmp_path, clean_set(world))
    assert out.exit_code == 0
    assert {c["card"]: c["status"] for c in out.data["cards"]} == {card: "clean" for card in TITLES}
    assert out.data["missing"] == []
    assert {title: row["Stato"] for title, row in out.rows.items()} == {t: "Completa" for t in TITLES.values()}
    first = out.rows[TITLES["settore-1"]]
    assert (first["Fascia"], first["Premio"]) == ("Da 71 a 85", pytest.approx(720))  # final: band and bonus shown
    assert "schede: 5 (complete: 5); errori: 0" in out.console


def test_returned_with_errors_is_to_check_and_gets_no_band_or_bonus(world, tmp_path):
    out = collect_cli(world, tmp_path, clean_set(world, "settore-1", "settore-2", "settore-3", "settore-5") | {
        name("settore-4"): world["variants"]["raised"]})
    assert out.exit_code == 1
    assert out.status("settore-4") == "errors"
    card = out.card("settore-4")
    assert card["complete"] and card["total"] == pytest.approx(80)  # recomputed with the issued weights
    assert (card["band"], card["percent"], card["bonus"]) == (None, None, None)
    assert card["status_text"].startswith("Da verificare: 3 errori")  # protection, weight, cached total
    row = out.rows[TITLES["settore-4"]]
    assert row["Stato"] == card["status_text"] and "fascia e premio dopo la verifica" in row["Stato"]
    assert (row["Fascia"], row["Percentuale"], row["Premio"]) == (None, None, None)
    assert row["Punteggio"] == pytest.approx(80) and row["Errori"] == 3
    punteggi = _table(openpyxl.load_workbook(tmp_path / "consolidato.xlsx")["Punteggi"])
    assert {r["Stato della scheda"] for r in punteggi if r["Scheda"] == TITLES["settore-4"]} == {"Da verificare"}
    assert "complete: 4, da verificare: 1" in out.console


def test_errors_on_one_card_of_a_workbook_do_not_touch_the_others(world, tmp_path):
    out = collect_cli(world, tmp_path, {workbook_name(PLAN_ID): world["one_book"]})
    assert {c["card"]: c["status"] for c in out.data["cards"]} == {
        "settore-1": "errors", "settore-2": "clean", "settore-3": "clean", "settore-4": "clean", "settore-5": "clean"}
    assert "complete: 4, da verificare: 1" in out.console


def test_incomplete(world, tmp_path):
    out = collect_cli(world, tmp_path, clean_set(world, "settore-1", "settore-2", "settore-4", "settore-5") | {
        name("settore-3"): world["variants"]["incomplete"]})
    assert out.exit_code == 1  # a missing score is an error
    assert out.status("settore-3") == "incomplete"
    assert out.rows[TITLES["settore-3"]]["Stato"] == "Incompleta: Manca 1 valutazione"
    assert out.card("settore-3")["band"] is None and out.data["missing"] == []
    assert "(complete: 4, incomplete: 1)" in out.console


def test_returned_twice_with_different_content_the_office_decides(world, tmp_path):
    out = collect_cli(world, tmp_path, clean_set(world) | {"seconda versione.xlsx": world["variants"]["other"]})
    assert out.exit_code == 1
    card = out.card("settore-2")
    assert card["status"] == "duplicate" and card["file"] is None and card["total"] is None
    assert sorted(Path(f).name for f in card["files"]) == [name("settore-2"), "seconda versione.xlsx"]
    assert "settore-2" not in out.data["missing"]  # it came back: no reminder
    assert ("seconda versione.xlsx", "DUPLICATE_RETURN") in out.codes("error") or (
        name("settore-2"), "DUPLICATE_RETURN") in out.codes("error")
    assert "CARD_MISSING" not in {code for _, code in out.codes()}
    row = out.rows[TITLES["settore-2"]]
    assert row["Stato"] == "Restituita più volte: l'ufficio deve indicare il file valido (2 file)"
    assert row["Punteggio"] is None and "seconda versione.xlsx" in row["File"]
    assert "(complete: 4, restituite più volte: 1)" in out.console


def test_returned_twice_the_only_one_without_errors_counts(world, tmp_path):
    out = collect_cli(world, tmp_path, clean_set(world) | {"settore-3 bis.xlsx": world["variants"]["incomplete"]})
    card = out.card("settore-3")
    assert card["status"] == "duplicate" and Path(card["file"]).name == name("settore-3")
    assert card["band"] == "Da 71 a 85"  # the one that counts is clean: its band stands
    assert out.rows[TITLES["settore-3"]]["Stato"] == (
        f"Restituita più volte: vale {name('settore-3')}, l'unico senza errori (2 file)")


def test_an_identical_copy_is_a_note_and_the_one_modified_first_is_kept(world, tmp_path):
    files = clean_set(world) | {"0-copia.xlsx": world["clean"]["settore-1"]}
    now = world["clean"]["settore-1"].stat().st_mtime
    out = collect_cli(world, tmp_path / "a", files, {name("settore-1"): now, "0-copia.xlsx": now + 60})
    original, copy = out.folder / name("settore-1"), out.folder / "0-copia.xlsx"
    assert out.exit_code == 0 and out.status("settore-1") == "clean"
    copies = [f for f in out.data["findings"] if f["code"] == "DUPLICATE_COPY"]
    assert [(Path(f["file"]).name, f["severity"]) for f in copies] == [("0-copia.xlsx", "info")]
    # same modification time: the first by path ("0-copia" sorts first) is kept
    os.utime(copy, (original.stat().st_mtime, original.stat().st_mtime))
    again = CliRunner().invoke(cli, ["collect", str(EXAMPLE_PLAN), str(out.folder), "-o", str(tmp_path / "b.xlsx"),
                                     "--public-key", str(world["keys"][1]), "--json", "-"])
    kept = next(c for c in json.loads(again.stdout)["cards"] if c["card"] == "settore-1")
    assert Path(kept["file"]).name == "0-copia.xlsx"
    # modified first wins over the name
    os.utime(copy, (original.stat().st_mtime + 60, original.stat().st_mtime + 60))
    later = CliRunner().invoke(cli, ["collect", str(EXAMPLE_PLAN), str(out.folder), "-o", str(tmp_path / "c.xlsx"),
                                     "--public-key", str(world["keys"][1]), "--json", "-"])
    data = json.loads(later.stdout)
    assert Path(next(c for c in data["cards"] if c["card"] == "settore-1")["file"]).name == name("settore-1")
    note = next(f for f in data["findings"] if f["code"] == "DUPLICATE_COPY")
    assert Path(note["file"]).name == "0-copia.xlsx" and str(original) in note["message"]
    assert "modificata per prima" in note["message"]


def _encrypted(source: Path) -> bytes:
    out = io.BytesIO()
    with open(source, "rb") as fh:
        OOXMLFile(fh).encrypt("segreta", out)
    return out.getvalue()


def test_returned_in_a_format_that_cannot_be_read(world, tmp_path):
    out = collect_cli(world, tmp_path, clean_set(world, "settore-1") | {
        name("settore-2", " (1).xlsx"): world["clean"]["settore-2"].read_bytes()[:3000],  # damaged in transit
        name("settore-3"): _encrypted(world["clean"]["settore-3"]),
        name("settore-4", ".ods"): world["formats"]["ods"],
        "valutazione finale.xls": world["formats"]["xls"],  # a name that says nothing: settore-5 is not known
    })
    expected = {"settore-2": "file danneggiato", "settore-3": "protetto da password",
                "settore-4": "formato .ods"}
    for card, reason in expected.items():
        assert out.status(card) == "unreadable", card
        assert out.rows[TITLES[card]]["Stato"].startswith(f"Non leggibile: {reason}, riconosciuta dal nome del file")
        assert out.card(card)["total"] is None
    assert "chiedere il file .xlsx" in out.rows[TITLES["settore-4"]]["Stato"]
    assert out.data["missing"] == ["settore-5"]  # only the card with no file that names it
    assert [code for _, code in out.codes("warning") if code == "CARD_MISSING"] == ["CARD_MISSING"]
    assert {(n, c) for n, c in out.codes("error")} >= {(name("settore-4", ".ods"), "FILE_ODS"),
                                                      (name("settore-3"), "FILE_ENCRYPTED"),
                                                      ("valutazione finale.xls", "FILE_XLS")}
    assert "complete: 1, non leggibili: 3, non restituite: 1" in out.console


def test_not_returned(world, tmp_path):
    out = collect_cli(world, tmp_path, clean_set(world, "settore-1", "settore-2", "settore-3", "settore-4"))
    assert out.exit_code == 0  # a card not returned is a warning: a reminder, not an error in the files
    assert out.data["missing"] == ["settore-5"] and out.status("settore-5") is None
    assert out.rows[TITLES["settore-5"]]["Stato"] == "Non restituita"
    assert out.codes("warning") == [(None, "CARD_MISSING")]
    assert "complete: 4, non restituite: 1" in out.console


# --------------------------------------------------------------------------- files that are not returns

STRAY = {
    f"~${name('settore-1')}": b"\x0cNucleo di Valutazione" + b"\x00" * 140,  # Excel's lock file
    f".~lock.{name('settore-2')}#": b"Nucleo,host,nucleo,16.03.2026 10:00,file:///home/nucleo/.config;",
    "Thumbs.db": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500,  # an OLE container, like an .xls
    "desktop.ini": b"[.ShellClassInfo]\r\nIconResource=C:\\Windows\\System32\\imageres.dll,-3\r\n",
    ".DS_Store": b"\x00\x00\x00\x01Bud1" + b"\x00" * 100,
    f"__MACOSX/._{name('settore-3')}": b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        ",
    ".nascosto.xlsx": b"PK\x03\x04 non una cartella",
    ".cache/qualcosa.xlsx": b"PK\x03\x04 neppure questa",
}


def test_a_clean_set_with_every_stray_file_kind_exits_0(world, tmp_path):
    out = collect_cli(world, tmp_path, clean_set(world) | STRAY)
    assert out.exit_code == 0, out.console
    ignored = {str(Path(f["file"]).relative_to(out.folder)): f for f in out.data["findings"]
               if f["code"] == "FILE_IGNORED"}
    assert set(ignored) == set(STRAY) and {f["severity"] for f in ignored.values()} == {"info"}
    assert out.codes("error") == [] and out.codes("warning") == []  # a clean run
    listed = {str(Path(f["path"]).relative_to(out.folder)): f for f in out.data["files"]}
    for stray in STRAY:
        assert listed[stray]["ignored"] and listed[stray]["sha256"] is None and listed[stray]["status"] == "ok"
        assert out.receipts[Path(stray).name]["Stato"].startswith("Non considerato: ")
    assert "blocco di Microsoft Office" in listed[f"~${name('settore-1')}"]["ignored"]
    assert "blocco di LibreOffice" in listed[f".~lock.{name('settore-2')}#"]["ignored"]
    assert {c["status"] for c in out.data["cards"]} == {"clean"}
    assert "File letti: 5 (non considerati: 8); schede: 5 (complete: 5); errori: 0" in out.console


def test_stray_files_are_never_opened(world, tmp_path):
    """Neither collect nor audit reads them: their access time stays where it was, a return's does not."""
    returns = tmp_path / "restituite"
    for file_name, data in ({name("settore-1"): world["clean"]["settore-1"].read_bytes()} | STRAY).items():
        (returns / file_name).parent.mkdir(parents=True, exist_ok=True)
        (returns / file_name).write_bytes(data)
    past = 1_000_000_000  # an access time before the modification time: a read moves it (relatime)
    for path in returns.rglob("*"):
        if path.is_file():
            os.utime(path, (past, path.stat().st_mtime))
    runner = CliRunner()
    collected = runner.invoke(cli, ["collect", str(EXAMPLE_PLAN), str(returns), "-o", str(tmp_path / "r.xlsx"),
                                    "--public-key", str(world["keys"][1])])
    audited = runner.invoke(cli, ["audit", str(returns), "--public-key", str(world["keys"][1]), "--json",
                                  str(tmp_path / "a.json")])
    assert collected.exit_code == 0 and audited.exit_code == 0, collected.output + audited.output
    assert (returns / name("settore-1")).stat().st_atime > past, "the file system must record reads (relatime)"
    assert {stray: (returns / stray).stat().st_atime for stray in STRAY} == {stray: past for stray in STRAY}
    data = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))
    assert [Path(f["path"]).name for f in data["files"]] == [name("settore-1")]
    assert sorted(str(Path(f["file"]).relative_to(returns)) for f in data["ignored"]) == sorted(STRAY)


def test_a_file_that_claims_to_be_a_spreadsheet_and_is_not_stays_an_error(world, tmp_path):
    out = collect_cli(world, tmp_path, clean_set(world) | {"allegato.xlsx": b"%PDF-1.4\n"})
    assert out.exit_code == 1 and ("allegato.xlsx", "FILE_NOT_SPREADSHEET") in out.codes("error")


@pytest.mark.parametrize("path, left_out", [
    ("~$scheda.xlsx", True), (".~lock.scheda.xlsx#", True), ("Thumbs.db", True), ("THUMBS.DB", True),
    ("Desktop.ini", True), (".DS_Store", True), ("__MACOSX/scheda.xlsx", True), ("a/__MACOSX/b/c.xlsx", True),
    (".scheda.xlsx", True), (".git/config", True), ("settore/.hidden/x.xlsx", True),
    ("scheda.xlsx", False), ("sub/scheda.xls", False), ("~scheda.xlsx", False), ("lock.scheda.xlsx#", False),
    ("MACOSX/scheda.xlsx", False), ("appunti.txt", False),
])
def test_what_is_not_a_return_is_told_by_the_path_alone(path, left_out):
    assert (not_a_return(PurePath(path)) is not None) == left_out


NAMED_CARDS = ["settore-1", "settore-2", "settore-3", "settore-10"]


@pytest.mark.parametrize("file_name, cards", [
    ("comune-esempio-2025-settore-1.xls", ["settore-1"]),
    ("comune-esempio-2025-settore-1 (corretta).ods", ["settore-1"]),
    ("Copia di comune-esempio-2025-settore-2.xlsx", ["settore-2"]),
    ("COMUNE-ESEMPIO-2025-SETTORE-3.XLS", ["settore-3"]),
    ("comune-esempio-2025-settore-10.ods", ["settore-10"]),  # not settore-1
    ("comune-esempio-2025-settore-1-0.ods", ["settore-1"]),
    ("comune-esempio-2025.ods", NAMED_CARDS),  # the workbook of every card
    ("comune-esempio-2025 (2).ods", NAMED_CARDS),
    ("comune-esempio-2025-note.ods", []),
    ("settore-1.ods", []),
    ("valutazione.xls", []),
])
def test_the_cards_a_file_name_points_to(file_name, cards):
    assert cards_named(file_name, PLAN_ID, NAMED_CARDS) == cards
