"""The plan's scoring scheme in plain Italian: scales, rules, bands and sources, as evaluators and auditors read them.

The instructions sheet of every workbook and the notes of the consolidated
report print these words, so both say the same thing about the same rule.
"""

from __future__ import annotations

from piano_xlsx.plan.dropdowns import describe, show
from piano_xlsx.plan.model import Band, BandSet, Rule, Scale, Source, Step
from piano_xlsx.plan.resolve import ACHIEVED, NEUTRALISED, NOT_ACHIEVED, ResolvedItem

SCALE_WORDS = 60  # characters of a scale named in a sentence: longer scales are described ("da 0 a 100 …")
LINES_PER_SCALE = 12  # values of a scale without labels listed one per line; more are said in one line
VALUES_LINE = 600  # characters of that line


def scale_text(values: list[float]) -> str:
    """A list scale named in a sentence: 4/6/8/10, or a description of a long one."""
    return describe(values, SCALE_WORDS, sep="/")[0]


def number(value: float) -> str:
    """A number as Italian readers write it: 40, 40,5."""
    return f"{float(value):.9g}".replace(".", ",")


def unit(scale: Scale) -> str:
    return "%" if scale.kind == "percent" else ""


def scale_title(scale: Scale) -> str:
    if scale.title:
        return scale.title
    return {"percent": "Percentuale di raggiungimento", "points": "Punti dell'obiettivo",
            "achieved": "Raggiunto / non raggiunto"}.get(scale.kind, "Scala " + scale_text(scale.numbers()))


def decimals_words(scale: Scale) -> str:
    if scale.decimals == 0:
        return "senza decimali"
    return "con al massimo 1 decimale" if scale.decimals == 1 else f"con al massimo {scale.decimals} decimali"


def scale_lines(scale: Scale) -> list[str]:
    """How to enter a score of this scale, one line each (after the scale's title)."""
    if scale.kind == "percent":
        low, high = number(scale.minimum), number(scale.maximum)
        return [f"   percentuale da {low}% a {high}%, {decimals_words(scale)}: digitare il valore con il simbolo % "
                "(es. 85%); un numero con la virgola senza % è una frazione (0,85 vale 85%).",
                "   In LibreOffice 85 senza simbolo vale 8500% ed è rifiutato; Excel aggiunge da sé il simbolo %."]
    if scale.kind == "points":
        return [f"   punti da 0 al peso dell'obiettivo, {decimals_words(scale)} (es. 12,5)."]
    if scale.kind == "achieved":
        return [f"   «{ACHIEVED}» (punti pieni) oppure «{NOT_ACHIEVED}» (nessun punto)."]
    values = scale.numbers()
    if len(values) > LINES_PER_SCALE and not any(scale.label(v) for v in values):  # one line, not a page
        return ["   Valori ammessi: " + describe(values, VALUES_LINE)[0] + "."]
    return [f"   {show(value)}" + (f" — {scale.label(value)}" if scale.label(value) else "") for value in values]


def scale_short(scale: Scale) -> str:
    """The scale in a few words, for the legend of a card sheet."""
    if scale.kind == "percent":
        return f"percentuale da {number(scale.minimum)}% a {number(scale.maximum)}%, es. 85%"
    if scale.kind == "points":
        return "punti da 0 al peso"
    if scale.kind == "achieved":
        return f"«{ACHIEVED}» o «{NOT_ACHIEVED}»"
    return scale_text(scale.numbers())


def interval_words(low: float | None, low_in: bool, high: float | None, high_in: bool, suffix: str = "") -> str:
    """A range as people say it: «da 50% a meno di 70%», «oltre 90%», «fino a 49%»."""
    lo = None if low is None else number(low) + suffix
    hi = None if high is None else number(high) + suffix
    if lo is not None and hi is not None:
        if low == high:
            return f"esattamente {lo}"
        start = f"da {lo}" if low_in else f"oltre {lo}"
        return f"{start} {'a' if high_in else 'a meno di'} {hi}" if low_in else \
            f"{start} {'fino a' if high_in else 'e meno di'} {hi}"
    if lo is not None:
        return f"da {lo} in su" if low_in else f"oltre {lo}"
    if hi is not None:
        return f"fino a {hi}" if high_in else f"meno di {hi}"
    return "qualunque valore"


def step_words(step: Step, scale: Scale) -> str:
    return (f"{interval_words(step.min, step.min_inclusive, step.max, step.max_inclusive, unit(scale))}: "
            f"{number(step.share)}% dei punti")


def rule_lines(rule: Rule | None, scale: Scale) -> list[str]:
    """What a rule does to a score of `scale`, one line each."""
    u = unit(scale)
    top = number(scale.maximum) + u
    if scale.kind == "achieved":
        return [f"«{ACHIEVED}»: tutti i punti dell'obiettivo; «{NOT_ACHIEVED}»: nessun punto."]
    if scale.kind == "points":
        return ["I punti inseriti sono i punti dell'obiettivo."]
    if rule is None or rule.kind == "proportional":
        return [f"Punti dell'obiettivo = peso × valutazione ÷ {top}."]
    if rule.kind == "steps":
        return [f"   {step_words(step, scale)}" for step in rule.steps or []] + \
            ["   Una valutazione fuori da ogni gradino non dà punti."]
    lines = []
    if rule.zero_below is not None:
        lines.append(f"   sotto {number(rule.zero_below)}{u}: nessun punto;")
    if rule.full_from is not None:
        lines.append(f"   da {number(rule.full_from)}{u}: tutti i punti dell'obiettivo;")
    if rule.between == "linear" and rule.zero_below is not None and rule.full_from is not None:
        lines.append(f"   in mezzo: i punti crescono in modo lineare da zero a {number(rule.zero_below)}{u} fino al "
                     f"massimo a {number(rule.full_from)}{u}.")
    else:
        lines.append(f"   in mezzo: punti in proporzione alla valutazione (peso × valutazione ÷ {top}).")
    return lines


def rule_title(rule: Rule | None) -> str:
    if rule is None:
        return "Regola proporzionale"
    return rule.title or {"proportional": "Regola proporzionale", "thresholds": "Regola a soglie",
                          "steps": "Regola a gradini"}[rule.kind]


def band_line(band: Band) -> str:
    text = f"   {band.label}" + ("" if band.percent is None else f": {band.percent:g}%")
    return text + (f" — {band.note}" if band.note else "")


def outside_line(bandset: BandSet) -> str | None:
    outside = bandset.outside
    if outside is None:
        return None
    text = f"   Punteggio fuori da ogni fascia: {outside.label}"
    text += "" if outside.percent is None else f": {outside.percent:g}%"
    return text + (f" — {outside.note}" if outside.note else "")


def source_text(source: Source) -> str:
    """A source in one line: document (authority), reference: «quote» — url."""
    text = source.document + (f" ({source.authority})" if source.authority else "")
    text += f", {source.reference}" if source.reference else ""
    text += f": «{source.quote.strip()}»" if source.quote else ""
    return text + (f" — {source.url}" if source.url else "")


def source_line(source: Source | None, indent: str = "   ") -> list[str]:
    return [] if source is None else [f"{indent}Fonte: {source_text(source)}"]


def item_label(item: ResolvedItem, card_title: str) -> str:
    title = item.title if len(item.title) <= 60 else item.title[:59] + "…"
    return f"Obiettivo {item.number} «{title}» ({card_title})"


NEUTRALISED_LINE = (f"«{NEUTRALISED}»: obiettivo non valutabile; il suo peso è ridistribuito come previsto dal "
                    "piano.")
