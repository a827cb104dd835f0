"""`plan export`: write a plan as a plain workbook the HR office fills comfortably (XlsxWriter).

Not protected, one table per sheet with its header row frozen, dropdowns
where a value comes from a list, a help message on every column, and an
«Istruzioni» sheet that explains every column. The same plan gives the same bytes.

One concern, the plan workbook written sheet by sheet, read best whole.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl.utils import get_column_letter
from pydantic import BaseModel

from piano_xlsx.plan.loader import MONEY_KEYS, format_path
from piano_xlsx.plan.model import Plan
from piano_xlsx.planbook.money import write_money_sheets
from piano_xlsx.planbook.sheets import (
    EMPTY_LIST,
    EMPTY_TEXT,
    INSTRUCTIONS,
    KEY_VALUE_HEADERS,
    LISTS,
    LISTS_SHEET,
    NO,
    REPEATING_LISTS,
    SHEETS,
    YES,
    Column,
    Sheet,
)
from piano_xlsx.workbook.textmetrics import wrapped_lines
from piano_xlsx.workbook.xlsxfile import CREATED, ToolWorkbook

TABLE_ROWS = 2000  # rows below the header that carry dropdowns and help messages
MAX_ROW_HEIGHT = 150.0  # a long text shows its first lines; the whole text is in the cell
LINE_HEIGHT = 13.0

Row = dict[str, Any]


# ---------------------------------------------------------------- plan -> rows


def _fields(model: BaseModel, *, drop: tuple[str, ...] = ()) -> Row:
    """The keys the author set (defaults left out, as in the plan hash), nested models as plain data."""
    data = model.model_dump(mode="python", exclude_defaults=True)
    for key in drop:
        data.pop(key, None)
    return data


def plan_rows(plan: Plan) -> dict[str, list[Row]]:
    """Every sheet's rows as {column key: plan value}; the key/value sheet «Piano» is one row."""
    rows: dict[str, list[Row]] = {sheet.name: [] for sheet in SHEETS}
    piano = {f"plan.{k}": v for k, v in _fields(plan.plan).items()}
    piano["plan.version"] = plan.plan.version  # always shown: returned workbooks must match it
    piano |= {"default_scale": plan.default_scale, "default_bands": plan.default_bands}
    rows["Piano"].append(piano)
    for scale in plan.scales:
        head: Row = {"@scale": scale.id, **_fields(scale, drop=("id", "values", "source"))}
        if not scale.values:  # a percentage, points, achieved / not achieved: one row
            rows["Scale"].append(head)
        for index, value in enumerate(scale.values or []):
            row: Row = dict(head) if index == 0 else {"@scale": scale.id}
            if isinstance(value, (int, float)):
                row["value"] = value
            else:
                row |= {"value": value.value, "label": value.label}
            rows["Scale"].append(row)
    for rule in plan.rules:
        head = {"@rule": rule.id, **_fields(rule, drop=("id", "steps", "source"))}
        steps = rule.steps or []
        rows["Regole"] += [head] if not steps else [
            {**(head if index == 0 else {"@rule": rule.id}), **_fields(step),
             "min_inclusive": step.min_inclusive, "max_inclusive": step.max_inclusive}
            for index, step in enumerate(steps)]
    rows["Livelli"] = [{"@level": name, "@points": points} for name, points in plan.levels.items()]
    for bandset in plan.bands:
        for index, band in enumerate(bandset.bands):
            row = {"@bandset": bandset.id, **_fields(band),
                   "min_inclusive": band.min_inclusive, "max_inclusive": band.max_inclusive}
            if index == 0 and bandset.rounding is not None:
                row |= {"rounding.mode": bandset.rounding.mode, "rounding.decimals": bandset.rounding.decimals}
            if index == 0 and bandset.outside is not None:
                row |= {f"outside.{key}": value for key, value in _fields(bandset.outside).items()}
            rows["Fasce"].append(row)
    rows["Settori"] = [_fields(s) for s in plan.sectors]
    rows["Valutati"] = [_fields(e) for e in plan.evaluatees]
    rows["Obiettivi condivisi"] = [_fields(o) for o in plan.shared_objectives]
    for card in plan.cards:
        rows["Schede"].append(_fields(card, drop=("sections",)))
        for section in card.sections:
            rows["Sezioni"].append({"@card": card.id, **_fields(section, drop=("items",))})
            for item in section.items:
                rows["Obiettivi"].append({"@card": card.id, "@section": section.id, **_fields(item)})
    for template in plan.templates:
        rows["Modelli"].append(_fields(template, drop=("sections", "part_weights")))
        for section in template.sections:
            rows["Sezioni dei modelli"].append({"@template": template.id, **_fields(section, drop=("items",))})
            for item in section.items:
                rows["Obiettivi dei modelli"].append({"@template": template.id, "@section": section.id,
                                                      **_fields(item)})
        for category, parts in template.part_weights.items():
            rows["Pesi delle parti"] += [{"@template": template.id, "@category": category, "@section": section_id,
                                          "@points": points} for section_id, points in parts.items()]
    rows["Personale"] = [_fields(member) for member in plan.staff]
    rows["Esclusioni"] = [_fields(exclusion) for exclusion in plan.exclusions]
    rows["Fonti"] = [{"@where": format_path(path), **source} for path, source in sources(plan)]
    rows["Scelte"] = [_fields(c) for c in plan.choices]
    return rows


