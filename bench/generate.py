"""A synthetic corpus of report records (ANNOTATION.md format), any size, reproducible from a seed.

    python bench/generate.py 10000 --seed 7 --out bench/out/corpus-10000

writes `records/r0000001.json` … (one record per report, as `kg ingest` reads them). Names recur
as in real reports: bodies, people and places are drawn from pools whose size grows with the
corpus, with Zipf-like weights, so a few (a ministry, a regional centre, a minister) appear in a
large share of the reports and most appear in a handful. The same (size, seed) gives the same
files, byte for byte.
"""
from __future__ import annotations

import argparse
import bisect
import itertools
import json
import random
import sys
from pathlib import Path

THEMES = (
    "deinstytucjonalizacja uslugi-spoleczne praca-socjalna wsparcie-rodziny piecza-zastepcza "
    "przeciwdzialanie-przemocy bezdomnosc polityka-senioralna niepelnosprawnosc ekonomia-spoleczna "
    "integracja-spoleczna ubostwo prawo-pomocy-spolecznej migracje-uchodzcy zdrowie-psychiczne "
    "uzaleznienia dzieci-i-mlodziez edukacja-wlaczajaca domy-pomocy-spolecznej "
    "zarzadzanie-pomoca-spoleczna wspolpraca-miedzynarodowa fundusze-europejskie "
    "organizacje-pozarzadowe mieszkalnictwo"
).split()
THEME_WORDS = {
    "deinstytucjonalizacja": "deinstytucjonalizacji usług", "bezdomnosc": "przeciwdziałania bezdomności",
    "polityka-senioralna": "polityki senioralnej", "ekonomia-spoleczna": "ekonomii społecznej",
    "piecza-zastepcza": "pieczy zastępczej", "praca-socjalna": "pracy socjalnej",
    "wsparcie-rodziny": "wspierania rodziny", "przeciwdzialanie-przemocy": "przeciwdziałania przemocy",
    "zdrowie-psychiczne": "zdrowia psychicznego", "niepelnosprawnosc": "osób z niepełnosprawnościami",
}
KINDS = ["conference"] * 6 + ["forum", "congress", "seminar", "seminar", "meeting", "training",
                              "convention", "gala", "study_visit"]
SUB_KINDS = ["debate", "session", "study_visit", "training"]
ROLES = ["opened", "welcomed", "spoke", "presented", "presented", "presented", "moderated",
         "sent_letter", "awarded", "attended", "other"]
PATRON_KINDS = ["honorary", "honorary", "honorary", "media", "substantive", "other"]
QUALIFIERS = ["exact", "more_than", "more_than", "about", "up_to"]
HONORIFICS = [None] * 8 + ["dr", "prof.", "dr hab.", "ks."]

MALE = ("Adam Andrzej Bartosz Damian Dariusz Grzegorz Jacek Jan Janusz Jerzy Kamil Krzysztof "
        "Leszek Łukasz Maciej Marcin Marek Mariusz Michał Paweł Piotr Robert Ryszard Stanisław "
        "Tadeusz Tomasz Wojciech Zbigniew Zdzisław Józef Kazimierz Roman Artur Wiesław").split()
FEMALE = ("Agnieszka Aleksandra Alicja Anna Barbara Beata Bożena Danuta Dorota Elżbieta Ewa "
          "Grażyna Halina Irena Iwona Jadwiga Joanna Jolanta Katarzyna Krystyna Magdalena "
          "Małgorzata Maria Marta Monika Renata Teresa Urszula Wanda Zofia Justyna Karolina").split()
