"""The one small interface every store backend implements."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import BinaryIO, Iterable

from pyoxigraph import NamedNode, Quad, QueryBoolean, QuerySolutions, QueryTriples, RdfFormat, parse

QueryResult = QuerySolutions | QueryBoolean | QueryTriples


class StoreError(RuntimeError):
    """The store could not do what was asked (unreachable, refused, broken)."""


class StoreUnavailable(StoreError):
    """The store cannot be reached now (server down, directory locked)."""


class QueryTimeout(StoreError):
    """A query ran out of its time."""


class Store(ABC):
    """A quad store holding one named graph per report, and the entities graph (the entities'
    types and names, once; service.mapping.entities_graph).

    Queries see the union of all named graphs as their default graph, so that plain queries need
    no GRAPH clause; GRAPH ?g still tells which report a statement came from.
    """

    location: str
    #: Who is told of each write (see `watch`).
    _watchers: tuple = ()

    def watch(self, watcher) -> None:
        """After each write, call `watcher.loaded({graph: quads})` (graphs replaced with these
        quads), `watcher.loaded_nquads(graphs, shared, derived, identities)` (the same, as `load_nquads` was
        given them), `watcher.deleted(graph)`, or `watcher.updated()` (a SPARQL update: anything may
        have changed); `watcher.closed()` when the store closes. Derived data (the page index)
        keeps in step this way."""
        self._watchers = (*self._watchers, watcher)

    def _tell(self, event: str, *args) -> None:
        for watcher in self._watchers:
            getattr(watcher, event)(*args)

    @abstractmethod
    def query(self, sparql: str, *, timeout: float | None = None) -> QueryResult:
        """Run a SPARQL query. SyntaxError for a malformed one."""

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL update, atomically."""

    @abstractmethod
    def replace_graph(self, graph: str, quads: Iterable[Quad]) -> None:
        """Make `graph` hold exactly the `quads` that are in `graph` or in the default graph
        (their graph is set to `graph`), atomically; quads in any other named graph (a report's
        identity quads, in the entities graph) are added to that graph, never removed, in the
        same atomic step where the backend can (see each backend)."""

    def replace_graphs(self, graphs: dict[str, list[Quad]]) -> None:
        """`replace_graph` for each graph; each is replaced wholly or not at all.

        Backends override this to load a batch faster (the embedded store bulk-loads it).
        """
        for graph, quads in graphs.items():
            self.replace_graph(graph, quads)

    def load_nquads(self, graphs: dict[str, bytes], shared: bytes = b"", *,
                    derived: dict | None = None, identities: list | None = None) -> None:
        """`replace_graphs` with each graph's quads given as N-Quads bytes (all in that graph),
        and `shared`, N-Quads in other named graphs (identity statements), added with them.
        `derived`: graph → what the caller already derived from it (the page index's rows), and
        `identities`: who `shared` says its entities are (page-index Identities), handed to the
        watchers so that they need not parse the bytes again.

        Here the bytes are parsed and given to `replace_graphs` (the shared quads with the first
        graph); the embedded store bulk-loads them as they are.
        """
        quads = {graph: list(parse(data, format=RdfFormat.N_QUADS)) for graph, data in graphs.items()}
        if shared and quads:
            quads[next(iter(quads))] += parse(shared, format=RdfFormat.N_QUADS)
        self.replace_graphs(quads)

    @abstractmethod
    def delete_graph(self, graph: str) -> None:
        """Remove a named graph and all it holds; no error if it is absent."""

    @abstractmethod
    def named_graphs(self) -> list[str]:
        """The IRIs of the named graphs."""

    @abstractmethod
    def dump(self, output: BinaryIO, format: RdfFormat, *, graph: str | None = None) -> None:
        """Write the whole dataset (or one graph) to `output`, streamed."""

    @abstractmethod
    def __len__(self) -> int:
        """The number of quads."""

    def close(self) -> None:
        """Release the store (flush, unlock)."""

    def generation(self) -> object:
        """A value that differs whenever the store's content may have changed since it was last
        taken; cheap to compare. Here it is asked of the store (others may write to it): its named
        graphs, and the number and latest of the reports' ingest stamps."""
        rows = self.select("PREFIX kg: <https://w3id.org/konferencje-kg/def#>\n"
                           "SELECT (COUNT(?t) AS ?n) (MAX(?t) AS ?last) WHERE { GRAPH ?g { ?g kg:ingested ?t } }")
        row = rows[0] if rows else {}
        return (tuple(self.named_graphs()), row.get("n") and row["n"].value,
                row.get("last") and row["last"].value)

    def select(self, sparql: str, *, timeout: float | None = None) -> list[dict]:
        """A SELECT as a list of {variable: term} dicts (unbound variables absent)."""
        result = self.query(sparql, timeout=timeout)
        names = [v.value for v in result.variables]
        return [{n: row[n] for n in names if row[n] is not None} for row in result]

    def ask(self, sparql: str) -> bool:
        return bool(self.query(sparql))

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def split_quads(graph: str, quads: Iterable[Quad]) -> tuple[list[Quad], dict[str, list[Quad]]]:
    """`quads` as (the quads of `graph`, their graph set to it; the quads to add to other named
    graphs, by graph, without repeats)."""
    node = NamedNode(graph)
    own: list[Quad] = []
    extra: dict[str, dict[Quad, None]] = {}
    for q in quads:
        g = q.graph_name
        if g == node:
            own.append(q)
        elif isinstance(g, NamedNode):
            extra.setdefault(g.value, {})[q] = None
        else:
            own.append(Quad(q.subject, q.predicate, q.object, node))
    return own, {g: list(qs) for g, qs in extra.items()}


def graph_node(graph: str) -> NamedNode:
    return NamedNode(graph)
