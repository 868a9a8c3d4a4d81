"""Settings, from defaults, then `instance/config.py`, then `KG_*` environment variables.

The same settings serve the command line and the web app (which keeps them in `app.config`).
"""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]

DEFAULTS = {
    # Where the graph lives: a directory (embedded pyoxigraph) or a SPARQL server's URL.
    "STORE": "var/store",
    # The page index (SQLite, derived from the graph); None: beside an embedded store's directory,
    # or in the temporary directory for a remote store.
    "INDEX": None,
    # Instance IRIs are {BASE}/id/{kind}/{slug}.
    "BASE": "http://127.0.0.1:8000",
    # Rows per page in lists.
    "PAGE_SIZE": 50,
    # Directory of named queries shown in the UI.
    "QUERIES_DIR": str(PROJECT_ROOT / "queries"),
    # Catalogue metadata (DCAT-AP).
    "TITLE": "Konferencje pomocy społecznej – graf wiedzy",
    "TITLE_EN": "Social assistance conferences – knowledge graph",
    "PUBLISHER_NAME": "konferencje-kg",
    "PUBLISHER_URL": None,
    "CONTACT_EMAIL": "kontakt@example.org",
    "LICENSE": "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0",
    # The publisher's kind (ADMS publisher type IRI); None: the default in data/dcat.toml.
    "PUBLISHER_TYPE": None,
    # Public SPARQL limits (service/web/sparql.py): seconds per query (the work is stopped),
    # characters per query, bytes per result; endpoints SERVICE may call (space-separated IRIs).
    "SPARQL_TIMEOUT": 30.0,
    "SPARQL_MAX_QUERY_LENGTH": 20_000,
    "SPARQL_MAX_RESULT_BYTES": 16_000_000,
    "SPARQL_SERVICE_ALLOW": "",
    # Bytes per request body (Flask answers 413 above it).
    "MAX_CONTENT_LENGTH": 2_000_000,
    # SPARQL Update and other writes over HTTP need `Authorization: Bearer UPDATE_TOKEN`; off if unset.
    "UPDATE_TOKEN": None,
    # A remote store: seconds before a request to it gives up; endpoints where its server names
    # them differently from Oxigraph's {url}/query, {url}/update, {url}/store.
    "STORE_TIMEOUT": 30.0,
    "QUERY_ENDPOINT": None,
    "UPDATE_ENDPOINT": None,
    "GSP_ENDPOINT": None,
}


class ConfigError(ValueError):
    """A setting has a value of the wrong kind."""


def _from_environment(name: str, value: str):
    """An environment string as the type of the setting's default (int, float or text)."""
    default = DEFAULTS.get(name)
    kind = type(default) if isinstance(default, (int, float)) and not isinstance(default, bool) else None
    if kind is None:
        return value
    try:
        return kind(value)
    except ValueError:
        raise ConfigError(f"KG_{name} must be a {'whole number' if kind is int else 'number'}, not {value!r}") from None


def load_config(overrides: dict | None = None, *, instance_path: str | Path | None = None) -> dict:
    """Settings as a dict: defaults < instance/config.py < KG_* environment < overrides."""
    config = dict(DEFAULTS)
    instance = Path(instance_path) if instance_path else PROJECT_ROOT / "instance"
    config_file = instance / "config.py"
    if config_file.is_file():
        namespace: dict = {}
        exec(compile(config_file.read_text(encoding="utf-8"), str(config_file), "exec"), namespace)
        config.update({k: v for k, v in namespace.items() if k.isupper()})
    for key, value in os.environ.items():
        if key.startswith("KG_"):
            config[key[3:]] = _from_environment(key[3:], value)
    if overrides:
        config.update({k: v for k, v in overrides.items() if v is not None})
    config["BASE"] = str(config["BASE"]).rstrip("/")
    return config
