"""Comparing two answers of a named query (SPARQL JSON results) as the rewrites promise: same
columns, same rows in the order the ORDER BY defines; GROUP_CONCAT cells as sets of their parts,
rows that tie on every ORDER BY key as a set. Used by tests/test_query_rewrites.py and
bench/rewrites.py."""
from __future__ import annotations

import re


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


def order_keys(text: str) -> list[str] | None:
    """The variables of the query's last ORDER BY, ASC()/DESC() taken off (None when it orders
    by anything but variables)."""
    clause = text.rsplit("ORDER BY", 1)[-1].split("LIMIT")[0]
    keys = [re.fullmatch(r"(?:(?:ASC|DESC)\()?\?(\w+)\)?", token) for token in clause.split()]
    return [key.group(1) for key in keys] if keys and all(keys) else None


def tie_blocks(rows: list[list], head: list[str], keys: list[str]) -> list[list]:
    """Runs of consecutive rows equal on every ORDER BY key, each run's rows sorted."""
    index = [head.index(key) for key in keys]
    blocks, last = [], None
    for row in rows:
        key = [row[i] for i in index]
        if not blocks or key != last:
            blocks.append([])
            last = key
        blocks[-1].append(row)
    return [sorted(block, key=repr) for block in blocks]
