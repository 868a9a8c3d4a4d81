"""What tests share besides fixtures: paths, the test base IRI, and real server processes.

Test modules import from here (`from support import BASE`), never from a conftest: there are
several conftest modules and only one of them can be imported under that name.
"""
from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEV_CORPUS = SHARED / "corpus" / "dev"
DEMO_REPORTS = ROOT / "data" / "reports"
DEMO_RECORDS = ROOT / "data" / "records"
BASE = "http://kg.test"
KG = str(Path(sys.executable).with_name("kg"))
OXIGRAPH = str(Path(sys.executable).with_name("oxigraph"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen | None = None, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode}: {process.stderr.read() if process.stderr else ''}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listening on {port} after {timeout}s")


def stop(process: subprocess.Popen, wait: float = 10) -> None:
    """Ask a server process to stop; kill it if it does not within `wait` seconds."""
    process.terminate()
    try:
        process.wait(wait)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def kg_serve(store: str | Path, *options: str, env: dict | None = None):
    """A real `kg serve` process over `store` on a free port; yields (url, process)."""
    import os

    port = free_port()
    process = subprocess.Popen([KG, "serve", "--store", str(store), "--port", str(port), *options],
                               env={**os.environ, "KG_BASE": BASE, **(env or {})},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}", process
    finally:
        stop(process)


@contextlib.contextmanager
def oxigraph_serve(directory: Path, *options: str):
    """A real `oxigraph serve` (union default graph) on a free loopback port; yields (url, process)."""
    port = free_port()
    log = open(directory / "oxigraph.log", "w")
    process = subprocess.Popen(
        [OXIGRAPH, "serve", "--location", str(directory / "db"), "--bind", f"127.0.0.1:{port}",
         "--union-default-graph", *options], stdout=log, stderr=log)
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}", process
    finally:
        stop(process)
        log.close()
