"""`kg query`: run SPARQL against the store and print the results."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from pyoxigraph import QueryBoolean, QueryResultsFormat, QuerySolutions, RdfFormat

from service.cli.common import open_configured_store, settings, store_option
from service.store import StoreError

RESULT_FORMATS = {"json": QueryResultsFormat.JSON, "csv": QueryResultsFormat.CSV,
                  "tsv": QueryResultsFormat.TSV, "xml": QueryResultsFormat.XML}
GRAPH_FORMATS = {"json": RdfFormat.JSON_LD, "xml": RdfFormat.RDF_XML, "csv": RdfFormat.N_TRIPLES,
                 "tsv": RdfFormat.N_TRIPLES, "table": RdfFormat.TURTLE}


@click.command()
@click.argument("text", required=False)
@click.option("--file", "query_file", type=click.Path(exists=True, dir_okay=False),
              help="Read the query from a file (e.g. queries/NAME.rq).")
@click.option("--format", "output_format", type=click.Choice(["table", "json", "csv", "tsv", "xml"]),
              default="table", show_default=True)
@store_option
def query(text, query_file, output_format, store_location):
    """Run a SPARQL query given as TEXT or --file, and print its results."""
    if bool(text) == bool(query_file):
        raise click.UsageError("give the query either as TEXT or with --file, not both")
    sparql = Path(query_file).read_text(encoding="utf-8") if query_file else text
    store = open_configured_store(settings(store_location), read_only=True)
    try:
        result = store.query(sparql)
        out = sys.stdout.buffer
        if isinstance(result, QueryBoolean):
            click.echo("true" if bool(result) else "false")
        elif isinstance(result, QuerySolutions):
            if output_format == "table":
                _print_table(result)
            else:
                result.serialize(out, RESULT_FORMATS[output_format])
        else:
            result.serialize(out, GRAPH_FORMATS[output_format])
    except SyntaxError as error:
        raise click.ClickException(f"malformed query: {error}") from error
    except (StoreError, OSError) as error:
        raise click.ClickException(str(error)) from error
    finally:
        store.close()


def _print_table(solutions: QuerySolutions) -> None:
    names = [v.value for v in solutions.variables]
    rows = [[_cell(row[n]) for n in names] for row in solutions]
    widths = [min(60, max([len(n)] + [len(r[i]) for r in rows])) for i, n in enumerate(names)]
    click.echo("  ".join(n.ljust(w) for n, w in zip(names, widths)))
    click.echo("  ".join("-" * w for w in widths))
    for row in rows:
        click.echo("  ".join(c[:w].ljust(w) for c, w in zip(row, widths)))
    click.echo(f"({len(rows)} row{'s' if len(rows) != 1 else ''})", err=True)


def _cell(term) -> str:
    return "" if term is None else term.value
