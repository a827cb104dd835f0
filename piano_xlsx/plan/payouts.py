"""From scores to euros, as the plan states it: payouts, funds and the HR office's data about each person.

Every amount of money is a `Decimal` (pydantic reads a YAML number through its
text, so 3912.34 stays 3912.34), every percentage is written as the document
writes it (8 for 8 %). None of these keys reaches the issued workbooks, and
none enters the plan hash (see `plan.loader.plan_hash`): funds are certified and
HR data is known after the workbooks went out.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from piano_xlsx.plan.interval import within


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


PayoutMode = Literal["band_percent", "proportional", "segments", "increment", "fund_split", "classification"]
BaseKind = Literal["salary", "budget", "fund", "fixed"]
DayCount = Literal["365", "actual", "360"]


class MoneySource(_Strict):
    """Where a money rule comes from (document, place in it, its words), for auditors."""

    document: str = Field(description="Titolo del documento (es. «Sistema di misurazione e valutazione»).")
    authority: str | None = Field(None, description="Ente o organo che lo ha adottato, con l'atto.")
    reference: str | None = Field(None, description="Articolo, paragrafo o pagina.")
    quote: str | None = Field(None, description="Il testo citato parola per parola.")
    url: str | None = Field(None, description="Dove il documento è pubblicato.")


class Segment(_Strict):
    """One stretch of a linear-segments payout: a range of the score and the share of the base it pays."""

    min: Decimal | None = Field(None, description="Punteggio iniziale del tratto; vuoto = nessun limite.")
    min_inclusive: bool = True
    max: Decimal | None = Field(None, description="Punteggio finale del tratto; vuoto = nessun limite.")
    max_inclusive: bool = True
    share: Decimal | None = Field(None, description="Percentuale fissa della base in tutto il tratto (es. 0, 100).")
    share_from: Decimal | None = Field(None, description="Percentuale della base all'inizio del tratto (lineare).")
    share_to: Decimal | None = Field(None, description="Percentuale della base alla fine del tratto (lineare).")

    def contains(self, score: object) -> bool:
        value = Decimal(str(score)) if not isinstance(score, Decimal) else score
        return within(value, self.min, self.min_inclusive, self.max, self.max_inclusive)


class Increment(_Strict):
    """A base amount from a starting score, plus an amount for every point above it, up to a cap."""

    start: Decimal = Field(description="Punteggio da cui spetta l'importo base; sotto, nulla.")
    amount: Decimal = Field(description="Importo base in euro al punteggio iniziale.")
    per_point: Decimal = Field(description="Euro in più per ogni punto oltre il punteggio iniziale.")
    cap: Decimal | None = Field(None, description="Importo massimo in euro.")


class MoneyRounding(_Strict):
    """How amounts are rounded, and where the cents a fund split leaves over go."""

    step: Decimal = Field(Decimal("0.01"), description="Passo di arrotondamento in euro (0.01 = al centesimo).")
    mode: Literal["half_up", "down", "half_even"] = Field(
        "half_up", description="Importi individuali: «half_up» al più vicino (0,005 per eccesso), «down» per "
                               "difetto, «half_even» al pari.")
    leftover: Literal["largest_remainder", "keep"] = Field(
        "largest_remainder", description="Fondi: ogni quota è arrotondata per difetto; i centesimi che restano "
                                         "vanno, uno ciascuno, alle quote con il resto più alto "
                                         "(«largest_remainder») oppure restano nel fondo («keep»).")
    order: Literal["score", "plan"] = Field(
        "score", description="A parità di resto: prima il punteggio più alto («score»), poi l'ordine del piano; "
                             "oppure solo l'ordine del piano («plan»).")


class Differentiated(_Strict):
    """The differentiated individual bonus (CCNL Funzioni Locali 21.5.2018, art. 69)."""

    quota_percent: Decimal = Field(description="Quota massima del personale valutato positivamente che riceve la "
                                               "maggiorazione, in percentuale (es. 10).")
    increase_percent: Decimal = Field(description="Maggiorazione in percentuale del premio medio pro capite del "
                                                  "personale valutato positivamente (almeno 30).")
    count: Literal["floor", "round", "ceil"] = Field(
        "floor", description="Come si arrotonda il numero di persone della quota (predefinito: per difetto, perché "
                             "la quota è un massimo).")
    tie: Literal["all", "none", "order"] | None = Field(
        None, description="A parità di punteggio sul limite della quota: «all» tutti i pari merito, «none» nessuno "
                          "dei pari merito, «order» l'ordine di priorità dei dati del personale.")
    funding: Literal["set_aside", "others"] | None = Field(
        None, description="«set_aside»: la maggiorazione è prelevata dal fondo prima della ripartizione (ARAN, "
                          "orientamento CFL126, lett. d); «others»: chi riceve la maggiorazione ha il premio medio "
                          "più la maggiorazione e gli altri si ripartiscono il resto.")


class BandCap(_Strict):
    """At most so many people (or so many percent of the group) in one band."""

    band: str = Field(description="L'etichetta della fascia.")
    max_count: int | None = Field(None, ge=0, description="Numero massimo di persone nella fascia.")
    max_percent: Decimal | None = Field(None, description="Percentuale massima del gruppo nella fascia.")


class Fund(_Strict):
    """A named amount of money split or drawn on by a payout."""

    id: str
    title: str
    amount: Decimal = Field(description="L'importo del fondo in euro.")
    source: MoneySource | None = None


class Payout(_Strict):
    """How the cards of a group turn into money: the mode, its parameters, the base, the rounding."""

    id: str
    title: str | None = None
    mode: PayoutMode = Field(
        description="«band_percent» percentuale della fascia sulla base; «proportional» base × punteggio ÷ massimo "
                    "(nulla sotto la soglia); «segments» tratti lineari; «increment» importo base più un importo per "
                    "punto; «fund_split» coefficienti per fascia che ripartiscono un fondo; «classification» solo "
                    "classificazione, nessun importo.")
    cards: list[str] = Field(default_factory=list, description="Le schede (id) a cui si applica.")
    bands: str | None = Field(None, description="Si applica a tutte le schede che usano questo insieme di fasce.")
    base: BaseKind | None = Field(
        None, description="La base: «salary» monte salari e «budget» budget individuale (dai dati del personale), "
                          "«fund» quota pro capite di un fondo, «fixed» importo fisso per posizione (amount).")
    amount: Decimal | None = Field(None, description="Per «fixed»: l'importo per posizione in euro.")
    fund: str | None = Field(None, description="Il fondo (id) ripartito o da cui si calcola la quota.")
    threshold: Decimal | None = Field(None, description="Per «proportional»: sotto questo punteggio nulla.")
    segments: list[Segment] | None = None
    increment: Increment | None = None
    coefficients: dict[str, Decimal] | None = Field(
        None, description="Per «fund_split»: il coefficiente di ogni fascia (etichetta → coefficiente).")
    by_score: bool = Field(False, description="Per «fund_split»: il peso è moltiplicato anche per il punteggio.")
    day_count: DayCount | None = Field(
        None, description="Giorni di servizio: «365» su 365, «actual» su 365 o 366 negli anni bisestili, «360» "
                          "anno commerciale (mesi di 30 giorni).")
    rounding: MoneyRounding = Field(default_factory=MoneyRounding)
    differentiated: Differentiated | None = None
    caps: list[BandCap] = Field(default_factory=list)
    source: MoneySource | None = None


class Convention(_Strict):
    """One comune's share of a person shared by a convention (e.g. a segreteria convenzionata)."""

    comune: str
    share: Decimal = Field(description="Quota in percentuale (le quote di una persona sommano 100).")


class Multiplier(_Strict):
    """A weighting or interim factor (pesatura, interim)."""

    label: str
    percent: Decimal = Field(description="Percentuale applicata (85 = 85 %).")


class HrRecord(_Strict):
    """What the HR office knows about one evaluatee: never written into a workbook."""

    evaluatee: str = Field(description="Il valutato (id).")
    base: Decimal | None = Field(None, description="Monte salari o budget individuale in euro.")
    days: int | None = Field(None, ge=0, description="Giorni di servizio nell'anno.")
    start: dt.date | None = Field(None, description="In servizio dal (se non sono indicati i giorni).")
    end: dt.date | None = Field(None, description="In servizio fino al (se non sono indicati i giorni).")
    part_time: Decimal | None = Field(None, description="Percentuale di part-time (100 = tempo pieno).")
    multipliers: list[Multiplier] = Field(default_factory=list)
    conventions: list[Convention] = Field(default_factory=list)
    excluded: str | None = Field(None, description="Escluso dal premio: il motivo.")
    priority: int | None = Field(None, description="Ordine di priorità a parità di punteggio (1 = primo).")
