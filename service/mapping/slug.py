"""Slugs for instance IRIs: base-form names folded to lower-case ASCII."""
import hashlib
import re
import unicodedata
from functools import lru_cache

_FOLD = str.maketrans({"ł": "l", "Ł": "l", "ß": "ss", "æ": "ae", "ø": "o", "đ": "d"})
_NON_WORD = re.compile(r"[^a-z0-9]+")
MAX_LENGTH = 120


class _Folded(dict):
    """Code point → the character folded: special letters (_FOLD), lower case, decomposed (NFKD)
    without its combining marks; filled as characters are met. Per character is the same as per
    string for what fold keeps (a-z, 0-9): NFKD only reorders combining marks, which are all
    dropped, and the one context-dependent lower case (final sigma) is not ASCII either way."""

    def __missing__(self, code: int) -> str:
        if len(self) > 50_000:  # any text may reach fold (search words): keep this small
            self.clear()
        decomposed = unicodedata.normalize("NFKD", chr(code).translate(_FOLD).lower())
        value = self[code] = "".join(c for c in decomposed if not unicodedata.combining(c))
        return value


_FOLDED = _Folded()


def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces: "Ośrodek „Pomocy”" → "osrodek pomocy"."""
    folded = text.lower() if text.isascii() else text.translate(_FOLDED)
    return " ".join(_NON_WORD.sub(" ", folded).split())


@lru_cache(maxsize=1 << 16)  # names recur across reports: fold each once
def slug(text: str) -> str:
    """`"Miejski Ośrodek Pomocy Społecznej w Suwałkach"` → `"miejski-osrodek-pomocy-spolecznej-w-suwalkach"`.

    Quotes, case and punctuation do not matter, so the same body written with „RAZEM” or "RAZEM"
    gets one IRI. Very long names are cut and given a short hash so they stay distinct.
    """
    result = fold(text).replace(" ", "-")
    if len(result) > MAX_LENGTH:
        digest = hashlib.sha1(result.encode()).hexdigest()[:8]
        result = result[:MAX_LENGTH].rstrip("-") + "-" + digest
    return result or "x"
