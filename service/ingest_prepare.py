"""Preparing reports for loading (read or extract, map, validate, stamp, and derive what the
page index keeps), a chunk at a time, in this process or in a worker process.

Preparing is Python through and through (the mapping, the fast SHACL check, the index rows) and
so holds the GIL, while loading and the page index's writes mostly do not: with a second core, a
worker process prepares chunk k+1 while this process loads chunk k. Whatever prepares a report
hands over a `Prepared`: its graph as N-Quads bytes, its identity statements as N-Quads blocks by
entity, and its page-index rows, so that the loading process only writes (the store bulk-loads
the bytes as they are; no term is parsed or built again there). Outcomes come back in source
order; a report that fails (unreadable, unmappable, invalid) has its error in its outcome, as
one by one.
"""
from __future__ import annotations

import logging
import os
import pickle
import tempfile
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import chain, islice
from multiprocessing import get_context
from typing import Iterable, Iterator, NamedTuple

from pyoxigraph import RdfFormat, serialize

from service.collector import collect_less
from service.ingest import Outcome, Source, ingest_stamp, prepare_source, violations_error
from service.mapping import Mapped
from service.pageindex.derive import Identity, ReportRows, identities, report_rows

log = logging.getLogger(__name__)

#: Reports prepared (and validated) together.
CHUNK = 100
#: Chunks a worker may run ahead of loading (bounds the memory of prepared reports).
AHEAD = 4
#: Fewer reports than this are prepared here: a worker's start-up (≈1 s) would not pay off.
WORKER_THRESHOLD = 1_000


class Block(NamedTuple):
    """An entity's identity statements as N-Quads, and who they say the entity is (for the page
    index, derived here so that the loading process parses nothing)."""
    nquads: bytes
    identities: tuple[Identity, ...]


@dataclass
class Prepared:
    """One report ready to load (when its outcome is ok).

    `nquads`: the report graph's own quads, the ingest stamp included. `identity`: its quads in
    other graphs (the entities graph), one `Block` per entity, by the digest of its bytes, so
    that a batch of reports naming the same entity loads its block once; a block this process
    handed over before (in an earlier report of the same ingest) comes as None, its digest only.
    `rows`: what the page index keeps of the report.
    """
    outcome: Outcome
    nquads: bytes = b""
    identity: dict[bytes, Block | None] = field(default_factory=dict)
    rows: ReportRows | None = None


#: In a worker process: the digests of the identity blocks it has handed over (see `_start_worker`).
_handed_over: set[bytes] | None = None
#: Past this many digests the memory starts again (blocks are then handed over again once).
HANDED_OVER_LIMIT = 4_000_000


def _start_worker() -> None:
    """A worker sends each identity block once per ingest (its process lives for one ingest),
    and collects garbage as batch work should (service.collector)."""
    global _handed_over
    _handed_over = set()
    collect_less()


def _ready(outcome: Outcome, mapped: Mapped) -> Prepared:
    """A mapped, valid report → its Prepared (stamped, serialised, its rows derived)."""
    own = [*mapped.own, ingest_stamp(outcome.graph)]
    identity: dict[bytes, Block | None] = {}
    for entity in mapped.blocks:
        digest = entity.digest
        if _handed_over is not None and digest in _handed_over:
            identity[digest] = None
            continue
        if _handed_over is not None:
            if len(_handed_over) > HANDED_OVER_LIMIT:
                _handed_over.clear()
            _handed_over.add(digest)
        identity[digest] = Block(entity.nquads, tuple(identities(entity.quads).values()))
    return Prepared(outcome, serialize(own, format=RdfFormat.N_QUADS), identity, report_rows(outcome.graph, own))


