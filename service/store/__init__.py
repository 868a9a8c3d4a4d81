"""Where the graph lives: `open_store("var/store")` or `open_store("http://host:7878")`."""
from service.store.base import QueryResult, QueryTimeout, Store, StoreError, StoreUnavailable


def open_store(location: str, *, read_only: bool = False, **options) -> Store:
    """A store for a directory path (embedded pyoxigraph) or an http(s) URL (a SPARQL server)."""
    if location.startswith(("http://", "https://")):
        from service.store.remote import RemoteStore
        return RemoteStore(location, **options)
    from service.store.embedded import EmbeddedStore
    return EmbeddedStore(None if location == ":memory:" else location, read_only=read_only)


__all__ = ["open_store", "Store", "StoreError", "StoreUnavailable", "QueryTimeout", "QueryResult"]
