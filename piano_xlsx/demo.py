"""`demo`: the whole job on the bundled example plan, in one call.

keygen -> plan workbook -> generate (one workbook per card) -> offices fill
and return them, some clean and some with the typical mistakes -> collect ->
audit. The offices type their inputs with openpyxl (piano_xlsx.office); where
LibreOffice is installed it then opens, recalculates and saves every return,
as an office using it would. Without LibreOffice the returns carry no cached
values (openpyxl drops them): collect says so with a note on each card
(NO_CACHED_VALUES) and counts the totals it recomputes, as it always does.

The planted mistakes, one per file so each is easy to find in the reports:

* a card returned with one score left empty, then sent again complete (a duplicate);
* a 7 pasted into a score cell of a 4/6/8/10 scale;
* a weight raised after removing the sheet protection (the total the file shows then differs from the
  recomputed one, once a spreadsheet has recalculated it);
* a card never returned.

One concern, the demo from plan to reports, read best whole.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from piano_xlsx.errors import UserError
from piano_xlsx.office import OfficeError, fill_workbook, libreoffice, libreoffice_convert
from piano_xlsx.plan.loader import LoadedPlan, load_plan
from piano_xlsx.plan.resolve import GATE_PASSED, NEUTRALISED
from piano_xlsx.workbook.computation import Value
from piano_xlsx.workbook.layout import CardLayout
from piano_xlsx.workbook.naming import workbook_name

MARKER = ".piano-xlsx-demo"  # a folder holding this file was written by the demo and may be written again
SCORE_CYCLE = (8, 10, 6, 8, 10)
SHARED_SCORES = (8, 10)  # shared objectives: the same score on every card, as the evaluators agree
EVALUATION_DATE = dt.date(2026, 3, 16)


class DemoError(UserError):
    """The demo cannot run here (e.g. the output folder holds other files)."""


def example_plan_path() -> Path:
    """The bundled example plan (piano_xlsx/data/esempio.yaml)."""
    return Path(str(resources.files("piano_xlsx") / "data" / "esempio.yaml"))


# ---------------------------------------------------------------- what the offices send back


@dataclass
class Return:
    """One file an office sends back: what it typed, and what the demo planted in it."""

    card: str
    name: str  # file name in the returns folder
    scores: dict[str, Value]  # item id -> value typed (None: left empty)
    story: str  # Italian: what happened to this file, printed by the demo
    notes: dict[str, str] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)  # item id -> weight typed over the issued one
    evaluator: str = "Nucleo di Valutazione"
    date: dt.date = EVALUATION_DATE
    mistakes: tuple[str, ...] = ()  # finding codes this return should raise in collect
    recalculated_mistakes: tuple[str, ...] = ()  # and those it raises once a spreadsheet has recalculated it


def _individual(layout: CardLayout, position: int = 0) -> Any:
    """The n-th scored objective of the card that is neither shared nor a gate: where mistakes are planted."""
    items = [i for i in layout.items if not i.item.ref and not i.item.gate]
    return items[position]


def _clean_scores(layout: CardLayout, offset: int) -> dict[str, Value]:
    """A complete, valid set of scores for a card (shared objectives scored alike on every card)."""
    scores: dict[str, Value] = {}
    shared = 0
    for index, row in enumerate(layout.items):
        item = row.item
        if item.gate:
            scores[item.id] = GATE_PASSED
        elif item.ref:
            scores[item.id] = SHARED_SCORES[shared % len(SHARED_SCORES)]
            shared += 1
        else:
            scores[item.id] = SCORE_CYCLE[(index + offset) % len(SCORE_CYCLE)]
    return scores


def plan_returns(layouts: list[CardLayout], file_name: Callable[[str], str]) -> tuple[list[Return], list[str]]:
    """The returns of the demo (files sent back) and the cards never returned; needs at least five cards."""
    if len(layouts) < 5:
        raise DemoError("il piano dell'esempio deve avere almeno cinque schede")
    clean, forgetful, paster, fiddler, silent = layouts[:5]
    returns: list[Return] = []
    name = file_name(clean.card.id)
    returns.append(Return(clean.card.id, name, _clean_scores(clean, 0), "compilata e restituita correttamente",
                          notes={_individual(clean).item.id: "Relazione finale agli atti (prot. 1234/2026)."},
                          evaluator=clean.card.card.evaluator or "Nucleo di Valutazione"))

    first = _clean_scores(forgetful, 1)
    neutral = [row for row in forgetful.items if row.item.neutralisable]
    if neutral:  # an objective the year made impossible: marked non valutabile, its weight redistributed
        first[neutral[0].item.id] = NEUTRALISED
    missing = _individual(forgetful)
    complete = dict(first)
    first[missing.item.id] = None
    stem = file_name(forgetful.card.id).removesuffix(".xlsx")
    returns.append(Return(forgetful.card.id, f"{stem}.xlsx", first,
                          f"restituita con una valutazione mancante (obiettivo {missing.item.number})",
                          mistakes=("SCORE_MISSING",)))
    returns.append(Return(forgetful.card.id, f"{stem} (corretta).xlsx", complete,
                          "inviata una seconda volta, completa: due file per la stessa scheda",
                          mistakes=("DUPLICATE_RETURN",)))

    pasted = _clean_scores(paster, 2)
    target = _individual(paster, 1)
    pasted[target.item.id] = 7
    returns.append(Return(paster.card.id, file_name(paster.card.id), pasted,
                          f"un 7 incollato nella valutazione dell'obiettivo {target.item.number} (scala "
                          f"{'/'.join(f'{v:g}' for v in paster.card.scale.numbers())})",
                          mistakes=("SCORE_OUT_OF_SCALE",)))

    raised = _individual(fiddler)
    weight = raised.item.weight + 10
    returns.append(Return(fiddler.card.id, file_name(fiddler.card.id), _clean_scores(fiddler, 3),
                          f"tolta la protezione del foglio e alzato il peso dell'obiettivo {raised.item.number} "
                          f"da {raised.item.weight:g} a {weight:g}",
                          weights={raised.item.id: weight}, mistakes=("PROTECTION_REMOVED", "LOCKED_CHANGED"),
                          recalculated_mistakes=("CACHED_MISMATCH",)))
    return returns, [silent.card.id, *(lay.card.id for lay in layouts[5:])]


# ---------------------------------------------------------------- filling and saving as the offices do


def fill_returns(returns: list[Return], issued: dict[str, Path], layouts: dict[str, CardLayout], out_dir: Path,
                 *, binary: str | None) -> list[Path]:
    """Each office types its inputs into the workbook of its card; LibreOffice (`binary`) then saves them all.

    Returns the files written in `out_dir`, in the order of `returns`.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="piano-xlsx-demo-")) if binary else out_dir
    try:
        typed = []
        for ret in returns:
            layout = layouts[ret.card]
            typed.append(fill_workbook(issued[ret.card], staging / ret.name, [layout], {ret.card: ret.scores},
                                       evaluator=ret.evaluator, date=ret.date, notes={ret.card: ret.notes},
                                       weights={ret.card: ret.weights}))
        if not binary:
            return typed
        try:
            return libreoffice_convert(typed, out_dir, binary=binary)
        except OfficeError as exc:
            raise DemoError(str(exc)) from None
    finally:
        if binary:
            shutil.rmtree(staging, ignore_errors=True)


