"""`kg index`: bring the page index up to the store, rebuild it, or check it."""
from __future__ import annotations

import sys
import time

import click

from service.cli.common import open_configured_store, settings, store_option


@click.command()
@store_option
@click.option("--index", "index_path", metavar="FILE", default=None,
              help="The index file (else $KG_INDEX, else beside the store).")
@click.option("--rebuild", is_flag=True, help="Make every row again from the store.")
@click.option("--check", is_flag=True, help="Exit 1 if the index and the store hold different reports.")
def index(store_location, index_path, rebuild, check):
    """The page index holds what the browsing pages read (lists, search, facets, appearances).

    `kg ingest` and `kg serve` keep it in step by themselves; run this after writing to a remote
    store from elsewhere, or to time a rebuild.
    """
    from service.pageindex.keeper import keeper_for

    config = settings(store_location, INDEX=index_path)
    store = open_configured_store(config)
    try:
        started = time.perf_counter()
        keeper = keeper_for(store, config.get("INDEX"), sync=not rebuild)
        pages = keeper.index
        if rebuild:
            keeper.rebuild()
        elapsed = time.perf_counter() - started
        stamps, indexed = keeper.store_stamps(), pages.stamps()
        differ = sorted(set(stamps.items()) ^ set(indexed.items()))
        counts = dict(pages.connection().execute("SELECT kind, n FROM kind_count"))
        click.echo(f"page index {pages.path}: {len(indexed)} report(s), "
                   + ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
                   + f"; {elapsed:.1f} s", err=True)
    finally:
        store.close()
    if check and differ:
        click.echo(f"the index differs from the store in {len(differ)} report(s), e.g. {differ[0][0]}", err=True)
        sys.exit(1)
