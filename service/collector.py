"""The cyclic garbage collector during batch work (ingest).

Preparing and indexing a report makes and drops tens of thousands of small containers, which
reference counting frees as it goes. At Python's thresholds (700 allocations) the cyclic
collector still ran every few reports and walked every long-lived object each time (the
mapping's memo of entities, the index's rows in flight): measured at 10k reports, a quarter of
the preparing worker's CPU and a tenth of the loading process's (bench/README.md). While batch
work runs, it collects less often, and never walks what existed before.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

#: Allocations between collections of the youngest generation (Python's default: 700).
THRESHOLD = 50_000


def collect_less() -> None:
    """For a process that does only batch work (a preparing worker): for the rest of its life."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(THRESHOLD, 20, 100)


@contextmanager
def collecting_less() -> Iterator[None]:
    """`collect_less` for the time of a block, then the collector as it was."""
    before = gc.get_threshold()
    collect_less()
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
