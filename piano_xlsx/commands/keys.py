"""`piano-xlsx keygen`: the key pair that signs the issued workbooks and lets auditors verify them."""

from __future__ import annotations

import click

from piano_xlsx.commands.app import command
from piano_xlsx.commands.shared import force_option


@command(name="keygen", short_help="Crea la coppia di chiavi per firmare le cartelle.")
@click.argument("directory", metavar="CARTELLA", type=click.Path(file_okay=False))
@force_option
def keygen(directory: str, force: bool) -> None:
    """Scrive nella CARTELLA una nuova chiave privata Ed25519 e la sua chiave pubblica; stampa i due percorsi.

    La chiave privata resta all'Ufficio Personale (firma le cartelle con
    generate --key); la chiave pubblica va ai revisori e a chi raccoglie
    (collect e audit --public-key).

    Esempio:


    \b
        piano-xlsx keygen chiavi/
    """
    from piano_xlsx.signing import keygen as make_keys

    private, public = make_keys(directory, force=force)
    click.echo(f"Chiave privata: {private}")
    click.echo(f"Chiave pubblica: {public}")
