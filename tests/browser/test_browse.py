"""The pages in a real browser: search, facets, an entity page, the SPARQL editor running an
example and following a result link, the language switch; axe-core on each."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

EVENT = "/id/event/konferencja-wyjsc-z-bezdomnosci-lokalne-strategie-i-mieszkania-wspierane-2019-06-05"


def total(page) -> int:
    return int(page.locator("#total").inner_text())


def test_search_from_the_header_finds_a_person_and_opens_the_page(page, check_a11y):
    page.goto("/")
    check_a11y(page)
    page.get_by_label("Szukaj", exact=True).fill("lewoc")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=lewoc"))
    result = page.locator(".search-results a", has_text="Leszek Lewoc")
    assert result.count() == 1
    check_a11y(page)
    result.click()
    page.wait_for_url("**/id/person/leszek-lewoc")
    assert page.locator("h1").inner_text() == "Leszek Lewoc"
    assert page.problems == []


def test_facets_combine_by_clicking_and_the_url_can_be_shared(page, context, check_a11y):
    page.goto("/events")
    everything = total(page)
    check_a11y(page)
    year = page.locator('.facet a[data-facet="year"]').first
    year_value, year_count = year.get_attribute("data-value"), int(year.locator(".count").inner_text())
    year.click()
    page.wait_for_url(re.compile(rf"year={year_value}"))
    assert total(page) == year_count < everything
    assert page.locator(".chips a.chip").count() == 1
    theme = page.locator('.facet a[data-facet="theme"]').first
    theme_count = int(theme.locator(".count").inner_text())
    with page.expect_navigation():
        theme.click()
    query = parse_qs(urlsplit(page.url).query)
    assert query["year"] == [year_value] and len(query["theme"]) == 1
    assert total(page) == theme_count <= year_count
    rows = page.locator("table.events tbody tr td:nth-child(1)")
    assert all(t.startswith(year_value) for t in rows.all_inner_texts())
    # the same URL in a fresh page shows the same view
    shared = context.new_page()
    shared.goto(page.url)
    assert total(shared) == theme_count
    shared.close()
    # removing a chip by keyboard
    page.locator(".chips a.chip").first.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator(".chips a.chip").count() == 1
    check_a11y(page)
    assert page.problems == []


def test_timeline_and_map_link_to_the_events(page, check_a11y):
    page.goto("/timeline")
    check_a11y(page)
    years = page.locator("section.year h3 a").all_inner_texts()
    assert years == sorted(years, reverse=True)
    page.goto("/map")
    check_a11y(page)
    dot = page.locator('svg a.dot[data-place="suwalki"]')
    assert dot.count() == 1
    dot.locator("circle").click()
    page.wait_for_url(re.compile(r"/events\?place=suwalki"))
    assert total(page) >= 1
    assert page.problems == []


def test_event_page_reads_as_a_programme(page, check_a11y):
    page.goto(EVENT)
    check_a11y(page)
    programme = page.locator("section", has=page.locator("#programme-h"))
    assert "Leszek Lewoc" in programme.inner_text()
    assert page.locator("#subs-h").is_visible()
    # the raw statements are one keyboard press away
    summary = page.locator("details.statements summary")
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("details.statements table.props").first.is_visible()
    page.locator("section", has=page.locator("#rep-h")).get_by_role(
        "link", name="Wyjść z bezdomności. Konferencja w Suwałkach").click()
    page.wait_for_url("**/id/report/2019-suwalki-mops-bezdomnosc")
    assert page.locator(".report-text a.mention").count() > 10
    check_a11y(page)


def test_the_sentence_behind_a_fact_opens_from_the_keyboard(page, check_a11y):
    page.goto(EVENT)
    opened = page.locator("dl.programme dd", has=page.get_by_role("link", name="Leszek Lewoc")).first
    quote = opened.locator("details.evidence blockquote")
    assert not quote.is_visible()
    opened.locator("details.evidence summary").focus()
    page.keyboard.press("Enter")
    assert quote.is_visible()
    assert "Obrady otworzył Leszek Lewoc" in quote.inner_text()
    check_a11y(page)
    quote.get_by_role("link", name="Wyjść z bezdomności. Konferencja w Suwałkach").click()
    page.wait_for_url("**/id/report/2019-suwalki-mops-bezdomnosc")
    assert page.problems == []


def test_editor_runs_an_example_and_follows_a_result_link(page, check_a11y):
    page.goto("/editor")
    check_a11y(page)
    examples = page.locator("aside.examples a.example")
    if examples.count() == 0:
        pytest.skip("no named queries in queries/")
    # an example that returns links to entity pages
    chosen = None
    for i in range(examples.count()):
        with page.expect_navigation():
            examples.nth(i).click()
        if page.locator("#results tbody a[href^='/id/']").count():
            chosen = page.url
            break
        page.goto("/editor")
    assert chosen, "no example query returned entity links"
    assert page.locator("p.downloads a").count() == 4
    share = page.locator("#share-link").input_value()
    assert "query=" in share
    check_a11y(page)
    link = page.locator("#results tbody a[href^='/id/']").first
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url("**" + href)
    assert page.locator("h1").inner_text()
    assert page.problems == []


def test_editor_highlights_completes_prefixes_and_runs_with_ctrl_enter(page):
    page.goto("/editor")
    area = page.locator("#query")
    area.fill("")
    area.focus()
    page.keyboard.type("SELECT ?e WHERE { ?e a sche")
    options = page.locator("#completions li")
    assert options.count() == 1 and options.first.get_attribute("data-prefix") == "schema"
    assert page.locator("#completions").is_visible()
    assert area.get_attribute("aria-activedescendant") == "completion-0"
    page.keyboard.press("Tab")
    page.keyboard.type("Event } LIMIT 3")
    text = area.input_value()
    assert text.startswith("PREFIX schema: <http://schema.org/>\n")
    assert "?e a schema:Event } LIMIT 3" in text
    assert page.locator("#highlight .tok-kw", has_text="SELECT").count() == 1
    assert page.locator("#highlight .tok-pn", has_text="schema:Event").count() == 1
    page.keyboard.press("Control+Enter")
    page.wait_for_url(re.compile(r"/editor\?query="))
    assert page.locator("#row-count").inner_text() == "3"
    assert page.problems == []


def test_language_switch_changes_labels_and_sticks(page, context, check_a11y):
    page.goto("/events?year=2019")
    assert page.locator("html").get_attribute("lang") == "pl"
    page.locator("#lang-switch").click()
    page.wait_for_url(re.compile(r"lang=en"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#facets-h").inner_text() == "Filters"
    themes = page.locator('.facet a[data-facet="theme"]').all_inner_texts()
    assert any("homelessness" in t for t in themes)
    assert parse_qs(urlsplit(page.url).query)["year"] == ["2019"]
    check_a11y(page)
    page.goto("/timeline")
    assert page.locator("h1").inner_text().startswith("Timeline of events")
    page.locator("#lang-switch").click()
    page.wait_for_url(re.compile(r"lang=pl"))
    assert page.locator("h1").inner_text().startswith("Oś czasu")
    context.clear_cookies()


def test_keyboard_skip_link_reaches_the_content(page):
    page.goto("/events")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip")
    assert skip.evaluate("e => e === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == "#main"
