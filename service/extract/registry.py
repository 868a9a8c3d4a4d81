"""Reconciling mentions within one report: one entry per organisation and per person.

Organisations: the same base-form name, a name that is the beginning of a longer one with the
same head ("Urząd Marszałkowski" / "Urząd Marszałkowski Województwa Dolnośląskiego"), an
abbreviation whose expansion or initials fit, or a bare head noun ("Ośrodek", "Centrum")
pointing back to the last body with that head, are one body. People: the same surname and a
compatible first name ("Przemyslaw" / "Przemysław"), or a surname alone after the full name.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from functools import lru_cache

from rapidfuzz import fuzz

from .orgs import abbreviations, initials_match


def key(name: str) -> str:
    text = unicodedata.normalize("NFC", name).casefold()
    text = re.sub(r"[\"'„”“«»‚‘’`]", "", text)
    text = re.sub(r"\s*[-‐‑‒–—―]\s*", "-", text)
    text = re.sub(r"[,.;:()\[\]!?/]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass(eq=False)
class Org:
    name: str
    head: str
    cls: str
    abbreviation: str | None = None
    place: str | None = None
    order: int = 0
    acting: bool = False
    listed: bool = True


class OrgRegistry:
    def __init__(self):
        self.orgs: list[Org] = []
        self.by_mention = {}

    def _find(self, name, head):
        k = key(name)
        for o in self.orgs:
            ok = key(o.name)
            if ok == k:
                return o
        for o in self.orgs:
            ok = key(o.name)
            if o.head == head and (ok.startswith(k + " ") or k.startswith(ok + " ")):
                return o
            if len(k) > 8 and len(ok) > 8 and fuzz.ratio(k, ok) >= 95:
                return o
        return None

    def add_name(self, name, head, cls, abbreviation=None, place=None, order=0):
        found = self._find(name, head)
        if found:
            if len(key(name)) > len(key(found.name)) and found.head == head:
                found.name = name
            found.abbreviation = found.abbreviation or abbreviation
            found.place = found.place or place
            return found
        org = Org(name, head, cls, abbreviation, place, order)
        self.orgs.append(org)
        return org

    def add(self, mention, order=0):
        """The entry for an OrgMention (None for a bare head with nothing to point to)."""
        if id(mention) in self.by_mention:
            return self.by_mention[id(mention)]
        if mention.plural:
            return None
        if mention.bare:
            org = self.last_with_head(mention.head)
        elif mention.acronym and not mention.complements:
            org = self.resolve_acronym(mention.acronym, order)
        else:
            org = self.add_name(mention.name, mention.head, mention.cls, mention.abbreviation,
                                mention.place, order)
            if mention.acronym:
                org.abbreviation = org.abbreviation or mention.acronym
        self.by_mention[id(mention)] = org
        return org

    def last_with_head(self, head):
        for o in reversed(self.orgs):
            if o.head == head:
                return o
        return None

    def resolve_acronym(self, acronym, order=0, create=True):
        expansion = abbreviations().get(acronym)
        for o in self.orgs:
            if o.abbreviation == acronym:
                return o
        if expansion:
            ek = key(expansion)
            cands = [o for o in self.orgs if key(o.name).startswith(ek)]
            if len(cands) == 1:
                cands[0].abbreviation = cands[0].abbreviation or acronym
                return cands[0]
            if len(cands) > 1:
                for c in cands:
                    c.abbreviation = c.abbreviation or acronym
                return None
        cands = [o for o in self.orgs if initials_match(acronym, re.split(r"\s(?:w|we)\s", o.name)[0])]
        if len(cands) == 1:
            cands[0].abbreviation = cands[0].abbreviation or acronym
            return cands[0]
        if expansion and create:
            return self.add_name(expansion, expansion.split()[-1].lower(), "body", acronym, None, order)
        return None


@dataclass(eq=False)
class Person:
    name: str
    surname: str
    honorific: str | None = None
    gender: str | None = None
    posts: list = field(default_factory=list)   # [(title, org name or None)]
    order: int = 0


@lru_cache(maxsize=50_000)
def _fold(text):
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c)).replace("ł", "l")


def _skey(surname):
    return re.sub(r"[\s-]+", "", _fold(surname))


class PersonRegistry:
    def __init__(self):
        self.people: list[Person] = []

    def add(self, mention, order=0):
        first = mention.name.split(" ")[0]
        sk = _skey(_surname_part(mention.name))
        for p in self.people:
            if _skey(_surname_part(p.name)) == sk and _fold(p.name.split(" ")[0]) == _fold(first):
                if "-" in mention.name and "-" not in p.name:
                    p.name = mention.name
                p.honorific = p.honorific or mention.honorific
                return p
        p = Person(mention.name, mention.surname, mention.honorific, mention.gender, order=order)
        self.people.append(p)
        return p

    def by_surname(self, word):
        sk = _skey(word)
        found = [p for p in self.people if _skey(_surname_part(p.name)) == sk]
        return found[0] if len(found) == 1 else None


def _surname_part(name):
    parts = name.split(" ")
    return parts[-1] if len(parts) > 1 else name
