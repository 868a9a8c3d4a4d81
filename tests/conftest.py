"""Shared fixtures: real stores, the real app, a real server process on a free port."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from support import BASE, DEMO_REPORTS, DEV_CORPUS, KG, kg_serve, oxigraph_serve


@pytest.fixture(scope="session")
def dev_corpus() -> Path:
    if not DEV_CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {DEV_CORPUS}")
    return DEV_CORPUS


@pytest.fixture(scope="session")
def demo_store_dir(tmp_path_factory) -> Path:
    """A store directory holding the demo data, built once with `kg ingest` (records win)."""
    directory = tmp_path_factory.mktemp("demo-store")
    result = subprocess.run([KG, "ingest", str(DEMO_REPORTS), "--store", str(directory)],
                            capture_output=True, text=True, env={**os.environ, "KG_BASE": BASE})
    assert result.returncode == 0, result.stderr
    return directory


@pytest.fixture(scope="session")
def demo_store(demo_store_dir, tmp_path_factory):
    """An embedded store with the demo data, opened in this process (a copy: the original stays
    free for server processes)."""
    from service.store import open_store
    copy = tmp_path_factory.mktemp("demo-copy") / "store"
    shutil.copytree(demo_store_dir, copy)
    store = open_store(str(copy))
    yield store
    store.close()


@pytest.fixture(scope="session")
def app(demo_store):
    from service.web import create_app
    app = create_app({"BASE": BASE, "STORE": demo_store.location, "TESTING": True}, store=demo_store)
    yield app
    runner = app.extensions.get("kg_query_runner")
    if runner is not None:
        runner.close()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def live_server(demo_store_dir, tmp_path_factory):
    """`kg serve` as a real process on a free port, over a copy of the demo store."""
    copy = tmp_path_factory.mktemp("served") / "store"
    shutil.copytree(demo_store_dir, copy)
    with kg_serve(copy) as (url, _):
        yield url


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    """The URL of an `oxigraph serve` process shared by the session (tests empty it as they need)."""
    with oxigraph_serve(tmp_path_factory.mktemp("oxigraph"), "--timeout-s", "20") as (url, _):
        yield url


@pytest.fixture(params=["embedded", "remote"])
def backend(request):
    """An empty store of each kind: embedded in memory, and remote on `oxigraph_server`."""
    from service.store import open_store
    if request.param == "embedded":
        store = open_store(":memory:")
    else:
        store = open_store(request.getfixturevalue("oxigraph_server"), timeout=20)
        store.update("DROP ALL")
    yield store
    store.close()
