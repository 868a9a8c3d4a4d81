"""Each rule family on sentences written for these tests (names, bodies and towns not in the corpus)."""
from __future__ import annotations

import pytest

from service.extract import extract_text
from service.extract.counts import roman
from service.extract.dates import event_dates
from service.extract.mentions import analyse_sentence
from service.extract.orgs import initials_match
from service.extract.people import find_people
from service.extract.text import prepare, tokenize


def record(text, published=None):
    return extract_text(text, published=published)


# --- dates -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, published, expected", [
    ("W dniach 21-23.09.2016 r. w Pile obradowano.", None, ("2016-09-21", "2016-09-23")),
    ("Spotkanie trwało od 7 do 9 września 2015 r. w Nysie.", None, ("2015-09-07", "2015-09-09")),
    ("Zjazd odbył się 13-15 czerwca w Ełku.", "2019-07-01", ("2019-06-13", "2019-06-15")),
    ("Zjazd odbył się 13-15 czerwca w Ełku.", None, (None, None)),
    ("Narada odbyła się 29 listopada br. w Kole.", "2021-12-02", ("2021-11-29", "2021-11-29")),
    ("Konferencję zorganizowano 25 i 26 listopada br.", "2014-12-09", ("2014-11-25", "2014-11-26")),
    ("Forum trwało od 30 września do 2 października 2019 r.", None, ("2019-09-30", "2019-10-02")),
    ("Warsztaty odbyły się 30.09-2.10.2020 r.", None, ("2020-09-30", "2020-10-02")),
    ("Seminarium odbyło się w dniu 6.10.2017 roku.", None, ("2017-10-06", "2017-10-06")),
    ("Konferencja odbyła się we wtorek w Żyrardowie.", "2022-05-20", ("2022-05-17", "2022-05-17")),
    ("Czwartkowe spotkanie zgromadziło wielu gości.", "2023-03-10", ("2023-03-09", "2023-03-09")),
])
def test_dates(text, published, expected):
    doc = prepare("Relacja\n\n" + text, published=published)
    assert event_dates(doc) == expected


# --- numbers -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("W konferencji wzięło udział ponad 110 osób.", {"count": 110, "qualifier": "more_than"}),
    ("Przybyło ~130 osób z regionu.", {"count": 130, "qualifier": "about"}),
    ("Dziękujemy uczestnikom (było Was blisko 260!).", {"count": 260, "qualifier": "about"}),
    ("Na salę przybyło 75 uczestników.", {"count": 75, "qualifier": "exact"}),
    ("Ponad stu dyrektorów spotkało się w Lesznie.", {"count": 100, "qualifier": "more_than"}),
    ("Stuosobowa grupa słuchaczy wypełniła salę.", {"count": 100, "qualifier": "exact"}),
    ("W spotkaniu uczestniczyło około 40 gości.", {"count": 40, "qualifier": "about"}),
])
def test_participants(text, expected):
    assert record("Relacja\n\n" + text)["event"]["participants"] == expected


@pytest.mark.parametrize("text, edition", [
    ("Za nami XXV Konferencja w Tczewie.", 25),
    ("Odbyła się jubileuszowa X Konferencja Stowarzyszenia Opiekunów.", 10),
    ("VII Ogólnopolski Zlot Wolontariuszy odbył się w Sopocie.", 7),
    ("Za nami 12. Forum Pomocy Społecznej.", 12),
    ("Dziesiąta Konferencja Kuratorów odbyła się w Rybniku.", 10),
])
def test_edition(text, edition):
    assert record("Relacja\n\n" + text)["event"]["edition"] == edition


def test_roman():
    assert roman("XIV") == 14 and roman("MCMXC") == 1990 and roman("ABC") is None


# --- kind, title -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, kind, title", [
    ("Seminarium pod hasłem „Bliżej rodziny” odbyło się w Kutnie.", "seminar", "Bliżej rodziny"),
    ("Konferencja pn. „Dom bez przemocy” zgromadziła pedagogów.", "conference", "Dom bez przemocy"),
    ("Zjazd asystentów rodziny odbył się w Mławie.", "congress", None),
    ("Konwent Dyrektorów obradował w Pułtusku.", "convention", None),
    ("Szkolenie zatytułowane „Nowe przepisy w praktyce” trwało dwa dni.", "training", "Nowe przepisy w praktyce"),
])
def test_kind_and_title(text, kind, title):
    ev = record("Relacja\n\n" + text)["event"]
    assert ev["kind"] == kind
    assert ev["title"] == title


