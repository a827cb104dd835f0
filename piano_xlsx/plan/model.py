"""The typed plan: what a YAML plan (or a plan workbook) says, validated by pydantic.

Field names are English; the values (titles, texts) are the plan's own Italian.
Whatever the author leaves out stays `None`, so `check` can say it is undecided.

Long because it is the schema: one class per element of a plan.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from piano_xlsx.plan.interval import within
from piano_xlsx.plan.payouts import Fund, HrRecord, Payout

Number = int | float


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class Source(_Strict):
    """Where a rule comes from: the document, the place in it, the words it uses (for auditors)."""

    document: str = Field(description="Titolo del documento da cui viene la regola (es. «Sistema di misurazione e "
                                      "valutazione della performance»).")
    authority: str | None = Field(None, description="Ente o organo che ha adottato il documento (es. «Comune di X, "
                                                    "deliberazione di Giunta n. 12 del 30/01/2025»).")
    reference: str | None = Field(None, description="Dove si trova nel documento: articolo, paragrafo o pagina "
                                                    "(es. «art. 7, comma 2», «pag. 12»).")
    quote: str | None = Field(None, description="Il testo del documento, citato parola per parola.")
    url: str | None = Field(None, description="Indirizzo (URL) dove il documento è pubblicato.")


class PlanInfo(_Strict):
    """Plan metadata."""

    id: str = Field(description="Stable identifier of the plan, e.g. 'comune-x-2024'.")
    ente: str = Field(description="The authority, e.g. 'Comune di Casale Marittimo'.")
    title: str
    year: int | None = Field(None, description="The year evaluated, for a yearly plan.")
    period: str | None = Field(None, description="A period such as '2024-2026', for a triennial plan.")
    act: str | None = Field(None, description="Reference act, e.g. 'Delibera di Giunta n. 54 del 15/05/2019'.")
    version: str = Field("1", description="Version of the plan; returned workbooks must match it.")
    return_to: str | None = Field(None, description="Where offices return the filled workbook (e-mail, office).")
    return_by: str | None = Field(None, description="Date or text by which the workbook must be returned.")
    source: Source | None = Field(None, description="Il documento su cui si fonda il piano (di solito il Sistema di "
                                                    "misurazione e valutazione della performance dell'ente).")


class ScaleValue(_Strict):
    value: Number
    label: str | None = None


ScaleKind = Literal["list", "percent", "points", "achieved"]


class Scale(_Strict):
    """How a score is entered: a list of values, a percentage of achievement, points, or achieved / not achieved."""

    id: str
    kind: ScaleKind = Field(
        "list", description="Tipo di valutazione: «list» valori da un elenco (es. 4/6/8/10); «percent» percentuale di "
                            "raggiungimento (es. 85%); «points» punti da 0 al peso dell'obiettivo; «achieved» "
                            "raggiunto / non raggiunto.")
    values: list[ScaleValue | Number] | None = Field(
        None, min_length=1, description="Solo per «list»: i valori ammessi in ordine crescente, numeri o "
                                        "{value, label}.")
    title: str | None = None
    min: Number | None = Field(None, description="Solo per «percent»: la percentuale minima ammessa (predefinita 0).")
    max: Number | None = Field(None, description="Solo per «percent»: la percentuale massima ammessa (predefinita "
                                                 "100; oltre 100 se il sistema ammette il superamento).")
    decimals: int = Field(0, ge=0, le=4, description="Per «percent» e «points»: quanti decimali si possono "
                                                     "inserire (predefinito 0).")
    source: Source | None = Field(None, description="Dove il sistema di valutazione stabilisce questa scala.")

    def numbers(self) -> list[Number]:
        return [v.value if isinstance(v, ScaleValue) else v for v in self.values or []]

    def label(self, value: Number) -> str | None:
        for v in self.values or []:
            if isinstance(v, ScaleValue) and v.value == value:
                return v.label
        return None

    @property
    def maximum(self) -> Number:
        """The highest value a score may take: a list's last value, a percentage's maximum (100), 1 otherwise."""
        if self.kind == "list":
            return max(self.numbers() or [1])
        if self.kind == "percent":
            return 100 if self.max is None else self.max
        return 1

    @property
    def minimum(self) -> Number:
        if self.kind == "list":
            return min(self.numbers() or [0])
        return 0 if self.kind != "percent" or self.min is None else self.min


class Step(_Strict):
    """One step of a steps rule: a range of the score and the share of the item's points it gives."""

    min: Number | None = Field(None, description="Estremo inferiore della valutazione; vuoto = nessun limite.")
    min_inclusive: bool = Field(True, description="Se una valutazione uguale all'estremo inferiore è nel gradino.")
    max: Number | None = Field(None, description="Estremo superiore della valutazione; vuoto = nessun limite.")
    max_inclusive: bool = Field(True, description="Se una valutazione uguale all'estremo superiore è nel gradino.")
    share: Number = Field(description="Percentuale dei punti dell'obiettivo che il gradino attribuisce "
                                      "(es. 50 per metà dei punti).")
    printed: str | None = Field(None, description="Il gradino come lo stampa il documento di origine.")

    def contains(self, value: float) -> bool:
        if self.min is not None and (value < self.min or (value == self.min and not self.min_inclusive)):
            return False
        if self.max is not None and (value > self.max or (value == self.max and not self.max_inclusive)):
            return False
        return True


