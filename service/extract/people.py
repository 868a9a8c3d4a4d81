"""Names of people: first name(s) and surname in any case, brought to the nominative.

A name starts at a capitalised word that SGJP knows as a first name (qualifier "imię"), or an
unknown capitalised word followed by a known surname; one more first name may follow, then the
surname (hyphenated, or two parts joined by a spaced dash). The grammatical case and gender are
those that the first name and the surname share (nominative preferred); the surname is then put
into the nominative: SGJP's lemma for known surnames, the adjective's nominative for "-ski"
surnames, and the endings in surname_suffixes.tsv for unknown ones. Honorifics before a name
(honorifics.tsv) are split off; forms of address (Pan, Pani, p.) are dropped.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from . import morph
from .lexicon import table
from .text import analyses, token_lemmas


@dataclass
class PersonMention:
    start: int
    end: int
    name: str
    honorific: str | None
    gender: str | None
    surname: str
    hon_start: int
    case: frozenset = frozenset()


@lru_cache(maxsize=1)
def _honorifics():
    out = {}
    for row in table("honorifics"):
        out[row["form"].lower()] = (row["keep"] == "yes", row["complement"] == "yes")
    return out


@lru_cache(maxsize=1)
def _stop_lemmas() -> frozenset:
    """Capitalised words that never make part of a person's name."""
    out = set()
    for row in table("post_titles"):
        out.add(row["pattern"].split()[0])
    for row in table("org_heads"):
        out.add(row["lemma"])
    for row in table("event_kinds"):
        out.add(row["lemma"].split()[0])
    for row in table("months"):
        out.add(row["word"])
    for form in _honorifics():
        out.add(form.rstrip("."))
    return frozenset(out)


def _first_name(text):
    return [a for a in analyses(text) if "imię" in a.quals and a.pos in ("subst", "depr")]


def _is_word(tok) -> bool:
    return tok.alpha and tok.cap and not tok.acronym


def _stop(tok) -> bool:
    lems = token_lemmas(tok.text)
    if lems & _stop_lemmas():
        # a surname that is also a common word (Wojewoda, Starosta) still counts when SGJP
        # lists it as a surname and it is not the first word after a post title
        return not any("nazwisko" in a.quals for a in analyses(tok.text)) or tok.lower in _stop_lemmas()
    return False


def _surname_ok(tok) -> bool:
    if not _is_word(tok) or _stop(tok):
        return False
    an = analyses(tok.text)
    if not an:
        return False
    if all(a.pos in ("prep", "conj", "comp", "qub", "ppron12", "ppron3", "fin", "praet", "inf", "adv", "interp")
           for a in an):
        return False
    if any("nazwa_geograficzna" in a.quals for a in an) and not any(
            "nazwisko" in a.quals or "imię" in a.quals for a in an) and all(a.pos != "ign" for a in an):
        return False
    return True


def _surname_like(tok) -> bool:
    an = analyses(tok.text)
    low = tok.lower
    return any("nazwisko" in a.quals for a in an) or low.endswith(("ski", "ska", "cki", "cka", "dzki", "dzka",
                                                                    "skiej", "skiego", "ckiej", "ckiego", "icz", "wicz"))


def _pure_surname(tok) -> bool:
    an = analyses(tok.text)
    return bool(an) and any("nazwisko" in a.quals for a in an) and not any(
        "nazwa_pospolita" in a.quals or a.pos in ("adj", "fin", "praet") for a in an)


def find_people(tokens, blocked=frozenset()) -> list:
    """Person mentions in a sentence's tokens (indices in `blocked` are skipped)."""
    out = []
    n = len(tokens)
    k = 0
    while k < n:
        tok = tokens[k]
        if k in blocked or not _is_word(tok) or _stop(tok):
            k += 1
            continue
        fn = _first_name(tok.text)
        unknown = not fn and not morph.known(tok.text)
        if not fn and not unknown:
            k += 1
            continue
        if k > 0 and tokens[k - 1].lower == "." and k > 1 and tokens[k - 2].lower == "im":
            k += 1
            continue
        j = k + 1
        firsts = [k]
        if j + 1 < n and j not in blocked and _is_word(tokens[j]) and _first_name(tokens[j].text) \
                and _surname_ok(tokens[j + 1]) and j + 1 not in blocked and fn:
            firsts.append(j)
            j += 1
        if j >= n or j in blocked or not _surname_ok(tokens[j]):
            k += 1
            continue
        if unknown and not _surname_like(tokens[j]):
            k += 1
            continue
        sur = [j]
        end = j + 1
        # "Kosiniak Kamysz": a double surname written without its hyphen
        if end < n and end not in blocked and _surname_ok(tokens[end]) and not _first_name(tokens[end].text) \
                and _pure_surname(tokens[end]) and _pure_surname(tokens[j]):
            name, gender, case = nominative_name([tokens[i].text for i in firsts],
                                                 [tokens[j].text + "-" + tokens[end].text])
            hon, hstart = honorific_before(tokens, k)
            out.append(PersonMention(k, end + 1, name, hon, gender, name.split(" ")[-1], hstart, case))
            k = end + 1
            continue
        # "Majboroda - Andrukiewicz": a spaced dash joining two surname parts
        if end + 1 < n and tokens[end].text in ("-", "–") and end + 1 not in blocked \
                and _surname_ok(tokens[end + 1]) and _surname_like(tokens[end + 1]) \
                and not _first_name(tokens[end + 1].text):
            sur.append(end + 1)
            end += 2
        name, gender, case = nominative_name([tokens[i].text for i in firsts], [tokens[i].text for i in sur])
        hon, hstart = honorific_before(tokens, k)
        out.append(PersonMention(k, end, name, hon, gender, name.split(" ")[-1], hstart, case))
        k = end
    return out


