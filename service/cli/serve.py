"""`kg serve`: the web app behind a production WSGI server.

One process: waitress with threads (any platform). Several (`--workers N`): gunicorn's master
forks N worker processes that share the listening socket, each with its own threads, and replaces
any that dies. Gunicorn rather than hand-forked waitress: supervision, graceful restarts (HUP) and
shutdown (TERM) are already done there. Each worker builds its own app after the fork, so no
connection pool is shared between processes. N > 1 needs a remote store: an embedded store's
directory is locked by the one process that opens it.
"""
from __future__ import annotations

import click

from service.cli.common import settings, store_option


def _is_remote(location) -> bool:
    return str(location).startswith(("http://", "https://"))


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256),
              help="Threads per process.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="App processes (more than one needs --store http://…, a SPARQL server).")
@store_option
def serve(host, port, threads, workers, store_location):
    """Serve the SPARQL endpoint, the pages, linked data and the catalogue."""
    config = settings(store_location)
    if workers > 1 and not _is_remote(config["STORE"]):
        raise click.UsageError(
            f"--workers {workers} needs a remote store (--store http://host:7878 or KG_STORE): "
            f"the store directory {config['STORE']} can be opened by one process only")
    if _is_remote(config["STORE"]):
        _warn_if_unreachable(config)
    click.echo(f"serving {config['STORE']} on http://{host}:{port}/ "
               f"({workers} process{'es' if workers > 1 else ''} × {threads} threads)", err=True)
    if workers == 1:
        import waitress

        from service.web import create_app
        app = create_app(config)
        _prepare_index(app.extensions["kg_store"], config)
        _freeze_heap()
        waitress.serve(app, host=host, port=port, threads=threads, ident="konferencje-kg")
    else:
        _run_gunicorn(config, {
            "bind": f"{host}:{port}", "workers": workers, "threads": threads,
            "worker_class": "gthread", "proc_name": "konferencje-kg",
            # A worker silent for this long is restarted: longer than any store wait.
            "timeout": int(float(config.get("STORE_TIMEOUT") or 30)) + 30,
            "graceful_timeout": 10,
        })


def _warn_if_unreachable(config: dict) -> None:
    """Start anyway (pages answer 503 until the server is up), but say so now."""
    from service.cli.common import open_configured_store
    from service.store import StoreError
    try:
        store = open_configured_store(config)
        try:
            store.ask("ASK {}")
            _prepare_index(store, config)  # once here, before the workers start
        finally:
            store.close()
    except (StoreError, click.ClickException) as error:
        click.echo(f"warning: {error}; pages will answer 503 until the store is reachable", err=True)


def _prepare_index(store, config: dict) -> None:
    """Bring the page index up to the store before the first request (a missing index of a big
    store takes a while to build: better at start than in a page's time)."""
    import time

    from service.pageindex import pages_for
    from service.store import StoreError
    started = time.perf_counter()
    try:
        pages = pages_for(store, config.get("INDEX"))
    except StoreError as error:
        click.echo(f"warning: page index not brought up to date: {error}", err=True)
        return
    click.echo(f"page index {pages.path} ready in {time.perf_counter() - started:.1f} s", err=True)


def _freeze_heap() -> None:
    """Leave what start-up made (modules, the app, the store and its page index) out of the garbage
    collector's full passes: each walked all of it, a pause of 10 ms or more in whichever request
    happened to trigger it (measured on entity pages: one in about 30)."""
    import gc
    gc.collect()
    gc.freeze()


def _run_gunicorn(config: dict, options: dict) -> None:
    """gunicorn run from code: our options, no command-line parsing, the app made in each worker."""
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):
        def load_config(self):
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            from service.web import create_app
            app = create_app(config)
            _freeze_heap()
            return app

    Application().run()