def sources(plan: Plan) -> list[tuple[tuple[str | int, ...], dict[str, Any]]]:
    """Every `source` of the plan, with the key path of the element it belongs to, in plan order."""
    found: list[tuple[tuple[str | int, ...], dict[str, Any]]] = []

    def walk(data: Any, path: tuple[str | int, ...]) -> None:
        if isinstance(data, dict):
            for key, value in data.items():
                if key == "source" and isinstance(value, dict):
                    found.append((path, value))
                else:
                    walk(value, path + (key,))
        elif isinstance(data, list):
            for index, value in enumerate(data):
                walk(value, path + (index,))

    data = plan.model_dump(mode="python", exclude_defaults=True)
    for key in MONEY_KEYS:  # payouts and funds keep their sources on their own sheets (planbook/money.py)
        data.pop(key, None)
    walk(data, ())
    return found


def cell_value(column: Column, value: Any) -> Any:
    """A plan value as the cell shows it (None: leave the cell empty)."""
    if value is None:
        return None
    kind = column.kind
    if kind in ("id", "text"):
        return EMPTY_TEXT if value == "" else str(value)
    if kind == "bool":
        return YES if value else NO
    if kind == "enum":
        return column.label(value)
    if kind == "lines":
        return "\n".join(value) if value else EMPTY_LIST
    if kind == "levels":
        if not value:
            return EMPTY_LIST
        return "\n".join(p["level"] + ("" if p.get("points") is None else f" {_number_text(p['points'])}")
                         for p in value)
    if kind == "date":
        return dt.datetime.combine(value, dt.time()) if isinstance(value, dt.date) else value
    if kind == "number" and isinstance(value, float) and value.is_integer():
        return repr(value)  # a cell cannot tell 10.0 from 10: the text "10.0" reads back as the float
    return value  # int, number, numtext: numbers stay numbers, texts stay texts


def _number_text(value: float) -> str:
    return repr(value)  # 15 stays "15", 15.0 stays "15.0": read back as the same int or float


# ---------------------------------------------------------------- rows -> workbook


class _Formats:
    def __init__(self, wb: Any):
        base = {"font_name": "Calibri", "font_size": 10, "valign": "top"}
        self.header = wb.add_format({**base, "bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E78",
                                     "text_wrap": True, "border": 1, "valign": "vcenter"})
        self.required = wb.add_format({**base, "bold": True, "font_color": "#FFFFFF", "bg_color": "#833C0B",
                                       "text_wrap": True, "border": 1, "valign": "vcenter"})
        self.text = wb.add_format({**base, "text_wrap": True})
        self.date = wb.add_format({**base, "num_format": "dd/mm/yyyy"})
        self.number = wb.add_format({**base, "num_format": "General", "align": "left"})
        self.key = wb.add_format({**base, "bold": True})
        self.note = wb.add_format({**base, "italic": True, "font_color": "#595959", "text_wrap": True})
        self.title = wb.add_format({**base, "bold": True, "font_size": 14})
        self.heading = wb.add_format({**base, "bold": True, "font_size": 11, "bg_color": "#DDEBF7"})


def write_plan_workbook(plan: Plan) -> bytes:
    """The plan as a plan workbook (bytes of an .xlsx file)."""
    buffer = io.BytesIO()
    wb = ToolWorkbook(buffer)
    wb.set_properties({"title": f"Piano — {plan.plan.title}", "author": plan.plan.ente, "created": CREATED,
                       "comments": "Cartella del piano di piano-xlsx (piano-xlsx plan import / check / generate)"})
    fmt = _Formats(wb)
    rows = plan_rows(plan)
    lists = _repeating_lists(rows)
    for sheet in SHEETS:
        ws = wb.add_worksheet(sheet.name)
        if sheet.key_value:
            _write_key_value(ws, sheet, rows[sheet.name][0], fmt, lists)
        else:
            _write_table(ws, sheet, rows[sheet.name], fmt, lists)
    write_money_sheets(wb, plan)
    _write_instructions(wb.add_worksheet(INSTRUCTIONS), fmt)
    hidden = wb.add_worksheet(LISTS_SHEET)
    for index, name in enumerate(REPEATING_LISTS):
        hidden.write_string(0, index, name)
        for row, value in enumerate(lists[name], start=1):
            hidden.write_string(row, index, value)
    hidden.hide()
    wb.close()
    return buffer.getvalue()


