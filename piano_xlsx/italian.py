"""Words every user-facing text shares: severities, counts with their plural, numbers, system errors.

One place, so the console, the reports and the demo say the same thing the same way.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable

from piano_xlsx.findings import Finding, Severity, count

SEVERITY_LABELS = {Severity.ERROR: "Errore", Severity.WARNING: "Avviso", Severity.INFO: "Info"}
SEVERITY_WORDS = {sev.value: label for sev, label in SEVERITY_LABELS.items()}  # by the severity's name
_SEVERITY_COUNTS = {Severity.ERROR: ("errore", "errori"), Severity.WARNING: ("avviso", "avvisi"),
                    Severity.INFO: ("info", "info")}


def plural(n: int, one: str, many: str) -> str:
    """'1 errore', '0 errori', '2 errori': Italian uses the singular for exactly one."""
    return f"{n} {one if n == 1 else many}"


def severity_counts(findings: Iterable[Finding]) -> str:
    """'1 errore, 2 avvisi, 0 info'."""
    findings = list(findings)
    return ", ".join(plural(count(findings, sev), *_SEVERITY_COUNTS[sev]) for sev in Severity)


def decimal(value: float, digits: int = 1) -> str:
    """A number as an Italian reads it: 1,5."""
    return f"{value:.{digits}f}".replace(".", ",")


def cell_value(value: object, *, empty: str = "(vuota)", quoted: bool = True) -> str:
    """A cell's value as an Italian reads it: 6, 6,5 (up to nine decimals), VERO, «testo» (or testo), `empty`."""
    if value is None or value == "":
        return empty
    if isinstance(value, bool):
        return "VERO" if value else "FALSO"
    if isinstance(value, (int, float)):
        text = f"{round(float(value), 9):.9f}".rstrip("0").rstrip(".")
        return (text if text != "-0" else "0").replace(".", ",")
    return f"«{value}»" if quoted else str(value)


_OS_REASONS = {
    errno.ENOENT: "il percorso non esiste",
    errno.EACCES: "permesso negato",
    errno.EPERM: "operazione non permessa",
    errno.ENOSPC: "spazio su disco esaurito",
    errno.EDQUOT: "quota del disco esaurita",
    errno.EFBIG: "file troppo grande per il disco",
    errno.EROFS: "il disco è di sola lettura",
    errno.EISDIR: "è una cartella, non un file",
    errno.ENOTDIR: "una parte del percorso non è una cartella",
    errno.EEXIST: "esiste già",
    errno.ENAMETOOLONG: "nome troppo lungo",
    errno.EBUSY: "in uso da un altro programma",
    errno.ETXTBSY: "in uso da un altro programma",
    errno.EMFILE: "troppi file aperti",
    errno.EIO: "errore di lettura o scrittura sul disco",
    errno.EINVAL: "nome o percorso non valido",
    errno.ENOTEMPTY: "la cartella non è vuota",
    errno.EXDEV: "il percorso è su un altro disco",
}
_WINDOWS_REASONS = {5: "permesso negato", 32: "il file è aperto in un altro programma (chiuderlo e riprovare)",
                    33: "il file è bloccato da un altro programma (chiuderlo e riprovare)",
                    112: "spazio su disco esaurito"}


_ADVICE = {
    errno.EACCES: "Se il file è aperto in un altro programma (ad esempio Excel) chiuderlo; altrimenti scegliere "
                  "una cartella in cui si può scrivere.",
    errno.EPERM: "Scegliere una cartella in cui si può scrivere.",
    errno.EROFS: "Scegliere una cartella su un disco in cui si può scrivere.",
    errno.ENOSPC: "Liberare spazio sul disco o scegliere una cartella su un altro disco.",
    errno.EDQUOT: "Liberare spazio sul disco o scegliere una cartella su un altro disco.",
    errno.EFBIG: "Scegliere una cartella su un altro disco.",
    errno.ENOENT: "Verificare il percorso (il disco o la cartella di rete sono collegati?).",
    errno.ENOTDIR: "Verificare il percorso: una sua parte è un file.",
    errno.EBUSY: "Chiudere il file nell'altro programma e riprovare.",
    errno.ETXTBSY: "Chiudere il file nell'altro programma e riprovare.",
}
_WINDOWS_ADVICE = {32: _ADVICE[errno.EBUSY], 33: _ADVICE[errno.EBUSY], 112: _ADVICE[errno.ENOSPC]}


def os_advice(exc: OSError) -> str:
    """What the user can do about it: a sentence, or '' when there is nothing to say."""
    winerror = getattr(exc, "winerror", None)
    if winerror in _WINDOWS_ADVICE:
        return _WINDOWS_ADVICE[winerror]
    return _ADVICE.get(exc.errno or 0, "")


def os_reason(exc: OSError) -> str:
    """Why a file operation failed, in Italian (the system's own text is in the system's language)."""
    winerror = getattr(exc, "winerror", None)
    if winerror in _WINDOWS_REASONS:
        return _WINDOWS_REASONS[winerror]
    return _OS_REASONS.get(exc.errno or 0, f"errore di sistema n. {exc.errno}" if exc.errno else "errore di sistema")


def os_problem(exc: OSError, action: str = "usare", path: object = None) -> str:
    """'Impossibile scrivere «x/y.xlsx»: permesso negato. Scegliere …' (`path`: default, the one the system names)."""
    name = path if path is not None else (exc.filename if exc.filename is not None else "")
    where = f" «{name}»" if name != "" else ""
    return " ".join(filter(None, (f"Impossibile {action}{where}: {os_reason(exc)}.", os_advice(exc))))


def thousands(number: int) -> str:
    """A count with Italian thousands separators: 1.048.576."""
    return f"{number:,}".replace(",", ".")
