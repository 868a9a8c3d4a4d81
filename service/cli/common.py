"""What every command shares: the --store option and opening the store with a clear error."""
from __future__ import annotations

import click

from service.config import ConfigError, load_config
from service.store import Store, StoreError, open_store

store_option = click.option(
    "--store", "store_location", metavar="DIR|URL", default=None,
    help="The store: a directory, or a SPARQL server's URL (else $KG_STORE, else var/store).",
)


def settings(store_location: str | None = None, **overrides) -> dict:
    try:
        return load_config({"STORE": store_location, **overrides})
    except ConfigError as error:
        raise click.ClickException(str(error)) from error


def open_configured_store(config: dict, *, read_only: bool = False) -> Store:
    try:
        return open_store(str(config["STORE"]), read_only=read_only, **_remote_options(config))
    except StoreError as error:
        raise click.ClickException(str(error)) from error


def _remote_options(config: dict) -> dict:
    """Options for a remote store, taken from the settings that name them."""
    keys = {"QUERY_ENDPOINT": "query_endpoint", "UPDATE_ENDPOINT": "update_endpoint",
            "GSP_ENDPOINT": "gsp_endpoint", "STORE_TIMEOUT": "timeout"}
    if not str(config["STORE"]).startswith(("http://", "https://")):
        return {}
    return {arg: config[key] for key, arg in keys.items() if config.get(key) is not None}
