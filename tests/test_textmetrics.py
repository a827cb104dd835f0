"""Wrapping by cumulative widths gives the lines of the word-by-word loop that defines it, on any text."""

from __future__ import annotations

import math
import random

from piano_xlsx.workbook import textmetrics
from piano_xlsx.workbook.textmetrics import CELL_PADDING_PX, WIDTH_MARGIN, column_pixels, wrap_paragraph

ALPHABET = "aaaeeiioouu nnrrssttllmmddcpvgbfhqz  ,.;'()/%0123456789AEIOSTLMPCDR—€«»’àèéìòù\t  WWWiiill"


def loop_lines(paragraph: str, width: float, size: float) -> tuple[str, ...]:
    available = max(1.0, (column_pixels(width) - CELL_PADDING_PX) * WIDTH_MARGIN)
    return loop_lines_at(paragraph, available, size * 96 / 72 / 2048)


def loop_lines_at(paragraph: str, available: float, scale: float) -> tuple[str, ...]:
    """The wrapping loop as it was before the cumulative widths: word by word, summing floats."""
    advance = textmetrics._advance
    lines: list[str] = []
    line, used = "", 0.0
    for word in textmetrics.re_words(paragraph):
        body = word.rstrip(" ")
        need = sum(map(advance, body)) * scale
        if line and used + need > available:
            lines.append(line)
            line, used = "", 0.0
        if not line and need > available:
            for ch in body:
                step = advance(ch) * scale
                if line and used + step > available:
                    lines.append(line)
                    line, used = "", 0.0
                line += ch
                used += step
            line += word[len(body):]
            used += (len(word) - len(body)) * advance(" ") * scale
            continue
        line += word
        used += need + (len(word) - len(body)) * advance(" ") * scale
    lines.append(line)
    return tuple(lines)


def random_text(rng: random.Random) -> str:
    if rng.random() < 0.2:  # words of letters, sometimes many trailing spaces
        text = " ".join("".join(rng.choice("abcdefghilmnopqrstuvz'W") for _ in range(rng.randint(1, 14)))
                        for _ in range(rng.randint(1, 40)))
        return text + " " * rng.randint(1, 30) * (rng.random() < 0.3)
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, rng.choice((5, 20, 60, 120, 250, 600)))))


def test_wrapping_gives_the_loops_lines_on_random_texts_widths_and_sizes() -> None:
    rng = random.Random(20261201)
    by_widths = 0
    for _ in range(30_000):
        text = random_text(rng)
        width = rng.choice((2, 5, 8, 11, 12, 24, 34, 55, 90, rng.uniform(0.5, 100), round(rng.uniform(1, 100), 1)))
        size = rng.choice((9.0, 11 * 1.07, rng.uniform(6, 20)))
        assert tuple(wrap_paragraph(text, width, size)) == loop_lines(text, width, size), (text, width, size)
        available = max(1.0, (column_pixels(width) - CELL_PADDING_PX) * WIDTH_MARGIN)
        by_widths += textmetrics._fast_lines(text, available, size * 96 / 72 / 2048) is not None
    assert by_widths > 12_000


def test_a_word_ending_at_the_very_edge_of_the_cell_breaks_where_the_loop_breaks() -> None:
    rng = random.Random(7)
    by_widths = 0
    for _ in range(10_000):
        words = [("".join(rng.choice("abcdefghilmnopqrstuvzW'") for _ in range(rng.randint(1, 10))))
                 for _ in range(rng.randint(2, 30))]
        text = " ".join(words)
        size = rng.choice((9.0, 11 * 1.07, rng.uniform(6, 20)))
        scale = size * 96 / 72 / 2048
        prefix = " ".join(words[:rng.randint(1, len(words))])
        exact = sum(map(textmetrics._advance, prefix)) * scale  # a line of exactly these words
        for available in (exact, math.nextafter(exact, 0), math.nextafter(exact, math.inf), exact * (1 + 3e-9)):
            available = max(1.0, available)
            assert textmetrics._wrap_lines(text, available, scale) == loop_lines_at(text, available, scale)
            by_widths += textmetrics._fast_lines(text, available, scale) is not None
    assert by_widths > 4_000  # the cumulative widths answered many, not only the loop

