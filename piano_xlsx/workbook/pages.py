"""How a sheet of a generated workbook prints: A4, fit to one page wide, rows never split across pages.

The writer gives every row of a card a height, and Excel and LibreOffice both print rows at the height the file
gives them; so the number of pages follows from those heights, the page and the scale that fits the columns to
the page's width, the way Excel computes it: a whole percentage, rows placed on a page while they fit, the
repeated heading rows at the top of every page after the first.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from piano_xlsx.workbook.textmetrics import MIN_ROW_HEIGHT, column_pixels

A4 = (595.3, 841.9)  # points, portrait: 210 × 297 mm
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.7, "bottom": 0.6}  # inches, every sheet; header and footer inside
POINTS_PER_PIXEL = 0.75  # at the 96 dpi column widths are measured in
DEFAULT_ROW_HEIGHT = MIN_ROW_HEIGHT  # a row the writer gives no height (Calibri 11, the default font)


def printable(landscape: bool) -> tuple[float, float]:
    """Width and height, in points, of the part of an A4 page inside the margins."""
    width, height = (A4[1], A4[0]) if landscape else A4
    return (width - 72 * (MARGINS["left"] + MARGINS["right"]), height - 72 * (MARGINS["top"] + MARGINS["bottom"]))


def fit_width_scale(widths: Iterable[float], landscape: bool) -> int:
    """The percentage at which columns of these widths (in characters) fill one page wide, at most 100."""
    points = sum(column_pixels(width) for width in widths) * POINTS_PER_PIXEL
    return min(100, math.floor(100 * printable(landscape)[0] / points))


def page_count(heights: Iterable[float], *, scale: int, landscape: bool, repeated: float = 0.0) -> int:
    """Pages that rows of these heights (points, in order) take at `scale` percent; `repeated` is the height of the
    heading rows printed again at the top of every page after the first."""
    room = printable(landscape)[1] * 100 / scale
    pages, used = 1, 0.0
    for height in heights:
        if used + height > room and used > 0:
            pages += 1
            used = repeated
        used += height
    return pages


def sheet_heights(heights: Mapping[int, float], last_row: int) -> list[float]:
    """The height of every row from 1 to `last_row`: as given, else the default."""
    return [heights.get(row, DEFAULT_ROW_HEIGHT) for row in range(1, last_row + 1)]
