"""The web app's promises, against the real `piano-xlsx serve`: the token, CSRF, upload limits, hostile files,
restart and kill survival, history across campaigns, and the store's own guarantees."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hostile import cases
from sqlalchemy import text
from support import EXAMPLE_PLAN, ROOT, fill_workbook, full_scores, generate_plan, plan_layouts
from web_support import Client, Served, multipart, serve, text_of

from piano_xlsx.web import tables as t
from piano_xlsx.web.store import Store

TEMPLATE = "Esempio (Comune di Esempio 2025)"


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory, keys: tuple[Path, Path]) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("returns")
    loaded, files = generate_plan(EXAMPLE_PLAN, folder / "issued", per_sector=True)
    layouts = plan_layouts(loaded)
    built = {f"settore-{n}": fill_workbook(files[n - 1], folder / f"settore-{n}.xlsx", layouts, full_scores(layouts))
             for n in (1, 2, 3)}
    hostile = {case.name: case for case in cases()}
    for name in ("ratio", "pdf-renamed"):
        path = folder / f"{name}.xlsx"
        hostile[name].build(path, None)  # type: ignore[arg-type]  # these two need no base workbook
        built[name] = path
    return built


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    served = serve(tmp_path_factory.mktemp("web") / "dati", "--max-upload", "1")
    yield served
    served.stop()


def _campaign(client: Client, name: str = "Prova") -> str:
    status, page = client.post("/campagne", {"name": name, "template": TEMPLATE})
    assert status == 200 and "Nessun errore nel piano" in page
    found = [line for line in page.split('"') if line.startswith("/campagne/") and line.endswith("/piano")]
    return found[0].removesuffix("/piano")


def _upload(client: Client, campaign: str, *paths: Path) -> str:
    status, page = client.post(f"{campaign}/restituzioni", files=[("files", p.name, p.read_bytes()) for p in paths])
    assert status == 200, text_of(page)
    return text_of(page)


# ------------------------------------------------------------------ who may use it


def test_requests_without_the_token_are_refused(server: Served) -> None:
    stranger = Client(server)
    for path in ("/", "/storico", "/chiave-pubblica.pem", "/static/style.css", "/campagne/1"):
        status, page = stranger.get(path)
        assert status == 403, path
        assert "Accesso negato" in page and "token" in page
    status, _ = stranger.get("/?token=" + "x" * 43)
    assert status == 403
    assert stranger.post("/campagne", {"name": "x", "template": TEMPLATE}, csrf=False)[0] == 403
    client = Client(server)
    client.open()
    assert client.get("/storico")[0] == 200  # the cookie does from now on


def test_every_form_needs_its_csrf_field(server: Served) -> None:
    client = Client(server)
    client.open()
    status, page = client.post("/campagne", {"name": "x", "template": TEMPLATE}, csrf=False)
    assert status == 400 and "modulo" in text_of(page)
    status, page = client.post("/campagne", {"name": "x", "template": TEMPLATE, "csrf": "0" * 64}, csrf=False)
    assert status == 400
    body, kind = multipart({"csrf": client.csrf, "name": "x", "template": TEMPLATE}, [])
    status, page, _ = client.request("/campagne", body, {"Content-Type": kind, "Origin": "http://evil.example"})
    assert status == 400 and "origine" in text_of(page)


def test_pages_load_nothing_from_outside(server: Served) -> None:
    client = Client(server)
    client.open()
    campaign = _campaign(client)
    for path in ("/", campaign, f"{campaign}/piano", f"{campaign}/restituzioni", "/storico"):
        status, page, headers = client.request(path)
        assert status == 200
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        links = re.findall(r'(?:src|href|action)="([^"]*)"', page)
        assert links and all(link.startswith("/") or link.startswith("#") for link in links), links


# ------------------------------------------------------------------ what an upload can be


def test_an_upload_over_the_limit_gets_an_italian_message_and_the_app_keeps_serving(server: Served) -> None:
    client = Client(server)
    client.open()
    campaign = _campaign(client)
    status, page = client.post(f"{campaign}/restituzioni", files=[("files", "grande.xlsx", os.urandom(1_200_000))])
    assert status == 413
    assert "supera il limite di 1 MB" in text_of(page)
    assert client.get(f"{campaign}/restituzioni")[0] == 200
    assert "Nessun file ricevuto" in text_of(client.get(f"{campaign}/restituzioni")[1])


def test_a_zip_bomb_and_a_non_spreadsheet_are_received_refused_and_explained(server: Served,
                                                                             returns: dict[str, Path]) -> None:
    client = Client(server)
    client.open()
    campaign = _campaign(client)
    page = _upload(client, campaign, returns["ratio"], returns["pdf-renamed"], returns["settore-1"])
    assert "ricevuti 3 file" in page
    assert "Il file supera i limiti di sicurezza: rapporto di compressione anomalo" in page
    assert "Il file non è un foglio di calcolo (documento PDF)" in page
    for path in (returns["ratio"], returns["pdf-renamed"]):  # kept as received, for the record
        assert hashlib.sha256(path.read_bytes()).hexdigest() in page
    overview = text_of(client.get(campaign)[1])
    # the good file still counts; generated outside the app, it carries no signature of the app's key, which is an
    # error (SIGNATURE_INVALID): the card is back, to be checked
    assert "Anna Rossi Settore I Amministrativo da verificare Da verificare: 1 errore" in overview
    status, findings = client.get(f"{campaign}/anomalie")
    assert "FILE_TOO_LARGE" in findings and "FILE_NOT_SPREADSHEET" in findings
    assert client.get("/")[0] == 200


def test_the_plan_page_shows_the_rules_band_notes_and_sources_as_the_report_does(server: Served) -> None:
    from piano_xlsx.collect.notes import plan_notes
    from piano_xlsx.planfile import load_plan_file
    from piano_xlsx.verify.expected import Expected

    plan = ROOT / "examples" / "piano-percentuali.yaml"
    client = Client(server)
    client.open()
    status, page = client.post("/campagne", {"name": "Percentuali"}, files=[("plan", plan.name, plan.read_bytes())])
    assert status == 200 and "Nessun errore nel piano" in page, text_of(page)
    words = text_of(page)
    assert "Le regole del piano" in words
    notes = plan_notes(Expected.from_plan(load_plan_file(str(plan))))
    assert any("Fonte:" in note["Nota"] for note in notes) and any("classe di risultato" in note["Nota"]
                                                                   for note in notes)
    for note in notes:  # every rule, with its source, in the report's words
        assert note["Argomento"] in words
        for line in note["Nota"].splitlines():
            assert " ".join(line.split()) in words, line


def test_a_plan_that_is_not_a_plan(server: Served, returns: dict[str, Path]) -> None:
    client = Client(server)
    client.open()
    status, page = client.post("/campagne", {"name": "x"}, files=[("plan", "piano.pdf", b"%PDF-1.4")])
    assert status == 400 and "YAML" in text_of(page)
    status, page = client.post("/campagne", {"name": "x"}, files=[("plan", "piano.xlsx",
                                                                   returns["ratio"].read_bytes())])
    assert status == 200 and "Il piano non si può leggere" in text_of(page)


# ------------------------------------------------------------------ the data folder


def _stored(data: Path) -> dict[str, str]:
    """Every kept file by name -> the SHA-256 of its bytes (they must be equal)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (data / "file").glob("??/*")}