class Rule(_Strict):
    """How a score becomes points: proportional, thresholds, or steps."""

    id: str = Field(description="Identificativo della regola, richiamato da schede, sezioni, obiettivi e modelli.")
    kind: Literal["proportional", "thresholds", "steps"] = Field(
        description="«proportional»: punti = peso × valutazione ÷ massimo della scala; «thresholds»: nessun punto "
                    "sotto una soglia, punti pieni da un'altra, in mezzo come dice «between»; «steps»: una tabella "
                    "di gradini, da intervalli della valutazione a quote dei punti.")
    title: str | None = Field(None, description="Nome della regola come la chiama il sistema di valutazione.")
    zero_below: Number | None = Field(None, description="Soglie: sotto questo valore (escluso) nessun punto "
                                                        "(es. 50 per 50%).")
    full_from: Number | None = Field(None, description="Soglie: da questo valore (incluso) i punti pieni "
                                                       "(es. 90 per 90%).")
    between: Literal["proportional", "linear"] | None = Field(
        None, description="Soglie, tra le due: «proportional» punti in proporzione alla valutazione (70% → 70% dei "
                          "punti); «linear» da zero alla soglia minima fino ai punti pieni alla soglia piena.")
    steps: list[Step] | None = Field(None, description="Gradini: la quota dei punti per ogni intervallo della "
                                                       "valutazione.")
    source: Source | None = Field(None, description="Dove il sistema di valutazione stabilisce la regola.")


class Band(_Strict):
    """One band: a range of totals and the percentage of the base it pays."""

    label: str
    min: Number | None = Field(None, description="Lower edge; None means no lower limit.")
    min_inclusive: bool = True
    max: Number | None = Field(None, description="Upper edge; None means no upper limit.")
    max_inclusive: bool = True
    percent: Number | None = Field(None, description="Percentuale della base del valutato che la fascia paga (es. 6 "
                                   "per il 6%); vuota in tutte le fasce dell'insieme per fasce di sola "
                                   "classificazione.")
    printed: str | None = Field(None, description="The band as the source document prints it.")
    note: str | None = Field(None, description="Cosa comporta la fascia (es. «accesso alla progressione "
                                               "economica»), stampato nelle istruzioni e nel rapporto.")

    def contains(self, total: float) -> bool:
        return within(total, self.min, self.min_inclusive, self.max, self.max_inclusive)


class Rounding(_Strict):
    """How a card's total is rounded before the band lookup."""

    mode: Literal["none", "round", "floor", "ceil"] = Field(
        description="'round' is half away from zero (Excel's ROUND); 'floor' and 'ceil' round down and up.")
    decimals: int = Field(0, ge=0, le=6)


class Outcome(_Strict):
    """What a total outside every band gives, as the author chose it."""

    label: str = Field(description="Cosa mostra la scheda per un punteggio fuori da ogni fascia (es. «Nessuna "
                                   "fascia»).")
    percent: Number | None = Field(None, description="Percentuale della base che paga (vuoto per fasce di sola "
                                                     "classificazione).")
    note: str | None = Field(None, description="Cosa comporta per il valutato (es. «nessun premio»).")


class BandSet(_Strict):
    id: str
    rounding: Rounding | None = Field(None, description="Undecided when absent: check warns, no rounding is applied.")
    bands: list[Band] = Field(min_length=1)
    outside: Outcome | None = Field(None, description="L'esito scelto per un punteggio fuori da ogni fascia; check "
                                                      "lo segnala comunque come avviso.")
    source: Source | None = Field(None, description="Dove il sistema di valutazione stabilisce le fasce.")

    @property
    def classifies_only(self) -> bool:
        """No band pays a percentage: the bands only classify."""
        return all(band.percent is None for band in self.bands)


