"""Formulas compared by meaning, never as text.

Spreadsheet applications rewrite a formula when they save it, without changing what it computes: LibreOffice
and Excel drop the quotes a sheet name does not need ('Ragioneria'!G16 becomes Ragioneria!G16), Gnumeric writes
0.04 as 0.0399999999999999999992 and SUM(E23:E23) as SUM(E23), and any of them may change the case of a name
or add an _xlfn. prefix. Both formulas are split into tokens by openpyxl's tokenizer and compared in a normal
form where none of that matters; another cell, operator, constant or function still makes them differ.

The signed manifest keeps the issued text as it always did (`workbook.manifest.normalise_formula`): only the
comparison is made here.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from openpyxl.formula.tokenizer import Token, Tokenizer, TokenizerError

from piano_xlsx.workbook.manifest import normalise_formula

# prefixes Excel writes before functions newer than the 2007 format (_xlfn.), or worksheet-only ones (_xlws.)
_PREFIX = re.compile(r"^(?:_xl(?:fn|ws)\.)+", re.IGNORECASE)

Meaning = tuple[tuple[str, str, str], ...]


def same_formula(issued: str, found: str) -> bool:
    """Whether two formula texts (with or without '=') compute the same thing in the same way.

    Args:
        issued: the formula as the manifest stores it (already through `normalise_formula`).
        found: the formula as read from the returned file.
    """
    if normalise_formula(found) == issued:  # what nearly every untouched cell gives: no tokenising needed
        return True
    want, have = meaning(issued), meaning(found)
    return want is not None and want == have


CACHED_LENGTH = 4_096  # characters: longer texts (none issued is) are tokenised each time, never kept


def meaning(text: str) -> Meaning | None:
    """The formula's tokens in normal form; None when the text cannot be tokenised (it is then compared as text)."""
    return _cached_meaning(text) if len(text) <= CACHED_LENGTH else _meaning(text)


# the same texts come back in every file saved by the same application; a worker reads many files, so the
# cache is bounded in entries and in the length of what it keeps
@functools.lru_cache(maxsize=4_096)
def _cached_meaning(text: str) -> Meaning | None:
    return _meaning(text)


def _meaning(text: str) -> Meaning | None:
    text = text.strip()
    try:
        tokens = Tokenizer(text if text.startswith("=") else "=" + text).items
    except (TokenizerError, IndexError, ValueError):
        return None
    return tuple(_token(t) for t in tokens if t.type != Token.WSPACE)


def _token(token: Token) -> tuple[str, str, str]:
    return token.type, token.subtype, _value(token)


def _value(token: Token) -> str:
    value: str = token.value
    if token.type == Token.OPERAND:
        if token.subtype == Token.RANGE:
            return reference(value)
        if token.subtype == Token.NUMBER:
            return _number(value)
        if token.subtype == Token.TEXT:
            return value  # a string literal is kept exactly: "OK" is not "ok" once shown in a cell
        return value.upper()  # TRUE/FALSE, #REF! and the other errors
    if token.type == Token.FUNC and token.subtype == Token.OPEN:
        return _PREFIX.sub("", value).upper()
    return value  # parentheses, separators, operators


def _number(text: str) -> str:
    try:
        return repr(float(text))  # the same double, however many digits the application wrote
    except ValueError:
        return text


def reference(text: str) -> str:
    """A cell, range or name reference in normal form: sheet unquoted and case-folded, no $, A1:A1 as A1."""
    sheet, address = split_sheet(text)
    address = address.replace("$", "").upper()
    first, colon, last = address.partition(":")
    if colon and first == last:
        address = first
    if sheet is None:
        return address
    return unicodedata.normalize("NFC", sheet).casefold() + "!" + address


def split_sheet(text: str) -> tuple[str | None, str]:
    """('sheet', 'address') of Sheet!A1 or 'Sheet name'!A1; (None, text) without a sheet."""
    if text.startswith("'"):
        end = 1
        while end < len(text):
            if text[end] == "'":
                if text[end + 1:end + 2] == "'":
                    end += 2
                    continue
                break
            end += 1
        if text[end + 1:end + 2] == "!":
            return text[1:end].replace("''", "'"), text[end + 2:]
        return None, text
    sheet, bang, address = text.rpartition("!")
    return (sheet, address) if bang else (None, text)



GNUMERIC_ERROR = "_XLFNGNUMERIC.ERROR("  # the function Gnumeric writes around a formula it could not read


def saved_as_error(issued: str, found: str) -> bool:
    """Whether `found` is the issued formula as Gnumeric saves one it could not read: kept as text in an error.

    Gnumeric (1.12.55, measured) cannot read a reference to a sheet whose name holds an apostrophe
    ('Polizia d''ambito'!G22: "Invalid expression"); it keeps the text as _xlfngnumeric.ERROR("…") and the cell
    shows an error from then on, in every application. Nobody changed the formula: it is there, as text.
    """
    inner, tokens = kept_as_error(found), meaning(issued)
    if inner is None or tokens is None or tokens != meaning(inner):
        return False
    # only what Gnumeric does: a card's own formulas name no other sheet, so they are never kept as an error
    return any(kind == Token.OPERAND and subtype == Token.RANGE and "'" in (split_sheet(value)[0] or "")
               for kind, subtype, value in tokens)


def kept_as_error(found: str) -> str | None:
    """The formula text Gnumeric kept inside _xlfngnumeric.ERROR("…"), or None when `found` is no such thing."""
    tokens = meaning(found)
    if tokens is None or len(tokens) != 3:
        return None
    (kind, _, function), (argument, subtype, text), (close, _, _) = tokens
    if (kind, function, argument, subtype, close) != (Token.FUNC, GNUMERIC_ERROR, Token.OPERAND, Token.TEXT,
                                                      Token.FUNC):
        return None
    return text[1:-1].replace('""', '"')
