"""The named queries in queries/: each parses, and each gives the right answer on the demo data.

The demo store is built by `kg ingest data/reports` (the corrected records in data/records win),
see conftest.py. Expected answers come from two places: facts planted on purpose in the demo
records (the co-organiser pair, the patron of most events, a person whose post changes), and
figures computed here straight from the records' JSON, so that a query that reads the graph
wrongly (counts sub-events as events, takes a post from another year's report, loses optional
values in an aggregate…) disagrees with them.
"""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from pyoxigraph import Store as OxStore

from service.named_queries import load_queries, parse

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
RECORDS = ROOT / "data" / "records"
REPORTS = ROOT / "data" / "reports"

QUERY_FILES = sorted(QUERIES.glob("*.rq"))
MRPIPS = "Ministerstwo Rodziny, Pracy i Polityki Społecznej"
ROPS_BIA = "Regionalny Ośrodek Polityki Społecznej w Białymstoku"
MOPS_SUW = "Miejski Ośrodek Pomocy Społecznej w Suwałkach"


# helpers --------------------------------------------------------------------------------------

def query_text(name: str, **replace: str) -> str:
    text = (QUERIES / f"{name}.rq").read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text, f"{name}.rq has no {old!r} to change"
        text = text.replace(old, new)
    return text


def run(store, name: str, **replace: str) -> list[dict[str, str]]:
    """Rows of a named query as {variable: lexical value}; unbound variables are absent."""
    rows = store.select(query_text(name, **replace))
    return [{k: v.value for k, v in row.items()} for row in rows]


def split(cell: str | None, sep: str = ", ") -> set[str]:
    return set(cell.split(sep)) if cell else set()


def records() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(RECORDS.glob("*.json"))}


def walk(event: dict, parent: dict | None = None):
    """(event or part, top-level event) pairs, depth first."""
    top = parent or event
    yield event, top
    for sub in event.get("sub_events") or []:
        yield from walk(sub, top)


def year(event: dict) -> int | None:
    return int(event["start"][:4]) if event.get("start") else None


# every query ---------------------------------------------------------------------------------

def test_there_are_enough_named_queries():
    assert len(QUERY_FILES) >= 12
    assert [q.name for q in load_queries(QUERIES)] == [p.stem for p in QUERY_FILES]


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_query_has_its_header_and_parses(path: Path):
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert [re.match(r"# (\w+):", line).group(1) for line in lines[:4]] == [
        "title", "title_en", "description", "description_en"]
    query = parse(path.stem, text)
    assert all([query.title, query.title_en, query.description, query.description_en])
    assert re.search(r"\bORDER BY\b", text), "results must come in a fixed order"
    list(OxStore().query(text))  # parses and runs on an empty store


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_query_answers_on_the_demo_data(demo_store, path: Path):
    rows = run(demo_store, path.stem)
    assert rows, f"{path.stem} gave no rows on the demo data"
    # run twice: the same order each time
    assert run(demo_store, path.stem) == rows


def test_the_demo_store_holds_every_demo_report(demo_store):
    stems = {p.stem for p in REPORTS.iterdir() if p.suffix in {".txt", ".html"}}
    assert stems == set(records())
    reports = run(demo_store, "reports-behind-events")
    assert {r["report"].rsplit("/", 1)[1] for r in reports} == stems


# one test per query --------------------------------------------------------------------------

def test_events_by_year_and_theme(demo_store):
    rows = run(demo_store, "events-by-year-and-theme")
    expected = Counter((year(r["event"]), theme) for r in records().values()
                       for theme in r["event"]["themes"] if r["event"].get("start"))
    got = {(int(r["year"]), r["theme"].rsplit("/", 1)[1]): int(r["events"]) for r in rows}
    assert got == dict(expected)
    # two 2017 events (Kraków, Mielno) were about management; only top-level events count
    assert got[(2017, "zarzadzanie-pomoca-spoleczna")] == 2
    first_2017 = next(r for r in rows if r["year"] == "2017")
    assert first_2017["themeLabel"] == "zarządzanie w pomocy społecznej"
    years = [int(r["year"]) for r in rows]
    assert years == sorted(years) and years[0] == 2014 and years[-1] == 2025


