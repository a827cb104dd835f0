"""What every command shares: Italian usage lines, and no traceback for the user.

Exit status (SPEC §7): 0 no finding of severity error, 1 at least one, 2 the command could not run (bad
usage, unreadable plan or key, an output that exists or cannot be written), 3 an internal error: one line
says where the details were written.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from piano_xlsx import __version__
from piano_xlsx.atomic import OutputExists, OutputRefused
from piano_xlsx.italian import os_problem, os_reason

PROG_NAME = "piano-xlsx"
INTERNAL_ERROR = 3


class CannotRun(click.ClickException):
    """The command could not run (exit status 2); the message says why and what to do."""

    exit_code = 2


class InternalError(click.ClickException):
    """A fault of the tool, not of its input (exit status 3); the message says where the details are."""

    exit_code = INTERNAL_ERROR


def user_error(exc: Exception) -> CannotRun | None:
    """The Italian message for an exception the user can do something about; None for a fault of the tool."""
    from piano_xlsx.demo import DemoError
    from piano_xlsx.signing import KeyFileError

    if isinstance(exc, OutputExists):
        return CannotRun(f"{exc}: usare --force per sovrascrivere, oppure indicare un altro percorso.")
    if isinstance(exc, (OutputRefused, KeyFileError, DemoError)):
        return CannotRun(str(exc))
    if isinstance(exc, OSError):  # a path, a permission, a full disk: the system's text is not Italian
        return CannotRun(os_problem(exc))
    return None


def write_details(exc: BaseException) -> str:
    """Write the traceback of an internal error to a file in the temporary folder; return the one line to print."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = Path(tempfile.gettempdir()) / f"piano-xlsx-errore-{stamp}-{os.getpid()}.txt"
    details = (f"piano-xlsx {__version__}, Python {platform.python_version()}, {platform.platform()}\n"
               f"Comando: {' '.join(sys.argv)}\n\n"
               + "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    try:
        path.write_text(details, encoding="utf-8")
    except OSError as error:
        return (f"Errore interno di piano-xlsx ({type(exc).__name__}); i dettagli non sono stati salvati "
                f"({os_reason(error)}).")
    return (f"Errore interno di piano-xlsx, non dovuto ai dati: i dettagli sono in «{path}»; inviare il file a chi "
            "assiste lo strumento.")


class Command(click.Command):
    """A command with Italian usage lines that turns every exception into a message and an exit status."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[OPZIONI]")
        super().__init__(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - the one place where every failure becomes a message
            raise user_error(exc) or InternalError(write_details(exc)) from None


class Group(click.Group):
    """A group of commands, with Italian usage lines; its commands are `Command`s."""

    command_class = Command
    group_class = type  # subgroups are Groups too

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[OPZIONI]")
        kwargs.setdefault("subcommand_metavar", "COMANDO [ARGOMENTI]...")
        super().__init__(*args, **kwargs)

    def main(self, *args: Any, **kwargs: Any) -> Any:
        if len(args) < 2 and kwargs.get("prog_name") is None:
            kwargs["prog_name"] = PROG_NAME  # not "python -m piano_xlsx"
        return super().main(*args, **kwargs)


def command(name: str | None = None, **attrs: Any) -> Callable[[Callable[..., Any]], Command]:
    """Declare a command of ours (as click.command)."""
    return click.command(name, cls=Command, **attrs)


def group(name: str | None = None, **attrs: Any) -> Callable[[Callable[..., Any]], Group]:
    """Declare a group of ours (as click.group)."""
    return click.group(name, cls=Group, **attrs)
