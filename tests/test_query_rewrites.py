"""Named queries rewritten for speed answer exactly what they answered before.

`tests/queries_before/NAME.rq` holds the text of `queries/NAME.rq` before it was rewritten (see
each query's comment for how); both run on the demo store and must give the same columns and the
same rows in the same order. Only the order of values inside a GROUP_CONCAT cell is left to the
store (queries/README.md), so those cells are compared as sets of their parts.
"""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from pyoxigraph import QueryResultsFormat

from support import ROOT

BEFORE = Path(__file__).parent / "queries_before"
REWRITTEN = sorted(p.stem for p in BEFORE.glob("*.rq"))


def answer(store, text: str) -> dict:
    buffer = io.BytesIO()
    store.query(text).serialize(buffer, QueryResultsFormat.JSON)
    return json.loads(buffer.getvalue())


def separators(text: str) -> list[str]:
    return re.findall(r'separator\s*=\s*"([^"]*)"', text)


def normalised(result: dict, seps: list[str]) -> list[list]:
    rows = []
    for binding in result["results"]["bindings"]:
        row = []
        for var in result["head"]["vars"]:
            cell = dict(binding.get(var, {}))
            value = cell.get("value")
            if value is not None and cell.get("type") == "literal":
                for sep in seps:
                    if sep in value:
                        value = sep.join(sorted(value.split(sep)))
                cell["value"] = value
            row.append(sorted(cell.items()))
        rows.append(row)
    return rows


def test_there_are_rewritten_queries():
    assert REWRITTEN and all((ROOT / "queries" / f"{name}.rq").is_file() for name in REWRITTEN)


@pytest.mark.parametrize("name", REWRITTEN)
def test_a_rewritten_query_answers_as_before(demo_store, name):
    old = (BEFORE / f"{name}.rq").read_text(encoding="utf-8")
    new = (ROOT / "queries" / f"{name}.rq").read_text(encoding="utf-8")
    assert old != new
    before, after = answer(demo_store, old), answer(demo_store, new)
    assert before["head"] == after["head"]
    assert before["results"]["bindings"], "the demo data must give the query something to answer"
    seps = separators(old)
    assert normalised(before, seps) == normalised(after, seps)