SURNAME_STEMS = ("Nowak Kowal Wiśniew Wójcik Kowalczyk Kamiń Lewandow Zieliń Szymań Woźniak Dąbrow "
                 "Kozłow Jankow Mazur Kwiatkow Krawczyk Piotrow Grabow Nowakow Pawłow Michalski "
                 "Adamczyk Dudek Zając Wieczorek Jabłoń Król Majewski Olszew Jaworski Wróbel "
                 "Malinow Pawlak Witkow Walczak Stępień Górski Rutkow Michalak Sikora Ostrow "
                 "Baran Duda Szewczyk Tomaszew Pietrzak Marciniak Wróblew Zalew Jakubow Jasiń "
                 "Zawadzki Sadow Bąk Chmielew Włodarczyk Borkow Czarnecki Sawicki Sokołow "
                 "Urbań Kubiak Maciejew Szczepań Kucharski Wilk Kalinow Lis Mazurek Wysocki "
                 "Adamski Kaźmierczak Wasilew Sobczak Czerwiń Andrzejew Cieśl Głowacki Zakrzew "
                 "Kołodziej Sikorski Krajew Gajew Szymczak Szulc Baranow Laskow Brzeziń Makow "
                 "Ziółkow Przybylski Domański Nowicki Borow Kaczmarek Lewoc Gajda Kulas Barszcz").split()
PLACES = ("Warszawa:Warszawie Kraków:Krakowie Łódź:Łodzi Wrocław:Wrocławiu Poznań:Poznaniu "
          "Gdańsk:Gdańsku Szczecin:Szczecinie Bydgoszcz:Bydgoszczy Lublin:Lublinie "
          "Białystok:Białymstoku Katowice:Katowicach Gdynia:Gdyni Częstochowa:Częstochowie "
          "Radom:Radomiu Toruń:Toruniu Kielce:Kielcach Rzeszów:Rzeszowie Gliwice:Gliwicach "
          "Olsztyn:Olsztynie Opole:Opolu Elbląg:Elblągu Płock:Płocku Tarnów:Tarnowie "
          "Koszalin:Koszalinie Kalisz:Kaliszu Legnica:Legnicy Suwałki:Suwałkach Łomża:Łomży "
          "Zamość:Zamościu Przemyśl:Przemyślu Mielno:Mielnie Wisła:Wiśle Zakopane:Zakopanem "
          "Sopot:Sopocie Busko-Zdrój:Busku-Zdroju Ciechocinek:Ciechocinku Siedlce:Siedlcach "
          "Chełm:Chełmie Piła:Pile Ostrołęka:Ostrołęce Nowy_Sącz:Nowym_Sączu Konin:Koninie").split()
PLACE_STEMS = ("Brzoz Dąbr Lip Krzemien Rad Zawadz Ostr Grab Wierzb Sosn Jabłon Olsz Kamien Biał "
               "Czarn Zielon Wolic Górz Strzel Nowosiel Łęcz Mył Pruszk Żyrard Kozien Garwol "
               "Mińsk Łosic Sokoł Węgr Łuk Bielsk Hajn Sejn Augustów Grajew Kolno Zambrow").split()
PLACE_ENDS = [("ów", "owie"), ("owo", "owie"), ("ica", "icy"), ("no", "nie"), ("iec", "cu"),
              ("in", "inie"), ("ice", "icach"), ("ówka", "ówce"), ("ek", "ku")]
