"""The default backend: a pyoxigraph store in a directory on disk (or in memory)."""
from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, Iterable

from pyoxigraph import NamedNode, Quad, RdfFormat, serialize
from pyoxigraph import Store as OxStore

from service.mapping.vocab import PREFIXES
from service.store.base import Store, StoreUnavailable, split_quads

#: pyoxigraph's bulk loader ingests its input in batches of this many quads, each atomically.
BULK_BATCH = 1_000_000


class EmbeddedStore(Store):
    def __init__(self, path: str | Path | None = None, *, read_only: bool = False):
        self.location = str(path) if path else ":memory:"
        self.read_only = read_only
        self._writes = 0  # this process is the only writer (the directory is locked): count them
        try:
            if path is None:
                self._store = OxStore()
            else:
                Path(path).mkdir(parents=True, exist_ok=True)
                self._store = OxStore.read_only(str(path)) if read_only else OxStore(str(path))
        except OSError as error:
            raise StoreUnavailable(
                f"cannot open the store in {path}: {error} "
                "(is another process using it? Only one process may open it for writing.)"
            ) from error

    @property
    def oxigraph(self) -> OxStore:
        """The pyoxigraph store itself, for bulk work and benchmarks."""
        return self._store

    def query(self, sparql: str, *, timeout: float | None = None):
        return self._store.query(sparql, use_default_graph_as_union=True)

    def update(self, sparql: str) -> None:
        self._writes += 1
        self._store.update(sparql)
        self._tell("updated")

    def replace_graph(self, graph: str, quads: Iterable[Quad]) -> None:
        # One SPARQL update is one transaction: the old graph and the new one never coexist,
        # the identity quads (entities graph) go in with the new graph, and a process killed
        # half-way leaves the old graph as it was.
        self.replace_graphs({graph: list(quads)}, bulk=False)

    def replace_graphs(self, graphs: dict[str, list[Quad]], *, bulk: bool = True) -> None:
        """Load a batch of report graphs at bulk-load speed.

        Quads in another named graph than their report's (identity quads, in the entities graph)
        are added in the same step as their report's graph: the same update for a replaced
        graph, the same bulk load for a new one. They are never removed.

        Graphs the store already holds are replaced by one SPARQL update (one transaction).
        New graphs are written with `bulk_load`: it skips the transaction log and writes index
        files that RocksDB ingests in one atomic step per loader batch (1,000,000 quads), so a
        batch under that size is all in or not at all. What it gives up: no isolation from a
        concurrent writer (one process holds the store), and a larger input would be split.
        """
        self._writes += 1
        fresh: list[Quad] = []
        fresh_extra: dict[Quad, None] = {}
        replaced: dict[str, list[Quad]] = {}
        replaced_extra: dict[str, dict[Quad, None]] = {}
        for graph, quads in graphs.items():
            own, extra = split_quads(graph, quads)
            if not bulk or self._store.contains_named_graph(NamedNode(graph)):
                replaced[graph] = own
                for g, qs in extra.items():
                    replaced_extra.setdefault(g, {}).update(dict.fromkeys(qs))
            else:
                fresh.extend(own)
                for qs in extra.values():
                    fresh_extra.update(dict.fromkeys(qs))
        fresh.extend(fresh_extra)
        if replaced:
            drops = " ; ".join(f"DROP SILENT GRAPH {NamedNode(g)}" for g in replaced)
            parts = [(g, qs) for g, qs in replaced.items()] + [(g, list(qs)) for g, qs in replaced_extra.items()]
            body = "\n".join(f"GRAPH {NamedNode(g)} {{ " + " ".join(
                f"{q.subject} {q.predicate} {q.object} ." for q in quads) + " }"
                for g, quads in parts)
            self._store.update(f"{drops} ; INSERT DATA {{\n{body}\n}}")
        if fresh:
            if len(fresh) >= BULK_BATCH:
                self._store.extend(fresh)  # too big for one ingestion: a transaction instead
            else:
                self._store.bulk_load(serialize(fresh, format=RdfFormat.N_QUADS), RdfFormat.N_QUADS)
        self._tell("loaded", graphs)

    def load_nquads(self, graphs: dict[str, bytes], shared: bytes = b"", *,
                    derived: dict | None = None, identities: list | None = None) -> None:
        """New graphs are bulk-loaded from the bytes as given, with no term built here (atomic
        as in `replace_graphs`); a batch that replaces a graph, or is too big for one bulk-load
        batch, goes the way of `replace_graphs`."""
        data = [*graphs.values(), shared]
        if (any(self._store.contains_named_graph(NamedNode(graph)) for graph in graphs)
                or sum(part.count(b"\n") for part in data) >= BULK_BATCH):  # a line per quad
            return super().load_nquads(graphs, shared, derived=derived, identities=identities)
        self._writes += 1
        self._store.bulk_load(b"".join(data), RdfFormat.N_QUADS)
        self._tell("loaded_nquads", graphs, shared, derived or {}, identities)

    def delete_graph(self, graph: str) -> None:
        self._writes += 1
        self._store.update(f"DROP SILENT GRAPH {NamedNode(graph)}")
        self._tell("deleted", graph)

    def generation(self) -> object:
        """Only this process writes to the directory (it holds the lock), so counting its own
        writes tells every change, with no query."""
        return (id(self), self._writes)

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, NamedNode))

    def dump(self, output: BinaryIO, format: RdfFormat, *, graph: str | None = None) -> None:
        prefixes = PREFIXES if format in (RdfFormat.TURTLE, RdfFormat.TRIG) else None
        if graph is not None:
            self._store.dump(output, format, from_graph=NamedNode(graph), prefixes=prefixes)
        elif format.supports_datasets:
            self._store.dump(output, format, prefixes=prefixes)
        else:
            # A triple format holds no graphs: write the union of the report graphs.
            from pyoxigraph import serialize
            triples = (q.triple for q in self._store.quads_for_pattern(None, None, None, None))
            serialize(triples, output, format, prefixes=prefixes)

    def __len__(self) -> int:
        return len(self._store)

    def close(self) -> None:
        self._tell("closed")
        if not self.read_only:
            self._store.flush()
