"""Scoring extracted records against gold ones, by the rules of corpus/score.py.

Each record is cut into facts (event start, end, kind, title, edition, participant count, places;
organisations; organisers, partners, patron names and persons; people; (person, post title) and
(person, post organisation) pairs; (person, role) contributions including sub-events'; themes).
Names match after case folding, unified quotes and dashes, dropped punctuation, and a fuzzy ratio
of at least 90; each gold fact is matched to at most one extracted fact.
"""
from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from rapidfuzz import fuzz

FUZZY = 90
NAME_KINDS = {"organisation", "organiser", "partner", "patron", "patron_person", "person", "place", "title"}
PAIR_KINDS = {"post_title", "post_org", "contribution"}

_QUOTES = re.compile(r"[\"'„”“«»‚‘’`]")
_DASHES = re.compile(r"\s*[-‐‑‒–—―]\s*")
_PUNCT = re.compile(r"[,.;:()\[\]!?/]")
_SPACE = re.compile(r"\s+")


def norm(text) -> str:
    if text is None:
        return ""
    text = unicodedata.normalize("NFC", str(text)).casefold()
    text = _QUOTES.sub("", text)
    text = _DASHES.sub("-", text)
    text = _PUNCT.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


def _alternatives(value):
    values = value if isinstance(value, list) else [value]
    return [norm(v) for v in values if v]


def _same(a, b):
    return a == b or (len(a) > 3 and len(b) > 3 and fuzz.ratio(a, b) >= FUZZY)


def _events(event):
    yield event
    for sub in event.get("sub_events") or []:
        yield from _events(sub)


def facts(record) -> list:
    """A record as (kind, value) facts; a value is a tuple of alternative lists."""
    out = []

    def add(kind, *parts):
        parts = [_alternatives(p) for p in parts]
        if all(parts):
            out.append((kind, tuple(parts)))

    ev = record.get("event") or {}
    for k in ("start", "end", "kind", "title"):
        add(k, ev.get(k))
    if ev.get("edition") is not None:
        add("edition", str(ev["edition"]))
    if ev.get("participants"):
        add("participants", str(ev["participants"].get("count")))
    for place in ev.get("places") or []:
        add("place", place)
    for org in record.get("organisations") or []:
        add("organisation", org.get("name"))
    for org in ev.get("organisers") or []:
        add("organiser", org)
    for org in ev.get("partners") or []:
        add("partner", org)
    for patron in ev.get("patrons") or []:
        add("patron", patron.get("name"))
        add("patron_person", patron.get("person"))
    for person in record.get("people") or []:
        add("person", person.get("name"))
        for post in person.get("posts") or []:
            add("post_title", person.get("name"), post.get("title"))
            add("post_org", person.get("name"), post.get("organisation"))
    seen = set()
    for sub in _events(ev):
        for c in sub.get("contributions") or []:
            k = (norm(c.get("person")), c.get("role"))
            if k not in seen:
                seen.add(k)
                add("contribution", c.get("person"), c.get("role"))
    for theme in ev.get("themes") or []:
        add("theme", theme)
    return out


def _matches(kind, gold, pred):
    fuzzy = kind in NAME_KINDS or kind in PAIR_KINDS
    for g_alts, p_alts in zip(gold, pred):
        if not any((_same(g, p) if fuzzy else g == p) for g in g_alts for p in p_alts):
            return False
    return True


def score_pair(gold, pred):
    """({kind: [tp, predicted, gold]}, misses, extras) for one report."""
    counts = {}
    gold_facts, pred_facts = facts(gold), facts(pred)
    used = [False] * len(pred_facts)
    misses, extras = [], []
    for kind, value in gold_facts:
        c = counts.setdefault(kind, [0, 0, 0])
        c[2] += 1
        for i, (p_kind, p_value) in enumerate(pred_facts):
            if not used[i] and p_kind == kind and _matches(kind, value, p_value):
                used[i] = True
                c[0] += 1
                break
        else:
            misses.append((kind, value))
    for i, (kind, value) in enumerate(pred_facts):
        counts.setdefault(kind, [0, 0, 0])[1] += 1
        if not used[i]:
            extras.append((kind, value))
    return counts, misses, extras


def prf(tp, predicted, gold):
    p = tp / predicted if predicted else (1.0 if not gold else 0.0)
    r = tp / gold if gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def evaluate_dir(gold_dir, extract=None) -> dict:
    """Extract every NAME.txt (or .html) of `gold_dir` and score it against NAME.json.

    Returns {"kinds": {kind: {p, r, f1, gold}}, "overall": {p, r, f1, gold}, "details": [...]}.
    """
    from . import extract_file

    extract = extract or extract_file
    gold_dir = Path(gold_dir)
    total = {}
    details = []
    for gold_path in sorted(gold_dir.glob("*.json")):
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        source = next((gold_path.with_suffix(s) for s in (".txt", ".html", ".htm")
                       if gold_path.with_suffix(s).exists()), None)
        try:
            pred = extract(source) if source else {}
        except ValueError:
            pred = {}
        counts, misses, extras = score_pair(gold, pred)
        for kind, c in counts.items():
            t = total.setdefault(kind, [0, 0, 0])
            for i in range(3):
                t[i] += c[i]
        details.append({"report": gold_path.stem, "misses": misses, "extras": extras})
    kinds = {}
    for kind, c in sorted(total.items()):
        p, r, f = prf(*c)
        kinds[kind] = {"p": p, "r": r, "f1": f, "gold": c[2], "tp": c[0], "predicted": c[1]}
    all_c = [sum(c[i] for c in total.values()) for i in range(3)]
    p, r, f = prf(*all_c)
    return {"kinds": kinds, "overall": {"p": p, "r": r, "f1": f, "gold": all_c[2]},
            "reports": len(details), "details": details}


def format_value(value) -> str:
    return " | ".join("/".join(a) for a in value)
