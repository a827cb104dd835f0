"""Charts drawn on the server as SVG: nothing to load from outside, nothing for the browser to run."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from markupsafe import Markup

from piano_xlsx.money.numbers import euro

COLOURS = {"restituita": "#2e7d4f", "da verificare": "#c77c02", "esclusa": "#7a7f87", "mancante": "#b3261e"}
BAR = "#33506e"


def _number(value: float) -> str:
    return f"{value:.1f}".replace(".", ",").replace(",0", "")


def bars(rows: list[tuple[str, float, float, str]], title: str) -> Markup:
    """Horizontal bars, one per (label, value, maximum, status kind): the value as a share of its maximum."""
    label_w, bar_w, row_h, top = 260, 360, 24, 46
    height = top + row_h * len(rows) + 10
    parts = [f'<svg role="img" viewBox="0 0 {label_w + bar_w + 90} {height}" '
             f'class="chart wide" aria-label="{escape(title)}"><title>{escape(title)}</title>',
             f'<text x="0" y="18" class="chart-title">{escape(title)}</text>']
    for tick in (0, 50, 100):
        x = label_w + bar_w * tick / 100
        parts.append(f'<line x1="{x:.0f}" y1="{top - 4}" x2="{x:.0f}" y2="{height - 8}" class="grid"/>'
                     f'<text x="{x:.0f}" y="{top - 8}" class="tick">{tick}%</text>')
    for i, (label, value, maximum, kind) in enumerate(rows):
        y = top + i * row_h
        share = max(0.0, min(1.0, value / maximum)) if maximum else 0.0
        short = label if len(label) <= 38 else label[:37] + "…"
        parts.append(f'<text x="{label_w - 8}" y="{y + 16}" class="label" text-anchor="end">{escape(short)}</text>'
                     f'<rect x="{label_w}" y="{y + 4}" width="{bar_w * share:.1f}" height="{row_h - 8}" '
                     f'fill="{COLOURS.get(kind, BAR)}"><title>{escape(label)}</title></rect>'
                     f'<text x="{label_w + bar_w * share + 6:.1f}" y="{y + 16}" class="value">'
                     f'{_number(value)} / {_number(maximum)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def columns(counts: list[tuple[str, int]], title: str, colours: dict[str, str] | None = None) -> Markup:
    """Vertical columns, one per (label, count)."""
    col_w, gap, chart_h, top, bottom = 70, 22, 150, 46, 30
    width = max(320, len(counts) * (col_w + gap) + gap)
    highest = max((n for _, n in counts), default=0) or 1
    parts = [f'<svg role="img" viewBox="0 0 {width} {top + chart_h + bottom}" '
             f'class="chart" aria-label="{escape(title)}"><title>{escape(title)}</title>',
             f'<text x="0" y="18" class="chart-title">{escape(title)}</text>',
             f'<line x1="0" y1="{top + chart_h}" x2="{width}" y2="{top + chart_h}" class="grid"/>']
    for i, (label, n) in enumerate(counts):
        x = gap + i * (col_w + gap)
        h = chart_h * n / highest
        colour = (colours or {}).get(label, BAR)
        parts.append(f'<rect x="{x}" y="{top + chart_h - h:.1f}" width="{col_w}" height="{h:.1f}" fill="{colour}"/>'
                     f'<text x="{x + col_w / 2}" y="{top + chart_h - h - 4:.1f}" class="value" '
                     f'text-anchor="middle">{n}</text>'
                     f'<text x="{x + col_w / 2}" y="{top + chart_h + 16}" class="label" text-anchor="middle">'
                     f'{escape(label if len(label) <= 14 else label[:13] + "…")}<title>{escape(label)}</title></text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def amounts(rows: list[tuple[str, Decimal, bool]], title: str) -> Markup:
    """Horizontal bars, one per (label, amount in euros, provisional), scaled to the largest amount."""
    label_w, bar_w, row_h, top = 260, 360, 24, 46
    height = top + row_h * len(rows) + 30
    largest = max((amount for _, amount, _ in rows), default=Decimal(0)) or Decimal(1)
    parts = [f'<svg role="img" viewBox="0 0 {label_w + bar_w + 110} {height}" '
             f'class="chart wide" aria-label="{escape(title)}"><title>{escape(title)}</title>',
             f'<text x="0" y="18" class="chart-title">{escape(title)}</text>']
    if any(provisional for _, _, provisional in rows):
        parts.append(f'<rect x="{label_w}" y="{height - 18}" width="10" height="10" fill="{COLOURS["da verificare"]}"/>'
                     f'<text x="{label_w + 16}" y="{height - 9}" class="tick start">provvisorio</text>')
    for i, (label, amount, provisional) in enumerate(rows):
        y = top + i * row_h
        width = bar_w * float(amount / largest)
        short = label if len(label) <= 38 else label[:37] + "…"
        parts.append(f'<text x="{label_w - 8}" y="{y + 16}" class="label" text-anchor="end">{escape(short)}</text>'
                     f'<rect x="{label_w}" y="{y + 4}" width="{width:.1f}" height="{row_h - 8}" '
                     f'fill="{COLOURS["da verificare"] if provisional else BAR}"><title>{escape(label)}</title></rect>'
                     f'<text x="{label_w + width + 6:.1f}" y="{y + 16}" class="value">{escape(euro(amount))}'
                     f'{" (provvisorio)" if provisional else ""}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