class Sector(_Strict):
    id: str
    title: str
    responsabile: str | None = None
    services: list[str] = Field(default_factory=list)


class Evaluatee(_Strict):
    id: str
    name: str = Field(description="Name or role as the plan gives it; may be a role ('Segretario comunale').")
    role: str | None = None
    sector: str | None = None
    base: Number | None = Field(None, description="Payout base (e.g. monte salari) in euro; bonus = band % of it.")


class PrintedLevel(_Strict):
    level: str
    points: Number | None = None


class ObjectiveText(_Strict):
    """What an objective says: shared by items and by shared objectives."""

    number: int | str | None = None
    title: str
    description: str | None = None
    modes: str | None = Field(None, description="Execution modes (modalità esecutive).")
    indicators: list[str] | None = None
    target: str | None = Field(None, description="Target value (valore atteso); empty string = printed blank.")
    deadline: str | None = Field(None, description="Deadline as printed (termine di realizzazione).")
    deadline_date: dt.date | None = None
    duration: Literal["annual", "multi-year"] | None = None


class SharedObjective(ObjectiveText):
    """An objective defined once and used by several cards (e.g. organisational performance)."""

    id: str
    sector: str | None = Field(None, description="L'unità (settore) di cui è obiettivo comune: le schede del "
                                                 "personale di quell'unità lo ricevono nella sezione "
                                                 "«unit_objectives».")
    weight: Number | None = Field(None, description="Peso dell'obiettivo nella sezione degli obiettivi dell'unità.")


class Item(ObjectiveText):
    """One scored line of a card: an objective, a behaviour, or a gate."""

    title: str = ""  # may come from the shared objective
    ref: str | None = Field(None, description="Id of a shared objective this item scores.")
    weight: Number | None = Field(None, description="Points, or share within the section when the section says so.")
    level: str | None = Field(None, description="Complexity level whose points give the weight.")
    printed_levels: list[PrintedLevel] | None = Field(
        None, description="The level(s) the source document prints, kept so check can report its ambiguity.")
    kind: Literal["objective", "behaviour"] = Field(
        "objective", description="'behaviour': a behaviour parameter, which has no indicators, target or deadline.")
    gate: bool = Field(False, description="A gate carries no points; failing it excludes the bonus.")
    neutralisable: bool = Field(False, description="May be marked 'non valutabile'; its weight is redistributed.")
    scale: str | None = Field(None, description="La scala di questo obiettivo, se diversa da quella della sezione.")
    rule: str | None = Field(None, description="La regola di attribuzione dei punti di questo obiettivo, se diversa "
                                               "da quella della sezione.")
    source: Source | None = Field(None, description="Dove il piano o il sistema di valutazione stabilisce "
                                                    "l'obiettivo o il suo peso.")


class Section(_Strict):
    id: str
    title: str
    total: Number | None = Field(None, description="Declared total of the section.")
    weights: Literal["points", "shares"] = Field(
        "points", description="'shares': item weights are shares of the declared total.")
    scale: str | None = Field(None, description="La scala degli obiettivi della sezione, se diversa da quella della "
                                                "scheda.")
    rule: str | None = Field(None, description="La regola di attribuzione dei punti della sezione, se diversa da "
                                               "quella della scheda.")
    items: list[Item] = Field(min_length=1)


class Card(_Strict):
    """A scored card (scheda): one per evaluatee."""

    id: str
    title: str
    evaluatee: str
    sector: str | None = None
    evaluator: str | None = Field(None, description="Who scores the card, e.g. 'Sindaco', 'Nucleo di Valutazione'.")
    sheet: str | None = Field(None, description="Sheet name; derived from the title when absent.")
    scale: str | None = None
    bands: str | None = None
    total: Number | None = Field(None, description="Declared maximum of the card (e.g. 100).")
    redistribution: Literal["section", "card"] | None = Field(
        None, description="Where the weight of a neutralised item goes.")
    year: int | None = Field(None, description="Year the card refers to, when it differs from the plan.")
    rule: str | None = Field(None, description="La regola di attribuzione dei punti della scheda (predefinita: "
                                               "proporzionale).")
    sections: list[Section] = Field(min_length=1)


class TemplateSection(Section):
    """A section of a card template: its items, or the shared objectives of the evaluatee's unit."""

    items: list[Item] = Field(default_factory=list, description="Gli obiettivi della sezione; in una sezione con "
                              "«unit_objectives» si aggiungono a quelli dell'unità.")
    unit_objectives: bool = Field(False, description="Sì: la sezione contiene gli obiettivi condivisi dell'unità "
                                                     "(settore) del valutato, con il loro peso.")


