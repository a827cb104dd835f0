"""`demo`: the whole job on the bundled example plan, in one call.

keygen -> plan workbook -> generate (one workbook per card) -> offices fill
and return them, some clean and some with the typical mistakes -> collect ->
audit. The offices are emulated the way Excel saves a file: the inputs are
written into the sheet XML and every formula gets the value the spreadsheet
would cache, everything else (protection, validations, the signed manifest)
left as issued. The cached values come from LibreOffice when it is installed
(it recalculates the filled files as an office would), else from the Python
model of the formulas; either way no LibreOffice is needed.

The planted mistakes, one per file so each is easy to find in the reports:

* a card returned with one score left empty, then sent again complete (a duplicate);
* a 7 pasted into a score cell of a 4/6/8/10 scale;
* a weight raised after removing the sheet protection;
* a card never returned.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from piano_xlsx.plan.loader import LoadedPlan, load_plan
from piano_xlsx.plan.resolve import GATE_PASSED, NEUTRALISED, SUMMARY_SHEET
from piano_xlsx.workbook.computation import Value, evaluate
from piano_xlsx.workbook.layout import SUMMARY_COLUMNS, CardLayout, summary_row

MARKER = ".piano-xlsx-demo"  # a folder holding this file was written by the demo and may be written again
SCORE_CYCLE = (8, 10, 6, 8, 10)
SHARED_SCORES = (8, 10)  # shared objectives: the same score on every card, as the evaluators agree
EVALUATION_DATE = dt.date(2026, 3, 16)


class DemoError(Exception):
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
                          weights={raised.item.id: weight},
                          mistakes=("PROTECTION_REMOVED", "LOCKED_CHANGED", "CACHED_MISMATCH")))
    return returns, [silent.card.id, *(lay.card.id for lay in layouts[5:])]


# ---------------------------------------------------------------- filling a workbook as Excel saves it


_FORMULA_CELL = re.compile(r'<c r="([A-Z]+[0-9]+)"([^>]*?)>(<f(?:\s[^>]*)?>.*?</f>|<f[^>]*/>)(?:<v>.*?</v>|<v/>)?</c>',
                           re.S)
_STYLE = re.compile(r'\ss="\d+"')


def _cell_pattern(address: str) -> re.Pattern[str]:
    return re.compile(rf'<c r="{address}"(?=[\s/>])([^>]*?)(?:/>|>(.*?)</c>)', re.S)


def _style(attrs: str) -> str:
    found = _STYLE.search(attrs)
    return found.group(0) if found else ""


def _value_xml(address: str, style: str, value: Value, formula: str = "") -> str:
    """A cell holding `value` (and a formula, whose cached value it then is)."""
    if value is None and not formula:
        return f'<c r="{address}"{style}/>'
    if isinstance(value, bool):
        return f'<c r="{address}"{style} t="b">{formula}<v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        text = str(value) if isinstance(value, int) else repr(float(value))
        return f'<c r="{address}"{style}>{formula}<v>{text}</v></c>'
    if isinstance(value, dt.date):
        serial = (value - dt.date(1899, 12, 30)).days
        return f'<c r="{address}"{style}><v>{serial}</v></c>'
    text = escape("" if value is None else str(value))
    if formula:
        return f'<c r="{address}"{style} t="str">{formula}<v>{text}</v></c>'
    return f'<c r="{address}"{style} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def set_cell(xml: str, address: str, value: Value) -> str:
    """Type `value` into an existing cell, keeping its style (and so its protection and format)."""
    pattern = _cell_pattern(address)
    found = pattern.search(xml)
    if found is None:
        raise DemoError(f"cella {address} non trovata")
    return xml[:found.start()] + _value_xml(address, _style(found.group(1)), value) + xml[found.end():]


def strip_cached(xml: str) -> tuple[str, list[str]]:
    """Remove the cached value of every formula, as a file saved without recalculating; returns the addresses."""
    addresses: list[str] = []

    def drop(m: re.Match[str]) -> str:
        addresses.append(m.group(1))
        return f'<c r="{m.group(1)}"{_style(m.group(2))}>{m.group(3)}</c>'

    return _FORMULA_CELL.sub(drop, xml), addresses


def set_cached(xml: str, values: dict[str, Value]) -> str:
    """Give each formula cell its cached value."""
    def put(m: re.Match[str]) -> str:
        address = m.group(1)
        if address not in values:
            return m.group(0)
        value = values[address]
        return _value_xml(address, _style(m.group(2)), "" if value is None else value, formula=m.group(3))

    return _FORMULA_CELL.sub(put, xml)


@dataclass
class Workbook:
    """An xlsx package in memory: its parts in order, and where each sheet's XML is."""

    infos: list[zipfile.ZipInfo]
    parts: dict[str, bytes]
    sheets: dict[str, str]  # sheet name -> part name

    @classmethod
    def read(cls, data: bytes) -> Workbook:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            parts = {info.filename: zf.read(info) for info in infos}
        rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
        targets = {m.group(1): m.group(2) for m in re.finditer(r'<Relationship Id="([^"]+)"[^>]*?Target="([^"]+)"',
                                                                rels)}
        targets |= {m.group(2): m.group(1) for m in re.finditer(r'<Relationship Target="([^"]+)"[^>]*?Id="([^"]+)"',
                                                                 rels)}
        workbook = parts["xl/workbook.xml"].decode("utf-8")
        sheets = {}
        for m in re.finditer(r'<sheet name="([^"]*)"[^>]*?r:id="([^"]+)"', workbook):
            target = targets[m.group(2)].lstrip("/")
            sheets[_unescape(m.group(1))] = target if target.startswith("xl/") else f"xl/{target}"
        return cls(infos, parts, sheets)

    def xml(self, sheet: str) -> str:
        return self.parts[self.sheets[sheet]].decode("utf-8")

    def put(self, sheet: str, xml: str) -> None:
        self.parts[self.sheets[sheet]] = xml.encode("utf-8")

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for info in self.infos:
                zf.writestr(info, self.parts[info.filename], compress_type=zipfile.ZIP_DEFLATED)
        return buffer.getvalue()


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace(
        "&amp;", "&")


