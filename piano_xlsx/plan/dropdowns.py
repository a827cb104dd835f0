"""What a scale's dropdown can offer and say within Excel's limits (255 characters for an inline list and for a
message), decided from the plan alone: the workbook writer follows it, and `check` warns where a message must be
shortened.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from piano_xlsx.plan.model import Scale
from piano_xlsx.plan.resolve import GATE_FAILED, GATE_PASSED, NEUTRALISED, ResolvedItem

Option = int | float | str  # a value a dropdown offers: a number of the scale, or a word (N.V., Sì, No)

EXCEL_TEXT_LIMIT = 255  # an inline list, an input message and an error message (UTF-16 units)
INPUT_PREFIX = "Scegliere un valore dall'elenco: "
ERROR_PREFIX = "Sono ammessi solo i valori dell'elenco: "


def utf16_len(text: str) -> int:
    """Length as Excel counts it."""
    return len(text.encode("utf-16-le")) // 2


def show(option: Option) -> str:
    """A value as an Italian reader writes it: 4, 0,5, N.V."""
    if isinstance(option, str):
        return option
    return f"{float(option):.15g}".replace(".", ",")


def item_options(scale: Scale, item: ResolvedItem) -> list[Option]:
    """What the dropdown of an item offers."""
    if item.gate:
        return [GATE_PASSED, GATE_FAILED]
    return [*scale.numbers(), *([NEUTRALISED] if item.neutralisable else [])]


def inline_list(options: Sequence[Option]) -> str | None:
    """The inline list ("4,6,8,10"), or None when the options must be read from the list sheet.

    Inline only when it is safe in every application and locale: integers and words without comma or
    quote, within Excel's 255 characters.
    """
    parts = []
    for option in options:
        if isinstance(option, str):
            if "," in option or '"' in option:
                return None
            parts.append(option)
        elif float(option).is_integer() and abs(option) < 1e15:
            parts.append(str(int(option)))
        else:
            return None  # a decimal typed inline is text where the decimal separator is a comma
    text = ",".join(parts)
    return text if utf16_len(text) <= EXCEL_TEXT_LIMIT else None


def listed(scale: Scale) -> bool:
    """A scale written on the list sheet: its longest dropdown (with N.V.) cannot be inline."""
    return inline_list([*scale.numbers(), NEUTRALISED]) is None


def _step(numbers: Sequence[float]) -> float | None:
    """The step of an arithmetic progression of at least three values, else None."""
    if len(numbers) < 3:
        return None
    first, step = float(numbers[0]), float(numbers[1]) - float(numbers[0])
    if step <= 0:
        return None
    for index, value in enumerate(numbers):
        if abs(float(value) - (first + index * step)) > 1e-9 * max(1.0, abs(float(value))):
            return None
    return round(step, 9)


def describe(options: Sequence[Option], room: int, sep: str | None = None) -> tuple[str, bool]:
    """The options within `room` characters, and whether every one is said.

    All of them when they fit ("4, 6, 8, 10"); else a progression ("da 0 a 100 con passo 0,5"); else the
    first ones, an ellipsis and the last ("0, 1, 3, …, 100", incomplete). Words (N.V.) always follow.
    """
    numbers = [o for o in options if not isinstance(o, str)]
    words = [o for o in options if isinstance(o, str)]
    shown = [show(o) for o in options]
    sep = sep or ("; " if any("," in s for s in shown) else ", ")
    full = sep.join(shown)
    if utf16_len(full) <= room:
        return full, True
    step = _step(numbers)
    if step is not None:
        parts = [f"da {show(numbers[0])} a {show(numbers[-1])} con passo {show(step)}", *words]
        text = "; ".join(parts) if words else parts[0]
        if utf16_len(text) <= room:
            return text, True
    tail = [show(numbers[-1]), *words] if numbers else words
    kept: list[str] = []
    for value in [show(n) for n in numbers[:-1]]:
        if utf16_len(sep.join([*kept, value, "…", *tail])) > room:
            break
        kept.append(value)
    return sep.join([*kept, "…", *tail]), False


def dropdown_messages(options: Sequence[Option]) -> tuple[str, str, bool]:
    """The input and error messages of a dropdown, each within Excel's 255 characters, and whether they
    name every option."""
    return _dropdown_messages(tuple(options))


@functools.lru_cache(maxsize=1024)  # every item of a scale offers the same options: the check and each workbook
def _dropdown_messages(options: tuple[Option, ...]) -> tuple[str, str, bool]:  # ask for them item by item
    room = EXCEL_TEXT_LIMIT - utf16_len(ERROR_PREFIX) - 1  # the longer prefix: both messages say the same
    text, complete = describe(options, room)
    return INPUT_PREFIX + text + ".", ERROR_PREFIX + text + ".", complete