ORG_TEMPLATES = [
    ("Miejski Ośrodek Pomocy Społecznej w {loc}", "MOPS", 6),
    ("Gminny Ośrodek Pomocy Społecznej w {loc}", "GOPS", 6),
    ("Miejsko-Gminny Ośrodek Pomocy Społecznej w {loc}", "MGOPS", 2),
    ("Powiatowe Centrum Pomocy Rodzinie w {loc}", "PCPR", 5),
    ("Regionalny Ośrodek Polityki Społecznej w {loc}", "ROPS", 3),
    ("Centrum Usług Społecznych w {loc}", "CUS", 2),
    ("Dom Pomocy Społecznej w {loc}", "DPS", 3),
    ("Urząd Miasta {gen}", None, 2),
    ("Starostwo Powiatowe w {loc}", None, 2),
    ("Stowarzyszenie Na Rzecz Rodzin w {loc}", None, 1),
    ("Fundacja Pomocy Społecznej w {loc}", None, 1),
    ("Warsztat Terapii Zajęciowej w {loc}", "WTZ", 1),
    ("Uniwersytet Trzeciego Wieku w {loc}", "UTW", 1),
]
NATIONAL = [
    ("Ministerstwo Rodziny, Pracy i Polityki Społecznej", "MRPiPS"),
    ("Ministerstwo Rodziny i Polityki Społecznej", "MRiPS"),
    ("Rzecznik Praw Obywatelskich", "RPO"),
    ("Rzecznik Praw Dziecka", "RPD"),
    ("Państwowy Fundusz Rehabilitacji Osób Niepełnosprawnych", "PFRON"),
    ("Ogólnopolskie Stowarzyszenie Miejskich i Gminnych Ośrodków Pomocy Społecznej „RAZEM”", None),
    ("Stowarzyszenie Samorządowych Ośrodków Pomocy Społecznej FORUM", None),
    ("Polskie Towarzystwo Pracowników Socjalnych", "PTPS"),
    ("Centrum Rozwoju Zasobów Ludzkich", "CRZL"),
    ("Telewizja Polska", "TVP"),
    ("Polskie Radio", None),
]
VOIVODESHIPS = ("Mazowieckiego Małopolskiego Łódzkiego Dolnośląskiego Wielkopolskiego Pomorskiego "
                "Zachodniopomorskiego Kujawsko-Pomorskiego Lubelskiego Podlaskiego Śląskiego "
                "Podkarpackiego Świętokrzyskiego Warmińsko-Mazurskiego Opolskiego Lubuskiego").split()
POST_TITLES = ["dyrektor", "dyrektor", "zastępca dyrektora", "kierownik", "prezes", "starosta",
               "burmistrz", "wójt", "pracownik socjalny", "koordynator", None]
ORDINALS = "I II III IV V VI VII VIII IX X XI XII XIII XIV XV XVI XVII XVIII XIX XX XXI XXII XXIII XXIV XXV".split()
MOTTOS = ["Razem dla rodziny", "Nowe wyzwania pomocy społecznej", "Człowiek w centrum",
          "Od opieki do usług", "Senior w społeczności lokalnej", "Dom zamiast instytucji",
          "Bezpieczna rodzina", "Praca socjalna wczoraj i dziś", "Lokalne partnerstwa",
          "Wspólnie przeciw wykluczeniu"]


class Zipf:
    """Draws indices 0..n-1 with weight 1/(i+1)^s: a few items often, most rarely."""

    def __init__(self, n: int, s: float = 1.0):
        self.cumulative = list(itertools.accumulate(1.0 / (i + 1) ** s for i in range(n)))

    def __call__(self, rng: random.Random) -> int:
        return bisect.bisect(self.cumulative, rng.random() * self.cumulative[-1])