def test_the_data_folder_survives_a_restart(tmp_path: Path, returns: dict[str, Path]) -> None:
    data = tmp_path / "dati"
    first = serve(data)
    try:
        client = Client(first)
        client.open()
        campaign = _campaign(client, "Prima del riavvio")
        assert client.post(f"{campaign}/cartelle")[0] == 200
        _upload(client, campaign, returns["settore-1"], returns["settore-2"])
        before = text_of(client.get(campaign)[1])
        receipts_before = text_of(client.get(f"{campaign}/restituzioni")[1])
    finally:
        first.stop()
    kept = _stored(data)
    second = serve(data)
    try:
        assert second.token != first.token
        assert Client(second).get("/")[0] == 403  # the old cookie's token is gone with the old process
        client = Client(second)
        client.open()
        assert text_of(client.get(campaign)[1]) == before
        assert text_of(client.get(f"{campaign}/restituzioni")[1]) == receipts_before
        assert "Scarica lo zip" in client.get(f"{campaign}/cartelle")[1]
        log = text_of(client.get(f"{campaign}/registro")[1])
        assert "campagna creata" in log and "cartelle generate" in log and log.count("file ricevuto") == 2
    finally:
        second.stop()
    assert all(name == digest for name, digest in kept.items()) and len(kept) >= 4
    assert _stored(data) == kept


