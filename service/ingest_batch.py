"""Loading many reports at store speed: prepare (read, map, check) a batch, load it in one go.

The per-report path (one SPARQL update per report) spends its time parsing update text and
committing small transactions. Here reports are prepared a chunk at a time and validated
together (service/ingest_prepare.py: in a worker process when there is a second core; a failing
report is reported and skipped), then handed to the store a batch at a time as N-Quads bytes
through `Store.load_nquads`; a loader thread writes batch k while batch k+1 is prepared
(pyoxigraph and SQLite release the GIL while they write), and a batch may wait for it while the
next fills. Batches are loaded in order, and two reports that name the same graph never share a
batch, so the last one wins as it would one by one. Batches grow from small (the first reports
are in the store at once) to BATCH_QUADS; near the end of an ingest of known length they shrink
again, so that the last load, which nothing overlaps, is short.

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
#: The first batch's size; each next batch is twice the last, up to BATCH_QUADS, so the first
#: reports are in the store (and readable) at once, and big corpora still load in big batches.
FIRST_BATCH_QUADS = 1_000
#: Near the end of an ingest each batch takes half the quads estimated to remain, down to this:
#: the last batch is loaded and indexed after the last report is prepared, with nothing beside
#: it (a 760k-quad last batch took 12 s of a 42 s ingest of 10k reports).
LAST_BATCH_QUADS = 32_000
#: Full batches that may wait for the loader behind the one it loads: reports are still taken
#: in (and prepared) while a batch loads, and the memory of prepared reports stays bounded.
WAITING_BATCHES = 1


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
    """Load a batch, in the loader thread, after every batch before it: so `lost` (the blocks
    of the batches that failed) is complete when this batch's blocks are chosen from it."""
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


def next_limit(last: int, batch_quads: int, remaining: float | None, last_batch_quads: int) -> int:
    """The next batch's size: twice the last, up to `batch_quads`; and when about `remaining`
    quads are still to come, at most half of them (but not under `last_batch_quads`)."""
    limit = min(last * 2, batch_quads)
    if remaining is not None:
        limit = min(limit, max(last_batch_quads, int(remaining / 2)))
    return limit


def ingest_batched(store: Store, sources: Iterable[Source], *, base: str, validate: bool = True,
                   batch_quads: int = BATCH_QUADS, workers: int = 0, total: int | None = None,
                   last_batch_quads: int = LAST_BATCH_QUADS) -> list[Outcome]:
    """Prepare (in `workers` worker processes, or here: service.ingest_prepare) and load every
    source; the outcomes in source order. `total`: how many sources there are, when known (the
    last batches then shrink)."""
    outcomes: list[Outcome] = []
    batch: dict[str, Prepared] = {}
    size = 0
    limit = min(FIRST_BATCH_QUADS, batch_quads)
    reports = quads = 0  # put in batches so far: a report's mean quads
    lost: dict[bytes, Block] = {}  # identity blocks of batches that failed to load (the loader's)
    in_batch: set[bytes] = set()  # the digests of the identity blocks the batch has
    with collecting_less(), ThreadPoolExecutor(max_workers=1, thread_name_prefix="kg-load") as loader:
        loading: deque[Future] = deque()  # the batch loading, then those waiting

        def flush() -> None:
            nonlocal batch, size, limit
            if batch:
                while loading and (loading[0].done() or len(loading) > WAITING_BATCHES):
                    loading.popleft().result()
                loading.append(loader.submit(_load, store, batch, lost))
            batch, size = {}, 0
            in_batch.clear()
            remaining = (total - len(outcomes)) * quads / reports if total is not None and reports else None
            limit = next_limit(limit, batch_quads, remaining, last_batch_quads)

        for report in prepared(sources, base=base, validate=validate, workers=workers):
            outcome = report.outcome
            outcomes.append(outcome)
            if not outcome.ok:
                continue
            added = _quads_added(report, in_batch)
            if outcome.graph in batch or (batch and size + added > limit):
                flush()
                added = _quads_added(report, in_batch)
            batch[outcome.graph] = report
            in_batch.update(report.identity)
            size += added
            reports, quads = reports + 1, quads + added
        flush()
        while loading:
            loading.popleft().result()
    return outcomes
