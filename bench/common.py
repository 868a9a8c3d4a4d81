"""What the bench scripts share: corpora, running `kg` as a child with its peak memory, timing."""
from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
KG = str(Path(sys.executable).with_name("kg"))
BASE = "http://127.0.0.1:8000"

sys.path.insert(0, str(ROOT / "bench"))


def corpus(size: int, seed: int = 1) -> Path:
    """The records folder of the synthetic corpus of `size` reports (generated once, then kept)."""
    from generate import write
    return write(size, OUT / f"corpus-{size}" if seed == 1 else OUT / f"corpus-{size}-s{seed}", seed)


class Run(NamedTuple):
    seconds: float   # wall time
    peak_mb: int     # peak resident memory
    cpu: float       # user + system CPU seconds (all its threads)


def run_child(args: list[str], *, exit_codes: tuple[int, ...] = (0,), **kwargs) -> Run:
    """Run a command to its end and measure it. Fails loudly on an exit status not in `exit_codes`."""
    started = time.perf_counter()
    process = subprocess.Popen(args, **kwargs)
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in exit_codes:
        raise SystemExit(f"{args[:3]} exited with {process.returncode}")
    return Run(elapsed, usage.ru_maxrss // 1024, usage.ru_utime + usage.ru_stime)


def remove_store(path: Path) -> None:
    """A store directory and the files kept beside it (its page index)."""
    shutil.rmtree(path, ignore_errors=True)
    for sibling in path.parent.glob(path.name + ".*"):
        sibling.unlink()


def child_peak_mb(pid: int) -> int:
    """The peak resident memory of a running process (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) // 1024
    return 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(store: str | Path, *, port: int | None = None, env: dict | None = None,
                 threads: int = 4) -> tuple[subprocess.Popen, str]:
    """A real `kg serve` over `store` (settings from `env` on top of KG_BASE); (process, url) once
    it takes connections. Exits the bench with kg's own message if it does not start."""
    port = port or free_port()
    process = subprocess.Popen([KG, "serve", "--store", str(store), "--port", str(port), "--threads", str(threads)],
                               env={**os.environ, "KG_BASE": BASE, **(env or {})},
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"kg serve exited: {process.stderr.read()}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process, f"http://127.0.0.1:{port}"
        time.sleep(0.1)
    process.kill()
    try:  # what it was doing ("serving …" and no "page index … ready": building a missing index)
        said = process.communicate(timeout=5)[1].strip()
    except subprocess.TimeoutExpired:  # a child of it still holds the pipe
        said = ""
    sys.exit(f"kg serve did not start in 30 s: {said}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def median(values: list[float]) -> float:
    return statistics.median(values)


def sizes(text: str) -> list[int]:
    """'1k,10k,100k' → [1000, 10000, 100000]."""
    return [int(float(s.lower().replace("k", "e3").replace("m", "e6"))) for s in text.split(",")]


def emit(figures: dict) -> None:
    """One JSON line per figure set, for bench/README.md tables and for machines."""
    print(json.dumps(figures, ensure_ascii=False), flush=True)
