"""The two seed reports: dates, places, organisers, patrons and people come out right."""
from __future__ import annotations

from service.extract import extract_file


def _people(record):
    return {p["name"]: p for p in record["people"]}


def test_suwalki(dev_dir):
    r = extract_file(dev_dir / "seed-suwalki-2016.txt")
    ev = r["event"]
    assert (ev["start"], ev["end"]) == ("2016-09-21", "2016-09-23")
    assert ev["kind"] == "conference" and ev["edition"] == 25
    assert ev["places"] == ["Suwałki"]
    assert ev["participants"] == {"count": 110, "qualifier": "more_than"}
    assert ev["title"] == "Nowe wyzwania dla pracowników socjalnych"
    assert ev["organisers"] == ["Miejski Ośrodek Pomocy Społecznej w Suwałkach"]
    assert "Regionalny Ośrodek Polityki Społecznej w Białymstoku" in ev["partners"]
    patrons = {p["name"]: p["kind"] for p in ev["patrons"]}
    assert patrons.get("Marszałek Województwa Podlaskiego") == "honorary"
    assert patrons.get("Prezydent Miasta Suwałk") == "honorary"
    assert any(n.startswith("Ministerstwo Rodziny") for n in patrons)
    people = _people(r)
    assert {"Leszek Lewoc", "Czesław Renkiewicz", "Anna Naszkiewicz", "Mieczysława Nartowicz",
            "Krystyna Bobrowska-Dąbrowska", "Violeta Toleikiene", "Elżbieta Rafalska"} <= set(people)
    assert people["Leszek Lewoc"]["posts"][0] == {
        "title": "dyrektor", "organisation": "Miejski Ośrodek Pomocy Społecznej w Suwałkach"}
    assert {"title": "wicemarszałek", "organisation": "Województwo Podlaskie"} in people["Anna Naszkiewicz"]["posts"]
    roles = {(c["person"], c["role"]) for c in ev["contributions"]}
    assert {("Leszek Lewoc", "opened"), ("Anna Naszkiewicz", "welcomed"),
            ("Elżbieta Rafalska", "sent_letter")} <= roles


def test_zakopane(dev_dir):
    r = extract_file(dev_dir / "seed-zakopane-2024.txt")
    ev = r["event"]
    assert r["report"]["published"] == "2024-06-28"
    assert r["report"]["authors"] == ["Andrzej Barszcz"]
    assert (ev["start"], ev["end"]) == ("2024-06-13", "2024-06-15")
    assert ev["places"] == ["Zakopane"] and ev["edition"] == 10
    assert ev["title"] == "Oczekiwania na NOWE w pomocy społecznej"
    assert ev["organisers"] == [
        "Ogólnopolskie Stowarzyszenie Miejskich i Gminnych Ośrodków Pomocy Społecznej „RAZEM”"]
    assert ev["patrons"] == []
    people = _people(r)
    assert {"Andrzej Barszcz", "Katarzyna Osicińska", "Artur Wiktorowicz"} <= set(people)
    assert {"title": "zastępca kierownika", "organisation": "Regionalne Centrum Pomocy Społecznej w Łodzi"} \
        in people["Katarzyna Osicińska"]["posts"]
    assert people["Artur Wiktorowicz"]["posts"] == [{"title": "radca prawny", "organisation": None}]
    roles = {(c["person"], c["role"]) for c in ev["contributions"]}
    assert ("Andrzej Barszcz", "opened") in roles
