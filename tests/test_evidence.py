"""The sentence behind a programme fact: the splitter keeps abbreviations, initials and dates
inside a sentence; a participant is found in any inflected form; a sentence with the role's cue
is preferred; each report's text is fetched once per page."""
from __future__ import annotations

from service.web.evidence import (
    Evidence, abbreviations, best_sentence, cue_pattern, names_for, split_sentences,
)

TEXT = """Konferencja w Białymstoku

Konferencja odbyła się 21.09.2016 r. w Białymstoku przy ul. Wiejskiej 1. Wzięło w niej udział ok. 120 osób.
Uczestników powitał prof. dr hab. Jan Kowalski z Uniwersytetu w Białymstoku. Konferencję otworzyła dr Anna Nowak, dyrektor ROPS.
Wykład wygłosił J. Wiśniewski, m.in. o pieczy zastępczej. Następnie prezentację przedstawiła Annie Nowak jej zastępczyni.
Dyskusję prowadził Piotr Zieliński; głos zabrała także Anna Nowak.
"""


def test_abbreviations_come_from_the_lexicon():
    assert {"dr", "prof", "ul", "r", "hab", "ok"} <= abbreviations()


def test_sentences_do_not_end_at_abbreviations_initials_or_dates():
    sentences = split_sentences(TEXT)
    assert sentences == [
        "Konferencja w Białymstoku",
        "Konferencja odbyła się 21.09.2016 r. w Białymstoku przy ul. Wiejskiej 1.",
        "Wzięło w niej udział ok. 120 osób.",
        "Uczestników powitał prof. dr hab. Jan Kowalski z Uniwersytetu w Białymstoku.",
        "Konferencję otworzyła dr Anna Nowak, dyrektor ROPS.",
        "Wykład wygłosił J. Wiśniewski, m.in. o pieczy zastępczej.",
        "Następnie prezentację przedstawiła Annie Nowak jej zastępczyni.",
        "Dyskusję prowadził Piotr Zieliński; głos zabrała także Anna Nowak.",
    ]


def test_a_wrapped_line_goes_on_and_a_new_line_in_capitals_starts_anew():
    assert split_sentences("Obrady otworzył\nJan Kowalski, a potem\nzabrał głos Adam Nowak.\nTytuł bez kropki") == [
        "Obrady otworzył", "Jan Kowalski, a potem zabrał głos Adam Nowak.", "Tytuł bez kropki"]
    assert split_sentences("Było to 21. 09. 2016 r. w sali nr 5. Potem obiad.") == [
        "Było to 21. 09. 2016 r. w sali nr 5.", "Potem obiad."]
    assert split_sentences("Odbyło się w 2016 r. Miejski ośrodek to zorganizował.", frozenset()) == [
        "Odbyło się w 2016 r.", "Miejski ośrodek to zorganizował."]


def test_a_name_is_found_in_inflected_forms():
    sentences = ["Podziękowano Janowi Kowalskiemu za udział.", "Kowalskiego nie było."]
    found = best_sentence(sentences, names_for("Jan Kowalski", "person"))
    assert found[0] == 0 and sentences[0][found[1]:found[2]] == "Janowi Kowalskiemu"
    assert best_sentence(sentences[1:], names_for("Jan Kowalski", "person"))[:3] == (0, 0, 11)  # the surname alone
    assert best_sentence(["Mówił o tym Adam Nowak."], names_for("Jan Kowalski", "person")) is None


def test_the_sentence_with_the_roles_cue_wins_else_the_first_naming_them():
    sentences = split_sentences(TEXT)
    anna = names_for("Anna Nowak", "person")
    opened = best_sentence(sentences, anna, "opened")
    assert sentences[opened[0]] == "Konferencję otworzyła dr Anna Nowak, dyrektor ROPS." and opened[3]
    spoke = best_sentence(sentences, anna, "spoke")
    assert sentences[spoke[0]].startswith("Dyskusję prowadził") and spoke[3]
    presented = best_sentence(sentences, anna, "presented")
    assert sentences[presented[0]].startswith("Następnie prezentację")  # "Annie Nowak": inflected
    awarded = best_sentence(sentences, anna, "awarded")  # no cue anywhere: the first naming her
    assert sentences[awarded[0]].startswith("Konferencję otworzyła") and not awarded[3]
    welcomed = best_sentence(sentences, names_for("Jan Kowalski", "person"), "welcomed")
    assert sentences[welcomed[0]].startswith("Uczestników powitał") and welcomed[3]


def test_cues_are_stems_per_role_and_patron_kinds_share_the_patron_cues():
    assert cue_pattern("opened").search("Obrady otwierała")
    assert cue_pattern("opened").search("Rozpoczęła je dyrektor")
    assert not cue_pattern("opened").search("Uczestników powitał")
    assert cue_pattern("media-patron").search("pod patronatem medialnym")
    assert cue_pattern("no-such-role") is None and cue_pattern(None) is None


def test_organisations_posts_and_abbreviations():
    sentences = ["Organizatorem był Miejski Ośrodek Pomocy Społecznej w Suwałkach.",
                 "Patronat objął Marszałek Województwa Podlaskiego.",
                 "Wspólnie z MOPS działa schronisko."]
    mops = names_for("Miejski Ośrodek Pomocy Społecznej w Suwałkach", "organisation", ("MOPS",))
    assert best_sentence(sentences, mops, "organiser")[0] == 0
    assert best_sentence(sentences[1:], mops, "partner")[0] == 1  # by its abbreviation
    inflected = ["Konferencję przygotował Regionalnego Ośrodka Polityki Społecznej zespół."]
    assert best_sentence(inflected, names_for("Regionalny Ośrodek Polityki Społecznej w Białymstoku", "organisation"))
    post = names_for("Marszałek Województwa Podlaskiego", "post", extra=("Artur Kosicki",))
    assert best_sentence(sentences, post, "honorary-patron")[0] == 1
    holder = best_sentence(["Patronat objął Artur Kosicki."], post, "honorary-patron")
    assert holder is not None and holder[3]


def test_each_report_text_is_fetched_once_and_the_quote_names_its_source():
    fetched = []

    def fetch(iri):
        fetched.append(iri)
        return {"r1": "Wstęp. Jan Kowalski był obecny.", "r2": "Konferencję otworzył Jan Kowalski."}.get(iri)

    evidence = Evidence({"r1": "Pierwszy", "r2": "Drugi", "r3": "Bez tekstu"}, fetch)
    jan = names_for("Jan Kowalski", "person")
    quote = evidence.quote(jan, "opened")
    assert (quote.report, quote.title, quote.cue) == ("r2", "Drugi", True)
    assert (quote.before, quote.name, quote.after) == ("Konferencję otworzył ", "Jan Kowalski", ".")
    assert evidence.quote(jan, "attended", ["r1"]).sentence == "Jan Kowalski był obecny."
    evidence.quote(names_for("Adam Nowak", "person"), "spoke")
    assert sorted(fetched) == ["r1", "r2", "r3"]  # once each, however many facts asked
