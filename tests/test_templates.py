"""The shipped plan templates: both seeds, transcribed faithfully (workbook_templates/)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from piano_xlsx.plan.loader import LoadedPlan, load_plan
from piano_xlsx.plan.model import Plan
from piano_xlsx.plan.resolve import resolve_cards

TEMPLATES = ["piano-2023-settori.yaml", "casale-marittimo-2024.yaml"]


@pytest.fixture(scope="module")
def templates_dir() -> Path:
    return Path(__file__).parent.parent / "workbook_templates"


@pytest.fixture(scope="module")
def settori(templates_dir: Path) -> Plan:
    return load_plan(templates_dir / "piano-2023-settori.yaml").plan


@pytest.fixture(scope="module")
def casale(templates_dir: Path) -> Plan:
    return load_plan(templates_dir / "casale-marittimo-2024.yaml").plan


# --------------------------------------------------------------------------- both


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_loads(templates_dir: Path, name: str) -> None:
    loaded = load_plan(templates_dir / name)
    assert isinstance(loaded, LoadedPlan)
    assert loaded.plan.cards
    assert loaded.plan.choices, "a faithful template records its choices"
    assert len(loaded.hash) == 64


@pytest.mark.parametrize("name", TEMPLATES)
def test_sheet_names_unique_and_valid(templates_dir: Path, name: str) -> None:
    plan = load_plan(templates_dir / name).plan
    for card in plan.cards:
        raw = card.sheet or card.title
        assert len(raw) <= 31, raw
        assert not re.search(r"[\[\]:*?/\\]", raw), raw
    names = [raw.lower() for raw in ((c.sheet or c.title)[:31] for c in plan.cards)]
    assert len(set(names)) == len(names)
    resolved = [c.sheet for c in resolve_cards(plan)]
    assert resolved == [c.sheet or c.title for c in plan.cards]


def _walk(data: object, parts: list[str]) -> object:
    """Follow key path parts such as ['cards', '[0]', 'sections'] in the raw YAML data."""
    node = data
    for part in parts:
        if part.startswith("["):
            assert isinstance(node, list)
            node = node[int(part[1:-1])]
        else:
            assert isinstance(node, dict)
            node = node.get(part)
    return node


@pytest.mark.parametrize("name", TEMPLATES)
def test_choices_point_at_existing_places(templates_dir: Path, name: str) -> None:
    data = yaml.safe_load((templates_dir / name).read_text(encoding="utf-8"))
    for choice in data["choices"]:
        parts = re.findall(r"[^.\[\]]+|\[\d+\]", choice["where"])
        assert "".join(p if p.startswith("[") else "." + p for p in parts).lstrip(".") == choice["where"]
        if parts[-1].startswith("["):
            assert _walk(data, parts) is not None, choice["where"]
        else:
            # the key itself may be absent on purpose (a deadline or the bands left out as printed)
            assert isinstance(_walk(data, parts[:-1]), dict), choice["where"]
        assert len(choice["text"]) > 40


# ------------------------------------------------------------------- seed 000


def test_settori_structure(settori: Plan) -> None:
    assert settori.plan.year == 2023
    assert [c.title for c in settori.cards] == [
        "Settore I Amministrativo", "Settore II Finanziario", "Settore III Tecnico"]
    assert [len(c.sections) for c in settori.cards] == [2, 2, 2]
    assert [[len(s.items) for s in c.sections] for c in settori.cards] == [[2, 6], [2, 5], [2, 5]]
    for card in settori.cards:
        org, ind = card.sections
        assert (org.id, org.total, org.weights) == ("org", 20, "shares")
        assert [(i.ref, i.weight) for i in org.items] == [("org-1", 1), ("org-2", 1)]
        assert (ind.id, ind.total) == ("ind", 80)
        assert card.total == 100
        evaluatee = next(e for e in settori.evaluatees if e.id == card.evaluatee)
        assert evaluatee.name == "Responsabile " + card.title
        assert evaluatee.base is None


def test_settori_scale_and_no_bands(settori: Plan) -> None:
    assert settori.default_scale == "quattro-dieci"
    assert settori.scales[0].numbers() == [4, 6, 8, 10]
    assert settori.bands == [] and settori.default_bands is None
    assert all(c.bands is None for c in settori.cards)


def test_settori_every_card_is_worth_100(settori: Plan) -> None:
    for card in resolve_cards(settori):
        assert card.maximum == 100
        org, ind = card.sections
        assert org.total == 20 and ind.total == 80
        assert [i.weight for i in org.items] == [10, 10]
        assert sum(i.weight for i in ind.items) == 80
        assert card.bandset is None and not card.scale_undecided


def test_settori_numbering_as_printed(settori: Plan) -> None:
    numbers = [[i.number for i in c.sections[1].items] for c in settori.cards]
    assert numbers == [[1, 2, 3, 4, 5, 6], [1, 2, 3, 5, 6], [1, 2, 3, 5, 6]]


def test_settori_points_as_printed(settori: Plan) -> None:
    points = [{i.number: i.weight for i in c.sections[1].items} for c in settori.cards]
    assert points == [
        {1: 20, 2: 15, 3: 5, 4: 5, 5: 30, 6: 5},
        {1: 15, 2: 20, 3: 10, 5: 30, 6: 5},
        {1: 20, 2: 15, 3: 10, 5: 30, 6: 5},
    ]


def test_settori_deadlines_as_printed(settori: Plan) -> None:
    deadlines = [[i.deadline for i in c.sections[1].items] for c in settori.cards]
    assert deadlines == [
        ["31.12.2023", "Termine parziale: 31.12.2023 con prosecuzione anni successivi",
         "31.12.2023", "31.12.2023", None, None],
        ["31.12.2023 con prosecuzione anni successivi",
         "31.12.2023 con prosecuzione anni successivi. Conclusione gara riscossione tributi entro il 31.12.2023",
         "31.12.2023", "31.12.2023 con prosecuzione anni successivi", "annuale"],
        ["31 dicembre 2023 con prosecuzione anni successivi",
         "Termine parziale: 31.12.2023 con prosecuzione anni successivi",
         "Termine parziale: 31 dicembre 2023.", None, None],
    ]
    durations = [[i.duration for i in c.sections[1].items] for c in settori.cards]
    assert durations == [
        ["annual", "multi-year", "annual", "annual", None, None],
        ["multi-year", "multi-year", "annual", "multi-year", "annual"],
        ["multi-year", "multi-year", None, None, None],
    ]
    for card in settori.cards:
        for item in card.sections[1].items:
            if item.deadline and "2023" in item.deadline:
                assert str(item.deadline_date) == "2023-12-31"


def test_settori_shared_objectives(settori: Plan) -> None:
    org1, org2 = settori.shared_objectives
    assert (org1.number, org2.number) == (1, 2)
    assert org1.title.startswith("Obiettivo intersettoriale esecutivo: Condivisione dei principi legislativi")
    assert org2.title == ("Attuazione degli obblighi di pubblicazione nella sezione “Amministrazione "
                          "Trasparente” del sito istituzionale dell’Ente.")
    assert org1.description == org2.description
    assert org1.indicators == org2.indicators == [
        "Coordinamento costante tra RPCT e Responsabili di Settore.", "Rispetto del piano."]
    assert org1.deadline == "31.12.2023 e annualità successive."
    assert org1.duration == org2.duration == "multi-year"
    assert "verifica a campione delle sezioni di cui al D.Lgs n. 33/2013" in org1.description
    assert org1.description.endswith("nel raggiungimento di questi obiettivi).")


def test_settori_texts(settori: Plan) -> None:
    s1, s2, s3 = (c.sections[1].items for c in settori.cards)
    assert "decreti di finanziamento per oltre 230.000 euro" in s1[0].description
    assert "1043 della legge n.178/2020 (ReGiS)" in s1[0].indicators[0]
    assert s1[1].modes.splitlines() == [
        ("- Coordinamento e monitoraggio costante dell’attività dei dipendenti per l’attuazione delle misure "
         "previste nel piano di riequilibrio;"),
        "- Rispetto dei tempi e delle scadenze previste per l’adozione degli adempimenti previsti nel Piano",
        ("- Segnalazioni tempestive al Segretario Comunale e al Responsabile del Settore Finanziario in merito "
         "a ritardi e/o scostamenti rispetto alla tempistica prevista e richiesta predisposizione correttivi"),
    ]
    assert s1[3].title.startswith('"Adeguamento disciplina del reclutamento')
    assert "fascicolo digitale del dipendente" in s1[3].description
    assert s1[4].indicators == s2[3].indicators == s3[3].indicators
    assert len(s1[4].indicators) == 3
    assert "entro gg. 30 dalla ricezione delle stesse" in s2[3].description
    assert "Recupero su evasione tributaria di almeno il 5% sul totale dell’accertato." in s2[1].indicators
    assert s2[0].modes.startswith("Coordinamento e monitoraggio costante dell’attività dei Responsabili")
    assert "stock del debito commerciale al 31/12/2022" in s2[2].description
    assert "PNRR Strade importo euro 950.000,00" in s3[0].description
    assert s3[1].description == s1[1].description and s3[1].modes == s1[1].modes
    assert s3[2].target.startswith("Il risultato atteso è l’acquisizione di tutte le risorse")
    for items in (s1, s2, s3):
        for item in items:
            assert "�" not in (item.description or "") + (item.modes or "")
            assert "  " not in item.title + (item.description or "")


# ------------------------------------------------------------------- seed 004


def test_casale_plan(casale: Plan) -> None:
    info = casale.plan
    assert info.ente == "Comune di Casale Marittimo"
    assert (info.year, info.period) == (2024, "2024-2026")
    assert info.act == ("Deliberazione di Giunta comunale n. 54 del 15 maggio 2019 "
                        "(sistema di misurazione e valutazione)")
    assert casale.levels == {"BASSA": 5, "MEDIA": 10, "SIGNIFICATIVA": 15, "ELEVATA": 20}
    assert [c.id for c in casale.cards] == ["area-amministrativo-contabile", "area-tecnica-manutentiva",
                                            "segretario"]


def test_casale_sectors_as_printed(casale: Plan) -> None:
    amm, tec = casale.sectors
    assert (amm.title, amm.responsabile) == ("Area Amministrativo Contabile", "Dott. Tiziano Pacchini")
    assert (tec.title, tec.responsabile) == ("Area Tecnica/Manutentiva", "Arch. Nicola Dreini")
    assert len(amm.services) == 13 and amm.services[0] == "Personale" and amm.services[-1] == "Associazionismo"
    assert len(tec.services) == 10 and tec.services[-1] == "Cimiteriali"
    names = {e.id: e.name for e in casale.evaluatees}
    assert names["resp-area-amministrativo-contabile"] == amm.responsabile
    assert names["resp-area-tecnica-manutentiva"] == tec.responsabile
    assert all(e.base is None for e in casale.evaluatees)


def test_casale_areas(casale: Plan) -> None:
    amm, tec = casale.cards[:2]
    for card in (amm, tec):
        assert [s.id for s in card.sections] == ["annuali", "pluriennali"]
        assert all(s.total is None for s in card.sections)
        assert card.total is None and card.bands is None
        for item in card.sections[0].items:
            assert item.duration == "annual"
        for item in card.sections[1].items:
            assert item.duration == "multi-year"
        for item in (i for s in card.sections for i in s.items):
            assert item.level == "BASSA" and item.weight is None
            assert item.printed_levels and item.printed_levels[0].level == "BASSA"
            assert item.indicators is None and item.deadline is None
    assert [i.number for s in amm.sections for i in s.items] == [1, 2, 3, 4, 5, 6, 7]
    assert [i.number for s in tec.sections for i in s.items] == [1, 2, 3, 4, 5, 6]
    by_card = [{c.id: c for c in resolve_cards(casale)}[card.id] for card in (amm, tec)]
    assert [c.maximum for c in by_card] == [35, 30]


def _printed(item) -> list[tuple[str, int]]:
    return [(p.level, p.points) for p in item.printed_levels]


def test_casale_printed_levels(casale: Plan) -> None:
    amm = [i for s in casale.cards[0].sections for i in s.items]
    tec = [i for s in casale.cards[1].sections for i in s.items]
    all_four = [("BASSA", 5), ("MEDIA", 15), ("SIGNIFICATIVA", 15), ("ELEVATA", 20)]
    assert [_printed(i) for i in amm] == [
        [("BASSA", 5)], [("BASSA", 5)], [("BASSA", 5)], [("BASSA", 5), ("MEDIA", 10)],
        [("BASSA", 5)], [("BASSA", 5), ("MEDIA", 10)], all_four]
    assert [_printed(i) for i in tec] == [
        [("BASSA", 5), ("MEDIA", 15), ("SIGNIFICATIVA", 15)], [("BASSA", 5)], [("BASSA", 5)],
        all_four, [("BASSA", 5), ("MEDIA", 10)], [("BASSA", 5)]]


def test_casale_blank_target_kept(casale: Plan) -> None:
    amm7 = casale.cards[0].sections[1].items[2]
    tec4 = casale.cards[1].sections[1].items[1]
    for item in (amm7, tec4):
        assert item.title.startswith("Tempestività dei pagamenti. Raggiungimento del target previsti dal PNRR")
        assert item.target == "Tempo medio di pagamento giorni 30; Indicatore del tempo medio di ritardo giorni"
    wheres = {c.where for c in casale.choices}
    assert {"cards[0].sections[1].items[2].target", "cards[1].sections[1].items[1].target"} <= wheres


def test_casale_area_titles(casale: Plan) -> None:
    amm = [i.title for s in casale.cards[0].sections for i in s.items]
    tec = [i.title for s in casale.cards[1].sections for i in s.items]
    assert amm[0] == "Aggiornamento piano azioni positive - contributo disability manager"
    assert amm[5] == "PNRR – Gestione PA DIGITALE 2026 Missione 1 componente 1 Asse 1"
    assert tec[0] == "Esternalizzazione gestione immobili comunali – Campo del Tamburello e Campo Sportivo"
    assert tec[4] == ("M2C4 - Contributi per le cosiddette “piccole opere” (articolo1, comma 29 e seguenti, "
                      "della legge n. 160/2019)")
    assert tec[5].endswith("pagamento della TARI – UFFICIO SUAP")


def test_casale_segretario(casale: Plan) -> None:
    card = casale.cards[2]
    assert (card.evaluator, card.scale, card.bands, card.total, card.year) == (
        "Sindaco", "quattro-dieci", "fasce-segretario", 100, 2023)
    assert [(s.id, s.total, len(s.items)) for s in card.sections] == [
        ("risultati", 50, 5), ("comportamento", 50, 5)]
    items = [i for s in card.sections for i in s.items]
    assert len(items) == 10 and all(i.weight == 10 for i in items)
    risultati = card.sections[0].items
    assert all(i.target == i.description and i.indicators for i in risultati)
    assert risultati[0].title == ("Assistenza e consulenza giuridico - amministrativa nei confronti degli "
                                  "organi dell’Ente")
    assert "rispetto alle leggi, allo Statuto e ai regolamenti del Consiglio e della Giunta." in risultati[0].target
    assert risultati[1].indicators == ["n. riunioni con i responsabili (singoli o collegiali)"]
    assert risultati[4].indicators == ["n. funzioni o servizi svolti (es. RPCT, delegazione trattante, ecc.)"]
    comportamento = [i.title for i in card.sections[1].items]
    assert comportamento[0].startswith("Collaborazione nelle scelte strategiche")
    assert comportamento[3] == "Gestione flessibile del tempo di lavoro in relazione alle esigenze dell’Ente"
    evaluatee = next(e for e in casale.evaluatees if e.id == card.evaluatee)
    assert evaluatee.name == "Segretario comunale" and evaluatee.base is None

    resolved = next(c for c in resolve_cards(casale) if c.id == "segretario")
    assert resolved.maximum == 100
    assert resolved.scale.numbers() == [4, 6, 8, 10]
    assert [i.weight for i in resolved.items] == [10.0] * 10


def test_casale_segretario_bands_as_printed(casale: Plan) -> None:
    (bandset,) = casale.bands
    assert bandset.rounding is not None
    assert (bandset.rounding.mode, bandset.rounding.decimals) == ("round", 0)
    assert [(b.min, b.max, b.percent) for b in bandset.bands] == [
        (None, 40, 0), (41, 50, 4), (51, 70, 6), (71, 85, 8), (86, 100, 10)]
    assert all(b.min_inclusive and b.max_inclusive for b in bandset.bands)
    assert bandset.bands[0].printed == "punteggio inferiore o uguale a 40 la retribuzione è pari a 0%"
    assert bandset.bands[2].printed == "punteggio compreso tra 51 a 70 la retribuzione è pari a 6% del monte salari"
    # the printed integer edges leave gaps: 40.5 falls into no band, 40 and 41 do
    assert [b.percent for b in bandset.bands if b.contains(40)] == [0]
    assert [b.percent for b in bandset.bands if b.contains(41)] == [4]
    assert [b for b in bandset.bands if b.contains(40.5)] == []