def prepare_chunk(sources: list[Source], base: str, validate: bool) -> list[Prepared]:
    """Each source's Prepared, the chunk validated as a batch (a report failing keeps pySHACL's
    message in its outcome and has no quads)."""
    prepared = [prepare_source(s, base=base, validate=False, stamp=False) for s in sources]
    if validate:
        from service.validate_fast import validate_batch
        batch: dict[str, tuple[int, list]] = {}
        for i, (outcome, quads) in enumerate(prepared):
            if not outcome.ok:
                continue
            if outcome.graph in batch:  # one report per graph in a batch: judge what came before
                _judge(prepared, batch, validate_batch)
                batch = {}
            batch[outcome.graph] = (i, quads)
        _judge(prepared, batch, validate_batch)
    return [_ready(outcome, quads) if outcome.ok else Prepared(outcome) for outcome, quads in prepared]


def _judge(prepared: list, batch: dict, validate_batch) -> None:
    """Validate `batch` ({graph: (position, quads)}) at once; failing reports get their errors."""
    if not batch:
        return
    violations = validate_batch({graph: quads for graph, (_, quads) in batch.items()})
    for graph, (i, _) in batch.items():
        if violations[graph]:
            outcome = prepared[i][0]
            outcome.error = violations_error(violations[graph])
            outcome.graph, outcome.quads = None, 0
            prepared[i] = (outcome, [])


def _chunks(sources: Iterable[Source], size: int) -> Iterator[list[Source]]:
    iterator = iter(sources)
    while chunk := list(islice(iterator, size)):
        yield chunk


def worker_count(sources: int) -> int:
    """One worker process when there is a second CPU and enough reports to pay its start-up."""
    return 1 if (os.cpu_count() or 1) > 1 and sources >= WORKER_THRESHOLD else 0


def prepared(sources: Iterable[Source], *, base: str, validate: bool = True,
             workers: int = 0, chunk: int = CHUNK) -> Iterator[Prepared]:
    """Each source's Prepared, in order, made `chunk` reports at a time by `workers` worker
    processes (0: in this process)."""
    chunks = _chunks(sources, chunk)
    if workers > 0:
        try:
            yield from _from_workers(chunks, base, validate, workers)
            return
        except _WorkersStopped as stopped:  # a worker died (killed, out of memory): go on here
            log.warning("the worker preparing reports stopped (%s); preparing the rest in this process", stopped)
            chunks = chain(stopped.unprepared, chunks)
    for chunk in chunks:
        yield from prepare_chunk(chunk, base, validate)


class _WorkersStopped(Exception):
    def __init__(self, error: Exception, unprepared: list[list[Source]]):
        super().__init__(str(error) or error.__class__.__name__)
        self.unprepared = unprepared


def _prepare_into(folder: str, sources: list[Source], base: str, validate: bool) -> str:
    """In a worker: `prepare_chunk`, its result pickled into a file in `folder` (its path).

    A chunk's few megabytes then reach the loading process in one read. Through the pool's pipe
    they came 64 KB at a time, each piece waiting for that process's GIL, which its loader and
    indexer threads hold much of the time: at 100k reports the worker spent 49 s of a 481 s
    ingest handing its chunks over, pickling (≈10 s) included.
    """
    results = prepare_chunk(sources, base, validate)
    descriptor, path = tempfile.mkstemp(dir=folder, suffix=".pickle")
    with os.fdopen(descriptor, "wb") as out:
        pickle.dump(results, out, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def _taken(path: str) -> list[Prepared]:
    """A chunk a worker prepared (`_prepare_into`), its file removed."""
    with open(path, "rb") as pickled:
        data = pickled.read()
    os.unlink(path)
    return pickle.loads(data)


def _from_workers(chunks: Iterator[list[Source]], base: str, validate: bool, workers: int):
    with (tempfile.TemporaryDirectory(prefix="kg-prepared-") as folder,  # removed after the pool stops
          ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_start_worker) as pool):
        running: deque = deque()

        def submit(count: int) -> None:
            for chunk in islice(chunks, count):
                running.append((chunk, pool.submit(_prepare_into, folder, chunk, base, validate)))

        submit(AHEAD * workers)
        while running:
            chunk, future = running[0]
            try:
                results = _taken(future.result())
            except BrokenProcessPool as error:
                raise _WorkersStopped(error, [c for c, _ in running]) from error
            running.popleft()
            submit(1)
            yield from results
