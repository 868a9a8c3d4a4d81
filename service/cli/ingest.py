"""`kg ingest PATH...`: load reports into the store, one named graph each."""
from __future__ import annotations

import sys

import click

from service.cli.common import open_configured_store, settings, store_option
from service.ingest import ingest as ingest_paths


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@store_option
@click.option("--no-validate", is_flag=True, help="Skip the SHACL check of each report graph.")
@click.option("--prune", is_flag=True,
              help="Then remove the names and types of entities no report references any more "
                   "(on a remote store, only while no other ingest runs).")
def ingest(paths, store_location, no_validate, prune):
    """Extract, map and load every report in PATHS (.txt, .html, or .json records; folders too).

    A corrected record data/records/NAME.json wins over extracting data/reports/NAME.txt.
    Re-ingesting a report replaces its graph atomically; the names and types of the entities it
    names are added to the entities graph and kept (other reports may name them): --prune removes
    those no report references any more.
    """
    config = settings(store_location)
    store = open_configured_store(config)
    from service.pageindex import pages_for
    pages_for(store, config.get("INDEX"))  # opened first: every load below updates it too

    def progress(sources):
        if not sys.stderr.isatty():
            return sources
        return click.progressbar(sources, label="Ingesting", file=sys.stderr,
                                 item_show_func=lambda s: s.name if s else "")

    try:
        outcomes = ingest_paths(store, paths, base=config["BASE"], validate=not no_validate,
                                progress=lambda s: _bar(progress, s))
        if prune:
            from service.ingest import prune_entities
            pruned = prune_entities(store, base=config["BASE"])
            click.echo(f"pruned {pruned} quad(s) of entities no report references", err=True)
        from service.catalog import write_catalog
        write_catalog(store, config)  # the DCAT-AP catalogue graph, {base}/catalog
    finally:
        store.close()
    failed = [o for o in outcomes if not o.ok]
    for outcome in failed:
        click.echo(f"failed: {outcome.source.path}: {outcome.error}", err=True)
    loaded = [o for o in outcomes if o.ok]
    records = sum(1 for o in loaded if o.origin == "record")
    click.echo(
        f"{len(loaded)} report(s) loaded ({records} from records, {len(loaded) - records} extracted), "
        f"{sum(o.quads for o in loaded)} quads, {len(failed)} failed; store {config['STORE']}",
        err=True,
    )
    if failed or not outcomes:
        if not outcomes:
            click.echo("no reports found (.txt, .html, .htm, .json)", err=True)
        sys.exit(1)


def _bar(progress, sources):
    """Iterate through a progress bar when there is a terminal, plainly otherwise."""
    wrapped = progress(sources)
    if wrapped is sources:
        yield from sources
        return
    with wrapped as bar:
        yield from bar
