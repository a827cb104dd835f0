"""Click's own texts (usage, headings, parse errors) in Italian, whatever the user's locale.

Click marks its texts with `gettext` (`from gettext import gettext as _` in each module). `install()`
rebinds those names in click's modules to this catalogue, so the texts are Italian on every machine,
with no locale or compiled catalogue involved. Keys are click's message ids, exactly as in its source;
tests/test_cli_language.py checks that every message id click has is translated here and that every
key still exists in click.
"""

from __future__ import annotations

import importlib
import sys

MESSAGES: dict[str, str] = {
    # usage and help pages
    "Usage:": "Uso:",
    "Options": "Opzioni",
    "Commands": "Comandi",
    "Positional arguments": "Argomenti",
    "Show this message and exit.": "Mostra questo aiuto ed esce.",
    "Show the version and exit.": "Mostra la versione ed esce.",
    "%(prog)s, version %(version)s": "%(prog)s, versione %(version)s",
    "default: {default}": "predefinito: {default}",
    "env var: {var}": "variabile d'ambiente: {var}",
    "required": "obbligatorio",
    "(dynamic)": "(calcolato)",
    "deprecated": "deprecato",
    "Choose from:\n\t{choices}": "Scegliere tra:\n\t{choices}",
    "Choice({choices})": "Scelta({choices})",
    # errors
    "Error: {message}": "Errore: {message}",
    "Try '{command} {option}' for help.": "Per l'aiuto: «{command} {option}».",
    "Aborted!": "Interrotto.",
    "unknown error": "errore sconosciuto",
    "Invalid value: {message}": "Valore non valido: {message}",
    "Invalid value for {param_hint}: {message}": "Valore non valido per {param_hint}: {message}",
    "Missing argument": "Manca l'argomento",
    "Missing option": "Manca l'opzione",
    "Missing parameter": "Manca il parametro",
    "Missing {param_type}": "Manca {param_type}",
    "Missing parameter: {param_name}": "Manca il parametro: {param_name}",
    "Missing command.": "Manca il comando.",
    "No such option {name!r}.": "L'opzione «{name}» non esiste.",
    "No such command {name!r}.": "Il comando «{name}» non esiste.",
    "Could not open file {filename!r}: {message}": "Impossibile aprire il file «{filename}»: {message}",
    "Value must be an iterable.": "Il valore deve essere una lista.",
    "Invalid start character for option ({option})": "Carattere iniziale non valido per un'opzione ({option})",
    "Option {name!r} does not take a value.": "L'opzione «{name}» non accetta un valore.",
    "Argument {name!r} takes {nargs} values.": "L'argomento «{name}» richiede {nargs} valori.",
    "DeprecationWarning: The command {name!r} is deprecated.{extra_message}":
        "Attenzione: il comando «{name}» è deprecato.{extra_message}",
    "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}":
        "Attenzione: {param_type} «{name}» è deprecato.{extra_message}",
    # parameter types
    "file": "file",
    "directory": "cartella",
    "path": "percorso",
    "{name} {filename!r} does not exist.": "{name} «{filename}» non esiste.",
    "{name} {filename!r} is a file.": "{name} «{filename}» è un file, non una cartella.",
    "{name} {filename!r} is a directory.": "{name} «{filename}» è una cartella, non un file.",
    "{name} {filename!r} is not readable.": "{name} «{filename}» non è leggibile.",
    "{name} {filename!r} is not writable.": "{name} «{filename}» non è scrivibile.",
    "{name} {filename!r} is not executable.": "{name} «{filename}» non è eseguibile.",
    "{value!r} is not a valid {number_type}.": "«{value}» non è un numero valido.",
    "{value} is not in the range {range}.": "{value} non è nell'intervallo ammesso ({range}).",
    "{value!r} is not a valid boolean. Recognized values: {states}":
        "«{value}» non è un valore vero/falso. Valori riconosciuti: {states}",
    "{value!r} is not a valid UUID.": "«{value}» non è un UUID valido.",
    # prompts and terminal
    "Do you want to continue?": "Continuare?",
    "Confirm the action without prompting.": "Conferma l'azione senza chiedere.",
    "Repeat for confirmation": "Ripetere per conferma",
    "Error: The two entered values do not match.": "Errore: i due valori inseriti non coincidono.",
    "Error: invalid input": "Errore: valore non valido",
    "Press any key to continue...": "Premere un tasto per continuare...",
    "Unknown color {colour!r}": "Colore sconosciuto: «{colour}»",
    "Unknown standard stream '{name}'": "Flusso standard sconosciuto: «{name}»",
    "Windows error: {error}": "Errore di Windows: {error}",
    "{editor}: Editing failed": "{editor}: modifica non riuscita",
    "{editor}: Editing failed: {e}": "{editor}: modifica non riuscita: {e}",
    "Couldn't detect Bash version, shell completion is not supported.":
        "Versione di Bash non riconosciuta: il completamento automatico non è disponibile.",
    "Shell completion is not supported for Bash versions older than 4.4.":
        "Il completamento automatico richiede Bash 4.4 o successivo.",
    # mistakes in a command's definition (a developer's, never the user's, but Italian all the same)
    "Could not determine name for option with declarations {decls!r}":
        "Impossibile determinare il nome dell'opzione dichiarata come {decls!r}",
    "No options defined but a name was passed ({name}). Did you mean to declare an argument instead? "
    "Did you mean to pass '--{name}'?":
        "Nessuna opzione dichiarata ma è stato indicato un nome ({name}): si intendeva un argomento, o «--{name}»?",
    "Arguments take exactly one parameter declaration, got {length}: {decls}.":
        "Un argomento richiede esattamente una dichiarazione, trovate {length}: {decls}.",
    "Name '{name}' defined twice": "Il nome «{name}» è dichiarato due volte",
    "Boolean option {decl!r} cannot use the same flag for true/false.":
        "L'opzione vero/falso {decl!r} non può usare lo stesso nome per vero e per falso.",
    "d": "g",  # days, in a progress bar's time left
}

