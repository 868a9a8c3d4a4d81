"""Open data at scale: the demo graphs copied N times (as distinct report graphs) into an embedded
store, then the time to build the catalogue, count the VoID statistics, and stream each dump, with
the process's peak memory before and after the dumps (streaming should keep it flat).

    .venv/bin/python bench/open_data.py [copies=50]
"""
from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pyoxigraph import NamedNode, Quad

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BASE = "http://kg.test"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(copies: int) -> None:
    from service.catalog import dataset_facts, write_catalog
    from service.config import load_config
    from service.store import open_store
    from service.web.dumps import chunks_for, dump_files
    from service.web.void import statistics

    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        seed = Path(tmp) / "seed"
        subprocess.run([str(Path(sys.executable).with_name("kg")), "ingest", str(ROOT / "data" / "reports"),
                        "--store", str(seed)], check=True, capture_output=True, env={"KG_BASE": BASE, "PATH": ""})
        source = open_store(str(seed))
        quads = list(source.oxigraph.quads_for_pattern(None, None, None, None))
        source.close()
        store = open_store(str(Path(tmp) / "big"))
        reports = [q for q in quads if "/id/report/" in q.graph_name.value]
        for i in range(copies):  # each copy: new graph names and new entity IRIs
            def renamed(term):
                return NamedNode(term.value.replace("/id/", f"/id/c{i}-", 1)) if isinstance(term, NamedNode) and term.value.startswith(BASE + "/id/") else term
            store.oxigraph.extend([Quad(renamed(q.subject), q.predicate, renamed(q.object), renamed(q.graph_name)) for q in reports])
        store.oxigraph.extend([q for q in quads if "/id/report/" not in q.graph_name.value])
        print(f"store: {len(store)} quads, {len(store.named_graphs())} graphs; peak RSS {peak_mb():.0f} MB")
        config = load_config({"BASE": BASE})
        t = time.perf_counter(); write_catalog(store, config); print(f"catalogue build+write: {time.perf_counter() - t:.2f} s")
        t = time.perf_counter(); dataset_facts(store, BASE); print(f"catalogue facts only:  {time.perf_counter() - t:.2f} s")
        t = time.perf_counter(); stats = statistics(store, BASE)
        print(f"VoID statistics:       {time.perf_counter() - t:.2f} s ({stats.triples} triples)")
        before = peak_mb()
        for entry in dump_files():
            t = time.perf_counter()
            chunks, _ = chunks_for(store, BASE, entry["file"])
            size = sum(len(c) for c in chunks)
            seconds = time.perf_counter() - t
            print(f"dump {entry['file']:<20} {size / 1e6:8.1f} MB in {seconds:5.2f} s ({size / 1e6 / seconds:6.1f} MB/s), peak RSS {peak_mb():.0f} MB")
        print(f"peak RSS before dumps {before:.0f} MB, after {peak_mb():.0f} MB")
        store.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
