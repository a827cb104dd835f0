"""The audit as one self-contained HTML page: no scripts, no external resources, every text escaped.

Everything read from a workbook is untrusted and goes through `html.escape`.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from piano_xlsx import __version__
from piano_xlsx.atomic import write_text
from piano_xlsx.audit.premi import html_section
from piano_xlsx.audit.present import (
    SEVERITY_WORDS,
    SIGNATURE_LONG,
    Group,
    groups,
    other_findings,
    plan_words,
    show,
    status_word,
    what,
)
from piano_xlsx.audit.result import SIGNATURE_WORDS, AuditResult, FileAudit, FormulaRow
from piano_xlsx.italian import plural

STYLE = """
body{font-family:"DejaVu Sans",Arial,sans-serif;font-size:13px;color:#1d1d1d;margin:24px;max-width:1400px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;padding-top:12px;border-top:3px solid #33506e}
h3{font-size:15px;margin:20px 0 6px}p{margin:4px 0 8px;line-height:1.4}
table{border-collapse:collapse;width:100%;margin:6px 0 12px}
th,td{border:1px solid #c8ccd2;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#33506e;color:#fff;font-weight:600}
td.n{text-align:right;white-space:nowrap}
code{font-family:"DejaVu Sans Mono",monospace;font-size:11px;word-break:break-all}
td.code code{word-break:normal;white-space:nowrap}
.badge{display:inline-block;padding:1px 6px;border-radius:3px;font-weight:600;white-space:nowrap}
.ok{background:#d8efd9;color:#1e5a23}.changed,.missing,.error{background:#f8d3d1;color:#8a1010}
.stale,.warning{background:#fde9c0;color:#6b4a00}.info{background:#dde7f3;color:#23466e}
.constant{background:#f8d3d1;color:#8a1010}
tr.expl td{background:#fbfbf6;border-top:none;font-size:13px}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 14px;margin:6px 0 10px}dt{font-weight:600}dd{margin:0}
.totals{background:#eef2f6;border-left:4px solid #33506e;padding:6px 10px}
details summary{cursor:pointer;color:#33506e;margin:4px 0}
.muted{color:#5b6470}
"""


def render(result: AuditResult) -> str:
    """The whole report as HTML text."""
    parts = ["<!DOCTYPE html>", '<html lang="it"><head><meta charset="utf-8">',
             "<title>Audit delle formule</title>", f"<style>{STYLE}</style></head><body>",
             "<h1>Audit delle formule</h1>",
             f'<p class="muted">piano-xlsx {escape(__version__)} — per ogni cella con formula: la formula emessa '
             "(dal manifesto firmato), la formula trovata, il valore salvato nel file e il valore ricalcolato da un "
             "motore di calcolo indipendente a partire dai dati del file stesso.</p>",
             _legend(), _overview(result)]
    for index, audit in enumerate(result.files, start=1):
        parts.append(_file(audit, index))
    parts.append(html_section(result.payouts))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def write_html(result: AuditResult, target: str | Path, *, force: bool = False) -> None:
    """Write the report atomically; an existing file is replaced only with `force`."""
    write_text(target, render(result), force=force)


def _legend() -> str:
    items = [("ok", "corretta", "la formula è quella emessa e il valore salvato è quello che calcola"),
             ("changed", "modificata", "la formula non è quella emessa, o è stata sostituita da una costante"),
             ("stale", "valore non aggiornato", "la formula è intatta ma il valore salvato non è quello che calcola"),
             ("missing", "cancellata", "la cella della formula emessa è vuota")]
    rows = "".join(f'<tr><td><span class="badge {c}">{w}</span></td><td>{escape(t)}</td></tr>' for c, w, t in items)
    return f"<table><tr><th>Stato</th><th>Significato</th></tr>{rows}</table>"


def _overview(result: AuditResult) -> str:
    head = ("<tr><th>File</th><th>Firma</th><th class=n>Formule</th><th>Corrette</th><th>Modificate</th>"
            "<th>Cancellate</th><th>Non aggiornate</th><th>Errori</th><th>Avvisi</th></tr>")
    rows = []
    for index, audit in enumerate(result.files, start=1):
        counts = audit.counts()
        rows.append(
            f'<tr><td><a href="#file-{index}">{escape(audit.path)}</a></td>'
            f'<td>{escape(SIGNATURE_WORDS[audit.signature])}</td><td class=n>{len(audit.formulas)}</td>'
            f"<td class=n>{counts['ok']}</td><td class=n>{counts['changed']}</td><td class=n>{counts['missing']}</td>"
            f"<td class=n>{counts['stale']}</td><td class=n>{audit.errors}</td><td class=n>{audit.warnings}</td></tr>")
    return f"<h3>File esaminati</h3><table>{head}{''.join(rows)}</table>"


def _file(audit: FileAudit, index: int) -> str:
    counts = audit.counts()
    signature_class = {"valid": "ok", "invalid": "error", "absent": "warning"}[audit.signature]
    facts = [
        ("Percorso", escape(audit.path)),
        ("SHA-256", f"<code>{escape(audit.sha256 or '—')}</code>"),
        ("Dimensione", f"{audit.size:,} byte".replace(",", ".")),
        ("Piano (dal manifesto)", escape(plan_words(audit))),
        ("Firma del manifesto", f'<span class="badge {signature_class}">{escape(SIGNATURE_WORDS[audit.signature])}'
                                f"</span> {escape(SIGNATURE_LONG[audit.signature].split(': ', 1)[1])}"
                                if audit.manifest else "— (nessun manifesto leggibile)"),
        ("Salvato da", escape(audit.application or "—")),
        ("Formule", f"{len(audit.formulas)}: {counts['ok']} corrette, {counts['changed']} modificate, "
                    f"{counts['missing']} cancellate, {counts['stale']} con valore non aggiornato"),
        ("Rilievi", f"{plural(audit.errors, 'errore', 'errori')}, {plural(audit.warnings, 'avviso', 'avvisi')}"),
    ]
    out = [f'<section id="file-{index}"><h2>{escape(audit.path)}</h2><dl>']
    out += [f"<dt>{k}</dt><dd>{v}</dd>" for k, v in facts]
    out.append("</dl>")
    findings = other_findings(audit)
    if findings:
        out.append("<h3>Rilievi sul file</h3><table><tr><th>Gravità</th><th>Codice</th><th>Dove</th>"
                   "<th>Che cosa</th><th>Cosa fare</th></tr>")
        for f in findings:
            where = " · ".join(p for p in (f.sheet, f.cell) if p) or "file"
            out.append(f'<tr><td><span class="badge {f.severity.value}">{SEVERITY_WORDS[f.severity.value]}</span></td>'
                       f'<td class="code"><code>{escape(f.code)}</code></td><td>{escape(where)}</td>'
                       f"<td>{escape(f.message)}</td>"
                       f"<td>{escape(f.hint)}</td></tr>")
        out.append("</table>")
    for group in groups(audit):
        out.append(_group(group))
    if audit.hidden_sheets:
        out.append("<h3>Contenuto dei fogli nascosti</h3>")
        for hidden in audit.hidden_sheets:
            cells = "".join(f"<tr><td>{escape(a)}</td><td>{escape(show(v))}</td></tr>" for a, v in hidden.cells)
            more = (f'<p class="muted">… e altre {hidden.total - len(hidden.cells)} celle non vuote.</p>'
                    if hidden.total > len(hidden.cells) else "")
            out.append(f"<p>Foglio «{escape(hidden.sheet)}» ({escape(hidden.state)}), {hidden.total} celle non "
                       f"vuote:</p><table><tr><th>Cella</th><th>Contenuto</th></tr>{cells}</table>{more}")
    out.append("</section>")
    return "\n".join(out)


def _group(group: Group) -> str:
    sheet = f" <span class=muted>(foglio «{escape(group.sheet)}»)</span>" if group.card is not None else ""
    out = [f"<h3>{escape(group.title)}{sheet}</h3>"]
    if group.card is not None and group.card.explanation:
        out.append(f'<p class="totals">{escape(group.card.explanation)}</p>')
    if group.has_differences:
        out.append("<table><tr><th>Cella</th><th>Che cosa</th><th>Stato</th><th>Formula emessa</th>"
                   "<th>Trovata</th><th>Valore salvato</th><th>Ricalcolato</th><th>Con le formule emesse</th></tr>")
        for row in group.differences:
            out.append(_difference(row))
        for const in group.constants:
            out.append(f'<tr><td>{escape(const.cell)}</td><td>{escape(what(const.label))}</td>'
                       f'<td><span class="badge constant">valore bloccato modificato</span></td>'
                       f"<td>{escape(show(const.issued))}</td><td>{escape(show(const.found))}</td>"
                       f"<td class=n>—</td><td class=n>—</td><td class=n>—</td></tr>"
                       f'<tr class="expl"><td></td><td colspan="7">{escape(const.explanation)}</td></tr>')
        out.append("</table>")
    else:
        out.append("<p>Nessuna differenza: ogni formula è quella emessa e ogni valore salvato è quello "
                   "ricalcolato.</p>")
    if group.intact:
        intact = plural(len(group.intact), "formula corretta", "formule corrette")
        out.append(f"<details><summary>{intact}</summary><table><tr><th>Cella</th>"
                   "<th>Che cosa</th><th>Formula</th><th>Valore salvato</th><th>Ricalcolato</th></tr>")
        for row in group.intact:
            out.append(f"<tr><td>{escape(row.cell)}</td><td>{escape(what(row.label))}</td>"
                       f"<td><code>{escape(row.found or '')}</code></td><td class=n>{escape(show(row.cached))}</td>"
                       f"<td class=n>{escape(show(row.recomputed))}</td></tr>")
        out.append("</table></details>")
    return "\n".join(out)


def _difference(row: FormulaRow) -> str:
    found = row.found if isinstance(row.found, str) and row.found.startswith("=") else show(row.found)
    return (f"<tr><td>{escape(row.cell)}</td><td>{escape(what(row.label))}</td>"
            f'<td><span class="badge {row.status}">{escape(status_word(row))}</span></td>'
            f"<td><code>{escape(row.issued or '—')}</code></td><td><code>{escape(found)}</code></td>"
            f"<td class=n>{escape(show(row.cached))}</td><td class=n>{escape(show(row.recomputed))}</td>"
            f"<td class=n>{escape(show(row.expected))}</td></tr>"
            f'<tr class="expl"><td></td><td colspan="7">{escape(row.explanation)}</td></tr>')
