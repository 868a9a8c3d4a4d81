"""Loading many reports at store speed: prepare (read, map, check) a batch, load it in one go.

The per-report path (one SPARQL update per report) spends its time parsing update text and
committing small transactions. Here reports are prepared a chunk at a time and validated
together (service/ingest_prepare.py: in a worker process when there is a second core; a failing
report is reported and skipped), then handed to the store a batch at a time as N-Quads bytes
through `Store.load_nquads`; a loader thread writes batch k while batch k+1 is prepared
(pyoxigraph and SQLite release the GIL while they write). Batches are loaded in order, and two
reports that name the same graph never share a batch, so the last one wins as it would one by one.

Identity statements recur: an entity named in a thousand reports comes with the same block of
type and name quads each time. A batch carries each block once, and none that an earlier batch
of this ingest loaded (a block whose batch failed to load is sent again with the next batch
that names its entity).
"""
from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from hashlib import blake2b
from typing import Iterable

from service.ingest import Outcome, Source
from service.ingest_prepare import Prepared, prepared
from service.store import Store

#: Quads per batch: big enough for bulk-load speed, and under pyoxigraph's bulk-load batch
#: (1,000,000 quads), so that each batch reaches the store as one atomic ingestion.
BATCH_QUADS = 400_000
#: The first batch's size; each next batch is twice the last, up to BATCH_QUADS, so the first
#: reports are in the store (and readable) at once, and big corpora still load in big batches.
FIRST_BATCH_QUADS = 1_000
#: Identity blocks remembered as loaded; past this many the memory starts again (blocks are
#: then loaded again once: harmless, a quad added twice is one quad).
KNOWN_BLOCKS = 4_000_000


class _IdentityBlocks:
    """The identity blocks this ingest has loaded, by digest (16 bytes each, not the blocks)."""

    def __init__(self):
        self.loaded: set[bytes] = set()

    def new_in(self, batch: Iterable[Prepared]) -> dict[bytes, bytes]:
        """The blocks of `batch` not loaded yet, once each, by digest."""
        if len(self.loaded) > KNOWN_BLOCKS:
            self.loaded.clear()
        new: dict[bytes, bytes] = {}
        for report in batch:
            for block in report.identity.values():
                key = blake2b(block, digest_size=16).digest()
                if key not in self.loaded and key not in new:
                    new[key] = block
        return new


def _load(store: Store, batch: dict[str, Prepared], blocks: dict[bytes, bytes],
          known: _IdentityBlocks) -> None:
    known.loaded.update(blocks)
    try:
        store.load_nquads({graph: p.nquads for graph, p in batch.items()}, b"".join(blocks.values()),
                          derived={graph: p.rows for graph, p in batch.items() if p.rows is not None})
    except OSError as error:
        known.loaded.difference_update(blocks)
        for report in batch.values():
            report.outcome.graph, report.outcome.quads = None, 0
            report.outcome.error = f"not loaded: {error or error.__class__.__name__}"


def ingest_batched(store: Store, sources: Iterable[Source], *, base: str, validate: bool = True,
                   batch_quads: int = BATCH_QUADS, workers: int = 0) -> list[Outcome]:
    """Prepare (in `workers` worker processes, or here: service.ingest_prepare) and load every
    source; the outcomes in source order."""
    outcomes: list[Outcome] = []
    batch: dict[str, Prepared] = {}
    size = 0
    limit = min(FIRST_BATCH_QUADS, batch_quads)
    known = _IdentityBlocks()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-load") as loader:
        running: Future | None = None

        def flush() -> None:
            nonlocal running, batch, size, limit
            if running is not None:
                running.result()  # before choosing blocks: a failed batch's blocks count as not loaded
            running = loader.submit(_load, store, batch, known.new_in(batch.values()), known) if batch else None
            batch, size = {}, 0
            limit = min(limit * 2, batch_quads)

        for report in prepared(sources, base=base, validate=validate, workers=workers):
            outcome = report.outcome
            outcomes.append(outcome)
            if not outcome.ok:
                continue
            if outcome.graph in batch or (batch and size + outcome.quads > limit):
                flush()
            batch[outcome.graph] = report
            size += outcome.quads
        flush()
        if running is not None:
            running.result()
    return outcomes
