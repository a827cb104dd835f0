"""Words every user-facing text shares: severities, counts with their plural, numbers, system errors.

One place, so the console, the reports and the demo say the same thing the same way.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable

from piano_xlsx.findings import Finding, Severity, count

SEVERITY_LABELS = {Severity.ERROR: "Errore", Severity.WARNING: "Avviso", Severity.INFO: "Info"}
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


def os_reason(exc: OSError) -> str:
    """Why a file operation failed, in Italian (the system's own text is in the system's language)."""
    winerror = getattr(exc, "winerror", None)
    if winerror in _WINDOWS_REASONS:
        return _WINDOWS_REASONS[winerror]
    return _OS_REASONS.get(exc.errno or 0, f"errore di sistema n. {exc.errno}" if exc.errno else "errore di sistema")


def os_problem(exc: OSError, action: str = "usare") -> str:
    """'Impossibile scrivere «x/y.xlsx»: permesso negato.'"""
    name = exc.filename if exc.filename is not None else ""
    where = f" «{name}»" if name != "" else ""
    return f"Impossibile {action}{where}: {os_reason(exc)}."
