"""PyYAML's syntax errors in Italian, with what to do (the library says them in English).

The C parser (libyaml) and the pure-Python one word their problems differently; both are here. A problem
not listed gets a general Italian sentence, never the English one.
"""

from __future__ import annotations

import re

_TAB = "un carattere di tabulazione usato per il rientro: rientrare solo con spazi"
_COLON = "manca il «:» dopo una chiave, o un valore va racchiuso tra virgolette"
_INDENT = "rientro non coerente: le chiavi dello stesso livello vanno allineate con gli stessi spazi"
_QUOTE = "virgolette aperte e mai chiuse"
_TOKEN = ("un carattere che non può iniziare un valore (come @ o `, o una tabulazione): racchiudere il valore "
          "tra virgolette")

PROBLEMS: list[tuple[str, str]] = [  # (regular expression on the English problem, Italian)
    (r"found a tab character that violates indentation", _TAB),
    (r"found a tab character where an indentation space is expected", _TAB),
    (r"found character .*that cannot start any token", _TOKEN),
    (r"could not find expected ':'", _COLON),
    (r"mapping values are not allowed (here|in this context)",
     "un «:» dove non è ammesso: racchiudere il valore tra virgolette, o correggere il rientro"),
    (r"(block )?sequence entries are not allowed (here|in this context)",
     "un elemento di lista («-») dove non è ammesso: correggere il rientro"),
    (r"mapping keys are not allowed (here|in this context)", "una chiave dove non è ammessa: correggere il rientro"),
    (r"did not find expected key", _INDENT),
    (r"expected <block end>, but found", _INDENT),
    (r"did not find expected '-' indicator", "un elemento di lista senza il «-» iniziale, o rientrato male"),
    (r"did not find expected node content|expected the node content", "manca un valore"),
    (r"did not find expected ',' or '\]'|expected ',' or '\]'", "una lista tra [ ] non chiusa o senza virgole"),
    (r"did not find expected ',' or '}'|expected ',' or '}'", "una mappa tra { } non chiusa o senza virgole"),
    (r"found unexpected end of stream", _QUOTE),
    (r"found unexpected document (indicator|separator)", "una riga «---» o «...» dentro un testo tra virgolette"),
    (r"found unknown escape character", "una sequenza «\\» non valida in un testo tra virgolette doppie: "
                                        "usare le virgolette semplici"),
    (r"found undefined alias", "un alias (*nome) che non rimanda ad alcuna ancora (&nome)"),
    (r"found duplicate anchor", "due ancore (&nome) con lo stesso nome"),
    (r"found undefined tag handle|could not determine a constructor", "un tag («!») non ammesso in un piano"),
    (r"but found another document|expected a single document", "più di un documento («---»): il piano è uno solo"),
    (r"control characters are not allowed|special characters are not allowed",
     "caratteri di controllo non ammessi nel testo"),
    (r"UTF-8|UTF-16|Unicode", "caratteri non validi: salvare il file come testo UTF-8"),
    (r"found unexpected ':'", "un «:» dove non è ammesso: racchiudere il valore tra virgolette"),
    (r"found an indentation indicator equal to 0|expected indentation indicator",
     "un testo a blocco (| o >) con un indicatore di rientro non valido"),
    (r"did not find expected comment or line break|expected a comment or a line break",
     "altro testo dopo un valore sulla stessa riga"),
    (r"did not find expected <document start>|expected '<document start>'",
     "contenuto non atteso: forse una riga con rientro sbagliato"),
]


def italian_problem(problem: str | None) -> str:
    """The Italian for a PyYAML problem text."""
    for pattern, italian in PROBLEMS:
        if problem and re.search(pattern, problem):
            return italian
    return "sintassi YAML non valida"
