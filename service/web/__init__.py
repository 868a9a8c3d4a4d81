"""The web app: `create_app(config)` builds it; each blueprint is one view module.

The store is opened once per app and shared by all threads (pyoxigraph releases the GIL while
it evaluates a query, so one process serves readers concurrently).
"""
from __future__ import annotations

import importlib

from flask import Flask

from service.config import load_config
from service.store import Store, open_store

#: View modules under service/web/, each with a Blueprint `bp`.
BLUEPRINTS = ("browse", "entity", "sparql", "queries", "ontology", "catalog", "void", "dumps", "events", "editor")
#: Modules under service/web/ with a `register(app)` that installs handlers or hooks.
HOOKS = ("errors", "cors", "catalog", "security", "sparql")


def create_app(config: dict | None = None, *, store: Store | None = None) -> Flask:
    """An app for `config` (settings as `service.config.load_config` gives them).

    `store` lets a caller (a test, a benchmark) hand in a store it already holds open.
    """
    app = Flask(__name__, instance_relative_config=False)
    app.config.update(load_config())
    if config:
        app.config.update(config)
    app.config["BASE"] = str(app.config["BASE"]).rstrip("/")
    app.json.ensure_ascii = False
    app.json.sort_keys = False

    if store is None:
        from service.cli.common import _remote_options
        store = open_store(str(app.config["STORE"]), **_remote_options(app.config))
    app.extensions["kg_store"] = store

    for name in BLUEPRINTS:
        app.register_blueprint(importlib.import_module(f"service.web.{name}").bp)
    for name in HOOKS:
        importlib.import_module(f"service.web.{name}").register(app)

    from service.web.labels import template_helpers
    app.context_processor(template_helpers)
    app.teardown_appcontext(_give_back)
    return app


def get_store() -> Store:
    from flask import current_app
    return current_app.extensions["kg_store"]


def get_pages():
    """The store's page index (service/pageindex): what lists, search, facets and appearances read.

    The request reads it through a pooled connection, the one the request before gave back (its
    page cache warm), given back when the request ends."""
    from flask import current_app, g

    from service.pageindex import pages_for
    pages = pages_for(get_store(), current_app.config.get("INDEX"))
    if g.get("kg_pages") is not pages:
        _give_back()
        pages.borrow()
        g.kg_pages = pages
    return pages


def _give_back(_error=None) -> None:
    from flask import g
    pages = g.pop("kg_pages", None)
    if pages is not None:
        pages.give_back()