def enter(issued: bytes, ret: Return, layout: CardLayout) -> tuple[Workbook, dict[str, list[str]]]:
    """The office types its inputs; returns the workbook (cached values removed) and its formula cells by sheet."""
    book = Workbook.read(issued)
    xml = book.xml(layout.sheet)
    xml = set_cell(xml, layout.header_cell("evaluator"), ret.evaluator)
    xml = set_cell(xml, layout.header_cell("date"), ret.date)
    for row in layout.items:
        score = ret.scores.get(row.item.id)
        if score is not None:
            xml = set_cell(xml, row.cell("score"), score)
        if row.item.id in ret.notes:
            xml = set_cell(xml, row.cell("note"), ret.notes[row.item.id])
        if row.item.id in ret.weights:  # Revisione > Rimuovi protezione foglio, then type over the weight
            xml = re.sub(r"<sheetProtection\b[^>]*/>", "", xml)
            xml = set_cell(xml, row.cell("weight"), ret.weights[row.item.id])
    book.put(layout.sheet, xml)
    formulas: dict[str, list[str]] = {}
    for sheet in (layout.sheet, SUMMARY_SHEET):
        stripped, addresses = strip_cached(book.xml(sheet))
        book.put(sheet, stripped)
        formulas[sheet] = addresses
    return book, formulas


