"""A rewritten named query against its former text, in-process, on a bench store: same answer
(columns, rows and their order; GROUP_CONCAT cells as sets of their parts, as
tests/test_query_rewrites.py compares them) and the time of each, run side by side.

    python bench/rewrites.py --sizes 1k,10k [--runs 2] [NAME ...]
    python bench/rewrites.py --sizes 100k --runs 1 --only new officials-at-events

The former text is tests/queries_before/NAME.rq (queries/NAME.rq itself for a query never
rewritten: time it alone with `--only new`; `--old FILE` for another, e.g. a query's text before
it changed meaning, `git show REV:queries/NAME.rq`), the new one queries/NAME.rq (or `--new
FILE` for a draft). Each side runs `--runs` times, alternately (old, new, old, new…); the best run is
reported. The store is opened read-only (bench/out/store-SIZE is never written).
"""
from __future__ import annotations

import argparse
import io
import json
import sys
import time
from pathlib import Path

from common import OUT, ROOT, emit, sizes

sys.path.insert(0, str(ROOT / "tests"))
from query_answers import normalised, order_keys, separators, tie_blocks  # noqa: E402 (the tests' comparison)

BEFORE = ROOT / "tests" / "queries_before"


def run(store, text: str) -> tuple[float, dict]:
    from pyoxigraph import QueryResultsFormat
    started = time.perf_counter()
    buffer = io.BytesIO()
    store.query(text, use_default_graph_as_union=True).serialize(buffer, QueryResultsFormat.JSON)
    elapsed = time.perf_counter() - started
    return elapsed * 1000, json.loads(buffer.getvalue())


def compare(store, name: str, old: str, new: str, runs: int, only: str | None) -> dict:
    row = {"bench": "rewrites", "query": name}
    texts = {"old": old, "new": new}
    best, answers = {}, {}
    for _ in range(runs):
        for side, text in texts.items():
            if only and side != only:
                continue
            ms, answer = run(store, text)
            best[side] = min(best.get(side, ms), ms)
            answers[side] = answer
    for side, ms in best.items():
        row[f"{side}_ms"] = round(ms, 1)
        row[f"{side}_rows"] = len(answers[side]["results"]["bindings"])
    if len(answers) == 2:
        seps = separators(old)
        a, b = answers["old"], answers["new"]
        row["same_head"] = a["head"] == b["head"]
        row["same_rows"] = normalised(a, seps) == normalised(b, seps)
        row["identical"] = a == b
        keys = order_keys(old)
        if not row["same_rows"] and keys and row["same_head"]:
            head = a["head"]["vars"]
            na, nb = normalised(a, seps), normalised(b, seps)
            row["same_up_to_ties"] = tie_blocks(na, head, keys) == tie_blocks(nb, head, keys)
            row["tied_rows_moved"] = sum(x != y for x, y in zip(na, nb))
        row["old_over_new"] = round(best["old"] / best["new"], 2)
        if not row["same_rows"]:
            na, nb = normalised(a, seps), normalised(b, seps)
            for i, (x, y) in enumerate(zip(na, nb)):
                if x != y:
                    row["first_difference"] = {"row": i, "old": x, "new": y}
                    break
    return row


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="queries (default: every one in tests/queries_before)")
    parser.add_argument("--sizes", default="1k")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--new", type=Path, help="a draft text to compare instead of queries/NAME.rq")
    parser.add_argument("--old", type=Path, help="a text to compare with instead of tests/queries_before/NAME.rq")
    parser.add_argument("--stores", type=Path, default=OUT,
                        help="the folder holding store-SIZE (e.g. hard-linked views of bench/out's)")
    parser.add_argument("--only", choices=("old", "new"), help="time one side only")
    args = parser.parse_args(argv)
    import pyoxigraph as ox
    names = args.names or sorted(p.stem for p in BEFORE.glob("*.rq"))
    for size in sizes(args.sizes):
        store = ox.Store.read_only(str(args.stores / f"store-{size}"))
        for name in names:
            former = args.old or BEFORE / f"{name}.rq"
            old = former.read_text(encoding="utf-8") \
                if former.exists() else (ROOT / "queries" / f"{name}.rq").read_text()
            new = (args.new or ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8")
            emit({"reports": size, **compare(store, name, old, new, args.runs, args.only)})
        del store


if __name__ == "__main__":
    main(sys.argv[1:])