def _repeating_lists(rows: dict[str, list[Row]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name in REPEATING_LISTS:
        sheet, key = LISTS[name]
        out[name] = list(dict.fromkeys(str(r[key]) for r in rows[sheet] if r.get(key) not in (None, "")))
    return out


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'" if not sheet.isalnum() else sheet


def _list_source(column: Column, lists: dict[str, list[str]]) -> str | None:
    """The formula a dropdown offers: the id column of another sheet, or the hidden list of distinct values."""
    from piano_xlsx.planbook.sheets import sheet_by_name

    assert column.source is not None
    if column.source in REPEATING_LISTS:
        index = REPEATING_LISTS.index(column.source)
        count = len(lists[column.source])
        if not count:
            return None
        letter = get_column_letter(index + 1)
        return f"={LISTS_SHEET}!${letter}$2:${letter}${count + 1}"
    sheet_name, key = LISTS[column.source]
    sheet = sheet_by_name(sheet_name)
    assert sheet is not None
    letter = get_column_letter([c.key for c in sheet.columns].index(key) + 1)
    return f"={_quote(sheet_name)}!${letter}$2:${letter}${TABLE_ROWS + 1}"


def _validation(column: Column, lists: dict[str, list[str]]) -> dict[str, Any]:
    """Dropdown or check for a column, always with its help as the message shown when the cell is selected."""
    message = column.help + (" (obbligatorio)" if column.required else "")
    spec: dict[str, Any] = {"input_title": column.header[:32], "input_message": message[:255]}
    if column.kind == "enum":
        options = [label for _, label in column.choices]
        return {**spec, "validate": "list", "source": options, "error_type": "stop",
                "error_title": "Valore non ammesso", "error_message": "Scegliere dall'elenco: " + ", ".join(options)}
    if column.kind == "bool":
        return {**spec, "validate": "list", "source": [YES, NO], "error_type": "stop",
                "error_title": "Valore non ammesso", "error_message": f"Scegliere {YES} o {NO}."}
    if column.source:
        source = _list_source(column, lists)
        if source:
            return {**spec, "validate": "list", "source": source, "error_type": "warning",
                    "error_title": "Valore non in elenco",
                    "error_message": "Il valore non è tra quelli definiti: verificare che esista nel foglio di "
                                     "origine."}
    if column.kind == "date":
        return {**spec, "validate": "date", "criteria": "between", "minimum": dt.date(1990, 1, 1),
                "maximum": dt.date(2100, 12, 31), "error_type": "stop", "error_title": "Data non valida",
                "error_message": "Inserire una data nel formato gg/mm/aaaa."}
    if column.kind in ("int", "number"):
        return {**spec, "validate": "integer" if column.kind == "int" else "decimal", "criteria": "between",
                "minimum": -1e9, "maximum": 1e9, "error_type": "stop", "error_title": "Numero non valido",
                "error_message": "Inserire un numero" + (" intero." if column.kind == "int" else ".")}
    return {**spec, "validate": "any"}


def _write_value(ws: Any, row: int, col: int, column: Column, value: Any, fmt: _Formats) -> None:
    shown = cell_value(column, value)
    if shown is None:
        return
    if isinstance(shown, dt.datetime):
        ws.write_datetime(row, col, shown, fmt.date)
    elif isinstance(shown, bool):  # never reached for a declared column; kept exact all the same
        ws.write_boolean(row, col, shown, fmt.text)
    elif isinstance(shown, (int, float)):
        ws.write_number(row, col, shown, fmt.number)
    else:
        ws.write_string(row, col, shown, fmt.text)


def _height(texts: list[tuple[str, float]]) -> float | None:
    lines = max([wrapped_lines(text, width) for text, width in texts if text] or [1])
    return None if lines <= 1 else min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT + 3)


def _write_table(ws: Any, sheet: Sheet, rows: list[Row], fmt: _Formats, lists: dict[str, list[str]]) -> None:
    for index, column in enumerate(sheet.columns):
        ws.write_string(0, index, column.header, fmt.required if column.required else fmt.header)
        ws.set_column(index, index, column.width)
        ws.data_validation(1, index, TABLE_ROWS, index, _validation(column, lists))
    ws.set_row(0, 30)
    for r, row in enumerate(rows, start=1):
        texts = []
        for index, column in enumerate(sheet.columns):
            value = row.get(column.key)
            if value is None and column.explicit:
                continue
            _write_value(ws, r, index, column, value, fmt)
            shown = cell_value(column, value)
            if isinstance(shown, str):
                texts.append((shown, column.width))
        height = _height(texts)
        if height:
            ws.set_row(r, height)
    ws.freeze_panes(1, sheet.freeze_cols)
    ws.autofilter(0, 0, max(1, len(rows)), len(sheet.columns) - 1)
    _print_setup(ws)


def _print_setup(ws: Any) -> None:
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.set_footer("&L&9&A&R&9Pagina &P di &N")


def _write_key_value(ws: Any, sheet: Sheet, values: Row, fmt: _Formats, lists: dict[str, list[str]]) -> None:
    for index, header in enumerate(KEY_VALUE_HEADERS.values()):
        ws.write_string(0, index, header, fmt.header)
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, 60)
    ws.set_column(2, 2, 70)
    ws.set_row(0, 22)
    for r, column in enumerate(sheet.columns, start=1):
        ws.write_string(r, 0, column.header, fmt.required if column.required else fmt.key)
        _write_value(ws, r, 1, column, values.get(column.key), fmt)
        ws.write_string(r, 2, column.help + (" (obbligatorio)" if column.required else ""), fmt.note)
        ws.data_validation(r, 1, r, 1, _validation(column, lists))
        shown = cell_value(column, values.get(column.key))
        height = _height([(shown, 60)] if isinstance(shown, str) else [])
        if height:
            ws.set_row(r, height)
    ws.freeze_panes(1, 1)
    _print_setup(ws)


