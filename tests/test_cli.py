"""`kg query` and `kg export` as a user runs them, on the demo store."""
from __future__ import annotations

import csv
import io
import json
import subprocess

import rdflib

from support import KG, ROOT

EVENTS = "SELECT ?e WHERE { ?e a <http://schema.org/Event> } ORDER BY ?e"


def kg(*args, check=True):
    result = subprocess.run([KG, *args], capture_output=True, text=True, cwd=ROOT)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_query_formats_agree(demo_store_dir):
    store = ["--store", str(demo_store_dir)]
    as_json = json.loads(kg("query", EVENTS, "--format", "json", *store).stdout)
    events = [b["e"]["value"] for b in as_json["results"]["bindings"]]
    assert events
    rows = list(csv.DictReader(io.StringIO(kg("query", EVENTS, "--format", "csv", *store).stdout)))
    assert [r["e"] for r in rows] == events
    table = kg("query", EVENTS, *store).stdout
    assert all(e[:60] in table for e in events)
    tsv = kg("query", EVENTS, "--format", "tsv", *store).stdout.splitlines()
    assert tsv[0] == "?e" and len(tsv) == len(events) + 1


def test_query_from_a_named_file(demo_store_dir):
    files = sorted((ROOT / "queries").glob("*.rq"))
    assert files, "queries/ holds the named example queries"
    result = kg("query", "--file", str(files[0]), "--format", "json", "--store", str(demo_store_dir))
    assert json.loads(result.stdout)


def test_a_broken_query_is_a_clear_error(demo_store_dir):
    result = kg("query", "SELECT WHERE", "--store", str(demo_store_dir), check=False)
    assert result.returncode != 0
    assert "malformed query" in result.stderr and "Traceback" not in result.stderr


def test_export_round_trips(demo_store_dir, demo_store, tmp_path):
    out = tmp_path / "all.nq"
    kg("export", "--format", "nquads", "-o", str(out), "--store", str(demo_store_dir))
    dataset = rdflib.Dataset()
    dataset.parse(out, format="nquads")
    assert len(list(dataset.quads((None, None, None, None)))) == len(demo_store)
    turtle = kg("export", "--format", "turtle", "--store", str(demo_store_dir)).stdout
    assert len(rdflib.Graph().parse(data=turtle, format="turtle")) > 0
