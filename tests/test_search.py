"""Search (service/pageindex/read.search) against a brute-force filter of the same meaning, on
indexes of random names from a small vocabulary: its words are common, so every way search has
of matching several words is taken (a rare word probed, two words led from the word-pair table,
the words' entries merged), and names are renamed and forgotten between the queries.
"""
from __future__ import annotations

import random
from itertools import combinations

import pytest

from service.pageindex import PageIndex, read
from service.pageindex.derive import Identity, ReportRows, fold
from support import BASE

#: Words of the random names: prefixes of one another ("kowal", "kowalski"), one and two letters,
#: diacritics, so that query words share forms and stand for several.
VOCABULARY = ("Anna", "Anka", "Ankieta", "Ania", "an", "Maria", "Marek", "Marta", "mar", "ma", "Kowal",
              "Kowalski", "Kowalska", "Kowalczyk", "ko", "Ośrodek", "Osrodka", "pomocy", "Pomoc", "Łódź",
              "lodz", "w", "i", "Zenon")
PEOPLE = 300
REPORTS = 6
QUERIES = 150


def person(n: int) -> str:
    return f"{BASE}/id/person/p{n}"


def report(n: int) -> str:
    return f"{BASE}/id/report/r{n}"


def name(rng: random.Random) -> str:
    return " ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(1, 5)))


def report_rows(rng: random.Random, n: int) -> ReportRows:
    """Report n, titled with a random name, naming a random half of the people."""
    return ReportRows(report(n), title=name(rng), issued=f"2020-01-0{n % 9 + 1}", stamp=str(n),
                      mentions={person(i) for i in range(PEOPLE) if rng.random() < 0.5})


def expected(pages: PageIndex, text: str, limit: int) -> list[str]:
    """What search means, by brute force over the entity table: each query word (one or two
    letters: a whole word) stands for the first SEARCH_FORMS indexed words it starts, and a name
    matches when it holds one of each; shortest names first; of the 2 × limit first matches (what
    search reads), those a report names, up to `limit`."""
    entities = list(pages.connection().execute(
        "SELECT e.id, t.iri, e.label, e.reports FROM entity e JOIN term t ON t.id = e.id"))
    indexed = sorted({w for _id, _iri, label, _n in entities for w in fold(label).split()})

    def forms(word: str) -> set[str]:
        if len(word) < 3:
            return {word} & set(indexed)
        return set([w for w in indexed if w.startswith(word)][:read.SEARCH_FORMS])

    wanted = [forms(w) for w in list(dict.fromkeys(fold(text).split()))[:8]]
    if not wanted:
        return []
    hits = sorted((len(label), id_, iri, n) for id_, iri, label, n in entities  # ties: the index's id order
                  if all(set(fold(label).split()) & f for f in wanted))
    return [iri for _len, _id, iri, n in hits[:2 * limit] if n > 0][:limit]


def query(rng: random.Random, words: list[str]) -> str:
    """One to four words: indexed ones, their prefixes (of one letter up), upper-cased, unknown;
    now and then a word with a prefix of it (two query words standing for one form)."""
    parts = []
    for _ in range(rng.randint(1, 4)):
        word, dice = rng.choice(words), rng.random()
        parts.append(word if dice < 0.35 else word[:rng.randint(1, len(word))] if dice < 0.8
                     else word.upper() if dice < 0.95 else "zzq")
    if rng.random() < 0.25:
        parts.append(parts[0][:max(3, len(parts[0]) - 2)])
    return " ".join(parts)


def pairs_of_labels(pages: PageIndex) -> list[tuple]:
    return sorted((a, b, len(label), iri) for iri, label in pages.connection().execute(
                      "SELECT t.iri, e.label FROM entity e JOIN term t ON t.id = e.id")
                  for a, b in combinations(sorted(w for w in set(fold(label).split()) if len(w) > 2), 2))


@pytest.mark.parametrize("few, forms, pair_forms", [(8, 64, 16), (8, 3, 16), (0, 64, 0), (10**9, 64, 16)],
                         ids=["paired", "paired-few-forms", "merged", "probed"])
def test_search_is_the_brute_force_filter_through_renames_and_removals(monkeypatch, few, forms, pair_forms):
    monkeypatch.setattr(read, "SEARCH_FEW", few)
    monkeypatch.setattr(read, "SEARCH_FORMS", forms)
    monkeypatch.setattr(read, "PAIR_FORMS", pair_forms)
    led = []
    pair_led = read._pair_led
    monkeypatch.setattr(read, "_pair_led", lambda *args: led.append(args) or pair_led(*args))
    rng = random.Random(f"{few}-{forms}-{pair_forms}")
    pages = PageIndex.open(":memory:")
    pages.apply([report_rows(rng, n) for n in range(REPORTS)],
                {person(i): Identity(person(i), "person", name(rng)) for i in range(PEOPLE)})

    def check() -> int:
        assert sorted(pages.resolved("word_pair")) == pairs_of_labels(pages)
        words = sorted({w for (w,) in pages.connection().execute("SELECT word FROM word")})
        found = 0
        for _ in range(QUERIES):
            text, limit = query(rng, words), rng.choice((1, 3, 50))
            hits = [e.iri for e in read.search(pages, text, limit=limit)]
            assert hits == expected(pages, text, limit), (text, limit)
            found += bool(hits)
        return found

    assert check() > QUERIES // 4
    # renamed people (some to names sharing words with the old ones), forgotten and replaced reports
    pages.apply([], {person(i): Identity(person(i), "person", name(rng)) for i in rng.sample(range(PEOPLE), 60)})
    assert check() > QUERIES // 4
    pages.remove([report(0), report(1)])
    pages.apply([report_rows(rng, 2), report_rows(rng, REPORTS)])
    assert check() > QUERIES // 4
    assert bool(led) == (few == 8), "the pair table leads when every word is common, and only then"


def test_two_common_words_are_read_from_the_pair_table(monkeypatch):
    """With the pair rows gone, a search of two common words finds nothing: it reads them, not the
    words' entries (which still hold both); with a rare word, the word table alone answers."""
    monkeypatch.setattr(read, "SEARCH_FEW", 4)
    pages = PageIndex.open(":memory:")
    labels = ["Anna Maria Kowalska"] * 5 + ["Anna Nowak"] * 5 + ["Maria Nowak"] * 5 + ["Anna Maria Zenon"]
    pages.apply([ReportRows(report(0), mentions={person(i) for i in range(len(labels))})],
                {person(i): Identity(person(i), "person", label) for i, label in enumerate(labels)})
    both = {person(i) for i, label in enumerate(labels) if "Anna Maria" in label}
    assert {e.iri for e in read.search(pages, "ann mar")} == both
    assert [e.iri for e in read.search(pages, "maria anna zenon")] == [person(len(labels) - 1)]
    with pages.transaction() as conn:
        conn.execute("DELETE FROM word_pair")
    assert read.search(pages, "ann mar") == [] and read.search(pages, "anna maria kow") == []
    assert [e.iri for e in read.search(pages, "maria anna zenon")] == [person(len(labels) - 1)]
    assert {e.iri for e in read.search(pages, "anna")} == both | {person(i) for i in range(5, 10)}
