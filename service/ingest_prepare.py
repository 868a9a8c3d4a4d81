"""Preparing reports for loading (read or extract, map, validate, stamp), a chunk at a time, in this
process or in a worker process.

Preparing is Python through and through (the mapping, the fast SHACL check) and so holds the GIL,
while loading and the page index mostly do not: with a second core, a worker process prepares
chunk k+1 while this process loads chunk k. The worker sends each report's quads as N-Quads
(pyoxigraph terms do not pickle), parsed back here. Outcomes come back in source order; a report
that fails (unreadable, unmappable, invalid) has its error in its outcome, as one by one.
"""
from __future__ import annotations

import logging
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain, islice
from multiprocessing import get_context
from typing import Iterable, Iterator

from pyoxigraph import RdfFormat, parse, serialize

from service.ingest import Outcome, Source, ingest_stamp, prepare_source, violations_error

log = logging.getLogger(__name__)

#: Reports prepared (and validated) together.
CHUNK = 100
#: Chunks a worker may run ahead of loading (bounds the memory of prepared reports).
AHEAD = 4
#: Fewer reports than this are prepared here: a worker's start-up (≈1 s) would not pay off.
WORKER_THRESHOLD = 1_000


def prepare_chunk(sources: list[Source], base: str, validate: bool) -> list[tuple[Outcome, list]]:
    """Each source's outcome and quads (stamped), validated as a batch (a report failing keeps
    pySHACL's message in its outcome and has no quads)."""
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
    return [(outcome, [*quads, ingest_stamp(outcome.graph)] if outcome.ok else []) for outcome, quads in prepared]


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


def _prepare_chunk_as_nquads(sources: list[Source], base: str, validate: bool) -> list[tuple[Outcome, bytes]]:
    """prepare_chunk in a worker process: quads as N-Quads bytes."""
    return [(outcome, serialize(quads, format=RdfFormat.N_QUADS) if quads else b"")
            for outcome, quads in prepare_chunk(sources, base, validate)]


def _chunks(sources: Iterable[Source], size: int) -> Iterator[list[Source]]:
    iterator = iter(sources)
    while chunk := list(islice(iterator, size)):
        yield chunk


def worker_count(sources: int) -> int:
    """One worker process when there is a second CPU and enough reports to pay its start-up."""
    return 1 if (os.cpu_count() or 1) > 1 and sources >= WORKER_THRESHOLD else 0


def prepared(sources: Iterable[Source], *, base: str, validate: bool = True,
             workers: int = 0, chunk: int = CHUNK) -> Iterator[tuple[Outcome, list]]:
    """(outcome, stamped quads) of each source, in order, prepared `chunk` reports at a time by
    `workers` worker processes (0: in this process)."""
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


def _from_workers(chunks: Iterator[list[Source]], base: str, validate: bool, workers: int):
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        running: deque = deque()

        def submit(count: int) -> None:
            for chunk in islice(chunks, count):
                running.append((chunk, pool.submit(_prepare_chunk_as_nquads, chunk, base, validate)))

        submit(AHEAD * workers)
        while running:
            chunk, future = running[0]
            try:
                results = future.result()
            except BrokenProcessPool as error:
                raise _WorkersStopped(error, [c for c, _ in running]) from error
            running.popleft()
            submit(1)
            for outcome, data in results:
                yield outcome, list(parse(data, format=RdfFormat.N_QUADS)) if data else []
