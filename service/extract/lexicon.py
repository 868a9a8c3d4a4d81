"""Loading the extractor's data files (data/lexicon/*.tsv), once per process.

Every file: `#` comment lines, one header line, tab-separated columns. The directory is
`KG_LEXICON_DIR` when set, else `data/lexicon` at the repository root.
"""
from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from service.tsv import read_tsv

_DEFAULT = Path(__file__).resolve().parents[2] / "data" / "lexicon"


def lexicon_dir() -> Path:
    env = os.environ.get("KG_LEXICON_DIR")
    return Path(env) if env else _DEFAULT


@lru_cache(maxsize=None)
def table(name: str) -> tuple[dict, ...]:
    """Rows of `name`.tsv as dicts keyed by the header; missing file gives no rows."""
    try:
        return read_tsv(lexicon_dir() / f"{name}.tsv")
    except OSError:
        return ()


@lru_cache(maxsize=None)
def column_map(name: str, key: str, value: str) -> dict:
    """{row[key]: row[value]} for a table (first row wins)."""
    out = {}
    for row in table(name):
        out.setdefault(row[key], row[value])
    return out


@lru_cache(maxsize=None)
def values(name: str, column: str, **where) -> frozenset:
    """The set of `column` values of the rows matching `where`."""
    return frozenset(
        row[column] for row in table(name) if all(row.get(k) == v for k, v in where.items())
    )


def cue_patterns(words: str) -> tuple[str, ...]:
    """A cue written as space-separated lemmas, lower-cased."""
    return tuple(w for w in words.lower().split() if w)