def test_themes_over_years(demo_store):
    rows = run(demo_store, "themes-over-years")
    by_theme: dict[str, set[int]] = defaultdict(set)
    for r in records().values():
        for theme in r["event"]["themes"]:
            by_theme[theme].add(year(r["event"]))
    counts = Counter(t for r in records().values() for t in r["event"]["themes"])
    got = {r["theme"].rsplit("/", 1)[1]: r for r in rows}
    assert set(got) == set(counts)
    for theme, row in got.items():
        assert int(row["events"]) == counts[theme]
        assert int(row["firstYear"]) == min(by_theme[theme])
        assert int(row["lastYear"]) == max(by_theme[theme])
        assert {int(y) for y in split(row["years"])} == by_theme[theme]
    top = rows[0]
    assert top["themeLabel"] == "zarządzanie w pomocy społecznej"
    assert top["themeLabelEn"] == "management of social assistance"
    assert (top["events"], top["firstYear"], top["lastYear"]) == ("4", "2017", "2025")
    assert [int(r["events"]) for r in rows] == sorted((int(r["events"]) for r in rows), reverse=True)


def test_top_patrons(demo_store):
    rows = run(demo_store, "top-patrons")
    counts = Counter(p["name"] for r in records().values() for p in r["event"]["patrons"])
    assert {r["patronLabel"]: int(r["events"]) for r in rows} == dict(counts)
    first = rows[0]
    assert first["patronLabel"] == MRPIPS
    assert (first["events"], first["kinds"], first["firstYear"], first["lastYear"]) == ("6", "honorowy", "2016", "2025")
    assert "holders" not in first  # the ministry is a body: no office holder
    podlaskie = next(r for r in rows if r["patronLabel"] == "Marszałek Województwa Podlaskiego")
    assert podlaskie["patron"].split("/id/")[1].startswith("post/")
    assert podlaskie["events"] == "3"
    # named in 2019 and 2022, not in 2016: the holder must survive the unnamed year
    assert podlaskie["holders"] == "Artur Kosicki" and podlaskie["firstYear"] == "2016"
    media = next(r for r in rows if r["patronLabel"] == "Miesięcznik „Służby Społeczne”")
    assert (media["events"], media["kinds"]) == ("3", "medialny")
    kinds = {r["patronLabel"]: r["kinds"] for r in rows}
    assert kinds["Uniwersytet Mikołaja Kopernika w Toruniu"] == "merytoryczny"
    # the ministry under its 2020–2023 name is another body
    assert next(r for r in rows if r["patronLabel"] == "Ministerstwo Rodziny i Polityki Społecznej")["events"] == "2"


def test_patron_office_holders(demo_store):
    rows = run(demo_store, "patron-office-holders")
    expected = Counter((p["person"], p["name"]) for r in records().values()
                       for p in r["event"]["patrons"] if p.get("person"))
    assert {(r["name"], r["patronLabel"]): int(r["events"]) for r in rows} == dict(expected)
    kosicki = next(r for r in rows if r["name"] == "Artur Kosicki")
    assert kosicki["patronLabel"] == "Marszałek Województwa Podlaskiego"
    assert split(kosicki["dates"]) == {"2019-06-05", "2022-12-05"}
    assert [int(r["events"]) for r in rows][:3] == [2, 2, 2] and rows[-1]["events"] == "1"


CONTRIBUTING = {"opened", "welcomed", "spoke", "presented", "moderated", "sent_letter"}
OFFICIALS_YEAR = "YEAR(?start) IN (2017)"  # the query's default year


def officials(store, *years: int) -> list[dict[str, str]]:
    """officials-at-events for the events that began in `years` (its default year when none)."""
    if not years:
        return run(store, "officials-at-events")
    return run(store, "officials-at-events",
               **{OFFICIALS_YEAR: "YEAR(?start) IN (%s)" % ", ".join(map(str, years))})


def appearances(*years: int) -> set[tuple]:
    """(person, event, part or None, role) from the records, for events that began in `years`."""
    return {(c["person"], top["name"], None if part is top else part["name"], c["role"].replace("_", "-"))
            for r in records().values() if year(r["event"]) in years
            for part, top in walk(r["event"])
            for c in part["contributions"] if c["role"] in CONTRIBUTING}


def keys(rows) -> set[tuple]:
    return {(r["name"], r["eventLabel"], r.get("part"), r["role"].rsplit("/", 1)[1]) for r in rows}


