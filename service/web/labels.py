"""Turning terms into what a page shows: local links for IRIs, labels, short names."""
from __future__ import annotations

from flask import current_app, request
from pyoxigraph import Literal, NamedNode

from service.mapping.vocab import PREFIXES, PROJECT

LANGUAGES = ("pl", "en")


def current_language() -> str:
    lang = request.args.get("lang") or request.cookies.get("lang")
    return lang if lang in LANGUAGES else "pl"


def local_url(iri: str) -> str | None:
    """The path on this site that shows `iri`, or None when it lives elsewhere.

    Instance IRIs are under the configured base; the ontology and schemes under the project's
    fixed namespace, which this app also serves (as a w3id redirect would send it here).
    """
    base = current_app.config["BASE"]
    if iri.startswith(base + "/"):
        return iri[len(base):]
    if iri.startswith(PROJECT):
        return "/" + iri[len(PROJECT):].replace("#", "#", 1)
    return None


def curie(iri: str) -> str:
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


def template_helpers() -> dict:
    return {"local_url": local_url, "curie": curie, "term_text": term_text,
            "lang": current_language(), "is_iri": lambda t: isinstance(t, NamedNode)}
