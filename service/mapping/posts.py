"""Telling a post ("Marszałek Województwa Podlaskiego") from a body among organisers and patrons.

The mapping does no language work; it only checks the first word against the post titles the
project knows (`data/lexicon/post_titles.tsv`, first column) and those the record itself uses.
"""
from functools import lru_cache
from pathlib import Path

from service.tsv import read_tsv

POST_TITLES_FILE = Path(__file__).resolve().parents[2] / "data" / "lexicon" / "post_titles.tsv"


@lru_cache(maxsize=1)
def known_post_titles() -> frozenset[str]:
    try:
        rows = read_tsv(POST_TITLES_FILE)
    except OSError:
        return frozenset()
    firsts = (row["pattern"].lower() for row in rows)
    return frozenset(title for title in firsts if title and " " not in title)


def is_post_name(name: str, record_titles: set[str] = frozenset()) -> bool:
    first = name.split()[0] if name.split() else ""
    if not first[:1].isupper():
        return False
    first = first.lower()
    return first in record_titles or first in known_post_titles()