def test_officials_at_events(demo_store):
    rows = officials(demo_store)
    assert keys(rows) == appearances(2017) and len(rows) == len(appearances(2017))
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates)
    # two events that year: Mielno's (September) rows, then Kraków's (October)
    recs = records()
    mielno, krakow = (recs[stem]["event"]["name"] for stem in ("2017-mielno-xii-forum-pcpr", "2017-krakow-forum-xxvi-konferencja"))
    order = [r["eventLabel"] for r in rows]
    assert set(order) == {mielno, krakow} and order == sorted(order, key=[mielno, krakow].index)

    # the post is the one the same report gives: Wyrwicka's department was renamed between years
    assert {r["posts"] for r in rows if r["name"] == "Krystyna Wyrwicka"} == {
        "dyrektor – Departament Pomocy Społecznej"}
    # a talk in a session is rolled up to its event, with the session named and its own date
    lewoc = [r for r in rows if r["name"] == "Leszek Lewoc"]
    assert [(r["date"], r["role"].rsplit("/", 1)[1]) for r in lewoc] == [("2017-10-13", "presented")]
    assert lewoc[0]["eventLabel"] == "XXVI Konferencja Stowarzyszenia Samorządowych Ośrodków Pomocy Społecznej FORUM"
    assert lewoc[0]["part"] == "sesja dobrych praktyk"
    assert lewoc[0]["posts"] == f"dyrektor – {MOPS_SUW}"
    # awards and mere attendance are not speaking
    assert not any(r["name"] in {"Katarzyna Wilk", "Alina Sowa"} for r in rows)


def test_officials_at_events_keeps_to_the_chosen_year(demo_store):
    years = sorted({year(r["event"]) for r in records().values()})
    assert len(years) > 5
    everything = set()
    for y in years:
        rows = officials(demo_store, y)
        # exactly that year's appearances: none from another year's events, none missing
        assert keys(rows) == appearances(y) and len(rows) == len(appearances(y)), y
        assert rows and all(r["date"][:4] == str(y) for r in rows), y
        everything |= keys(rows)
    # year by year, every appearance of the corpus once
    assert everything == appearances(*years)
    assert officials(demo_store, min(years) - 1) == []
    # several years at once: the union, still in date order
    both = officials(demo_store, 2016, 2017)
    assert keys(both) == appearances(2016, 2017)
    assert [r["date"] for r in both] == sorted(r["date"] for r in both)


def test_officials_at_events_over_the_years(demo_store):
    rows = officials(demo_store, *sorted({year(r["event"]) for r in records().values()}))
    wyrwicka = {r["date"][:4]: r["posts"] for r in rows if r["name"] == "Krystyna Wyrwicka"}
    assert wyrwicka == {"2016": "dyrektor – Departament Pomocy i Integracji Społecznej",
                        "2017": "dyrektor – Departament Pomocy Społecznej"}
    szymanska = {r["date"][:4]: r["posts"] for r in rows if r["name"] == "Joanna Szymańska"}
    assert szymanska["2016"] == f"zastępca dyrektora – {ROPS_BIA}"
    assert szymanska["2019"] == szymanska["2022"] == f"dyrektor – {ROPS_BIA}"
    lewoc = [r for r in rows if r["name"] == "Leszek Lewoc"]
    assert [(r["date"], r["role"].rsplit("/", 1)[1]) for r in lewoc] == [
        ("2017-10-13", "presented"), ("2019-06-05", "opened"), ("2022-12-05", "presented"), ("2025-06-12", "presented")]
    assert all(r["posts"] == f"dyrektor – {MOPS_SUW}" for r in lewoc)
    assert "part" not in lewoc[1]


def test_letters_and_awards(demo_store):
    rows = run(demo_store, "letters-and-awards")
    letters = [(r["name"], r["start"][:4]) for r in rows if r["what"].startswith("list")]
    assert letters == [("Elżbieta Rafalska", "2017"), ("Elżbieta Rafalska", "2018"), ("Artur Kosicki", "2022")]
    assert all(r["posts"] == f"minister – {MRPIPS}" for r in rows if r["name"] == "Elżbieta Rafalska")
    awarded = {(c["person"], top["name"]) for r in records().values() for part, top in walk(r["event"])
               for c in part["contributions"] if c["role"] == "awarded"}
    assert {(r["name"], r["eventLabel"]) for r in rows if r["what"].startswith("wyróżnienie")} == awarded


