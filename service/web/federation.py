"""Refuse federated queries (SERVICE) and remote loads (LOAD) to endpoints not allow-listed.

pyoxigraph evaluates `SERVICE <http://…>` itself, over HTTP, so a public endpoint must check
before the query reaches the store. The text is tokenised, not searched with a regex: comments,
strings and IRIs are read as whole tokens, so `# SERVICE` or `"SERVICE <x>"` does not count,
while `sErViCe`, `SERVICE SILENT ?var` and SERVICE in any nested group do. Prefixed names are
expanded from the query's PREFIX declarations; a variable endpoint cannot be checked, so it is
refused.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*(?:'''|$) | \"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|$)
               | '(?:[^'\\\n\r]|\\.)*'? | "(?:[^"\\\n\r]|\\.)*"? )
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]*)
  | (?P<pname>[^\W\d][\w.\-]*:[\w.\-:%\\]*|:[\w.\-:%\\]*)
  | (?P<word>[^\W\d]\w*)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


class FederationRefused(ValueError):
    """The query calls a remote endpoint that is not allow-listed."""


def tokens(text: str):
    """(kind, text) for each significant token of SPARQL `text` (no spaces or comments)."""
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind not in ("ws", "comment"):
            yield kind, match.group()


def remote_endpoints(text: str) -> list[str | None]:
    """Every endpoint named by SERVICE or LOAD in `text`: an IRI, or None when it cannot be
    known (a variable, an undeclared prefix, something unexpected)."""
    prefixes: dict[str, str] = {}
    base = ""
    found: list[str | None] = []
    items = list(tokens(text))
    i = 0
    while i < len(items):
        kind, value = items[i]
        word = value.upper() if kind in ("word", "pname") else None
        if word == "PREFIX" and i + 2 < len(items) and items[i + 1][0] == "pname" and items[i + 2][0] == "iri":
            prefixes[items[i + 1][1].split(":", 1)[0]] = urljoin(base, items[i + 2][1][1:-1])
            i += 3
            continue
        if word == "BASE" and i + 1 < len(items) and items[i + 1][0] == "iri":
            base = urljoin(base, items[i + 1][1][1:-1])
            i += 2
            continue
        if word in ("SERVICE", "LOAD"):
            j = i + 1
            if j < len(items) and items[j][0] == "word" and items[j][1].upper() == "SILENT":
                j += 1
            target = items[j] if j < len(items) else ("end", "")
            if target[0] == "iri":
                found.append(urljoin(base, target[1][1:-1]))
            elif target[0] == "pname":
                prefix, local = target[1].split(":", 1)
                found.append(prefixes[prefix] + local if prefix in prefixes else None)
            else:
                found.append(None)
            i = j + 1
            continue
        i += 1
    return found


def check_federation(text: str, allowed: list[str] | tuple[str, ...] | str | None) -> None:
    """FederationRefused unless every SERVICE / LOAD endpoint in `text` is in `allowed`."""
    if isinstance(allowed, str):
        allowed = [a for a in re.split(r"[\s,]+", allowed) if a]
    allowed = set(allowed or ())
    for endpoint in remote_endpoints(text):
        if endpoint is None:
            raise FederationRefused(
                "SERVICE with a variable or an unknown endpoint is not allowed here")
        if endpoint not in allowed:
            raise FederationRefused(
                f"this endpoint does not query other services: SERVICE <{endpoint}> is not "
                "on its allow-list (SPARQL_SERVICE_ALLOW)")
