"""Evidence for programme facts: the sentence of a source report that states each one.

A report's text (`report_text`) is cut into sentences by a small splitter that does not cut after
the abbreviations of `data/lexicon/text_cues.tsv` (`dotabbr`: "dr.", "prof.", "ul.", "r.", …),
after initials ("J. Kowalski") or inside numbers and dates ("21.09.2016"). For a fact (a
participant in a role) the sentence chosen names the participant in any inflected form, by word
stems as `report_text._stem_pattern` does, and is preferably one that also holds a cue of the role
(`i18n/evidence_cues.tsv`); else the first sentence naming the participant.

`Evidence` serves one page: each report's text is fetched once and split once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from service.tsv import read_tsv

CUES_FILE = Path(__file__).with_name("i18n") / "evidence_cues.tsv"
PATRON_ROLES = ("honorary-patron", "media-patron", "substantive-patron", "patron")
MIN_STEM = 3
MAX_REPORTS = 40  # a page whose facts come from more reports shows no quotes (the cost)

_UPPER = "A-ZĄĆĘŁŃÓŚŹŻ"
# a sentence end: . ! ? … (closing quotes or brackets may follow), space, then a capital, a digit,
# an opening quote or a bullet
_END = re.compile(rf"([.!?…]+)([\"”»)]*)(\s+)(?=[„\"«(•–-]?\s*[{_UPPER}0-9•])")
_WORD_BEFORE = re.compile(r"([^\W\d_]+(?:\.[^\W\d_]+)*)$")


@lru_cache(maxsize=1)
def abbreviations() -> frozenset[str]:
    """Abbreviations that end in a dot without ending a sentence (the extractor's own list)."""
    from service.extract.lexicon import values
    return frozenset(v.lower() for v in values("text_cues", "value", type="dotabbr"))


@lru_cache(maxsize=1)
def cue_stems() -> dict[str, tuple[str, ...]]:
    """{role: cue stems} from evidence_cues.tsv."""
    out: dict[str, list[str]] = {}
    for row in read_tsv(CUES_FILE):
        if row.get("role") and row.get("stem"):
            out.setdefault(row["role"], []).append(row["stem"].lower())
    return {role: tuple(stems) for role, stems in out.items()}


def _blocks(text: str) -> list[str]:
    """Paragraphs: a blank line always ends one; a single line break does too, unless the next
    line goes on in lower case (a wrapped line)."""
    blocks: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        current = ""
        for line in para.split("\n"):
            line = line.strip()
            if not line:
                continue
            if current and line[0].islower():
                current += " " + line
            else:
                if current:
                    blocks.append(current)
                current = line
        if current:
            blocks.append(current)
    return blocks


def split_sentences(text: str, abbrev: frozenset[str] | None = None) -> list[str]:
    """The sentences of `text`, in order."""
    abbrev = abbreviations() if abbrev is None else abbrev
    out: list[str] = []
    for block in _blocks(text):
        block = re.sub(r"[ \t]+", " ", block)
        start = 0
        for m in _END.finditer(block):
            before = block[start:m.start()]
            if m.group(1) == ".":
                if before[-1:].isdigit() and block[m.end():m.end() + 1].isdigit():  # "21. 09. 2016"
                    continue
                word = _WORD_BEFORE.search(before)
                if word:
                    w = word.group(1)
                    if len(w) == 1 and w.isupper():  # an initial: "J. Kowalski"
                        continue
                    if w.lower() in abbrev or w.lower().split(".")[-1] in abbrev:
                        continue
            out.append(block[start:m.end(2)].strip())
            start = m.end()
        tail = block[start:].strip()
        if tail:
            out.append(tail)
    return [s for s in out if s]


def _word_pattern(word: str) -> str:
    """A word in any inflected form: long words by their stem, short ones with a short ending."""
    if word.isalpha() and len(word) > 4:
        return re.escape(word[:max(MIN_STEM, len(word) - 2)]) + r"\w*"
    if word.isalpha() and len(word) >= 3:
        return re.escape(word) + r"\w{0,3}"
    return re.escape(word)


def _phrase_pattern(name: str) -> str | None:
    words = re.findall(r"\w+|[^\w\s]", name)
    if not words or not any(w.isalpha() for w in words):
        return None
    return r"(?<!\w)" + r"\s*".join(_word_pattern(w) for w in words) + r"(?!\w)"


@dataclass(frozen=True)
class Name:
    """One way a participant is named in text; `strength` 2 for the full name, 1 for a part."""
    pattern: re.Pattern
    strength: int


def names_for(label: str, kind: str = "", alt: tuple[str, ...] = (), extra: tuple[str, ...] = ()) -> list[Name]:
    """The patterns that find `label` (of an entity of `kind`: person, organisation, post, event)
    in text: the whole label, then parts: a person's surname, an organisation's name before its
    locality and its abbreviations, the body of a post, the first words of an event's name, and
    the names in `extra` (a patron's person, a post's holder)."""
    out: list[Name] = []

    def add(text: str, strength: int, flags=re.I):
        pattern = _phrase_pattern(text)
        if pattern and len(text.strip()) >= 3 and all(n.pattern.pattern != pattern for n in out):
            out.append(Name(re.compile(pattern, flags), strength))

    add(label, 2)
    words = label.split()
    if kind == "person" and len(words) >= 2:
        add(words[-1], 1, 0)  # the surname, capitalised as written
    if kind == "organisation":
        head = re.split(r"\s+(?:w|we|im\.)\s+", label, maxsplit=1)[0]
        if head != label and len(head.split()) >= 2:
            add(head, 1)
    if kind == "post":
        for part in re.split(r"\s+[–—-]\s+", label)[1:]:
            add(part, 1)
    if kind == "event" and len(words) > 2:
        add(" ".join(words[:2]), 1)
    for a in alt:
        if a and a != label:
            pattern = r"(?<!\w)" + re.escape(a) + r"(?!\w)"
            out.append(Name(re.compile(pattern), 1))  # abbreviations as written
    for name in extra:
        if name:
            add(name, 1)
            if len(name.split()) >= 2:
                add(name.split()[-1], 1, 0)
    return out


def cue_pattern(role: str | None) -> re.Pattern | None:
    if not role:
        return None
    stems = cue_stems()
    chosen = list(stems.get(role, ()))
    if role in PATRON_ROLES:
        chosen += stems.get("patron", ())
    if not chosen:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(s) for s in sorted(set(chosen), key=len, reverse=True)) + r")",
                      re.I)