def test_co_organisers(demo_store):
    rows = run(demo_store, "co-organisers")
    expected = Counter()
    for r in records().values():
        bodies = sorted(set(r["event"]["organisers"]) | set(r["event"]["partners"]))
        expected.update((a, b) for i, a in enumerate(bodies) for b in bodies[i + 1:])
    assert {tuple(sorted((r["aLabel"], r["bLabel"]))): int(r["events"]) for r in rows} == dict(expected)
    first = rows[0]
    assert {first["aLabel"], first["bLabel"]} == {ROPS_BIA, MOPS_SUW}
    assert first["events"] == "2" and split(first["years"]) == {"2019", "2022"}
    assert all(r["events"] == "1" for r in rows[1:])


def test_most_active_organisers(demo_store):
    rows = run(demo_store, "most-active-organisers")
    first = rows[0]
    assert (first["bodyLabel"], first["events"], first["asOrganiser"], first["asPartner"]) == (ROPS_BIA, "3", "3", "0")
    assert split(first["years"]) == {"2016", "2019", "2022"}
    by_label = {r["bodyLabel"]: r for r in rows}
    assert (by_label[MOPS_SUW]["asOrganiser"], by_label[MOPS_SUW]["asPartner"]) == ("1", "1")
    forum = by_label["Stowarzyszenie Samorządowych Ośrodków Pomocy Społecznej FORUM"]
    assert (forum["events"], forum["asOrganiser"], forum["asPartner"]) == ("2", "0", "2")
    organised = Counter(b for r in records().values() for b in set(r["event"]["organisers"]) | set(r["event"]["partners"]))
    assert {label: int(r["events"]) for label, r in by_label.items()} == dict(organised)


@pytest.mark.parametrize("stem, starts", [
    ("podlask", ["2016-10-13", "2019-06-05", "2022-12-05"]),
    ("mazowieck", ["2015-11-19", "2024-11-21"]),
    ("kujawsko-pomorsk", ["2018-11-22", "2021-06-16"]),
    ("lubelsk", ["2014-11-27"]),
    ("śląsk", ["2025-06-11"]),
])
def test_events_in_voivodeship(demo_store, stem, starts):
    rows = run(demo_store, "events-in-voivodeship", **{'"podlask"': f'"{stem}"'})
    assert [r["start"] for r in rows] == starts
    assert all(stem in r["evidence"].lower() for r in rows)


def test_events_in_voivodeship_default_names_the_marshal(demo_store):
    rows = run(demo_store, "events-in-voivodeship")
    assert {r["evidence"] for r in rows} == {"Marszałek Województwa Podlaskiego"}
    assert rows[1]["eventLabel"] == "konferencja „Wyjść z bezdomności – lokalne strategie i mieszkania wspierane”"


@pytest.mark.parametrize("name, posts", [
    ("Joanna Szymańska", [("2016-10-13", f"zastępca dyrektora – {ROPS_BIA}"),
                          ("2019-06-05", f"dyrektor – {ROPS_BIA}"),
                          ("2022-12-05", f"dyrektor – {ROPS_BIA}")]),
    ("Krystyna Wyrwicka", [("2016-10-13", "dyrektor – Departament Pomocy i Integracji Społecznej"),
                           ("2017-09-18", "dyrektor – Departament Pomocy Społecznej")]),
    ("Magdalena Ostrowska", [("2015-11-19", "kierownik – Ośrodek Pomocy Społecznej Dzielnicy Wola m.st. Warszawy"),
                             ("2024-11-21", "zastępca dyrektora – Mazowieckie Centrum Polityki Społecznej")]),
])
def test_person_posts_over_time(demo_store, name, posts):
    rows = run(demo_store, "person-posts-over-time", **{'"Joanna Szymańska"': f'"{name}"'})
    assert [(r["date"], r["postLabel"]) for r in rows] == posts
    for r in rows:  # each statement comes with the report it was read from
        stem = r["report"].rsplit("/", 1)[1]
        assert stem.startswith(r["date"][:4]) and (RECORDS / f"{stem}.json").is_file()