def instruction_lines() -> list[tuple[str, str]]:
    """(style, text) lines of the «Istruzioni» sheet: how to fill the workbook, and every column of every sheet."""
    lines = [
        ("title", "Piano in formato Excel — istruzioni"),
        ("text", "Questa cartella descrive il piano della performance: ogni foglio è una tabella con una riga di "
                 "intestazione e una riga per elemento. Si compila come una normale tabella; i fogli non sono "
                 "protetti."),
        ("text", "Quando è pronta: «piano-xlsx check PIANO.xlsx» elenca le incoerenze, «piano-xlsx generate PIANO.xlsx "
                 "-o cartelle/ --key chiave.pem» genera le cartelle di valutazione, «piano-xlsx plan import "
                 "PIANO.xlsx -o PIANO.yaml» la converte in YAML."),
        ("blank", ""),
        ("heading", "Regole generali"),
        ("text", "• Le colonne con l'intestazione rossa sono obbligatorie; le altre si possono lasciare vuote."),
        ("text", "• Gli identificativi (scheda, sezione, valutato, settore, scala…) sono brevi, senza spazi, e "
                 "collegano i fogli: l'obiettivo indica la sua scheda e la sua sezione."),
        ("text", "• L'ordine delle righe è l'ordine delle sezioni e degli obiettivi nella scheda. Nelle colonne "
                 "Scheda, Sezione, Scala e Insieme di fasce una cella vuota vale come quella sopra (anche con "
                 "celle unite)."),
        ("text", f"• Sì/No: scegliere dall'elenco; una cella vuota vale «{NO}» (tranne «Da incluso» e «A incluso», "
                 f"dove vale «{YES}»)."),
        ("text", "• Elenchi (indicatori, servizi, livelli stampati): una voce per riga, andando a capo nella cella "
                 "con Alt+Invio (Ctrl+Invio in LibreOffice)."),
        ("text", f"• «{EMPTY_TEXT}»: il documento stampa il campo ma in bianco (es. un valore atteso non "
                 f"compilato); una cella vuota invece significa che il campo manca. «{EMPTY_LIST}»: un elenco "
                 "dichiarato vuoto."),
        ("text", "• Le date si scrivono gg/mm/aaaa. Si possono aggiungere colonne di appunti: vengono ignorate."),
        ("text", "• Un errore viene indicato con foglio, riga e colonna: correggere la cella e riprovare."),
    ]
    for sheet in SHEETS:
        lines += [("blank", ""), ("heading", f"Foglio «{sheet.name}»" + (" (obbligatorio)" if sheet.required else "")),
                  ("text", sheet.help)]
        if sheet.key_value:
            lines.append(("text", "Colonne: Chiave (il nome della voce), Valore, Spiegazione. Voci:"))
        for column in sheet.columns:
            options = f" Valori: {', '.join(label for _, label in column.choices)}." if column.choices else ""
            required = " Obbligatoria." if column.required else ""
            lines.append(("text", f"   {column.header}: {column.help}{options}{required}"))
    return lines


def _write_instructions(ws: Any, fmt: _Formats) -> None:
    ws.set_column(0, 0, 130)
    styles = {"title": fmt.title, "heading": fmt.heading, "text": fmt.text}
    for row, (style, text) in enumerate(instruction_lines()):
        if text:
            ws.write_string(row, 0, text, styles[style])
            height = _height([(text, 130)])
            if height:
                ws.set_row(row, height)
