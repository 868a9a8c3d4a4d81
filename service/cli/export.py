"""`kg export`: write the whole graph to a file or stdout, streamed from the store."""
from __future__ import annotations

import sys

import click
from pyoxigraph import RdfFormat

from service.cli.common import open_configured_store, settings, store_option

FORMATS = {"nquads": RdfFormat.N_QUADS, "trig": RdfFormat.TRIG, "turtle": RdfFormat.TURTLE,
           "jsonld": RdfFormat.JSON_LD, "ntriples": RdfFormat.N_TRIPLES}


@click.command()
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATS)), default="nquads", show_default=True,
              help="Turtle and N-Triples hold no graphs: they carry the union of all graphs.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default="-",
              help="File to write (default: standard output).")
@store_option
def export(fmt, output, store_location):
    """Write the whole graph (every report's named graph, the ontology and schemes)."""
    store = open_configured_store(settings(store_location), read_only=True)
    try:
        if output == "-":
            store.dump(sys.stdout.buffer, FORMATS[fmt])
        else:
            with open(output, "wb") as handle:
                store.dump(handle, FORMATS[fmt])
    finally:
        store.close()