def best_sentence(sentences: list[str], names: list[Name], role: str | None = None
                  ) -> tuple[int, int, int, bool] | None:
    """(index, start, end of the name in it, has a cue) of the sentence that best states the fact:
    one naming the participant and holding the role's cue, by the strongest name, earliest; else
    the first naming them at all. None when no sentence names them."""
    cue = cue_pattern(role)
    best = None
    best_key = None
    for i, sentence in enumerate(sentences):
        found = None
        for name in names:
            m = name.pattern.search(sentence)
            if m and (found is None or name.strength > found[0]):
                found = (name.strength, m.start(), m.end())
        if found is None:
            continue
        has_cue = bool(cue and cue.search(sentence))
        key = (has_cue, found[0], -i)
        if best_key is None or key > best_key:
            best_key, best = key, (i, found[1], found[2], has_cue)
    return best


@dataclass(frozen=True)
class Quote:
    """A sentence of a report, with the participant's name in it marked."""
    sentence: str
    start: int
    end: int
    report: str
    title: str
    cue: bool = False

    @property
    def before(self) -> str:
        return self.sentence[:self.start]

    @property
    def name(self) -> str:
        return self.sentence[self.start:self.end]

    @property
    def after(self) -> str:
        return self.sentence[self.end:]


class Evidence:
    """Quotes for one page: `reports` is {report IRI: title}; each report's text is fetched and
    split at most once, and only when a quote is asked for."""

    def __init__(self, reports: dict[str, str], fetch=None):
        if fetch is None:
            from service.web.report_text import report_text as fetch
        self.reports = dict(reports)
        self._fetch = fetch
        self._sentences: dict[str, list[str]] = {}

    def sentences(self, report: str) -> list[str]:
        if report not in self._sentences:
            text = self._fetch(report)
            self._sentences[report] = split_sentences(text) if text else []
        return self._sentences[report]

    def quote(self, names: list[Name], role: str | None = None, reports=None) -> Quote | None:
        """The best sentence over `reports` (all of the page's by default): one with the role's cue
        wins over one without, then the stronger name, then the earlier report."""
        best, best_key = None, None
        for report in (reports if reports is not None else self.reports):
            sentences = self.sentences(report)
            found = best_sentence(sentences, names, role) if names else None
            if found is None:
                continue
            i, start, end, cue = found
            key = (cue, names_strength(names, sentences[i]))
            if best_key is None or key > best_key:
                best_key = key
                best = Quote(sentences[i], start, end, report, self.reports.get(report) or report, cue)
        return best


def names_strength(names: list[Name], sentence: str) -> int:
    return max((n.strength for n in names if n.pattern.search(sentence)), default=0)


def kind_of(iri: str) -> str:
    """The kind of an instance IRI (`…/id/{kind}/{slug}`), or ""."""
    m = re.search(r"/id/([a-z]+)/[^/]+$", iri or "")
    return m.group(1) if m else ""