def test_killing_the_app_during_an_upload_loses_nothing_received(tmp_path: Path, returns: dict[str, Path]) -> None:
    data = tmp_path / "dati"
    served = serve(data)
    client = Client(served)
    client.open()
    campaign = _campaign(client)
    _upload(client, campaign, returns["settore-1"])
    # a second upload whose body stops half-way, and the app killed while it waits for the rest
    body, kind = multipart({"csrf": client.csrf}, [("files", "settore-2.xlsx", returns["settore-2"].read_bytes()),
                                                   ("files", "settore-3.xlsx", returns["settore-3"].read_bytes())])
    cookie = "; ".join(f"{c.name}={c.value}" for c in client.jar)
    host, port = served.base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(f"POST {campaign}/restituzioni HTTP/1.1\r\nHost: {host}:{port}\r\nCookie: {cookie}\r\n"
                     f"Content-Type: {kind}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body[:len(body) // 2])
        time.sleep(0.5)
        served.process.send_signal(signal.SIGKILL)
        served.process.wait(10)
    kept = _stored(data)
    assert all(name == digest for name, digest in kept.items())
    again = serve(data)
    try:
        client = Client(again)
        client.open()
        page = text_of(client.get(f"{campaign}/restituzioni")[1])
        assert "settore-1.xlsx" in page and "settore-2.xlsx" not in page
        assert hashlib.sha256(returns["settore-1"].read_bytes()).hexdigest() in page
        _upload(client, campaign, returns["settore-2"])  # and the office simply sends it again
    finally:
        again.stop()
    assert not list((data / "file" / "tmp").iterdir())


_WRITER = """
import sys, time
from pathlib import Path
from piano_xlsx.web.blobs import Blobs
def chunks():
    yield b"x" * 100_000
    print("writing", flush=True)
    time.sleep(60)
    yield b"y"
Blobs(Path(sys.argv[1])).put_chunks(chunks())
"""


def test_a_file_being_written_when_the_process_dies_leaves_no_file_under_a_content_name(tmp_path: Path) -> None:
    data = tmp_path / "dati"
    store = Store(data)
    kept = store.blobs.put(b"gi\xc3\xa0 ricevuto")
    writer = subprocess.Popen([sys.executable, "-c", _WRITER, str(data / "file")], stdout=subprocess.PIPE,
                              text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert writer.stdout is not None and writer.stdout.readline().strip() == "writing"
    writer.kill()
    writer.wait(10)
    assert len(list((data / "file" / "tmp").iterdir())) == 1  # only a temporary name
    assert _stored(data) == {kept: kept}
    Store(data)  # the next start clears what was left
    assert not list((data / "file" / "tmp").iterdir())
    assert store.blobs.read(kept) == "già ricevuto".encode()


def test_the_store_is_made_by_its_migrations_and_kept_files_are_read_only(tmp_path: Path) -> None:
    store = Store(tmp_path / "dati")
    with store.engine.connect() as conn:
        assert conn.execute(text("select version_num from alembic_version")).scalar() == "0002"
    for table in t.metadata.tables.values():  # every table the code uses, as the migrations made it
        with store.engine.connect() as conn:
            made = {row[1] for row in conn.execute(text(f"pragma table_info({table.name})"))}
        assert made == {c.name for c in table.columns}, table.name
    sha = store.blobs.put(b"contenuto")
    assert store.blobs.path(sha).stat().st_mode & 0o222 == 0
    assert store.blobs.put(b"contenuto") == sha and len(_stored(store.data)) == 1


# ------------------------------------------------------------------ history


def test_history_puts_a_person_and_a_sector_side_by_side_across_campaigns(server: Served,
                                                                          returns: dict[str, Path]) -> None:
    client = Client(server)
    client.open()
    first = _campaign(client, "Storico A")
    second = _campaign(client, "Storico B")
    _upload(client, first, returns["settore-1"])
    _upload(client, second, returns["settore-1"], returns["settore-2"])
    client.get(first)
    client.get(second)
    page = client.get("/storico")[1]
    people, sectors = page.split("<h2>Settori</h2>")
    columns = [text_of(c).strip() for c in re.findall(r"<th>(.*?)</th>", people)]
    cells = [text_of(c) for c in re.findall(r"<td>(.*?)</td>", next(r for r in people.split("<tr>")
                                                                    if "Anna Rossi" in r), re.S)]
    by_campaign = dict(zip(columns, cells, strict=True))
    assert "80 / 100" in by_campaign["Storico A (2025)"] and "80 / 100" in by_campaign["Storico B (2025)"]
    assert "da verificare" in by_campaign["Storico A (2025)"]  # unsigned by the app's key: back, to be checked
    columns = [text_of(c).strip() for c in re.findall(r"<th>(.*?)</th>", sectors)]
    cells = [text_of(c) for c in re.findall(r"<td>(.*?)</td>", next(r for r in sectors.split("<tr>")
                                                                     if "Settore II Finanziario" in r), re.S)]
    by_campaign = dict(zip(columns, cells, strict=True))
    assert "schede restituite: 0 su 1" in by_campaign["Storico A (2025)"]
    assert "schede restituite: 1 su 1 · media 80% del massimo" in by_campaign["Storico B (2025)"]


# ------------------------------------------------------------------ the command


def test_serve_listens_elsewhere_only_when_asked_and_says_so(tmp_path: Path) -> None:
    local = serve(tmp_path / "a")
    local.stop()
    assert local.url.startswith("http://127.0.0.1:")
    assert "Attenzione" not in local.process.stderr.read()  # type: ignore[union-attr]
    other = serve(tmp_path / "b", "--host", "127.0.0.2")  # still loopback, but not the default
    try:
        assert other.url.startswith("http://127.0.0.2:")
        client = Client(other)
        client.open()
        assert client.get("/")[0] == 200
    finally:
        other.stop()
    warning = other.process.stderr.read()  # type: ignore[union-attr]
    assert "Attenzione" in warning and "raggiungibile da altri computer" in warning


def test_numbers_read_as_italian_readers_write_them() -> None:
    from piano_xlsx.web.pages import number

    assert [number(15190, 0), number(1880.0), number(72.5), number(0.126, 2), number(None), number(100)] == [
        "15.190", "1.880", "72,5", "0,13", "—", "100"]


def test_a_file_the_office_excludes_no_longer_counts_and_can_come_back(server: Served,
                                                                       returns: dict[str, Path]) -> None:
    client = Client(server)
    client.open()
    campaign = _campaign(client, "Esclusioni")
    _upload(client, campaign, returns["settore-1"], returns["settore-1"])  # the second: the same bytes again
    page = client.get(f"{campaign}/restituzioni")[1]
    assert "copia identica della ricevuta" in text_of(page)
    receipt = re.findall(r'action="(/campagne/\d+/restituzioni/\d+/esclusione)"', page)
    assert len(receipt) == 1  # a copy has nothing to exclude: it is not counted anyway
    assert client.post(receipt[0], {"excluded": "1"})[0] == 200
    assert "esclusa file escluso dall'ufficio" in text_of(client.get(campaign)[1])
    assert "escluso dall'ufficio: non contato" in text_of(client.get(f"{campaign}/restituzioni")[1])
    assert client.post(receipt[0], {"excluded": "0"})[0] == 200
    assert "Anna Rossi Settore I Amministrativo da verificare" in text_of(client.get(campaign)[1])  # back again
    log = text_of(client.get(f"{campaign}/registro")[1])
    assert "file escluso" in log and "file riammesso" in log


# ------------------------------------------------------------------ money

HR_CSV = ("valutato;giorni;part time;comune;quota\n"
          "verdi;200;;Comune di Esempio;60\n"
          "verdi;;;Comune vicino;40\n"
          "bianchi;;50;;\n"
          "sconosciuto;10;;;\n"
          "neri;molti;;;\n")


def _signed_returns(served: Served, folder: Path, plan: Path = EXAMPLE_PLAN) -> dict[str, Path]:
    """Every card filled, in workbooks signed by the app's own key (as its zip would hold them)."""
    from piano_xlsx.signing import PRIVATE_NAME

    loaded, files = generate_plan(plan, folder / "issued", key=served.data / "chiavi" / PRIVATE_NAME,
                                  per_sector=True)
    layouts = plan_layouts(loaded)
    return {lay.card.id: fill_workbook(path, folder / f"{lay.card.id}.xlsx", layouts, full_scores(layouts, score))
            for lay, path, score in zip(layouts, files, (8, 6, 10, 8, 4), strict=True)}


def _library_collect(served: Served, plan: Path, files: list[Path], hr: Path | None = None) -> Any:
    """collect's own result on the same files, as the command line computes it."""
    from piano_xlsx.collect import collect
    from piano_xlsx.hr.read import merge_hr, read_hr_file
    from piano_xlsx.plan.loader import load_plan
    from piano_xlsx.signing import PUBLIC_NAME, load_public_key

    loaded = load_plan(plan)
    records = merge_hr(loaded.plan.hr, read_hr_file(hr)[0]) if hr else None
    return collect(loaded, [str(f) for f in files], public_key=load_public_key(served.data / "chiavi" / PUBLIC_NAME),
                   hr=records, hr_source=hr.name if hr else "")


def _card_row(page: str, card_id: str) -> str:
    found = re.search(rf'<tr data-card="{card_id}">(.*?)</tr>', page, re.S)
    assert found, card_id
    return text_of(found.group(1))


def test_an_hr_file_is_kept_read_and_its_amounts_are_collects(server: Served, tmp_path: Path) -> None:
    from piano_xlsx.collect.report import write_csv
    from piano_xlsx.money.numbers import euro

    client = Client(server)
    client.open()
    campaign = _campaign(client, "Premi")
    signed = _signed_returns(server, tmp_path)
    _upload(client, campaign, *signed.values())
    hr = tmp_path / "personale.csv"
    hr.write_text(HR_CSV, encoding="utf-8")
    status, page = client.post(f"{campaign}/premi", files=[("hr", hr.name, hr.read_bytes())])
    assert status == 200
    words = text_of(page)
    assert "In uso: «personale.csv»" in words and "4 persone" in words  # the unknown one too, found below
    assert "HR_UNKNOWN_PERSON" in page and "HR_VALUE_INVALID" in page and "sconosciuto" in words
    sha = hashlib.sha256(hr.read_bytes()).hexdigest()
    kept = server.data / "file" / sha[:2] / sha
    assert kept.read_bytes() == hr.read_bytes() and kept.stat().st_mode & 0o222 == 0
    assert f"SHA-256 {sha}" in text_of(client.get(f"{campaign}/registro")[1])

    result = _library_collect(server, EXAMPLE_PLAN, list(signed.values()), hr)
    without = _library_collect(server, EXAMPLE_PLAN, list(signed.values()))
    payments = {p.person.card_id: p for p in result.premi.payments()}
    assert payments["settore-2"].amount != {p.person.card_id: p for p in without.premi.payments()}["settore-2"].amount
    overview = client.get(campaign)[1]
    for card_id, pay in payments.items():
        row = _card_row(overview, card_id)
        assert euro(pay.amount) in row and "provvisorio" not in row, row
    premi = text_of(client.get(f"{campaign}/premi")[1])
    for pay in payments.values():
        assert all(step in premi for step in pay.steps), pay.steps
    assert "Comune vicino" in premi  # the convention share of the person paid by two comuni
    expected = {p.stem: p.read_bytes().decode("utf-8", "replace") for p in write_csv(result, tmp_path / "csv")}
    for name in ("premi", "fondi", "convenzioni"):  # the same bytes as collect --csv writes
        status, body, _ = client.request(f"{campaign}/rapporto.{name}")
        assert status == 200 and body == expected[name], name

    assert f"dovuti {euro(payments['settore-2'].amount)}" in _history_cell(client, "Bruno Verdi", "Premi (2025)")


def test_an_hr_file_that_cannot_be_read_is_kept_said_and_not_used(server: Served, tmp_path: Path) -> None:
    client = Client(server)
    client.open()
    campaign = _campaign(client, "Premi illeggibili")
    status, page = client.post(f"{campaign}/premi", files=[("hr", "personale.csv", b"nome;giorni\nverdi;3\n")])
    assert status == 200
    words = text_of(page)
    assert "«personale.csv»" in words and "manca la colonna «valutato»" in words
    assert "Si usano i dati del personale del piano" in words
    status, page = client.post(f"{campaign}/premi", files=[("hr", "personale.pdf", b"%PDF-1.4")])
    assert status == 400 and "CSV" in text_of(page)


def _fund_plan(folder: Path) -> Path:
    """The example plan paying its bands by coefficients that split one fund."""
    import yaml

    data = yaml.safe_load(EXAMPLE_PLAN.read_text(encoding="utf-8"))
    labels = [band["label"] for band in data["bands"][0]["bands"]]
    data["funds"] = [{"id": "risultato", "title": "Fondo di risultato", "amount": 10000}]
    data["payouts"] = [{"id": "risultato", "title": "Retribuzione di risultato", "mode": "fund_split",
                        "fund": "risultato", "bands": "fasce", "day_count": "actual",
                        "coefficients": dict(zip(labels, (0, 1, 2, 3, 4), strict=True)),
                        "rounding": {"step": 0.01, "leftover": "largest_remainder", "order": "score"}}]
    path = folder / "piano-fondo.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_amounts_are_provisional_until_every_card_of_the_group_is_in_and_clean(server: Served, tmp_path: Path,
                                                                               returns: dict[str, Path]) -> None:
    from piano_xlsx.money.numbers import euro

    client = Client(server)
    client.open()
    plan = _fund_plan(tmp_path)
    status, page = client.post("/campagne", {"name": "Fondo"}, files=[("plan", plan.name, plan.read_bytes())])
    assert status == 200 and "Nessun errore nel piano" in page, text_of(page)
    campaign = re.search(r'href="(/campagne/\d+)/piano"', page).group(1)  # type: ignore[union-attr]
    signed = _signed_returns(server, tmp_path, plan)
    first = [signed["settore-1"], signed["settore-2"]]
    _upload(client, campaign, *first)
    result = _library_collect(server, plan, first)
    overview = client.get(campaign)[1]
    for pay in result.premi.payments():
        row = _card_row(overview, pay.person.card_id)
        assert "provvisorio" in row and "mancano o sono da verificare settore-3, settore-4, settore-5" in row, row
        if pay.amount is not None:
            assert euro(pay.amount) in row
    funds = text_of(overview.split('<table class="funds">')[1].split("</table>")[0])
    assert "Fondo di risultato Retribuzione di risultato 10.000,00 €" in funds and "provvisorio" in funds
    premi = text_of(client.get(f"{campaign}/premi")[1])
    assert "Importi provvisori: dipendono da tutto il gruppo" in premi

    _upload(client, campaign, *[signed[c] for c in ("settore-3", "settore-4", "settore-5")])
    result = _library_collect(server, plan, list(signed.values()))
    assert result.premi.results[0].fund.paid == 10000  # type: ignore[union-attr]
    overview = client.get(campaign)[1]
    for pay in result.premi.payments():
        row = _card_row(overview, pay.person.card_id)
        assert euro(pay.amount) in row and "provvisorio" not in row, row  # type: ignore[arg-type]
    funds = text_of(overview.split('<table class="funds">')[1].split("</table>")[0])
    assert "10.000,00 € 10.000,00 € 0,00 €" in funds and "definitivo" in funds

    # an amount on one card's own base is provisional while that card is to be checked (here: not signed by the app)
    other = _campaign(client, "Da verificare")
    _upload(client, other, returns["settore-1"])
    row = _card_row(client.get(other)[1], "settore-1")
    assert "provvisorio" in row and "la scheda è da verificare" in row
    assert "dovuti" not in _history_cell(client, "Anna Rossi", "Da verificare (2025)")  # not final: not in the history
    assert "dovuti" in _history_cell(client, "Anna Rossi", "Fondo (2025)")


def _history_cell(client: Client, person: str, column: str) -> str:
    people = client.get("/storico")[1].split("<h2>Settori</h2>")[0]
    columns = [text_of(c).strip() for c in re.findall(r"<th>(.*?)</th>", people)]
    row = next(r for r in people.split("<tr>") if person in r)
    return dict(zip(columns, [text_of(c) for c in re.findall(r"<td>(.*?)</td>", row, re.S)], strict=True))[column]