# ---------------------------------------------------------------- the whole job


@dataclass
class DemoResult:
    out_dir: Path
    plan: LoadedPlan
    private_key: Path
    public_key: Path
    plan_workbook: Path
    generated: list[Path]
    delivery_note: Path | None
    returns: list[tuple[Path, Return]]
    not_returned: list[str]
    recalculated_by: str
    collect_report: Path
    collect_json: Path
    collect_csv: Path
    audit_report: Path
    audit_workbook: Path
    audit_json: Path
    collect: Any = None  # CollectResult
    audit: Any = None  # AuditResult


def prepare(out_dir: Path, *, force: bool = False) -> None:
    """Use `out_dir` only if it is new, empty, or a previous demo's folder, whose contents are replaced
    only with `force` (OutputExists otherwise). A folder holding anything else is never touched."""
    from piano_xlsx.atomic import OutputExists, make_dir

    if out_dir.exists():
        if not out_dir.is_dir():
            raise DemoError(f"«{out_dir}» esiste e non è una cartella: indicare una cartella nuova o vuota (-o).")
        if any(out_dir.iterdir()) and not (out_dir / MARKER).exists():
            raise DemoError(f"«{out_dir}» contiene già altri file: indicare una cartella nuova o vuota (-o).")
        if any(out_dir.iterdir()) and not force:
            raise OutputExists([str(out_dir)])
        for child in out_dir.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    make_dir(out_dir)
    (out_dir / MARKER).write_text("Cartella scritta da «piano-xlsx demo»: «piano-xlsx demo --force» la sostituisce.\n",
                                  encoding="utf-8")


