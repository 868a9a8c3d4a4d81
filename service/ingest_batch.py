"""Loading many reports at store speed: prepare (read, map, check) a batch, load it in one go.

The per-report path (one SPARQL update per report) spends its time parsing update text and
committing small transactions. Here reports are prepared a chunk at a time and validated
together (service/ingest_prepare.py: in a worker process when there is a second core; a failing
report is reported and skipped), then handed to the store a batch at a time as N-Quads bytes
through `Store.load_nquads`; a loader thread writes batch k while batch k+1 is prepared
(pyoxigraph and SQLite release the GIL while they write). Batches are loaded in order, and two
reports that name the same graph never share a batch, so the last one wins as it would one by one.

Identity statements recur: an entity named in a thousand reports comes with the same block of
type and name quads each time. The preparing worker hands each block over once per ingest (later
reports name it by digest, service.ingest_prepare), and a batch loads each block once. A block
whose batch failed to load is kept here and loaded with the next batch that names it.
"""
from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Iterable

from service.collector import collecting_less
from service.ingest import Outcome, Source
from service.ingest_prepare import Block, Prepared, prepared
from service.store import Store

#: Quads a batch loads (its reports' own and the identity blocks they bring): under pyoxigraph's
#: bulk-load batch (1,000,000 quads), so that each batch reaches the store as one atomic
#: ingestion, and near it, since every ingestion adds files for RocksDB to merge (the 100k
#: corpus's 26.8M quads loaded 400k at a time took 370.6 CPU s, 990k at a time 334.6).
BATCH_QUADS = 900_000
#: Batches handed to the loader thread and not loaded yet, at most (one loading, one waiting):
#: reports are taken from the preparing worker meanwhile, which would otherwise wait too.
LOADS_AHEAD = 2
#: The first batch's size; each next batch is twice the last, up to BATCH_QUADS, so the first
#: reports are in the store (and readable) at once, and big corpora still load in big batches.
FIRST_BATCH_QUADS = 1_000


def _quads_added(report: Prepared, blocks: set[bytes]) -> int:
    """The quads this report adds to a batch whose identity blocks are `blocks` (by digest): its
    own and those of its blocks not in the batch yet (a block handed over by digest only is in an
    earlier batch). A line per quad."""
    return report.nquads.count(b"\n") + sum(block.nquads.count(b"\n") for digest, block in report.identity.items()
                                            if block and digest not in blocks)


def _blocks(batch: Iterable[Prepared], lost: dict[bytes, Block]) -> dict[bytes, Block]:
    """The identity blocks a batch loads: those its reports carry, and those they name by digest
    whose batch failed; once each."""
    blocks: dict[bytes, Block] = {}
    for report in batch:
        for digest, block in report.identity.items():
            if block is None:
                block = lost.get(digest)  # else loaded already, or in this batch
            if block is not None:
                blocks.setdefault(digest, block)
    return blocks


def _load(store: Store, batch: dict[str, Prepared], lost: dict[bytes, Block]) -> None:
    """Load a batch with its identity blocks (on the loader thread, batch after batch: the blocks
    of a batch that failed are known when the next one chooses its own)."""
    blocks = _blocks(batch.values(), lost)
    try:
        store.load_nquads({graph: p.nquads for graph, p in batch.items()},
                          b"".join(block.nquads for block in blocks.values()),
                          derived={graph: p.rows for graph, p in batch.items() if p.rows is not None},
                          identities=[i for block in blocks.values() for i in block.identities])
    except OSError as error:
        lost.update(blocks)
        for report in batch.values():
            report.outcome.graph, report.outcome.quads = None, 0
            report.outcome.error = f"not loaded: {error or error.__class__.__name__}"
    else:
        for digest in blocks.keys() & lost.keys():
            del lost[digest]


def ingest_batched(store: Store, sources: Iterable[Source], *, base: str, validate: bool = True,
                   batch_quads: int = BATCH_QUADS, workers: int = 0, total: int | None = None) -> list[Outcome]:
    """Prepare (in `workers` worker processes, or here: service.ingest_prepare) and load every
    source; the outcomes in source order.

    Batches double from FIRST_BATCH_QUADS up to `batch_quads`, and when the number of sources is
    known (`total`, or their len), they halve towards the end: a batch goes once it holds as many
    quads as the reports still to come are likely to bring. So the last reports are loaded and
    indexed in small batches while the others are prepared, not in one big batch after them all
    (with 10k reports the store loaded and indexed the last 4,000 for 11.5 s after preparing
    ended)."""
    if total is None and hasattr(sources, "__len__"):
        total = len(sources)
    outcomes: list[Outcome] = []
    batch: dict[str, Prepared] = {}
    size = 0
    limit = min(FIRST_BATCH_QUADS, batch_quads)
    lost: dict[bytes, Block] = {}  # identity blocks of batches that failed to load
    in_batch: set[bytes] = set()  # the digests of the identity blocks the batch has
    with collecting_less(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-load") as loader:
        loading: deque[Future] = deque()  # batches handed to the loader thread, in order

        def flush() -> None:
            nonlocal batch, size, limit
            if batch:
                loading.append(loader.submit(_load, store, batch, lost))
            while len(loading) > LOADS_AHEAD or (loading and not batch):  # at the end: all of them
                loading.popleft().result()
            batch, size = {}, 0
            in_batch.clear()
            limit = min(limit * 2, batch_quads)

        added = ok = 0  # quads added and reports loaded so far: what a report brings on average
        for seen, report in enumerate(prepared(sources, base=base, validate=validate, workers=workers), 1):
            outcome = report.outcome
            outcomes.append(outcome)
            if outcome.ok:
                quads = _quads_added(report, in_batch)
                if outcome.graph in batch or (batch and size + quads > limit):
                    flush()
                    quads = _quads_added(report, in_batch)
                batch[outcome.graph] = report
                in_batch.update(report.identity)
                size += quads
                added, ok = added + quads, ok + 1
            if total is not None and batch and size >= (total - seen) * added / ok:
                flush()  # as much as is still to come: the batches halve towards the end
        flush()
    return outcomes