# --- people ------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, name", [
    ("Wykład wygłosił Pan Bartłomieja Kowalczyka.", None),
    ("Słowo wstępne należało do Bartłomieja Kowalczyka.", "Bartłomiej Kowalczyk"),
    ("Podziękowania złożono Pani Genowefie Pajewskiej.", "Genowefa Pajewska"),
    ("Rozmawiano z Tadeuszem Mazurem.", "Tadeusz Mazur"),
    ("Głos oddano Annie Kowalskiej-Zając.", "Anna Kowalska-Zając"),
    ("Na sali był Mirosław Kaczmarek - Sowa.", "Mirosław Kaczmarek-Sowa"),
])
def test_person_nominative(text, name):
    toks = tokenize(text)
    found = find_people(toks)
    if name is None:
        assert all(p.name != "Bartłomieja Kowalczyka" for p in found)
        return
    assert [p.name for p in found] == [name]


@pytest.mark.parametrize("text, name, honorific", [
    ("Referat wygłosił dr hab. Jerzy Malinowski.", "Jerzy Malinowski", "dr hab."),
    ("Wykład przedstawiła prof. Halina Rutkowska.", "Halina Rutkowska", "prof."),
    ("Pani Urszula Gajda powitała gości.", "Urszula Gajda", None),
    ("Głos zabrał mł. asp. Paweł Sadowski.", "Paweł Sadowski", "mł. asp."),
    ("Wystąpił dr nauk medycznych Olaf Wierzbicki.", "Olaf Wierzbicki", "dr nauk medycznych"),
])
def test_honorifics(text, name, honorific):
    people = {p["name"]: p for p in record("Relacja\n\n" + text)["people"]}
    assert name in people
    assert people[name]["honorific"] == honorific


def test_surname_alone_is_the_same_person():
    r = record("Relacja\n\nPani Jadwiga Olszewska, dyrektor Gminnego Ośrodka Pomocy Społecznej w Wąchocku, "
               "otworzyła spotkanie. Następnie Olszewska przedstawiła raport o ubóstwie.")
    assert [p["name"] for p in r["people"]] == ["Jadwiga Olszewska"]
    roles = {c["role"] for c in r["event"]["contributions"]}
    assert roles == {"opened", "presented"}


# --- organisations -----------------------------------------------------------------------------

@pytest.mark.parametrize("text, name", [
    ("Przedstawiciele Powiatowego Centrum Pomocy Rodzinie w Gostyninie byli obecni.",
     "Powiatowe Centrum Pomocy Rodzinie w Gostyninie"),
    ("Spotkanie odbyło się w Miejskim Ośrodku Pomocy Społecznej w Świdniku.",
     "Miejski Ośrodek Pomocy Społecznej w Świdniku"),
    ("Gości przyjęła Fundacja Rozwoju Ekonomii Społecznej „Most”.",
     "Fundacja Rozwoju Ekonomii Społecznej „Most”"),
    ("Wnioski trafią do Ministerstwa Rodziny, Pracy i Polityki Społecznej.",
     "Ministerstwo Rodziny, Pracy i Polityki Społecznej"),
    ("Partnerem był Wojewódzki Urząd Pracy w Opolu.", "Wojewódzki Urząd Pracy w Opolu"),
    ("Spotkanie przygotował Zakład Aktywności Zawodowej w Brzegu.", "Zakład Aktywności Zawodowej w Brzegu"),
])
def test_organisation_base_form(text, name):
    names = [o["name"] for o in record("Relacja\n\n" + text)["organisations"]]
    assert name in names


def test_abbreviation_and_reconciliation():
    r = record("Relacja\n\nKonferencję zorganizował MOPS w Kętrzynie. Dyrektor Miejskiego Ośrodka Pomocy "
               "Społecznej w Kętrzynie Pan Zenon Bielecki powitał gości. Ośrodek przygotował materiały.")
    orgs = r["organisations"]
    assert [o["name"] for o in orgs] == ["Miejski Ośrodek Pomocy Społecznej w Kętrzynie"]
    assert orgs[0]["abbreviation"] == "MOPS" and orgs[0]["place"] == "Kętrzyn"
    assert r["event"]["organisers"] == ["Miejski Ośrodek Pomocy Społecznej w Kętrzynie"]