def python_values(ret: Return, layout: CardLayout) -> dict[str, dict[str, Value]]:
    """What a spreadsheet caches after the office's input, from the Python model of the formulas."""
    typed = layout
    if ret.weights:  # the sheet now computes with the weight typed over the issued one
        typed = copy.deepcopy(layout)
        for row in typed.items:
            if row.item.id in ret.weights:
                row.item.weight = float(ret.weights[row.item.id])
    result = evaluate(typed, ret.scores, ret.notes)
    summary: dict[str, Value] = {}
    for letter, _, key, _ in SUMMARY_COLUMNS:
        if key and key in layout.totals:
            summary[f"{letter}{summary_row(0)}"] = result.cells.get(layout.total_cell(key), layout.card.maximum)
    return {layout.sheet: dict(result.cells), SUMMARY_SHEET: summary}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice_values(books: list[tuple[Workbook, dict[str, list[str]]]], binary: str
                       ) -> list[dict[str, dict[str, Value]]]:
    """Let LibreOffice open, recalculate and save every filled file (one process), and read what it computed."""
    import openpyxl

    work = Path(tempfile.mkdtemp(prefix="piano-xlsx-demo-"))
    profile = work / "profile"
    try:
        sources = []
        for index, (book, _) in enumerate(books):
            path = work / f"ritorno-{index}.xlsx"
            path.write_bytes(book.bytes())
            sources.append(path)
        out = work / "ricalcolati"
        subprocess.run([binary, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--convert-to", "xlsx", "--outdir", str(out), *map(str, sources)],
                       check=True, capture_output=True, timeout=600, env={**os.environ, "HOME": str(profile)})
        values = []
        for path, (_, formulas) in zip(sources, books, strict=True):
            wb = openpyxl.load_workbook(out / path.name, data_only=True)
            values.append({sheet: {address: wb[sheet][address].value for address in addresses}
                           for sheet, addresses in formulas.items()})
            wb.close()
        return values
    finally:
        shutil.rmtree(work, ignore_errors=True)


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
        use_libreoffice: recalculate the filled returns with LibreOffice (None: when it is installed).
        say: called with a line of text (Italian) for each step done.
        force: replace a previous demo's folder (without it, OutputExists); other folders are refused.
    """
    from piano_xlsx.atomic import write_text
    from piano_xlsx.audit import audit
    from piano_xlsx.audit.report_html import write_html
    from piano_xlsx.audit.report_xlsx import write_xlsx
    from piano_xlsx.collect import collect
    from piano_xlsx.collect.report import write_csv, write_json, write_report
    from piano_xlsx.generate import generate, plan_layouts, slug
    from piano_xlsx.planbook import export_plan
    from piano_xlsx.signing import keygen, load_private_key, load_public_key

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
    by_card = {card_id: f"{slug(info.id)}-{slug(card_id)}.xlsx" for card_id in layouts}  # generate's names
    returns, not_returned = plan_returns(list(layouts.values()), lambda card_id: by_card[card_id])
    entered = [enter(issued[by_card[ret.card]].read_bytes(), ret, layouts[ret.card]) for ret in returns]

    binary = soffice() if use_libreoffice is not False else None
    if use_libreoffice and binary is None:
        raise DemoError("LibreOffice (soffice) non trovato")
    recalculated_by = "modello Python delle formule (LibreOffice non installato)" if use_libreoffice is None else \
        "modello Python delle formule"
    values: list[dict[str, dict[str, Value]]]
    if binary:
        values = libreoffice_values(entered, binary)
        recalculated_by = "LibreOffice"
    else:
        values = [python_values(ret, layouts[ret.card]) for ret in returns]
    returned_dir = out / "restituite"
    returned_dir.mkdir()
    written = []
    for ret, (book, _), computed in zip(returns, entered, values, strict=True):
        for sheet, cells in computed.items():
            book.put(sheet, set_cached(book.xml(sheet), cells))
        path = returned_dir / ret.name
        path.write_bytes(book.bytes())
        written.append((path, ret))
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
    say(f"5. Raccolta: {len(result.files)} file, {len(result.consolidated.cards)} schede valide su {len(layouts)}, "
        f"{_count(result.findings)}")

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
