"""Turning terms into what a page shows: local links for IRIs, labels, short names."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from flask import current_app, request
from markupsafe import Markup, escape
from pyoxigraph import Literal, NamedNode

from service.mapping.vocab import PREFIXES, PROJECT

LANGUAGES = ("pl", "en")
I18N_DIR = Path(__file__).with_name("i18n")


def current_language() -> str:
    lang = request.args.get("lang") or request.cookies.get("lang")
    return lang if lang in LANGUAGES else "pl"


@lru_cache(maxsize=None)
def strings(lang: str) -> dict:
    """The interface strings of `lang` (service/web/i18n/{lang}.json)."""
    return json.loads((I18N_DIR / f"{lang}.json").read_text(encoding="utf-8"))


def translate(key: str, lang: str | None = None):
    """The string `key` in `lang` (the request's language by default); the key itself if missing."""
    table = strings(lang or current_language())
    return table.get(key, strings("pl").get(key, key))


def url_with(_path: str | None = None, **changes) -> str:
    """The current URL with some query parameters changed (None removes one); lists repeat."""
    args = request.args.to_dict(flat=False)
    for key, value in changes.items():
        if value is None or value == [] or value == "":
            args.pop(key, None)
        else:
            args[key] = value if isinstance(value, list) else [value]
    pairs = [(k, v) for k, values in args.items() for v in values]
    return (_path or request.path) + ("?" + urlencode(pairs) if pairs else "")


def other_language() -> str:
    return "en" if current_language() == "pl" else "pl"


def local_url(iri: str, base: str | None = None) -> str | None:
    """The path on this site that shows `iri`, or None when it lives elsewhere.

    Instance IRIs are under the configured base (`base`, else the app's); the ontology and
    schemes under the project's fixed namespace, which this app also serves (as a w3id redirect
    would send it here).
    """
    if base is None:
        base = current_app.config["BASE"]
    if iri.startswith(base + "/"):
        return iri[len(base):]
    if iri.startswith(PROJECT):
        return "/" + iri[len(PROJECT):].replace("#", "#", 1)
    return None


@lru_cache(maxsize=8192)
def curie(iri: str) -> str:
    """`prefix:name` for an IRI in a known namespace (the longest that fits), else the IRI. Kept:
    a page asks it of every predicate and type it shows, mostly the same few dozen."""
    best = None
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and (best is None or len(namespace) > len(PREFIXES[best])):
            best = prefix
    return f"{best}:{iri[len(PREFIXES[best]):]}" if best else iri


def term_text(term) -> str:
    if term is None:
        return ""
    if isinstance(term, Literal):
        return term.value
    if isinstance(term, NamedNode):
        return curie(term.value)
    return str(term)


_LINK = Markup('<a href="%s">%s</a>')
_IRI = Markup('<span class="iri">%s</span>')
_LANG = Markup(' <span class="lang">@%s</span>')


def term_html(value, label: str | None, base: str | None = None) -> Markup:
    """An RDF term as the `term` macro of _term.html writes it (the same HTML, made here: a page
    shows hundreds, and a macro call costs far more than this). IRIs from reports are untrusted:
    only local paths and http(s) IRIs become links; any other scheme is shown as text."""
    if isinstance(value, NamedNode):
        iri = value.value
        href = local_url(iri, base)
        if href or iri.lower().startswith(("http://", "https://")):
            return _LINK % (href or iri, label or curie(iri))
        return _IRI % (label or curie(iri),)
    language = getattr(value, "language", None)
    return escape(value.value) + _LANG % (language,) if language else escape(value.value)


def link_html(link, base: str | None = None) -> Markup:
    """A profile's link (anything with `iri` and `label`) as the `link` macro of _profile.html
    writes it."""
    return _LINK % (local_url(link.iri, base) or link.iri, link.label)


def template_helpers() -> dict:
    from service.web import profiles
    lang = current_language()
    base = current_app.config["BASE"]  # read once: a page calls local_url for every link it shows
    return {"local_url": lambda iri: local_url(iri, base), "curie": curie, "term_text": term_text,
            "term_html": lambda value, label: term_html(value, label, base),
            "link_html": lambda link: link_html(link, base),
            "lang": lang, "is_iri": lambda t: isinstance(t, NamedNode),
            "t": lambda key: translate(key, lang), "url_with": url_with,
            "other_lang": other_language(), "profile_of": profiles.profile_of}
