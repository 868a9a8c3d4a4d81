"""What the killable worker costs per query: each named query in-process vs through
ForkingRunner (service/store/guarded.py), over a store built from data/records.

    python bench/query_overhead.py [--repeat 50]
"""
from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pyoxigraph import QueryResultsFormat, RdfFormat

from service.store import open_store
from service.store.guarded import ForkingRunner, Writers, _serialise

ROOT = Path(__file__).resolve().parents[1]
KG = str(Path(sys.executable).with_name("kg"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([KG, "ingest", str(ROOT / "data" / "records"), "--store", f"{tmp}/s"],
                       check=True, capture_output=True)
        store = open_store(f"{tmp}/s")
        runner = ForkingRunner(store)
        writers = Writers(QueryResultsFormat.JSON, RdfFormat.N_TRIPLES, {})
        print(f"{'query':<28} {'in-process ms':>14} {'worker ms':>10} {'ratio':>6}")
        totals = [0.0, 0.0]
        for path in sorted((ROOT / "queries").glob("*.rq")):
            text = path.read_text(encoding="utf-8")
            times = []
            for fn in (lambda: _serialise(store.query(text), writers, io.BytesIO()),
                       lambda: runner.run(text, writers, timeout=30, max_bytes=10**9)):
                fn()
                started = time.perf_counter()
                for _ in range(args.repeat):
                    fn()
                times.append((time.perf_counter() - started) / args.repeat * 1e3)
            totals[0] += times[0]
            totals[1] += times[1]
            print(f"{path.stem:<28} {times[0]:>14.2f} {times[1]:>10.2f} {times[1] / times[0]:>6.2f}")
        print(f"{'all':<28} {totals[0]:>14.2f} {totals[1]:>10.2f} {totals[1] / totals[0]:>6.2f}")
        runner.close()
        store.close()


if __name__ == "__main__":
    main()