def run_demo(out_dir: str | Path = "demo-output", *, use_libreoffice: bool | None = None,
             say: Callable[[str], None] = lambda line: None, force: bool = False) -> DemoResult:
    """Run the whole job on the bundled example plan; `say` receives a line for each step.

    Args:
        out_dir: the folder for everything the demo writes (new, empty, or a previous demo's).
        use_libreoffice: let LibreOffice recalculate and save the filled returns (None: when it is installed;
            without it the returns carry no cached values).
        say: called with a line of text (Italian) for each step done.
        force: replace a previous demo's folder (without it, OutputExists); other folders are refused.
    """
    from piano_xlsx.atomic import write_text
    from piano_xlsx.audit import audit
    from piano_xlsx.audit.report_html import write_html
    from piano_xlsx.audit.report_xlsx import write_xlsx
    from piano_xlsx.collect import collect
    from piano_xlsx.collect.report import summary_text, write_csv, write_json, write_report
    from piano_xlsx.generate import generate
    from piano_xlsx.planbook import export_plan
    from piano_xlsx.signing import keygen, load_private_key, load_public_key
    from piano_xlsx.workbook.layout import plan_layouts

    out = Path(out_dir)
    prepare(out, force=force)
    source = example_plan_path()
    loaded = load_plan(source)
    info = loaded.plan.plan
    say(f"Piano d'esempio: {info.ente} — {info.title} ({len(loaded.plan.cards)} schede), {source}")

    plan_copy = out / "piano-esempio.yaml"
    shutil.copyfile(source, plan_copy)
    plan_workbook = export_plan(loaded, out / "piano-esempio.xlsx")
    say(f"1. Piano: {plan_copy} e la stessa cosa come cartella Excel per l'Ufficio Personale: {plan_workbook}")

    private, public = keygen(out / "chiavi", force=True)
    say(f"2. Chiavi di firma: privata {private} (resta all'Ufficio Personale), pubblica {public} (ai revisori)")

    generated = generate(loaded, out / "cartelle", private_key=load_private_key(private), per_sector=True)
    say(f"3. Generate {len(generated.files)} cartelle bloccate e firmate, una per scheda, in {out / 'cartelle'}")

    layouts = {lay.card.id: lay for lay in plan_layouts(loaded)}
    issued = {path.name: path for path in generated.files}
    issued_by_card = {card_id: issued[workbook_name(info.id, card_id)] for card_id in layouts}
    returns, not_returned = plan_returns(list(layouts.values()), lambda card_id: workbook_name(info.id, card_id))

    binary = libreoffice() if use_libreoffice is not False else None
    if use_libreoffice and binary is None:
        raise DemoError("LibreOffice (soffice) non trovato")
    if binary:
        recalculated_by = "LibreOffice"
    else:
        why = "LibreOffice non installato" if use_libreoffice is None else "senza LibreOffice"
        recalculated_by = f"nessuno ({why}): i file non contengono valori calcolati, la raccolta ricalcola i totali"
    returned_dir = out / "restituite"
    paths = fill_returns(returns, issued_by_card, layouts, returned_dir, binary=binary)
    written = list(zip(paths, returns, strict=True))
    say(f"4. Gli uffici compilano e restituiscono {len(written)} file in {returned_dir} "
        f"(ricalcolo: {recalculated_by}):")
    for path, ret in written:
        say(f"     {path.name}: {ret.story}")
    for card_id in not_returned:
        say(f"     {layouts[card_id].card.card.title}: non restituita")

    public_key = load_public_key(public)
    result = collect(loaded, [returned_dir], public_key=public_key, jobs=1)
    report = write_report(result, out / "rapporto-consolidato.xlsx", force=True)
    collect_json = out / "rapporto-consolidato.json"
    write_json(result, str(collect_json), force=True)
    write_csv(result, out / "csv", force=True)
    say(f"5. Raccolta: {summary_text(result)}; schede una per una:")
    for status in result.consolidated.statuses:
        say(f"     {layouts[status.card_id].card.card.title}: {status.text}")
    for pay in result.premi.payments():
        shown = pay.steps[0] if pay.amount is not None and pay.steps else (pay.reason or "")
        say(f"     Premio di {pay.person.name}: {shown}" + (" (provvisorio)" if pay.provisional else ""))

    audited = audit([returned_dir], public_key=public_key, loaded=loaded)
    audit_report, audit_workbook, audit_json = out / "audit.html", out / "audit.xlsx", out / "audit.json"
    write_html(audited, audit_report, force=True)
    write_xlsx(audited, audit_workbook, force=True)
    write_text(audit_json, json.dumps(audited.to_json(), ensure_ascii=False, indent=2) + "\n")
    say(f"6. Audit delle formule: {len(audited.files)} file, {_count(audited.findings)}")
    return DemoResult(out, loaded, private, public, plan_workbook, generated.files, generated.note, written,
                      not_returned, recalculated_by, Path(report), collect_json, out / "csv", audit_report,
                      audit_workbook, audit_json, result, audited)


def _count(findings: list[Any]) -> str:
    from piano_xlsx.italian import severity_counts

    return severity_counts(findings)