def test_initials():
    assert initials_match("ZPWDz", "Zespół Placówek Wsparcia Dziennego")
    assert initials_match("OPoWRS", "Ogólnopolskie Porozumienie o Współpracy Rad Seniorów")
    assert not initials_match("ABC", "Zespół Placówek Wsparcia Dziennego")


def test_unit_and_parent():
    r = record("Relacja\n\nObecna była Pani Irena Sobczak, naczelnik Wydziału Zdrowia Lubuskiego "
               "Urzędu Wojewódzkiego.")
    names = {o["name"] for o in r["organisations"]}
    assert "Wydział Zdrowia Lubuskiego Urzędu Wojewódzkiego" in names
    assert "Lubuski Urząd Wojewódzki" in names


# --- posts -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, person, post", [
    ("Gości powitał Prezydent Miasta Gorzowa Jan Wierzbowski.", "Jan Wierzbowski",
     {"title": "prezydent", "organisation": "Miasto Gorzów"}),
    ("Gości powitał Burmistrz Sochaczewa Lech Kozakiewicz.", "Lech Kozakiewicz",
     {"title": "burmistrz", "organisation": "Miasto Sochaczew"}),
    ("Obecny był Wojewoda Lubelski Aleksander Jarosz.", "Aleksander Jarosz",
     {"title": "wojewoda", "organisation": "Województwo Lubelskie"}),
    ("List odczytała Pani Beata Czech, Minister Zdrowia.", "Beata Czech",
     {"title": "minister", "organisation": "Ministerstwo Zdrowia"}),
    ("Głos zabrała Ewa Rogalska, zastępca dyrektora Regionalnego Ośrodka Polityki Społecznej w Opolu.",
     "Ewa Rogalska",
     {"title": "zastępca dyrektora", "organisation": "Regionalny Ośrodek Polityki Społecznej w Opolu"}),
    ("Obecny był Starosta Powiatu Sierpeckiego Kazimierz Wojda.", "Kazimierz Wojda",
     {"title": "starosta", "organisation": "Powiat Sierpecki"}),
    ("Wystąpiła Marta Domańska z Wojewódzkiego Urzędu Pracy w Lublinie.", "Marta Domańska",
     {"title": None, "organisation": "Wojewódzki Urząd Pracy w Lublinie"}),
    ("Obecna była Renata Filipek, która jako Dyrektor kieruje Wydziałem Spraw Społecznych Urzędu Miasta.",
     "Renata Filipek", {"title": "dyrektor", "organisation": "Wydział Spraw Społecznych Urzędu Miasta"}),
])
def test_posts(text, person, post):
    people = {p["name"]: p for p in record("Relacja\n\n" + text)["people"]}
    assert person in people
    assert post in people[person]["posts"]


# --- organisers, partners, patrons --------------------------------------------------------------

def test_organisers_and_partners():
    ev = record("Relacja\n\nKonferencja została zorganizowana przez Stowarzyszenie Rodzin Zastępczych "
                "we współpracy z Powiatowym Urzędem Pracy w Wieluniu oraz Fundacją Dobrego Startu.")["event"]
    assert ev["organisers"] == ["Stowarzyszenie Rodzin Zastępczych"]
    assert ev["partners"] == ["Powiatowy Urząd Pracy w Wieluniu", "Fundacja Dobrego Startu"]


def test_organisers_prepared_together():
    ev = record("Relacja\n\nSpotkanie przygotowali wspólnie Powiat Braniewski oraz Centrum Integracji "
                "Społecznej w Braniewie.")["event"]
    assert ev["organisers"] == ["Powiat Braniewski", "Centrum Integracji Społecznej w Braniewie"]


@pytest.mark.parametrize("text, expected", [
    ("Patronat honorowy nad konferencją objął Marszałek Województwa Opolskiego.",
     [{"name": "Marszałek Województwa Opolskiego", "person": None, "kind": "honorary"}]),
    ("Patronat medialny sprawowało Radio Kielce oraz Telewizja Regionalna.", None),
    ("Wydarzenie odbyło się pod patronatem Burmistrza Miasta Łasku Gabriela Nowaka.",
     [{"name": "Burmistrz Miasta Łasku", "person": "Gabriel Nowak", "kind": "other"}]),
    ("Patronat merytoryczny objęło Ministerstwo Zdrowia.",
     [{"name": "Ministerstwo Zdrowia", "person": None, "kind": "substantive"}]),
])
def test_patrons(text, expected):
    ev = record("Relacja\n\n" + text)["event"]
    if expected is None:
        assert all(p["kind"] == "media" for p in ev["patrons"])
    else:
        assert ev["patrons"] == expected


