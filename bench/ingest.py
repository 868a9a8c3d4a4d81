"""Ingest throughput of `kg ingest` over record files, next to pyoxigraph's own bulk load of the
same quads (the limit), measured in one run, side by side.

    python bench/ingest.py --sizes 1k,10k            # develop
    python bench/ingest.py --sizes 1k,10k,100k       # the figures in bench/README.md

For each size: `kg ingest DIR` with validation (the default: the fast check, pySHACL on the
reports it flags) and `kg ingest DIR --no-validate`, each into a fresh store (child processes:
wall time, peak memory, CPU seconds), between two `bulk_load`s of the N-Quads of the same records
into another fresh store (children too, their mean the reference): each ingest's records/s,
quads/s and its ratio to the bulk load, and the CPU seconds each spent. `kg ingest` keeps the
page index (service/pageindex) as it loads, so its figures include it. Then the
pySHACL validation rate on a sample (what validating every report with pySHACL would cost), and
the per-report path's rate on a sample. The store loaded without validation is kept as
bench/out/store-SIZE for bench/sparql.py and pages.py.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from common import BASE, KG, OUT, corpus, emit, remove_store, run_child, sizes

RAW_LOAD = """
import sys, pyoxigraph as ox
store = ox.Store(sys.argv[1])
store.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_QUADS)
store.flush()
"""


def write_nquads(records: Path, target: Path) -> int:
    """The quads `kg ingest` would write for these records, as one N-Quads file; their count."""
    import pyoxigraph as ox

    from service.ingest import find_sources, prepare_source
    count = 0
    with target.open("wb") as out:
        for source in find_sources([records]):
            outcome, quads = prepare_source(source, base=BASE, validate=False)
            if not outcome.ok:
                raise SystemExit(f"{source.name}: {outcome.error}")
            ox.serialize(quads, out, ox.RdfFormat.N_QUADS)
            count += len(quads)
    return count


def shacl_rate(records: Path, sample: int) -> float:
    """Reports per second that pySHACL validation (service.validate) checks, over a sample."""
    from service.ingest import find_sources, prepare_source
    from service.validate import validate_quads
    prepared = [prepare_source(s, base=BASE, validate=False) for s in find_sources([records])[:sample]]
    validate_quads(prepared[0][0].graph, prepared[0][1])  # shapes parsed once, outside the timing
    started = time.perf_counter()
    for outcome, quads in prepared:
        validate_quads(outcome.graph, quads)
    return len(prepared) / (time.perf_counter() - started)


def per_report_rate(records: Path, sample: int) -> float:
    """Reports per second of the per-report path (`ingest_source`: one SPARQL update each, the
    way `kg ingest` loaded before batching), without validation, into a fresh store."""
    from service.ingest import find_sources, ingest_source
    from service.store import open_store
    target = OUT / "per-report-store"
    shutil.rmtree(target, ignore_errors=True)
    store = open_store(str(target))
    sources = find_sources([records])[:sample]
    started = time.perf_counter()
    for source in sources:
        ingest_source(store, source, base=BASE, validate=False)
    store.close()
    elapsed = time.perf_counter() - started
    shutil.rmtree(target, ignore_errors=True)
    return len(sources) / elapsed


def bench(size: int, shacl_sample: int, per_report_sample: int) -> dict:
    """The figures of one size. The raw bulk load runs before and after the two ingests and its
    mean is the reference, so a machine that gets busier or quieter meanwhile skews less."""
    records = corpus(size)
    store = OUT / f"store-{size}"
    validated_store = OUT / f"store-{size}-validated"
    raw_store = OUT / f"raw-{size}"
    nquads = OUT / f"quads-{size}.nq"
    for path in (store, validated_store, raw_store):
        remove_store(path)
    quads = write_nquads(records, nquads)

    def raw_load():
        run = run_child([sys.executable, "-c", RAW_LOAD, str(raw_store), str(nquads)])
        remove_store(raw_store)
        return run

    env = {**os.environ, "KG_BASE": BASE}
    raw_before = raw_load()
    log = OUT / f"validated-{size}.log"
    with log.open("w") as stderr:   # exit status 1: some reports failed validation (counted)
        validated = run_child([KG, "ingest", str(records), "--store", str(validated_store)], env=env,
                              stderr=stderr, exit_codes=(0, 1))
    summary = re.search(r"(\d+) report\(s\) loaded .* (\d+) failed;", log.read_text(encoding="utf-8"))
    if summary is None:
        raise SystemExit(f"kg ingest (validated) did not finish: see {log}")
    log.unlink()
    remove_store(validated_store)
    ingest = run_child([KG, "ingest", str(records), "--store", str(store), "--no-validate"], env=env,
                       stderr=subprocess.DEVNULL)
    raw_after = raw_load()
    nquads.unlink()
    raw_s = (raw_before.seconds + raw_after.seconds) / 2
    raw_cpu = (raw_before.cpu + raw_after.cpu) / 2
    figures = {
        "bench": "ingest", "reports": size, "quads": quads,
        "validated_s": round(validated.seconds, 2), "validated_records_per_s": round(size / validated.seconds),
        "validated_quads_per_s": round(quads / validated.seconds), "validated_peak_mb": validated.peak_mb,
        "validated_cpu_s": round(validated.cpu, 1),
        "validated_vs_bulk_load": round(raw_s / validated.seconds, 2),
        "validated_loaded": int(summary.group(1)), "validated_rejected": int(summary.group(2)),
        "ingest_s": round(ingest.seconds, 2), "ingest_records_per_s": round(size / ingest.seconds),
        "ingest_quads_per_s": round(quads / ingest.seconds), "ingest_peak_mb": ingest.peak_mb,
        "ingest_cpu_s": round(ingest.cpu, 1),
        "ingest_vs_bulk_load": round(raw_s / ingest.seconds, 2),
        "bulk_load_s": [round(raw_before.seconds, 2), round(raw_after.seconds, 2)],
        "bulk_load_quads_per_s": round(quads / raw_s), "bulk_load_peak_mb": max(raw_before.peak_mb, raw_after.peak_mb),
        "bulk_load_cpu_s": round(raw_cpu, 1),
        "cpu_bulk_load_vs_validated": round(raw_cpu / validated.cpu, 2),
    }
    if per_report_sample:
        figures["per_report_records_per_s"] = round(per_report_rate(records, per_report_sample))
    if shacl_sample:
        figures["shacl_reports_per_s"] = round(shacl_rate(records, shacl_sample), 1)
    return figures


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1k,10k")
    parser.add_argument("--shacl-sample", type=int, default=100,
                        help="reports validated with pySHACL to give its rate (0: skip)")
    parser.add_argument("--per-report-sample", type=int, default=1000,
                        help="reports loaded one update each, the path before batching (0: skip)")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    for size in sizes(args.sizes):
        emit(bench(size, args.shacl_sample, args.per_report_sample))


if __name__ == "__main__":
    main()
