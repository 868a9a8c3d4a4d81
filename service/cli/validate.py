"""`kg validate`: check every report graph in the store against the SHACL shapes."""
from __future__ import annotations

import sys
import time

import click

from service.cli.common import open_configured_store, settings, store_option

_REPORT = "http://schema.org/Report"


def report_graphs(store) -> list[str]:
    """The named graphs that hold a report (the graph whose own IRI is a schema:Report)."""
    rows = store.select(
        f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?g a <{_REPORT}> }} }} ORDER BY ?g")
    return [row["g"].value for row in rows]


def graph_quads(store, graph: str) -> list:
    """The triples of one report graph with the identity statements (entities graph) of every
    entity it names, as pyoxigraph Triples: what the shapes check together."""
    from pyoxigraph import NamedNode

    from service.validate import _entities_graph_of
    node = NamedNode(graph)
    entities = _entities_graph_of(graph)
    if entities is None:
        return list(store.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {node} {{ ?s ?p ?o }} }}"))
    return list(store.query(f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{
  {{ GRAPH {node} {{ ?s ?p ?o }} }}
  UNION
  {{ GRAPH {node} {{ ?s <http://purl.org/dc/terms/isReferencedBy> {node} }}
    GRAPH {NamedNode(entities)} {{ ?s ?p ?o }} }}
}}"""))


@click.command()
@store_option
@click.option("--warnings", is_flag=True, help="Also print results of severity sh:Warning.")
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary line.")
def validate(store_location, warnings, quiet):
    """Check every report graph in the store against ontology/shapes.ttl.

    Prints each violation (report, node, property, rule) and exits 1 if there is any.
    """
    from service.validate import validate_quads

    config = settings(store_location)
    store = open_configured_store(config, read_only=True)
    started = time.perf_counter()
    failed = checked = count = 0
    try:
        graphs = report_graphs(store)
        for graph in graphs:
            results = validate_quads(graph, graph_quads(store, graph), warnings=warnings)
            checked += 1
            violations = [v for v in results if v.severity == "Violation"]
            if violations:
                failed += 1
            count += len(violations)
            if not quiet:
                for result in results:
                    prefix = "" if result.severity == "Violation" else f"{result.severity.lower()}: "
                    click.echo(prefix + str(result))
    finally:
        try:
            store.close()
        except RuntimeError:  # pyoxigraph cannot flush a read-only store; nothing to flush
            pass
    click.echo(
        f"{checked} report graph(s) checked in {time.perf_counter() - started:.1f} s: "
        f"{checked - failed} conform, {failed} with {count} violation(s)", err=True)
    if failed:
        sys.exit(1)
