"""Text measurement for wrapped cells: Calibri/Carlito glyph widths, line wrapping, row heights.

XlsxWriter cannot autofit rows and Excel does not grow rows that carry a height, so every row height is
computed here from the font's real glyph widths: Calibri, and Carlito, its metric twin that LibreOffice uses.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from bisect import bisect_right
from itertools import accumulate
from operator import add

# Advance widths of Calibri/Carlito regular in 1/2048 em, for ' ' (32) to '~' (126).
_ADVANCES = (
    463, 667, 821, 1020, 1038, 1464, 1397, 452, 621, 621, 1020, 1020, 511, 627, 517, 791,
    1038, 1038, 1038, 1038, 1038, 1038, 1038, 1038, 1038, 1038, 548, 548, 1020, 1020, 1020, 949,
    1831, 1185, 1114, 1092, 1260, 1000, 941, 1292, 1276, 516, 653, 1064, 861, 1751, 1322, 1356,
    1058, 1378, 1112, 941, 998, 1314, 1162, 1822, 1063, 998, 959, 628, 791, 628, 1020, 1020,
    596, 981, 1076, 866, 1076, 1019, 625, 964, 1076, 470, 490, 931, 470, 1636, 1076, 1080,
    1076, 1076, 714, 801, 686, 1076, 925, 1464, 887, 927, 809, 644, 943, 644, 1020,
)
_OTHER_ADVANCES = {"—": 1854, "…": 1414, "€": 1038, "•": 1020, "–": 1020, "«": 1049, "»": 1049, "’": 511,
                   "‘": 511, "“": 857, "”": 857, "≤": 1020, "≥": 1020, "°": 694, "§": 1020, "ç": 866, "\t": 1852}
_UNKNOWN_ADVANCE = 2048  # any other character counts as a full em (accented letters: their base letter)

FONT_SIZE = 9.0  # points: every wrapped text of a card sheet
LINE_HEIGHT = 12.0  # points per wrapped line of 9-point Calibri in Excel (Carlito in LibreOffice takes 11)
ROW_PADDING = 4.0  # points above and below the text of a row
MIN_ROW_HEIGHT = 15.0
EXCEL_MAX_ROW_HEIGHT = 409.0
WIDTH_MARGIN = 0.94  # screen renderers round glyphs to whole pixels: keep 6 % of the width in hand
# Excel allows rows up to 409 points, but it scrolls by whole rows: a row taller than the part of the window
# under the frozen header could never be read in full on a laptop. Longer texts continue on the next rows.
MAX_ROW_HEIGHT = 199.5  # 266 pixels
CELL_PADDING_PX = 7  # pixels of a cell not available to its text (margins and grid line)


def _advance(char: str) -> int:
    code = ord(char)
    if 32 <= code < 127:
        return _ADVANCES[code - 32]
    if char in _OTHER_ADVANCES:
        return _OTHER_ADVANCES[char]
    base = unicodedata.normalize("NFD", char)[0]
    if base != char and 32 <= ord(base) < 127:
        return _ADVANCES[ord(base) - 32]
    return _UNKNOWN_ADVANCE


def column_pixels(width: float) -> int:
    """Pixels of a column `width` characters wide (Calibri 11's 7-pixel digit; as Excel and XlsxWriter convert)."""
    return int(width * 7 + 0.5) + 5 if width >= 1 else int(width * 12 + 0.5)


def wrap_paragraph(paragraph: str, width: float, size: float = FONT_SIZE) -> list[str]:
    """The lines a wrapped cell `width` wide shows for one paragraph; joined, they give the paragraph back.

    Lines break after a space; a word longer than a line is cut where it overflows. Each line keeps
    its trailing space, so `"".join(lines) == paragraph`.
    """
    return list(_wrap_paragraph(paragraph, width, size))


# Plans repeat their texts (shared objectives, the same card for many people), and a run measures each text
# several times (layout, page estimate, writer). The bound holds the distinct paragraphs of a 1,000-card plan of
# 20-item cards (about 44,000, at a few hundred bytes each) so that none is measured twice in a run.
@functools.lru_cache(maxsize=1 << 16)
def _wrap_paragraph(paragraph: str, width: float, size: float) -> tuple[str, ...]:
    available = max(1.0, (column_pixels(width) - CELL_PADDING_PX) * WIDTH_MARGIN)
    scale = size * 96 / 72 / 2048
    return _wrap_lines(paragraph, available, scale)


def _wrap_lines(paragraph: str, available: float, scale: float) -> tuple[str, ...]:
    """The lines of a paragraph in a cell `available` pixels wide, at `scale` pixels per font unit."""
    lines = _fast_lines(paragraph, available, scale)
    return tuple(lines) if lines is not None else _word_loop(paragraph, available, scale)


# The loop below is the definition of wrapping; _fast_lines gives its answer with C-level work (cumulative
# widths and bisection: a few Python steps a line, not a word) whenever no break falls so near the cell's edge
# that the loop's float rounding could decide it, and no word is wider than the cell. Else the loop decides.
_EDGE = 1e-9  # relative: far above the loop's rounding (a few ulps), far below any real difference


def _fast_lines(paragraph: str, available: float, scale: float) -> list[str] | None:
    """The loop's lines (`_word_loop`), or None when only the loop can tell."""
    if len(paragraph) * _WIDEST * scale < available * (1 - _EDGE):  # short: one line, whatever its characters
        return [paragraph]
    words = _WORDS.findall(paragraph)
    bodies, totals = zip(*map(_word_widths, words), strict=True)
    starts = list(accumulate(totals, initial=0))  # starts[j]: width before word j
    # most paragraphs fit one line: their whole width (trailing spaces too, as the loop counts them) well inside
    # the cell says so at once
    if starts[-1] * scale < available * (1 - _EDGE):
        return [paragraph]
    ends = list(map(add, starts, bodies))  # ends[j]: width up to the end of word j's body (its spaces left out)
    limit = available / scale
    below, above = limit * (1 - _EDGE), limit * (1 + _EDGE)
    lines = []
    first, count = 0, len(words)
    while first < count:
        base = starts[first]
        # words first..stop-1 fit the line: the loop adds word j while its body ends within the cell
        stop = bisect_right(ends, base + below, first)
        if stop == first or stop != bisect_right(ends, base + above, first):
            return None  # a word wider than the cell (the loop cuts it), or one that ends at the very edge
        lines.append("".join(words[first:stop]))
        first = stop
    return lines


@functools.lru_cache(maxsize=65_536)
def _word_widths(word: str) -> tuple[int, int]:
    """The width of a word (`re_words`) without its trailing spaces, and with them."""
    body = word.rstrip(" ")
    width = _text_advance(body)
    return width, width + (len(word) - len(body)) * _SPACE


def _word_loop(paragraph: str, available: float, scale: float) -> tuple[str, ...]:
    lines: list[str] = []
    line, used = "", 0.0
    for word in re_words(paragraph):
        body = word.rstrip(" ")
        need = _word_advance(body) * scale
        if line and used + need > available:  # the word starts a new line
            lines.append(line)
            line, used = "", 0.0
        if not line and need > available:  # a word wider than the cell: cut it
            for ch in body:
                step = _advance(ch) * scale
                if line and used + step > available:
                    lines.append(line)
                    line, used = "", 0.0
                line += ch
                used += step
            line += word[len(body):]
            used += (len(word) - len(body)) * _SPACE * scale
            continue
        line += word
        used += need + (len(word) - len(body)) * _SPACE * scale
    lines.append(line)
    return tuple(lines)


_SPACE = _advance(" ")
_WIDEST = max(*_ADVANCES, *_OTHER_ADVANCES.values(), _UNKNOWN_ADVANCE)
_char_advance = functools.lru_cache(maxsize=4096)(_advance)  # a plan's texts use a few hundred characters


def _text_advance(text: str) -> int:
    return sum(map(_char_advance, text))


@functools.lru_cache(maxsize=65_536)
def _word_advance(word: str) -> float:
    return _text_advance(word)


def re_words(paragraph: str) -> list[str]:
    """Words with the spaces that follow them ('a  b' -> ['a  ', 'b'])."""
    return _WORDS.findall(paragraph) or [""]


_WORDS = re.compile(r"[^ ]* *")


def text_lines(text: str, width: float, size: float = FONT_SIZE) -> int:
    """How many lines `text` takes in a wrapped cell `width` characters wide."""
    return sum(len(_wrap_paragraph(paragraph, width, size)) for paragraph in text.split("\n"))


def whole_pixels(points: float) -> float:
    """Points rounded up to a whole pixel (0.75 pt): Excel and XlsxWriter keep row heights in pixels."""
    return math.ceil(round(points / 0.75, 6)) * 0.75


def lines_height(lines: int) -> float:
    """Points a row needs for `lines` wrapped lines."""
    return max(MIN_ROW_HEIGHT, whole_pixels(lines * LINE_HEIGHT + ROW_PADDING))


def split_text(text: str, width: float, max_height: float = MAX_ROW_HEIGHT) -> list[str]:
    """Cut a long text into chunks that each fit one row, wrapped in a cell `width` wide, in `max_height` points.

    A chunk ends at a paragraph's end when little room is left; otherwise it is filled, the paragraph
    continuing in the next row (cut at the end of a wrapped line, so no word is split).
    """
    max_lines = max(1, int((max_height - ROW_PADDING) // LINE_HEIGHT))
    wrapped = [_wrap_paragraph(paragraph, width, FONT_SIZE) for paragraph in text.split("\n")]
    if sum(map(len, wrapped)) <= max_lines:  # all of it in one row (as the loop below would find)
        return [text]
    chunks: list[str] = []
    current: list[str] = []  # paragraphs (or pieces of one) of the chunk being filled
    used = 0
    for lines in wrapped:
        room = max_lines - used
        if current and len(lines) > room and room <= max_lines // 4:  # little room left: start a new row
            chunks.append("\n".join(current))
            current, used, room = [], 0, max_lines
        while len(lines) > room:  # fill the row, continue the paragraph in the next one
            if room:
                current.append("".join(lines[:room]).rstrip(" "))
            chunks.append("\n".join(current))
            lines = lines[room:]
            current, used, room = [], 0, max_lines
        current.append("".join(lines))
        used += len(lines)
    chunks.append("\n".join(current))
    return chunks


# Headings of the report's tables: bold 11-point Calibri (the default font), wrapped in their cells.
HEADING_SIZE = 11 * 1.07  # bold glyphs are about 7 % wider than regular ones
FILTER_BUTTON = 2.5  # column width the autofilter's button takes at the right of a heading


def heading_width(heading: str, width: float, button: float = 0) -> float:
    """`width`, widened until every word of a bold heading fits on one line (beside the filter button)."""
    while any(text_lines(word, width - button, HEADING_SIZE) > 1 for word in heading.split()):
        width += 0.5
    return width


def headings_height(widths: dict[str, float], button: float = 0) -> float:
    """The height of a row of wrapped bold headings (heading -> its column's width) that shows them in full."""
    lines = max(text_lines(heading, width - button, HEADING_SIZE) for heading, width in widths.items())
    return whole_pixels(15 * lines + 4)


# The rough count other workbooks (reports, plan workbooks) use for texts of any size: characters per unit
# of column width, a deliberate overestimate.
CHARS_PER_WIDTH = 1.15


def wrapped_lines(text: str, width: float) -> int:
    """How many lines `text` takes in a wrapped cell `width` wide (a rough overestimate on purpose)."""
    per_line = max(1, int(width * CHARS_PER_WIDTH) - 2)
    lines = 0
    for paragraph in text.split("\n"):
        length, count = 0, 1
        for word in paragraph.split(" "):
            if length and length + 1 + len(word) > per_line:  # the word starts a new line
                count += 1
                length = 0
            length += len(word) + (1 if length else 0)
            while length > per_line:  # a word longer than a line is cut where it overflows
                count += 1
                length -= per_line
        lines += count
    return lines