# texts click hands to `_` through a variable (e.g. `_(extra["required"])`), not as a literal
THROUGH_VARIABLES = {"required"}

PLURALS: dict[tuple[str, str], tuple[str, str]] = {
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"):
        ("Argomento in più non previsto ({args})", "Argomenti in più non previsti ({args})"),
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."):
        ("Richiede {nargs} valori, ne è stato dato 1.", "Richiede {nargs} valori, ne sono stati dati {len}."),
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"):
        ("Forse si intendeva {possibility}?", "(Forse si intendeva uno tra: {possibilities}?)"),
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."):
        ("L'opzione «{name}» richiede un valore.", "L'opzione «{name}» richiede {nargs} valori."),
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."):
        ("«{value}» non è ammesso: il valore deve essere {choice}.",
         "«{value}» non è ammesso: i valori possibili sono {choices}."),
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."):
        ("«{value}» non rispetta il formato {format}.", "«{value}» non rispetta nessuno dei formati {formats}."),
    ("{len_type} values are required, but {len_value} was given.",
     "{len_type} values are required, but {len_value} were given."):
        ("Sono richiesti {len_type} valori, ne è stato dato {len_value}.",
         "Sono richiesti {len_type} valori, ne sono stati dati {len_value}."),
}

# click's modules that mark texts; each binds `_` (and some `ngettext`) at import
CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "shell_completion", "termui", "types",
                 "utils", "_termui_impl", "_winconsole")


def gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Italian, like English, uses the singular for exactly one."""
    one, many = PLURALS.get((singular, plural), (singular, plural))
    return one if n == 1 else many


def install() -> None:
    """Make click speak Italian in this process; texts click computes when a command is declared
    (an option's metavar, the version option's help) need this before the commands are declared."""
    for name in CLICK_MODULES:
        module = sys.modules.get(f"click.{name}")
        if module is None and name != "_winconsole":  # click loads _winconsole itself, on Windows only
            module = importlib.import_module(f"click.{name}")  # some load lazily: bind them now
        if module is None:
            continue
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]  # click's modules bind `_` at import, untyped
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]  # likewise
