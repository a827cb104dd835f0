"""The `piano-xlsx` command line: assembles the commands of piano_xlsx/commands (one module each).

Exit status (SPEC §7): 0 no finding of severity error, 1 at least one, 2 the command could not run,
3 an internal error (see commands/app.py).
"""

from __future__ import annotations

import click

from piano_xlsx import __version__
from piano_xlsx.commands.app import PROG_NAME, group
from piano_xlsx.commands.audit import audit
from piano_xlsx.commands.check import check, schema
from piano_xlsx.commands.collect import collect
from piano_xlsx.commands.demo import demo
from piano_xlsx.commands.generate import generate
from piano_xlsx.commands.keys import keygen
from piano_xlsx.commands.plan import plan
from piano_xlsx.commands.serve import serve


@group(name=PROG_NAME, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name=PROG_NAME, message="%(prog)s, versione %(version)s",
                      help="Mostra la versione ed esce.")
def cli() -> None:
    """Cartelle Excel bloccate per la valutazione annuale della performance (Piano della Performance / PIAO).

    Scrivere il piano in YAML o come cartella Excel del piano, controllarlo
    (check), generare le cartelle di lavoro (generate), raccogliere quelle
    restituite (collect), verificarne le formule (audit). Per provare tutto
    su un esempio: piano-xlsx demo.
    """


for _command in (check, schema, keygen, generate, collect, audit, plan, demo, serve):
    cli.add_command(_command)


def main() -> None:
    """Entry point of the console script and of `python -m piano_xlsx`."""
    cli.main(prog_name=PROG_NAME)


if __name__ == "__main__":  # pragma: no cover
    main()
