"""Report text to lines, sentences and tokens.

The page around a report (print buttons, galleries, link lists, photo credits) is dropped by
the patterns in text_cues.tsv; the first line is the title; a short date line near the top is
the publication date; credit lines give the authors. Lines are joined into paragraphs when a
line goes on in lower case or continues a list introduced by a colon, then split into sentences.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from . import morph
from .lexicon import values


@dataclass(eq=False)
class Token:
    text: str
    start: int
    end: int
    i: int = 0
    space_before: bool = True

    lower: str = ""

    def __post_init__(self):
        self.lower = self.text.lower()

    @property
    def alpha(self) -> bool:
        return self.text[:1].isalpha()

    @property
    def cap(self) -> bool:
        return self.text[:1].isupper()

    @property
    def acronym(self) -> bool:
        """MOPS, MRPiPS, ZPWDz: two or more capitals, starting with one."""
        t = self.text
        return len(t) >= 2 and t[0].isupper() and sum(c.isupper() for c in t) >= 2 and t.isalpha() \
            and not re.search(r"[a-ząćęłńóśźż]{3}", t)

    @property
    def an(self):
        return analyses(self.text)

    @property
    def lemmas(self) -> frozenset:
        return token_lemmas(self.text)


@lru_cache(maxsize=200_000)
def analyses(text: str):
    if not text[:1].isalpha():
        return ()
    if "-" in text.strip("-"):
        last = text.rsplit("-", 1)
        tail = morph.analyse(last[1])
        if tail and any(a.pos != "ign" for a in tail):
            prefix = last[0]
            return tuple(a._replace(lemma=f"{prefix.lower()}-{a.lemma}") if a.pos in ("adj", "ppas")
                         else a for a in tail)
        return morph.analyse(text)
    return morph.analyse(text)


@lru_cache(maxsize=200_000)
def token_lemmas(text: str) -> frozenset:
    out = {text.lower()}
    for a in analyses(text):
        if a.pos != "ign":
            out.add(a.lemma.lower())
    return frozenset(out)


@dataclass(eq=False)
class Sentence:
    text: str
    tokens: list
    index: int
    is_title: bool = False
    paragraph: int = 0


@dataclass
class Doc:
    title: str | None
    published: str | None
    authors: list = field(default_factory=list)
    sentences: list = field(default_factory=list)
    source_url: str | None = None


_TOKEN = re.compile(
    r"\d+(?:[.,/:]\d+)*"
    r"|[^\W\d_]+(?:-[^\W\d_]+)*"
    r"|[„”“\"«»‚’']"
    r"|[^\w\s]",
)


def tokenize(text: str) -> list:
    out = []
    prev_end = -1
    for m in _TOKEN.finditer(text):
        tok = Token(m.group(), m.start(), m.end(), len(out), m.start() != prev_end)
        out.append(tok)
        prev_end = m.end()
    return out


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\u00a0\u2007\u202f\t]", " ", text)
    text = re.sub(r"[\u200b-\u200d\ufeff\u00ad]", "", text)
    text = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C")
    return text


@lru_cache(maxsize=1)
def _boilerplate():
    return [re.compile(p, re.I) for p in values("text_cues", "value", type="boilerplate")]


@lru_cache(maxsize=1)
def _dot_abbr() -> frozenset:
    return values("text_cues", "value", type="dotabbr")


def is_dot_abbr(word: str) -> bool:
    return word.lower() in _dot_abbr()


def _starts_with_cue(line: str, kind: str) -> str | None:
    low = line.lower()
    for cue in sorted(values("text_cues", "value", type=kind), key=len, reverse=True):
        if low.startswith(cue) and (len(low) == len(cue) or not low[len(cue)].isalpha()):
            return line[len(cue):].lstrip(" :.-–")
    return None


_DATE_LINE = re.compile(
    r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})|(\d{1,2})\s+([a-ząćęłńóśźż]+)\s+(\d{4})|(\d{4})-(\d{2})-(\d{2})",
    re.I,
)


def _published_from(line: str) -> str | None:
    from .dates import month_number

    m = _DATE_LINE.search(line)
    if not m:
        return None
    try:
        if m.group(1):
            d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        elif m.group(4):
            mo = month_number(m.group(5))
            if not mo:
                return None
            d, y = int(m.group(4)), int(m.group(6))
        else:
            y, mo, d = int(m.group(7)), int(m.group(8)), int(m.group(9))
        import datetime

        return datetime.date(y, mo, d).isoformat()
    except (ValueError, TypeError):
        return None


_NAMEISH = re.compile(r"^(?:[a-ząćęłńóśźż]{1,6}\.\s*)*[A-ZĄĆĘŁŃÓŚŹŻ][\w-]+(?:\s+[A-ZĄĆĘŁŃÓŚŹŻ][\w-]+){1,2}$")
_INITIALS = re.compile(r"^\(?([a-zA-ZąćęłńóśźżĄĆĘŁŃÓŚŹŻ]{1,4})\)?$")
_TRAIL_INITIALS = re.compile(r"\s\(([a-ząćęłńóśźż]{1,4})\)\s*$")
_LIST_ITEM = re.compile(r"^(?:[•·▪●◦*–-]|\d{1,2}[.)])\s*")


def prepare(text: str, title: str | None = None, published: str | None = None,
            source_url: str | None = None) -> Doc:
    """Clean a report's text and cut it into sentences, finding title, date and authors."""
    text = normalise(text)
    lines = [re.sub(r" {2,}", " ", line.strip()) for line in text.split("\n")]
    kept = []
    authors = []
    for line in lines:
        if any(p.match(line) for p in _boilerplate()):
            kept.append("")
            continue
        kept.append(line)
    # title: the first non-empty line, unless given
    first = next((k for k, line in enumerate(kept) if line), None)
    title_line = None
    if first is not None and len(kept[first]) <= 300:
        if title is None or kept[first].strip() == title.strip():
            title_line = first
            title = kept[first] if title is None else title
    # published date and credit lines near the top
    top = [k for k, line in enumerate(kept) if line][:6]
    for k in top:
        if k == title_line:
            continue
        line = kept[k]
        rest = _starts_with_cue(line, "published")
        credit = _starts_with_cue(line, "credit")
        if credit is not None and len(line) < 120:
            who = re.split(r",|\s+godz\.|\s+\d", credit)[0].strip()
            if who:
                authors.append(who)
            if published is None:
                published = _published_from(line)
            kept[k] = ""
            continue
        if (rest is not None or len(line) <= 60) and published is None:
            date = _published_from(line)
            if date and (rest is not None or len(re.sub(r"[\d.\-/:, ]|godz|r\b", "", line)) < 13):
                published = date
                kept[k] = ""
    # credit and photo lines anywhere; a name alone on the last line is the author
    for k, line in enumerate(kept):
        if not line:
            continue
        credit = _starts_with_cue(line, "credit")
        if credit is not None and len(line) < 120:
            for part in re.split(r",\s*(?=fot)|;", credit):
                part = part.strip()
                if part and not part.lower().startswith("fot"):
                    authors.append(re.split(r",", part)[0].strip())
            kept[k] = ""
        elif _starts_with_cue(line, "photo") is not None and len(line) < 120:
            kept[k] = ""
    nonempty = [k for k, line in enumerate(kept) if line and k != title_line]
    if nonempty:
        last = nonempty[-1]
        line = kept[last]
        m = _INITIALS.match(line)
        if m and len(line) <= 6:
            authors.append(m.group(1))
            kept[last] = ""
        elif _NAMEISH.match(line) and len(line) < 50 and not line.endswith("."):
            from .people import person_in_line

            name = person_in_line(line)
            if name:
                authors.append(name)
                kept[last] = ""
        m = _TRAIL_INITIALS.search(kept[last]) if kept[last] else None
        if m:
            authors.append(m.group(1))
            kept[last] = kept[last][: m.start()].rstrip()
    # paragraphs
    paragraphs: list[list[str]] = []
    current: list[str] = []
    title_para = None
    for k, line in enumerate(kept):
        if k == title_line:
            if current:
                paragraphs.append(current)
            paragraphs.append([line])
            title_para = len(paragraphs) - 1
            current = []
            continue
        if not line:
            if current and not current[-1].endswith(":"):
                paragraphs.append(current)
                current = []
            continue
        if current and (line[0].islower() or (_LIST_ITEM.match(line) and _is_list_context(current))):
            current.append(line)
            continue
        if current:
            paragraphs.append(current)
        current = [line]
    if current:
        paragraphs.append(current)
    sentences = []
    for p, para in enumerate(paragraphs):
        joined = " ".join(para)
        for chunk in split_sentences(joined):
            toks = tokenize(chunk)
            if not toks:
                continue
            sentences.append(Sentence(chunk, toks, len(sentences), is_title=(p == title_para), paragraph=p))
    seen = set()
    authors = [a for a in authors if a and not (a in seen or seen.add(a))]
    return Doc(title=title, published=published, authors=authors, sentences=sentences,
               source_url=source_url)


def _is_list_context(current: list) -> bool:
    return any(line.endswith(":") for line in current) or bool(_LIST_ITEM.match(current[-1]))


_SPLIT = re.compile(r"([.!?…]+)([\"”»)]*)(\s+)(?=[„\"«(•]?[A-ZĄĆĘŁŃÓŚŹŻ0-9•])")


def split_sentences(text: str) -> list:
    out = []
    start = 0
    for m in _SPLIT.finditer(text):
        before = text[start:m.start()]
        word = re.search(r"([^\W\d_]+(?:\.[^\W\d_]+)*)$", before)
        if m.group(1) == "." and re.search(r"(?:^|[\s:])\d{1,2}$", before):
            continue
        if m.group(1) == "." and word:
            w = word.group(1)
            low = w.lower()
            if len(w) == 1 and w.isupper():
                continue
            if is_dot_abbr(low) and low not in ("r", "br"):
                continue
        out.append(text[start:m.end(2)].strip())
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return [s for s in out if s]
