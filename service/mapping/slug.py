"""Slugs for instance IRIs: base-form names folded to lower-case ASCII."""
import hashlib
import re
import unicodedata
from functools import lru_cache

_FOLD = str.maketrans({"ł": "l", "Ł": "l", "ß": "ss", "æ": "ae", "ø": "o", "đ": "d"})
_NON_WORD = re.compile(r"[^a-z0-9]+")
MAX_LENGTH = 120


def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces: "Ośrodek „Pomocy”" → "osrodek pomocy"."""
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD).lower())
    return " ".join(_NON_WORD.sub(" ", "".join(c for c in folded if not unicodedata.combining(c))).split())


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