def honorific_before(tokens, k):
    """(honorific or None, index where the name's prefix starts)."""
    hons = _honorifics()
    j = k
    kept = []
    while j > 0:
        # dotted forms: "prof." "dr hab." "mł. asp."
        found = False
        for width in (4, 3, 2, 1):
            a = j - width
            if a < 0:
                continue
            words = []
            for t in tokens[a:j]:
                if t.text == "." and words:
                    words[-1] += "."
                else:
                    words.append(t.lower)
            form = " ".join(words)
            if form in hons:
                keep, _ = hons[form]
                if keep:
                    kept.insert(0, " ".join(t for t in form.split()))
                j = a
                found = True
                break
        if found:
            continue
        # "dr nauk społecznych": a field after the degree
        if j >= 3 and tokens[j - 2].lower == "nauk" and tokens[j - 3].lower in ("dr", "doktor", "dr."):
            kept.insert(0, f"{tokens[j - 3].lower} nauk {tokens[j - 1].lower}")
            j -= 3
            continue
        if j >= 4 and tokens[j - 2].lower == "nauk" and tokens[j - 3].text == "." and tokens[j - 4].lower == "dr":
            kept.insert(0, f"dr nauk {tokens[j - 1].lower}")
            j -= 4
            continue
        break
    hon = " ".join(kept) if kept else None
    return hon, j


def _cases_for(text, gender=None):
    out = set()
    for a in analyses(text):
        if a.pos in ("subst", "depr", "adj") and "sg" in a.num:
            if gender is None or gender in a.gend or (gender == "m1" and a.gend & {"m1", "m2", "m3"}):
                out |= a.case
    return out


@lru_cache(maxsize=50_000)
def _suffix_rules():
    return tuple((r["case"], r["gender"], r["ending"], r["nominative"]) for r in table("surname_suffixes"))


def _surname_nom(word: str, gender: str | None, case: frozenset) -> str:
    """One surname (no hyphen) in the nominative, given the name's gender and case."""
    if "nom" in case or not case:
        return word
    an = analyses(word)
    g = gender or ""
    for a in an:
        if "nazwisko" in a.quals and "sg" in a.num and a.case & case and (not g or g in a.gend or
                                                                         (g == "m1" and "m1" in a.gend)):
            lemma = a.lemma
            return lemma[0].upper() + lemma[1:] if lemma else word
    for a in an:
        if a.pos == "adj" and a.case & case and (not g or g in a.gend):
            form = morph.adj_form(a.lemma, "nom", g or "m1")
            if form:
                return form[0].upper() + form[1:]
    if all(a.pos == "ign" for a in an) or not an:
        gg = "f" if g == "f" else "m"
        low = word.lower()
        for c, rg, ending, nom in _suffix_rules():
            if rg == gg and c in case and low.endswith(ending):
                return word[: len(word) - len(ending)] + nom
    return word


def nominative_name(firsts: list, surname_parts: list):
    """(name in nominative, gender 'm1'/'f'/None, case set)."""
    fn_an = _first_name(firsts[0])
    combos = []
    for a in fn_an:
        if "sg" not in a.num:
            continue
        g = "f" if "f" in a.gend else "m1"
        for c in sorted(a.case, key=lambda c: morph.CASES.index(c) if c in morph.CASES else 9):
            combos.append((c, g, a.lemma))
    sur_main = surname_parts[0].split("-")[0]
    sur_cases = {}
    for g in ("m1", "f"):
        sc = _cases_for(sur_main, g)
        sur_cases[g] = sc
    sur_unknown = all(a.pos == "ign" for a in analyses(sur_main)) or not analyses(sur_main)
    best = None
    for c, g, lemma in combos:
        ok = sur_unknown or c in sur_cases[g]
        score = (ok, c == "nom", c == "gen", c == "acc", g == "f")
        if best is None or score > best[0]:
            best = (score, c, g, lemma)
    if best is None:
        # unknown first name: keep as written, guess the case from the surname
        g = "f" if firsts[0].endswith("a") else "m1"
        cases = sur_cases.get(g) or {"nom"}
        case = frozenset({"nom"} if "nom" in cases else cases)
        parts = [_hyphen_nom(p, g, case) for p in surname_parts]
        return " ".join(firsts + ["-".join(parts)]), g, case
    _, c, g, lemma = best
    case = frozenset({c})
    names = []
    for f in firsts:
        if c == "nom":
            names.append(f)
            continue
        cand = [a.lemma for a in _first_name(f) if c in a.case and (g in a.gend or (g == "m1" and "m1" in a.gend))]
        names.append(cand[0] if cand else f)
    parts = [_hyphen_nom(p, g, case) for p in surname_parts]
    return " ".join(names + ["-".join(parts)]), g, case


def _hyphen_nom(word, g, case):
    return "-".join(_surname_nom(p, g, case) for p in word.split("-"))


def person_in_line(line: str) -> str | None:
    """The name in a short credit line ("asp. Monika Winnik"), nominative, or None."""
    from .text import tokenize

    toks = tokenize(line)
    found = find_people(toks)
    if len(found) == 1:
        return found[0].name
    return None