def test_people_in_most_reports(demo_store):
    rows = run(demo_store, "people-in-most-reports")
    appearances = Counter(p["name"] for r in records().values() for p in r["people"])
    assert {r["name"]: int(r["reports"]) for r in rows} == {n: c for n, c in appearances.items() if c > 1}
    assert [(r["name"], r["reports"]) for r in rows[:2]] == [("Leszek Lewoc", "4"), ("Joanna Szymańska", "3")]
    lewoc = rows[0]
    assert split(lewoc["years"]) == {"2017", "2019", "2022", "2025"}
    assert split(lewoc["roles"]) == {"opened", "presented"}
    kosicki = next(r for r in rows if r["name"] == "Artur Kosicki")
    assert split(kosicki["roles"]) == {"honorary-patron", "sent-letter"}


def test_events_by_kind(demo_store):
    rows = run(demo_store, "events-by-kind")
    main, parts = Counter(), Counter()
    for r in records().values():
        for event, top in walk(r["event"]):
            (main if event is top else parts)[event["kind"].replace("_", "-")] += 1
    got = {r["kind"].rsplit("/", 1)[1]: (int(r["events"]), int(r["parts"]), int(r["total"])) for r in rows}
    assert got == {k: (main[k], parts[k], main[k] + parts[k]) for k in main | parts}
    assert rows[0]["kindLabel"] == "konferencja" and got["conference"] == (10, 0, 10)
    assert got["debate"] == (0, 6, 6) and got["study-visit"] == (0, 3, 3)


def test_participant_counts(demo_store):
    rows = run(demo_store, "participant-counts")
    expected = sorted(((r["event"]["participants"]["count"], r["event"]["participants"]["qualifier"], r["event"]["start"])
                       for r in records().values() if r["event"].get("participants")),
                      key=lambda t: (-t[0], t[2]))
    assert [(int(r["count"]), r["qualifier"], r["start"]) for r in rows] == expected
    assert rows[0]["eventLabel"] == "III Mazowiecki Kongres Ekonomii Społecznej"
    assert rows[0]["phrase"] == "ponad 300 osób"
    assert next(r for r in rows if r["qualifier"] == "exact")["phrase"] == "80 osób"


def test_events_with_study_visit(demo_store):
    rows = run(demo_store, "events-with-study-visit")
    expected = [(top["start"], part["start"], ", ".join(part["places"]))
                for r in records().values() for part, top in walk(r["event"]) if part["kind"] == "study_visit"]
    assert [(r["eventStart"], r["visitDate"], r["places"]) for r in rows] == sorted(expected)
    berlin = next(r for r in rows if r["places"] == "Berlin")
    assert berlin["hosts"] == "Sabine Krüger"
    assert berlin["eventLabel"].startswith("XII Ogólnopolskie Forum")


def test_places_and_venues(demo_store):
    rows = run(demo_store, "places-and-venues")
    by_label = {r["locationLabel"]: r for r in rows}
    assert (by_label["Toruń"]["events"], split(by_label["Toruń"]["years"])) == ("2", {"2018", "2021"})
    zielna = by_label["Centrum Konferencyjne „Zielna”"]
    assert zielna["type"].startswith("obiekt") and zielna["events"] == "2"
    assert by_label["Warszawa"]["type"].startswith("miejscowość")
    assert by_label["Berlin"]["events"] == "1"  # the study visit's place counts for its event
    assert [int(r["events"]) for r in rows][:3] == [2, 2, 2]
    places = {p for r in records().values() for e, _ in walk(r["event"]) for p in e["places"]}
    venues = {e["venue"] for r in records().values() for e, _ in walk(r["event"]) if e.get("venue")}
    assert set(by_label) == places | venues


def test_reports_behind_events(demo_store):
    rows = run(demo_store, "reports-behind-events")
    recs = records()
    assert len(rows) == len(recs)
    for row in rows:
        stem = row["report"].rsplit("/", 1)[1]
        record = recs[stem]
        assert row["eventLabel"] == record["event"]["name"]
        assert row["title"] == record["report"]["title"]
        assert row.get("issued") == record["report"]["published"]
        assert split(row.get("authors")) == set(record["report"]["authors"])
        assert (REPORTS / row["file"]).is_file() and Path(row["file"]).stem == stem
    files = {r["file"] for r in rows}
    assert "2022-lomza-rops-deinstytucjonalizacja-cp1250.txt" in files
    assert "2020-lodz-rcps-zdrowie-psychiczne-dzieci.html" in files
    starts = [r["start"] for r in rows]
    assert starts == sorted(starts)
