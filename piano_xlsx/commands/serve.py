"""`piano-xlsx serve`: the local web app for the HR office (piano_xlsx/web), served by waitress."""

from __future__ import annotations

import logging
import threading
import webbrowser
from pathlib import Path

import click

from piano_xlsx.atomic import make_dir
from piano_xlsx.commands.app import command

LOCAL = "127.0.0.1"
DEFAULT_PORT = 8765
DEFAULT_DATA = "piano-xlsx-dati"
LOG_FILE = "piano-xlsx.log"


@command(name="serve", short_help="Avvia l'applicazione web locale per l'Ufficio Personale.")
@click.option("--data", "data_dir", default=DEFAULT_DATA, show_default=True, type=click.Path(file_okay=False),
              help="Cartella dei dati: archivio, file ricevuti, chiavi di firma (creata se manca).")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535),
              help="Porta (0: una qualsiasi libera).")
@click.option("--host", default=LOCAL, show_default=True,
              help="Indirizzo su cui ascoltare. Diverso da 127.0.0.1 solo se richiesto espressamente: "
                   "l'applicazione diventa raggiungibile da altri computer.")
@click.option("--max-upload", "max_upload", default=256, show_default=True, type=click.IntRange(min=1),
              metavar="MB", help="Limite di ogni caricamento, in MB.")
@click.option("--no-browser", is_flag=True, help="Non aprire il browser.")
def serve(data_dir: str, port: int, host: str, max_upload: int, no_browser: bool) -> None:
    """Avvia l'applicazione web locale per l'Ufficio Personale: l'intero lavoro nel browser.

    Ascolta solo su questo computer (127.0.0.1) e stampa l'indirizzo con il token di accesso, che apre anche nel
    browser: senza il token ogni richiesta è rifiutata. Fermare con Ctrl-C; i dati restano nella cartella --data.

    Esempio:


    \b
        piano-xlsx serve --data dati-valutazione
    """
    from waitress.server import MultiSocketServer, create_server

    from piano_xlsx.web import security
    from piano_xlsx.web.app import create_app

    data = Path(data_dir)
    make_dir(data)
    _log_to(data / LOG_FILE)
    token = security.new_token()
    limit = max_upload * 1024 * 1024
    app = create_app(data, token, upload_limit=limit)
    if host != LOCAL:
        click.echo(f"Attenzione: l'applicazione ascolta su {host} ed è raggiungibile da altri computer della rete; "
                   "chiunque abbia l'indirizzo con il token può usarla.", err=True)
    # waitress holds the whole body before the app sees it: past its own limit it would answer in English,
    # so its limit is far above the app's, which answers in Italian
    server = create_server(app, host=host, port=port, threads=4, max_request_body_size=limit * 8,
                           clear_untrusted_proxy_headers=True)
    # the port the system chose for port 0; a host name with several addresses listens on each, on that port
    listening = server.effective_listen[0][1] if isinstance(server, MultiSocketServer) else server.getsockname()[1]
    url = f"http://{host if ':' not in host else f'[{host}]'}:{listening}/?token={token}"
    click.echo(f"piano-xlsx è in esecuzione. Aprire nel browser:\n    {url}", nl=True)
    click.echo(f"Dati in {data.resolve()}. Fermare con Ctrl-C.", err=False)
    if not no_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    try:
        server.run()
    except KeyboardInterrupt:
        click.echo("Applicazione fermata.")
    finally:
        server.close()


def _log_to(path: Path) -> None:
    """Server and application messages go to a log file in the data folder, not to the terminal."""
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    for name in ("waitress", "piano_xlsx.web.app", "alembic"):
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.propagate = False