# --- contributions ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Konferencję otworzyła Pani Grażyna Wilk.", ("Grażyna Wilk", "opened")),
    ("Otwarcia dokonał Zbigniew Pawlak.", ("Zbigniew Pawlak", "opened")),
    ("Uczestników powitał Pan Roman Ziółkowski.", ("Roman Ziółkowski", "welcomed")),
    ("Głos zabrała również Lucyna Wróbel.", ("Lucyna Wróbel", "spoke")),
    ("Prelekcję wygłosiła Danuta Bednarek.", ("Danuta Bednarek", "presented")),
    ("Dyskusję moderował Krzysztof Sikora.", ("Krzysztof Sikora", "moderated")),
    ("List do uczestników skierował Józef Malec.", ("Józef Malec", "sent_letter")),
    ("Dyplom otrzymała Helena Kubiak.", ("Helena Kubiak", "awarded")),
    ("Wśród obecnych był Wiesław Kowal.", ("Wiesław Kowal", "attended")),
    ("Bogdan Wiatr, który omówił zmiany w prawie, podkreślił ich znaczenie.", ("Bogdan Wiatr", "presented")),
])
def test_roles(text, expected):
    ev = record("Relacja\n\n" + text)["event"]
    assert {"person": expected[0], "role": expected[1]} in ev["contributions"]


def test_attended_dropped_when_other_role():
    ev = record("Relacja\n\nObecna była Alina Nowicka. Później Alina Nowicka wygłosiła wykład.")["event"]
    roles = {(c["person"], c["role"]) for c in ev["contributions"]}
    assert roles == {("Alina Nowicka", "presented")}


# --- places, themes, sub-events, text ------------------------------------------------------------

@pytest.mark.parametrize("text, places", [
    ("Konferencja odbyła się w Kołobrzegu.", ["Kołobrzeg"]),
    ("Gniezno gościło uczestników zjazdu.", ["Gniezno"]),
    ("Spotkanie odbyło się w Polsce i w Niemczech.", []),
])
def test_places(text, places):
    assert record("Relacja\n\n" + text)["event"]["places"] == places


def test_themes():
    ev = record("Przemoc w rodzinie\n\nKonferencja dotyczyła przeciwdziałania przemocy w rodzinie. "
                "Omówiono procedurę Niebieskiej Karty i pracę zespołów interdyscyplinarnych.")["event"]
    assert ev["themes"][0] == "przeciwdzialanie-przemocy"


def test_sub_events():
    ev = record("Relacja\n\nKonferencja trwała dwa dni. Drugiego dnia odbyła się debata „Rodzina w kryzysie”, "
                "którą prowadził Adam Lis.")["event"]
    subs = ev["sub_events"]
    assert subs and subs[0]["kind"] == "debate" and subs[0]["title"] == "Rodzina w kryzysie"


def test_title_date_author_lines():
    r = record("Konferencja w Pucku\n\nOpublikowano: 14.03.2022\n\nKonferencja odbyła się w Pucku.\n\n"
               "Autor: Wanda Szulc\nFot. Piotr Grzyb")
    assert r["report"]["title"] == "Konferencja w Pucku"
    assert r["report"]["published"] == "2022-03-14"
    assert r["report"]["authors"] == ["Wanda Szulc"]
    assert r["people"] == []


def test_sentence_split_keeps_abbreviations():
    doc = prepare("Tytuł\n\nSpotkanie prowadził dr hab. Jan Lis z ul. Długiej. Potem m.in. dyskutowano.")
    body = [s.text for s in doc.sentences if not s.is_title]
    assert body == ["Spotkanie prowadził dr hab. Jan Lis z ul. Długiej.", "Potem m.in. dyskutowano."]


def test_sentence_mentions_person_inside_org_is_not_a_person():
    doc = prepare("Tytuł\n\nKonferencja odbyła się na Uniwersytecie Marii Curie-Skłodowskiej w Lublinie.")
    sm = analyse_sentence([s for s in doc.sentences if not s.is_title][0])
    assert sm.people == []
