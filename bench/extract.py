#!/usr/bin/env python3
"""Extraction speed on one core: reports per second over the dev corpus (or files given).

    python bench/extract.py [FILE_OR_DIR ...] [--rounds N]

The first pass warms the caches (morfeusz2's dictionary, lexicon files); the timed passes then
run every report again, as a long-running ingest would. Wall-clock and CPU-time rates are both
printed: on a busy machine the CPU figure is the fair one.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.extract import extract_text, read_report  # noqa: E402


def main(argv):
    rounds = 5
    if "--rounds" in argv:
        i = argv.index("--rounds")
        rounds = int(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    paths = []
    for arg in argv or [str(ROOT.parent / "shared" / "corpus" / "dev")]:
        p = Path(arg)
        paths += sorted(p.glob("*.txt")) + sorted(p.glob("*.htm*")) if p.is_dir() else [p]
    if not paths:
        sys.exit("no reports found")
    reports = [read_report(p) for p in paths]
    t0 = time.perf_counter()
    for r in reports:
        extract_text(r.text, published=r.published, title=r.title)
    cold = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        for r in reports:
            extract_text(r.text, published=r.published, title=r.title)
    warm, cpu = time.perf_counter() - t0, time.process_time() - c0
    n = len(reports) * rounds
    print(f"{len(reports)} reports, first pass {len(reports) / cold:.1f} reports/s, "
          f"then {n / warm:.1f} reports/s over {rounds} rounds "
          f"({n / cpu:.1f} reports per CPU-second, one core)")


if __name__ == "__main__":
    main(sys.argv[1:])
