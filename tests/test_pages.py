"""Pages for people, through the Flask test client over the demo store: facets (combined, with
counts that match what following them gives), timeline, map, profiles, report text, the SPARQL
editor, the language switch, and 4xx (never 500) on junk parameters."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, quote, urlsplit

import pytest

BASE = "http://kg.test"


def html(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code, response.data[:500])
    return response.get_data(as_text=True)


def total(page: str) -> int:
    return int(re.search(r'id="total">(\d+)<', page).group(1))


def event_links(page: str) -> set[str]:
    body = page.split('class="results"', 1)[1] if 'class="results"' in page else page
    return set(re.findall(r'href="(/id/event/[^"#?]+)"', body))


def facet_links(page: str) -> list[tuple[str, str, str, int, bool]]:
    """(facet, value, href, count, selected) for every facet value on the page."""
    out = []
    for m in re.finditer(r'<li( class="selected")?><a href="([^"]+)"(?: aria-current="true")? data-facet="(\w+)" '
                         r'data-value="([^"]+)">.*?<span class="count">(\d+)</span>', page):
        out.append((m.group(3), unescape(m.group(4)), unescape(m.group(2)), int(m.group(5)), bool(m.group(1))))
    return out


@pytest.fixture(scope="module")
def top_events(demo_store) -> set[str]:
    rows = demo_store.select("""PREFIX schema: <http://schema.org/> PREFIX kg: <https://w3id.org/konferencje-kg/def#>
