"""Loading many reports at store speed: prepare (read, map, check) a batch, load it in one go.

The per-report path (one SPARQL update per report) spends its time parsing update text and
committing small transactions. Here reports are prepared as `ingest_source` prepares them, a
chunk at a time and validated together (service/ingest_prepare.py: in a worker process when
there is a second core; a failing report is reported and skipped), then handed to the store a
batch at a time through `Store.replace_graphs`; a loader thread writes batch k while batch k+1
is prepared (pyoxigraph releases the GIL while it loads). Batches are loaded in order, and two
reports that name the same graph never share a batch, so the last one wins as it would one by one.
"""
from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Iterable

from service.ingest import Outcome, Source
from service.ingest_prepare import prepared
from service.store import Store

#: Quads per batch: big enough for bulk-load speed, and under pyoxigraph's bulk-load batch
#: (1,000,000 quads), so that each batch reaches the store as one atomic ingestion.
BATCH_QUADS = 400_000
#: The first batch's size; each next batch is twice the last, up to BATCH_QUADS, so the first
#: reports are in the store (and readable) at once, and big corpora still load in big batches.
FIRST_BATCH_QUADS = 1_000


def _load(store: Store, graphs: dict[str, list], outcomes: list[Outcome]) -> None:
    try:
        store.replace_graphs(graphs)
    except OSError as error:
        for outcome in outcomes:
            outcome.graph, outcome.quads = None, 0
            outcome.error = f"not loaded: {error or error.__class__.__name__}"


def ingest_batched(store: Store, sources: Iterable[Source], *, base: str, validate: bool = True,
                   batch_quads: int = BATCH_QUADS, workers: int = 0) -> list[Outcome]:
    """Prepare (in `workers` worker processes, or here: service.ingest_prepare) and load every
    source; the outcomes in source order."""
    outcomes: list[Outcome] = []
    graphs: dict[str, list] = {}
    pending: list[Outcome] = []
    size = 0
    limit = min(FIRST_BATCH_QUADS, batch_quads)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-load") as loader:
        running: Future | None = None

        def flush() -> None:
            nonlocal running, graphs, pending, size, limit
            if running is not None:
                running.result()
            running = loader.submit(_load, store, graphs, pending) if graphs else None
            graphs, pending, size = {}, [], 0
            limit = min(limit * 2, batch_quads)

        for outcome, quads in prepared(sources, base=base, validate=validate, workers=workers):
            outcomes.append(outcome)
            if not outcome.ok:
                continue
            if outcome.graph in graphs or (graphs and size + len(quads) > limit):
                flush()
            graphs[outcome.graph] = quads
            pending.append(outcome)
            size += len(quads)
        flush()
        if running is not None:
            running.result()
    return outcomes