class Pools:
    """Names for a corpus of `size` reports; pool sizes grow with the corpus, as in real data."""

    def __init__(self, size: int, rng: random.Random):
        places = [tuple(p.replace("_", " ") for p in pair.split(":")) for pair in PLACES]
        for stem, (end, loc) in itertools.product(PLACE_STEMS, PLACE_ENDS):
            places.append((stem + end, stem + loc))
        rng.shuffle(places[len(PLACES):])
        self.places = places
        orgs = [{"name": n, "abbreviation": a, "place": None} for n, a in NATIONAL]
        orgs += [{"name": f"Regionalny Ośrodek Polityki Społecznej Województwa {v}", "abbreviation": "ROPS",
                  "place": None} for v in VOIVODESHIPS]
        n_local = min(len(places) * len(ORG_TEMPLATES), max(300, size // 2))
        weights = [w for _, _, w in ORG_TEMPLATES]
        local = set()
        while len(local) < n_local:
            template = rng.choices(ORG_TEMPLATES, weights)[0]
            local.add((template, places[min(int(rng.paretovariate(0.6)) - 1, len(places) - 1)]))
        for (template, abbreviation, _), (name, loc) in sorted(local, key=lambda x: (x[0][0], x[1])):
            orgs.append({"name": template.format(loc=loc, gen=loc),  # locative for genitive: fine here
                         "abbreviation": abbreviation, "place": name})
        head, tail = orgs[:len(NATIONAL) + len(VOIVODESHIPS)], orgs[len(NATIONAL) + len(VOIVODESHIPS):]
        rng.shuffle(tail)
        self.orgs = head + tail
        self.org_zipf = Zipf(len(self.orgs), 0.9)

        n_people = max(500, size * 3)
        people, seen = [], set()
        while len(people) < n_people:
            female = rng.random() < 0.6
            first = rng.choice(FEMALE if female else MALE)
            stem = rng.choice(SURNAME_STEMS)
            surname = _gendered(stem, female)
            name = f"{first} {surname}"
            if rng.random() < 0.15:  # double first name or double-barrelled surname
                name = f"{first} {_gendered(rng.choice(SURNAME_STEMS), female)}-{surname}"
            if rng.random() < 0.3:
                name = f"{first} {rng.choice(FEMALE if female else MALE)} {surname}"
            if name in seen:
                continue
            seen.add(name)
            people.append(name)
        self.people = people
        self.people_zipf = Zipf(len(people), 0.7)
        self.place_zipf = Zipf(len(places), 1.0)

    def org(self, rng) -> dict:
        return self.orgs[self.org_zipf(rng)]

    def person(self, rng) -> str:
        return self.people[self.people_zipf(rng)]

    def place(self, rng) -> str:
        return self.places[self.place_zipf(rng)][0]


def _gendered(stem: str, female: bool) -> str:
    if stem.endswith("ski") or stem.endswith("cki"):
        return stem[:-1] + "a" if female else stem
    if stem[-1] in "wń" and stem not in ("Wilk", "Król") and not stem.endswith("ów"):
        base = stem[:-1] + ("n" if stem.endswith("ń") else "w")
        return base + ("ska" if female else "ski")
    return stem


def _date(rng: random.Random) -> tuple[str, str]:
    year = rng.randint(2010, 2025)
    month, day = rng.randint(1, 12), rng.randint(1, 26)  # an event of up to 3 days ends by the 28th
    length = rng.choice([0, 0, 0, 1, 1, 2])
    return f"{year}-{month:02d}-{day:02d}", f"{year}-{month:02d}-{day + length:02d}"


def _contributions(rng, pools, people: dict, count: int) -> list[dict]:
    found = []
    for _ in range(count):
        person = pools.person(rng)
        people.setdefault(person, None)
        role = rng.choice(ROLES)
        if {"person": person, "role": role} not in found:
            found.append({"person": person, "role": role})
    return found


def make_record(index: int, pools: Pools, rng: random.Random) -> dict:
    """One report record; everything it names is drawn from `pools`."""
    people: dict[str, None] = {}
    organisations: dict[str, dict] = {}

    def body(org: dict) -> str:
        organisations.setdefault(org["name"], org)
        return org["name"]

    host = pools.org(rng)
    place = host["place"] or pools.place(rng)
    start, end = _date(rng)
    kind = rng.choice(KINDS)
    themes = rng.sample(THEMES, rng.choice([1, 2, 2, 3, 3, 4]))
    topic = THEME_WORDS.get(themes[0], themes[0].replace("-", " "))
    edition = rng.randint(1, 25) if rng.random() < 0.4 else None
    prefix = (ORDINALS[edition - 1] + " ") if edition else ""
    word = {"conference": "Konferencja", "forum": "Forum", "congress": "Kongres", "seminar": "Seminarium",
            "meeting": "Spotkanie", "training": "Szkolenie", "convention": "Konwent", "gala": "Gala",
            "study_visit": "Wizyta studyjna"}[kind]
    name = f"{prefix}{word} {topic}" + (f" – {place}" if rng.random() < 0.5 else "")
    organisers = [body(host)] + [body(pools.org(rng)) for _ in range(rng.choice([0, 0, 1, 1, 2]))]
    partners = [body(pools.org(rng)) for _ in range(rng.choice([0, 0, 1, 2, 3]))]
    patrons = []
    for _ in range(rng.choice([0, 1, 1, 2, 3])):
        voivodeship = rng.choice(VOIVODESHIPS)
        if rng.random() < 0.35 and not any(p["name"].endswith(voivodeship) for p in patrons):
            # one holder per office and report: two patron persons on one patronage break the shapes
            holder = pools.person(rng) if rng.random() < 0.5 else None
            if holder:
                people.setdefault(holder, None)
            patrons.append({"name": f"Marszałek Województwa {voivodeship}", "person": holder,
                            "kind": rng.choice(PATRON_KINDS)})
        else:
            patrons.append({"name": body(pools.org(rng)), "person": None, "kind": rng.choice(PATRON_KINDS)})
    contributions = _contributions(rng, pools, people, rng.randint(2, 9))
    sub_events = []
    for number in range(rng.choice([0, 0, 0, 1, 1, 2])):
        sub_kind = rng.choice(SUB_KINDS)
        sub_events.append({
            "name": f"{sub_kind.replace('_', ' ')} {number + 1}: {THEME_WORDS.get(rng.choice(themes), 'dobre praktyki')}",
            "kind": sub_kind, "title": None, "edition": None, "start": start, "end": start,
            "venue": None, "places": [], "participants": None, "organisers": [], "partners": [],
            "patrons": [], "themes": [rng.choice(themes)],
            "contributions": _contributions(rng, pools, people, rng.randint(1, 4)), "sub_events": []})
    person_records = []
    for person in people:
        posts = []
        if rng.random() < 0.7:
            title = rng.choice(POST_TITLES)
            posts.append({"title": title, "organisation": body(pools.org(rng))})
        person_records.append({"name": person, "honorific": rng.choice(HONORIFICS), "posts": posts})
    participants = None
    if rng.random() < 0.6:
        participants = {"count": rng.randint(2, 60) * 10, "qualifier": rng.choice(QUALIFIERS)}
    return {
        "schema": "report-record/1",
        "report": {"title": f"{name} – relacja", "published": end,
                   "authors": [pools.person(rng)] if rng.random() < 0.3 else [],
                   "source_url": f"https://example.org/aktualnosci/{index}"},
        "event": {
            "name": name, "kind": kind, "title": rng.choice(MOTTOS) if rng.random() < 0.4 else None,
            "edition": edition, "start": start, "end": end,
            "venue": f"Sala konferencyjna {host['name']}" if rng.random() < 0.3 else None,
            "places": [place], "participants": participants,
            "organisers": organisers, "partners": partners, "patrons": patrons, "themes": themes,
            "contributions": contributions, "sub_events": sub_events},
        "people": person_records,
        "organisations": [{"name": o["name"], "abbreviation": o["abbreviation"], "place": o["place"]}
                          for o in organisations.values()],
    }


def records(size: int, seed: int = 1):
    """(name, record) for each report of a corpus of `size` reports."""
    rng = random.Random(seed)
    pools = Pools(size, rng)
    for index in range(1, size + 1):
        yield f"r{index:07d}", make_record(index, pools, rng)


def write(size: int, out: Path, seed: int = 1) -> Path:
    """Write the corpus under `out/records/` (skipped when a complete one is there); the folder."""
    folder = out / "records"
    stamp = out / "COMPLETE"
    if stamp.is_file() and stamp.read_text().strip() == f"{size} {seed}":
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for name, record in records(size, seed):
        (folder / f"{name}.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    stamp.write_text(f"{size} {seed}\n")
    return folder


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("size", type=int, help="number of reports")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None, help="folder (default bench/out/corpus-SIZE)")
    args = parser.parse_args(argv)
    out = args.out or Path(__file__).resolve().parent / "out" / f"corpus-{args.size}"
    folder = write(args.size, out, args.seed)
    print(f"{args.size} records in {folder}", file=sys.stderr)


if __name__ == "__main__":
    main()