class CardTemplate(_Strict):
    """A card written once for a role or category, instantiated for every member of the staff list who uses it."""

    id: str = Field(description="Identificativo del modello, richiamato dalle persone dell'elenco (staff).")
    title: str = Field(description="Titolo delle schede; ogni scheda aggiunge il nome della persona.")
    evaluator: str | None = Field(None, description="Chi valuta (es. «Responsabile di Settore»).")
    scale: str | None = Field(None, description="La scala delle schede (predefinita: quella del piano).")
    bands: str | None = Field(None, description="Le fasce delle schede (predefinite: quelle del piano).")
    rule: str | None = Field(None, description="La regola di attribuzione dei punti (predefinita: proporzionale).")
    total: Number | None = Field(None, description="Punteggio massimo dichiarato delle schede (es. 100).")
    redistribution: Literal["section", "card"] | None = Field(
        None, description="Dove va il peso di un obiettivo non valutabile: nella sua sezione o nell'intera scheda.")
    year: int | None = Field(None, description="Anno a cui si riferiscono le schede, se diverso da quello del piano.")
    part_weights: dict[str, dict[str, Number]] = Field(
        default_factory=dict, description="Pesi delle parti per categoria: categoria → {sezione: punti} "
                                          "(es. C: {org: 30, unita: 10, ind: 60}); danno il totale di ogni sezione.")
    sections: list[TemplateSection] = Field(min_length=1, description="Le sezioni delle schede, nell'ordine.")
    source: Source | None = Field(None, description="Dove il sistema di valutazione stabilisce la scheda.")


class StaffMember(Evaluatee):
    """A member of the staff list: one card is made for them from their template."""

    template: str = Field(description="Il modello di scheda (templates) da cui nasce la sua scheda.")
    category: str | None = Field(None, description="Categoria o area contrattuale (es. B, C, D): sceglie i pesi "
                                                   "delle parti del modello.")


class Exclusion(_Strict):
    """An evaluatee the HR office excludes from the bonus: applied by collect, not part of the workbooks."""

    evaluatee: str = Field(description="Il valutato escluso (id di evaluatees o staff).")
    reason: str = Field(description="Il motivo (es. «sanzione disciplinare superiore al rimprovero scritto»).")
    source: Source | None = Field(None, description="L'atto o la norma che dispone l'esclusione.")


class Choice(_Strict):
    """A decision the plan author took where the source document is ambiguous."""

    where: str
    text: str


class Plan(_Strict):
    plan: PlanInfo
    scales: list[Scale] = Field(min_length=1)
    default_scale: str | None = None
    rules: list[Rule] = Field(default_factory=list, description="Le regole di attribuzione dei punti, richiamate "
                                                                "per id da schede, sezioni, obiettivi e modelli.")
    levels: dict[str, Number] = Field(default_factory=dict)
    bands: list[BandSet] = Field(default_factory=list)
    default_bands: str | None = None
    sectors: list[Sector] = Field(default_factory=list)
    evaluatees: list[Evaluatee] = Field(default_factory=list)
    shared_objectives: list[SharedObjective] = Field(default_factory=list)
    cards: list[Card] = Field(default_factory=list)
    templates: list[CardTemplate] = Field(default_factory=list, description="Modelli di scheda per ruolo o "
                                                                            "categoria, usati dall'elenco del "
                                                                            "personale (staff).")
    staff: list[StaffMember] = Field(default_factory=list, description="L'elenco del personale: una scheda per "
                                                                       "persona, dal suo modello.")
    exclusions: list[Exclusion] = Field(default_factory=list, description="Valutati esclusi dal premio "
                                                                          "dall'Ufficio Personale; non entra "
                                                                          "nell'impronta del piano.")
    choices: list[Choice] = Field(default_factory=list)
    payouts: list[Payout] = Field(default_factory=list, description="Come i punteggi diventano importi in euro.")
    funds: list[Fund] = Field(default_factory=list, description="I fondi ripartiti dalle regole di pagamento.")
    hr: list[HrRecord] = Field(default_factory=list, description="Dati del personale (base, giorni, part-time, "
                                                                 "convenzioni): restano all'Ufficio Personale.")

    def all_evaluatees(self) -> list[Evaluatee]:
        """The evaluatees written out and the members of the staff list."""
        return [*self.evaluatees, *self.staff]
