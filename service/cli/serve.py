"""`kg serve`: the web app behind a production WSGI server (waitress)."""
from __future__ import annotations

import click

from service.cli.common import settings, store_option


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=int, help="Worker threads.")
@store_option
def serve(host, port, threads, store_location):
    """Serve the SPARQL endpoint, the pages, linked data and the catalogue."""
    import waitress

    from service.web import create_app

    app = create_app(settings(store_location))
    click.echo(f"serving {app.config['STORE']} on http://{host}:{port}/", err=True)
    waitress.serve(app, host=host, port=port, threads=threads, ident="konferencje-kg")
