"""The typed plan: what a YAML plan (or a plan workbook) says, validated by pydantic.

Field names are English; the values (titles, texts) are the plan's own Italian.
Whatever the author leaves out stays `None`, so `check` can say it is undecided.
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


class ScaleValue(_Strict):
    value: Number
    label: str | None = None


class Scale(_Strict):
    """A rating scale: the values a score may take."""

    id: str
    values: list[ScaleValue | Number] = Field(min_length=1)
    title: str | None = None

    def numbers(self) -> list[Number]:
        return [v.value if isinstance(v, ScaleValue) else v for v in self.values]

    def label(self, value: Number) -> str | None:
        for v in self.values:
            if isinstance(v, ScaleValue) and v.value == value:
                return v.label
        return None

    @property
    def maximum(self) -> Number:
        return max(self.numbers())


class Band(_Strict):
    """One band: a range of totals and the percentage of the base it pays."""

    label: str
    min: Number | None = Field(None, description="Lower edge; None means no lower limit.")
    min_inclusive: bool = True
    max: Number | None = Field(None, description="Upper edge; None means no upper limit.")
    max_inclusive: bool = True
    percent: Number = Field(description="Percentage of the evaluatee's base, e.g. 6 for 6 %.")
    printed: str | None = Field(None, description="The band as the source document prints it.")

    def contains(self, total: float) -> bool:
        return within(total, self.min, self.min_inclusive, self.max, self.max_inclusive)


class Rounding(_Strict):
    """How a card's total is rounded before the band lookup."""

    mode: Literal["none", "round", "floor", "ceil"] = Field(
        description="'round' is half away from zero (Excel's ROUND); 'floor' and 'ceil' round down and up.")
    decimals: int = Field(0, ge=0, le=6)


class BandSet(_Strict):
    id: str
    rounding: Rounding | None = Field(None, description="Undecided when absent: check warns, no rounding is applied.")
    bands: list[Band] = Field(min_length=1)


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


class Section(_Strict):
    id: str
    title: str
    total: Number | None = Field(None, description="Declared total of the section.")
    weights: Literal["points", "shares"] = Field(
        "points", description="'shares': item weights are shares of the declared total.")
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
    sections: list[Section] = Field(min_length=1)


class Choice(_Strict):
    """A decision the plan author took where the source document is ambiguous."""

    where: str
    text: str


class Plan(_Strict):
    plan: PlanInfo
    scales: list[Scale] = Field(min_length=1)
    default_scale: str | None = None
    levels: dict[str, Number] = Field(default_factory=dict)
    bands: list[BandSet] = Field(default_factory=list)
    default_bands: str | None = None
    sectors: list[Sector] = Field(default_factory=list)
    evaluatees: list[Evaluatee] = Field(min_length=1)
    shared_objectives: list[SharedObjective] = Field(default_factory=list)
    cards: list[Card] = Field(min_length=1)
    choices: list[Choice] = Field(default_factory=list)
    payouts: list[Payout] = Field(default_factory=list, description="Come i punteggi diventano importi in euro.")
    funds: list[Fund] = Field(default_factory=list, description="I fondi ripartiti dalle regole di pagamento.")
    hr: list[HrRecord] = Field(default_factory=list, description="Dati del personale (base, giorni, part-time, "
                                                                 "convenzioni): restano all'Ufficio Personale.")
