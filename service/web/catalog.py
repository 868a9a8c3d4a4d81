"""`/catalog`: the DCAT-AP catalogue (service/catalog.py builds it), by content negotiation, and
keeping its graph {base}/catalog true while the app runs.

Before each request to /catalog, /sparql and /.well-known/void a cheap fingerprint of the store
(the dataset's named graphs and their latest `kg:ingested` stamp) is compared with the last one
seen; when it differs, the catalogue is rebuilt and written if it changed. It is also checked once
when the app is built, before the query runner forks its workers; after a later write the runner
(`app.extensions["kg_query_runner"]`) is invalidated, and any callable in
`app.extensions["kg_after_write"]` (a list) is called.
"""
from __future__ import annotations

import logging
import threading

from flask import Blueprint, Flask, current_app, request
from pyoxigraph import Triple

from service.catalog import fingerprint, write_catalog
from service.store import Store, StoreError
from service.web import get_store
from service.web.formats import GRAPH_ALIASES, GRAPH_FORMATS, NotAcceptable, choose
from service.web.opendata import rdf_response, text_response

bp = Blueprint("catalog", __name__)
log = logging.getLogger(__name__)

#: Paths whose answers read the catalogue graph: it is brought up to date before them.
WATCHED = ("/catalog", "/sparql", "/.well-known/void")


class CatalogKeeper:
    """Holds the current catalogue of one app and rewrites its graph when the store changes."""

    def __init__(self):
        self._lock = threading.Lock()
        self._fingerprint = None
        self.triples: list[Triple] = []

    def current(self, app: Flask, store: Store) -> list[Triple]:
        config = app.config
        seen = fingerprint(store, config["BASE"])
        if seen == self._fingerprint:
            return self.triples
        with self._lock:
            if seen != self._fingerprint:
                try:
                    triples, written = write_catalog(store, config)
                except (StoreError, OSError) as error:
                    from service.catalog import catalog_triples, dataset_facts
                    log.warning("cannot write the catalogue graph (served from memory only): %s", error)
                    triples, written = catalog_triples(config, dataset_facts(store, config["BASE"])), False
                if written:
                    runner = app.extensions.get("kg_query_runner")
                    if runner is not None:  # its workers hold a snapshot taken before the write
                        runner.invalidate()
                    for listener in app.extensions.get("kg_after_write", ()):
                        listener()
                self.triples, self._fingerprint = triples, seen
        return self.triples


def keeper(app: Flask) -> CatalogKeeper:
    return app.extensions.setdefault("kg_catalog", CatalogKeeper())


def current_catalog() -> list[Triple]:
    return keeper(current_app).current(current_app._get_current_object(), get_store())


def register(app: Flask) -> None:
    """Bring the catalogue graph up to date now, while the app is built (single-threaded)."""
    try:
        keeper(app).current(app, app.extensions["kg_store"])
    except StoreError as error:  # a store that is down now is checked again on the next request
        log.warning("catalogue not checked at start: %s", error)


@bp.before_app_request
def refresh_catalogue():
    if request.path.startswith(WATCHED):
        current_catalog()


@bp.route("/catalog")
def catalog():
    try:
        fmt = choose(request, GRAPH_FORMATS, GRAPH_ALIASES)
    except NotAcceptable as error:
        return text_response(str(error), 406)
    return rdf_response(current_catalog(), fmt)