SELECT DISTINCT ?e WHERE { ?e a schema:Event FILTER NOT EXISTS { ?e kg:partOf ?p } }""")
    return {r["e"].value[len(BASE):] for r in rows}


def test_event_list_shows_every_top_level_event(client, top_events):
    page = html(client, "/events")
    assert total(page) == len(top_events) > 5
    assert event_links(page) == top_events
    # /list/event is the same faceted list
    assert event_links(html(client, "/list/event")) == top_events


def test_every_facet_count_matches_the_list_it_links_to(client):
    page = html(client, "/events")
    links = facet_links(page)
    facets = {f for f, *_ in links}
    assert facets == {"year", "theme", "place", "voivodeship", "organiser", "patron"}
    for facet, value, href, count, selected in links:
        assert not selected
        assert parse_qs(urlsplit(href).query)[facet] == [value]
        target = html(client, href)
        assert total(target) == count, (facet, value)
        assert len(event_links(target)) == count


def test_facets_combine_as_intersection_and_values_of_one_facet_as_union(client):
    page = html(client, "/events")
    years = {v: c for f, v, _, c, _ in facet_links(page) if f == "year"}
    themes = {v: c for f, v, _, c, _ in facet_links(page) if f == "theme"}
    assert len(years) >= 3 and themes
    y1, y2 = sorted(years)[-2:]
    both = html(client, f"/events?year={y1}&year={y2}")
    assert total(both) == years[y1] + years[y2]
    # theme AND voivodeship: the intersection of the two single-facet lists
    theme = max(themes, key=themes.get)
    by_theme = event_links(html(client, f"/events?theme={theme}"))
    voivodeships = {v for f, v, *_ in facet_links(page) if f == "voivodeship"}
    checked = 0
    for voiv in voivodeships:
        by_voiv = event_links(html(client, f"/events?voivodeship={voiv}"))
        combined = html(client, f"/events?theme={theme}&voivodeship={voiv}")
        assert event_links(combined) == by_theme & by_voiv
        assert total(combined) == len(by_theme & by_voiv)
        checked += bool(by_theme & by_voiv)
    assert checked, "no voivodeship shares an event with the commonest theme"


def test_counts_under_a_filter_are_counted_within_it(client):
    page = html(client, "/events?voivodeship=podlaskie")
    n = total(page)
    assert n >= 2  # Suwałki, Białystok, Łomża in the demo data
    links = facet_links(page)
    for facet, value, href, count, selected in links:
        if facet != "voivodeship":
            assert count <= n
            assert total(html(client, href)) == count  # the link keeps voivodeship=podlaskie
            assert "voivodeship=podlaskie" in href
    chosen = [x for x in links if x[0] == "voivodeship" and x[1] == "podlaskie"]
    assert chosen and chosen[0][4], "the chosen value is marked"
    assert "voivodeship" not in parse_qs(urlsplit(chosen[0][2]).query), "its link removes it"
    places = {v for f, v, *_ in links if f == "place"}
    assert places <= {"suwalki", "bialystok", "lomza", "augustow"} and places


def test_filters_survive_in_the_url_between_list_timeline_and_map(client):
    page = html(client, "/events?year=2019&theme=bezdomnosc")
    views = re.search(r'<nav class="views".*?</nav>', page, re.S).group(0)
    for path in ("/events", "/timeline", "/map"):
        assert re.search(rf'href="{path}\?year=2019&amp;theme=bezdomnosc"', views), path


def test_timeline_groups_by_year_and_month_and_links_to_events(client, top_events):
    page = html(client, "/timeline")
    years = re.findall(r'<h3 id="y(\d{4})">', page)
    assert years == sorted(years, reverse=True) and len(years) >= 3
    assert event_links(page.split('class="timeline"', 1)[1]) == top_events
    month = re.search(r'href="/events\?month=(\d{4}-\d\d)"', page).group(1)
    listed = html(client, f"/events?month={month}")
    dates = re.findall(r'<td class="date">(\d{4}-\d\d)', listed)
    assert dates and all(d == month for d in dates)
    assert total(html(client, "/timeline?year=2019")) == total(html(client, "/events?year=2019"))


def test_map_places_dots_from_the_gazetteer_and_links_them(client):
    page = html(client, "/map")
    dots = re.findall(r'<a class="dot" href="([^"]+)" aria-label="([^"]+)" data-place="([\w-]+)">\s*<title>[^<]*</title>\s*'
                      r'<circle cx="([\d.]+)" cy="([\d.]+)"', page)
    assert len(dots) >= 5
    by_place = {d[2]: (float(d[3]), float(d[4])) for d in dots}
    # geography: Gdańsk is north of Kraków, Białystok east of Warszawa
    assert by_place["gdansk"][1] < by_place["krakow"][1]
    assert by_place["bialystok"][0] > by_place["warszawa"][0]
    for href, label, place, *_ in dots:
        count = int(re.search(r": (\d+) ", unescape(label)).group(1))
        assert total(html(client, unescape(href))) == count
    assert 'class="country"' in page and "<desc" in page


def test_event_profile_reads_as_a_programme(client):
    page = html(client, "/id/event/konferencja-wyjsc-z-bezdomnosci-lokalne-strategie-i-mieszkania-wspierane-2019-06-05")
    programme = page.split('id="programme-h"', 1)[1].split("</section>", 1)[0]
    assert "Organizatorzy" in programme and "Regionalny Ośrodek Polityki Społecznej w Białymstoku" in programme
    assert "/id/person/artur-kosicki" in programme  # the marshal's person, beside his office
    opened = re.search(r"<dt>otworzył</dt>\s*<dd>(.*?)</dd>", programme, re.S)
    assert opened and "/id/person/leszek-lewoc" in opened.group(1)
    subs = page.split('id="subs-h"', 1)[1]
    assert "wizyta studyjna" in subs and "/id/person/robert-makowski" in subs
    assert re.search(r"<dt>Kiedy</dt><dd class=\"date\">2019-06-05 – 2019-06-06", page)


def test_event_programme_quotes_the_report_sentence_behind_each_fact(client):
    page = html(client, "/id/event/konferencja-wyjsc-z-bezdomnosci-lokalne-strategie-i-mieszkania-wspierane-2019-06-05")
    programme = page.split('id="programme-h"', 1)[1].split("</section>", 1)[0]
    opened = re.search(r"<dt>otworzył</dt>\s*<dd>(.*?)</dd>", programme, re.S).group(1)
    assert "/id/person/leszek-lewoc" in opened
    quote = re.search(r'<details class="evidence"><summary>Zdanie z raportu.*?</summary>\s*'
                      r'<blockquote cite="([^"]+)"><p>(.*?)</p>\s*<footer>(.*?)</footer>', opened, re.S)
    assert quote, opened
    sentence = unescape(re.sub(r"<[^>]+>", "", quote.group(2)))
    assert re.search(r"\bLewoc\w*", sentence) and re.search(r"(?i)\b(otworz|otwar|rozpocz|otwier)\w*", sentence)
    assert re.search(r"<mark>Leszek Lewoc</mark>", quote.group(2))  # the name marked
    assert quote.group(1) == f"{BASE}/id/report/2019-suwalki-mops-bezdomnosc"
    assert 'href="/id/report/2019-suwalki-mops-bezdomnosc">Wyjść z bezdomności. Konferencja w Suwałkach</a>' in quote.group(3)
    # the welcome is quoted from its own sentence, not the opening one
    welcomed = re.search(r"<dt>powitał</dt>\s*<dd>(.*?)</dd>", programme, re.S).group(1)
    assert "Uczestników powitał" in welcomed and "Obrady otworzył" not in welcomed
    # organisers and patrons carry theirs too, and so does the sub-event
    assert programme.count('class="evidence"') >= 8
    assert 'class="evidence"' in page.split('id="subs-h"', 1)[1]


def test_person_profile_quotes_the_sentence_for_each_appearance(client):
    page = html(client, "/id/person/leszek-lewoc")
    appearances = page.split('id="appear-h"', 1)[1].split("</section>", 1)[0]
    items = re.findall(r"<li>(.*?)</li>", appearances, re.S)
    assert items and all('class="evidence"' in item for item in items)
    opened = next(item for item in items if '<span class="role">otworzył</span>' in item)
    assert re.search(r"<p>Obrady otworzył <mark>Leszek Lewoc</mark>", opened)


def test_person_profile_lists_posts_and_dated_appearances(client):
    page = html(client, "/id/person/leszek-lewoc")
    assert "/id/post/dyrektor-miejski-osrodek-pomocy-spolecznej-w-suwalkach" in page.split('id="posts-h"')[1]
    appearances = page.split('id="appear-h"', 1)[1].split("</section>", 1)[0]
    dates = re.findall(r'<span class="date">([\d-]+)</span>', appearances)
    assert len(dates) >= 2 and dates == sorted(dates, reverse=True)
    assert "otworzył" in appearances


def test_organisation_profile_groups_events_by_part(client):
    page = html(client, "/id/organisation/regionalny-osrodek-polityki-spolecznej-w-bialymstoku")
    organised = page.split('id="organised-h"', 1)[1].split("</section>", 1)[0]
    assert "/id/event/konferencja-wyjsc-z-bezdomnosci-lokalne-strategie-i-mieszkania-wspierane-2019-06-05" in organised
    assert "/id/person/joanna-szymanska" in page.split('id="people-h"', 1)[1]


def test_report_page_shows_the_text_with_names_linked(client):
    page = html(client, "/id/report/2019-suwalki-mops-bezdomnosc")
    text = page.split('id="text-h"', 1)[1].split("</section>", 1)[0]
    # "Leszka Lewoca" style inflection is matched by stems; here the base form appears
    assert re.search(r'<a class="mention" href="/id/person/leszek-lewoc"[^>]*>Leszek Lewoc</a>', text)
    assert re.search(r'<a class="mention" href="/id/place/suwalki"[^>]*>Suwałkach</a>', text)


def test_language_switch_sets_a_cookie_and_labels_follow(client):
    response = client.get("/events?lang=en&year=2019")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "lang=en" in response.headers.get("Set-Cookie", "")
    assert '<html lang="en">' in page and ">Filters<" in page and ">Voivodeship<" in page
    assert "homelessness" in page and "bezdomność" not in page.split('class="facets"')[1].split("</aside>")[0]
    assert re.search(r'id="lang-switch" href="/events\?lang=pl&amp;year=2019"', page)
    again = html(client, "/timeline")  # the cookie keeps English
    assert ">Timeline of events" in again
    back = html(client, "/timeline?lang=pl")
    assert "Oś czasu wydarzeń" in back


def test_every_string_key_exists_in_both_languages():
    import json
    from pathlib import Path
    folder = Path(__file__).resolve().parents[1] / "service" / "web" / "i18n"
    pl = json.loads((folder / "pl.json").read_text(encoding="utf-8"))
    en = json.loads((folder / "en.json").read_text(encoding="utf-8"))
    assert pl.keys() == en.keys()
    used = set()
    for template in (folder.parent / "templates").glob("*.html"):
        used |= set(re.findall(r"""\bt\(["']([a-z_]+)["']\)""", template.read_text(encoding="utf-8")))
    assert used and used <= pl.keys(), used - pl.keys()


def test_editor_runs_a_query_links_iris_and_offers_every_download(client):
    query = "SELECT ?e ?name WHERE { ?e a <http://schema.org/Event> ; <http://www.w3.org/2004/02/skos/core#prefLabel> ?name } LIMIT 5"
    page = html(client, "/editor?query=" + quote(query))
    assert re.search(r'id="row-count">5<', page)
    assert len(re.findall(r'<td><a href="/id/event/', page)) == 5
    downloads = re.findall(r'<a href="(/sparql\?[^"]+)" type="([^"]+)" download>', page)
    assert {t for _, t in downloads} == {"application/sparql-results+json", "application/sparql-results+xml",
                                         "text/csv", "text/tab-separated-values"}
    for href, media_type in downloads:
        response = client.get(unescape(href))
        assert response.status_code == 200 and response.mimetype == media_type
    share = unescape(re.search(r'id="share-link" class="share" type="text" readonly value="([^"]+)"', page).group(1))
    assert parse_qs(urlsplit(share).query)["query"] == [query]
    construct = html(client, "/editor?query=" + quote("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3"))
    assert {t for _, t in re.findall(r'<a href="(/sparql\?[^"]+)" type="([^"]+)" download>', construct)} == {
        "text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"}


def test_editor_lists_the_named_queries_and_loads_one(client, app):
    from service.named_queries import load_queries
    queries = load_queries(app.config["QUERIES_DIR"])
    page = html(client, "/editor")
    for q in queries:
        assert f'data-name="{q.name}"' in page
    if not queries:
        pytest.skip("queries/ holds no named queries yet")
    example = html(client, f"/editor?example={queries[0].name}")
    assert 'id="results"' in example or 'class="answer"' in example


@pytest.mark.parametrize("url,status", [
    ("/events?year=abc", 400), ("/events?year=12345", 400), ("/events?month=2019-13", 400),
    ("/events?voivodeship=atlantis", 400), ("/events?organiser=../../etc/passwd", 400),
    ("/events?patron=" + "a" * 5000, 400), ("/events?colour=red", 400), ("/events?page=0", 400),
    ("/events?page=abc", 400), ("/timeline?theme=%00", 400), ("/map?place=%3Cscript%3E", 400),
    ("/events?" + "&".join(f"year={1990 + i}" for i in range(30)), 400),
    ("/list/event?year=x", 400), ("/list/nothing", 404), ("/list/person?page=-1", 400),
    ("/editor?example=missing", 404), ("/editor?query=", 400), ("/editor?query=SELEC", 400),
    ("/editor?query=" + quote("SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }"), 403),
    ("/editor?query=" + quote("DROP ALL"), 400),
])
def test_junk_parameters_are_4xx_with_a_message(client, url, status):
    response = client.get(url, headers={"Accept": "text/html"})
    assert response.status_code == status, (url, response.status_code)
    body = response.get_data(as_text=True)
    assert 'class="error-message"' in body and len(re.sub(r"<[^>]+>", "", body.split('class="error-message"')[1])) > 10


def test_unknown_values_that_are_well_formed_give_an_empty_list_not_an_error(client):
    page = html(client, "/events?theme=no-such-theme&organiser=organisation/nobody")
    assert total(page) == 0 and ("Brak wydarzeń." in page)


def test_pages_have_no_inline_script_style_or_handlers(client):
    urls = ["/", "/events?year=2019", "/timeline", "/map", "/editor?query=" + quote("ASK { ?s ?p ?o }"),
            "/id/event/konferencja-wyjsc-z-bezdomnosci-lokalne-strategie-i-mieszkania-wspierane-2019-06-05",
            "/id/person/leszek-lewoc", "/id/report/2019-suwalki-mops-bezdomnosc", "/search?q=suwałki", "/list/theme"]
    for url in urls:
        page = html(client, url)
        for script in re.findall(r"<script\b[^>]*>", page):
            assert "src=" in script or "application/ld+json" in script, (url, script)
        assert not re.search(r"<[^>]+\sstyle=", page), url
        assert not re.search(r"<[^>]+\son[a-z]+=", page), url


def test_post_profile_names_its_holder_and_the_events_it_patronised(client):
    page = html(client, "/id/post/marszalek-wojewodztwa-podlaskiego")
    assert re.search(r'<dt>Pełni</dt><dd><a href="/id/person/artur-kosicki">', page)
    appearances = page.split('id="appear-h"', 1)[1].split("</section>", 1)[0]
    dates = re.findall(r'<span class="date">([\d-]+)</span>', appearances)
    assert len(dates) >= 2 and dates == sorted(dates, reverse=True)
    assert "patron honorowy" in appearances


def test_requests_read_the_index_through_the_connection_given_back_last(app, demo_store):
    """Requests handled by different threads, one after another, read the page index through one
    pooled connection (its page cache stays warm), given back when each ends; requests at the same
    time get connections of their own; writes go through the writing thread's own connection."""
    import threading

    from service.pageindex import pages_for
    pages = pages_for(demo_store)
    used = []

    def request_in_a_thread(path):
        def run():
            client = app.test_client()
            assert client.get(path).status_code == 200
            used.append(list(pages._idle))
        thread = threading.Thread(target=run)
        thread.start()
        thread.join()

    request_in_a_thread("/search?q=osrodek")
    request_in_a_thread("/list/person")
    request_in_a_thread("/search?q=pomocy")
    assert len(used[0]) >= 1 and all(u[-1] is used[0][-1] for u in used)  # the same one, given back

    pages.borrow()  # this thread holds the warm one; another thread meanwhile gets another
    mine = pages.connection()
    assert mine is used[0][-1]
    other = []
    thread = threading.Thread(target=lambda: (pages.borrow(), other.append(pages.connection()), pages.give_back()))
    thread.start()
    thread.join()
    assert other[0] is not mine
    with pages.transaction() as conn:
        assert conn is not mine
    pages.give_back()
    assert pages._idle[-1] is mine and pages.connection() is not mine


def test_appearances_page_on_past_the_counted_cap(client, demo_store, monkeypatch):
    """A person's appearances, a page at a time, go on past COUNT_CAP: the pager says "N+" and
    the next link is there while there are more, so every appearance is reached."""
    from service.pageindex import pages_for, read
    from service.web import profiles
    pages = pages_for(demo_store)
    who = max((e for e in read.entities(pages, "person", limit=500)),
              key=lambda e: read.count_appearances(pages, e.iri, cap=10**6))
    every = read.appearances(pages, who.iri, limit=10**6)
    assert len(every) >= 3
    monkeypatch.setattr(profiles, "APPEARANCES_SHOWN", 1)
    monkeypatch.setattr(read, "COUNT_CAP", 1)
    path = who.iri.removeprefix(BASE)
    seen, page = [], 1
    while True:
        text = html(client, f"{path}?page={page}")
        pager = text.split('class="pager"', 1)[1].split("</nav>", 1)[0]
        assert "1+" in pager
        block = text.split('id="appear-h"', 1)[1].split("</section>", 1)[0]
        seen += re.findall(r'<li>(?:<span class="date">[^<]*</span> )?<a href="(/id/event/[^"]+)"', block)
        if 'rel="next"' not in pager:
            break
        page += 1
    assert page == len(every) and seen == [a.event.removeprefix(BASE) for a in every]
