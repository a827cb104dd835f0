"""Sheet names as the engine sees them: each sheet under a plain alias, and formulas rewritten to match."""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl.formula.tokenizer import Token, Tokenizer, TokenizerError

from piano_xlsx.verify.formulas import split_sheet

NO_SHEET = "S0"  # the alias of no sheet: a reference to a sheet the workbook lacks still names none


class SheetAliases:
    """Each sheet under a plain name (S1, S2…) inside the engine, its references rewritten to match.

    formulas 1.3.4 unescapes a quoted sheet name and then writes it back without escaping the apostrophe
    ('Polizia d''ambito'!G22 becomes '[libro]POLIZIA D'AMBITO'!G22, which it cannot read: every cell of such a
    sheet, and every reference to it, is #REF!). A plain alias has nothing to escape.
    """

    def __init__(self, sheets: Iterable[str]) -> None:
        self.alias: dict[str, str] = {}
        for sheet in sheets:
            self.alias.setdefault(sheet.casefold(), f"S{len(self.alias) + 1}")
        self.taken = {alias.casefold() for alias in self.alias.values()}

    def __call__(self, sheet: str) -> str:
        return self.alias.get(sheet.casefold(), sheet)

    def formula(self, text: str) -> str:
        """The formula (without '=') with every reference to a sheet of the workbook naming its alias."""
        if "!" not in text:
            return text
        try:
            tokenizer = Tokenizer("=" + text)
        except (TokenizerError, IndexError, ValueError):
            return text  # the engine reports what it cannot parse
        for token in tokenizer.items:
            if token.type == Token.OPERAND and token.subtype == Token.RANGE:
                sheet, address = split_sheet(token.value)
                if sheet is not None and sheet.casefold() in self.alias:
                    token.value = f"{self(sheet)}!{address}"
                elif sheet is not None and sheet.casefold() in self.taken:  # a missing sheet named like an alias
                    token.value = f"{NO_SHEET}!{address}"
        rendered: str = tokenizer.render()  # type: ignore[no-untyped-call]  # untyped in openpyxl's stubs
        return rendered[1:]
