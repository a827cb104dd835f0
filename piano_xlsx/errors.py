"""One hierarchy for the errors the package raises on purpose.

Problems found in a plan or in a returned file are findings, not exceptions (findings.py). These exceptions say
that something could not be done at all; each carries Italian text a user can act on.
"""

from __future__ import annotations


class PianoError(Exception):
    """Base of every error piano-xlsx raises on purpose."""


class UserError(PianoError):
    """A command cannot run because of what it was given (a path, a key, a plan): exit status 2, no traceback."""


class FileRefused(PianoError):
    """A returned file cannot be read as a workbook; collect and audit turn it into a finding for that file."""
