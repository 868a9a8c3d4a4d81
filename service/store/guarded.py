"""Public queries with a time limit that really stops the work, and a cap on the result size.

pyoxigraph cannot interrupt a query once it runs, and `Store.query` has no timeout. So for an
embedded store each public query runs in a worker process that is SIGKILLed at its deadline;
killing a reader is harmless (it writes nothing, and leaves with `os._exit`, so no RocksDB
destructor runs in it). Meanwhile the parent's threads go on serving other requests.

Workers come from a *zygote*: a child forked once, when the app is built and the process still
has a single thread, that does nothing but fork workers. A worker inherits the open store
(copy-on-write) and then answers queries one after another: it reads a query from a pipe,
evaluates it, serialises the result in the format the client negotiated (within the result-size
limit), and writes it back through another pipe as one length-prefixed body, which the parent
passes on as it is; the parent waits for it with a deadline. Forking straight from the serving
process would be unsafe: fork() copies only the forking thread, so a RocksDB lock that another
thread (a page being rendered) held at that instant would stay locked in the child for ever —
measured here: about one worker in a thousand hung so. The zygote never runs a query, so it holds
no lock.

Workers are kept between queries (at most IDLE_WORKERS idle ones; the one used last is taken
first): a fork per query cost 3–5 ms, and a new worker starts with the zygote's cold caches
(RocksDB blocks read and decompressed again: 5–10 ms more on a 20 ms query at 1k reports). A
worker is killed, never reused, as soon as anything goes wrong with a query: past its deadline,
result over the limit, a broken answer; one that answered (even with an error) goes back to the
pool, until it has run WORKER_MAX_QUERIES queries or its own memory passes WORKER_MAX_PRIVATE_MB.
A worker also sets an alarm for each query, so a query never outlives its limit even if the
parent dies, and it leaves when the parent closes its pipe.

The zygote has one Python thread, but the store has threads of its own (RocksDB flushes and
compacts in the background, for instance after a bulk load): if one of them holds a lock when
the zygote is forked, every worker of that zygote blocks on it. So a worker that has answered
nothing after STUCK_AFTER seconds while using almost no CPU on the query is taken for blocked,
not busy: it is killed, a new zygote is forked, and the query runs again (a few times at most,
within its own time limit).

A worker sees the store as it was when the zygote was forked. Nothing else can write to it
meanwhile: the directory is locked by this process. A write made through this process (an
authorised SPARQL Update) calls `invalidate()`, which forks a new zygote and retires every
worker of the old one — the one fork taken while threads run, on the rare write path only.

Cost: well under a millisecond per query besides the HTTP request (two pipe writes and reads),
measured by bench/query_overhead.py and bench/sparql.py.

For a remote store (a SPARQL server) the query runs in the calling thread with the store's HTTP
read timeout; the server's own limit (`oxigraph serve --timeout-s`) stops the work there.
"""
from __future__ import annotations

import fcntl
import io
import json
import math
import os
import resource
import select
import signal
import socket
import stat
import struct
import threading
import time
from dataclasses import dataclass

from pyoxigraph import QueryBoolean, QueryResultsFormat, QueryTriples, RdfFormat, serialize

from service.store.base import QueryTimeout, Store, StoreError


class QueryFailed(StoreError):
    """The query was refused or failed; `status` is the HTTP status that says why."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


class ResultTooLarge(QueryFailed):
    def __init__(self, limit: int):
        super().__init__(
            f"the result is larger than the limit of {limit} bytes; "
            "add a LIMIT, select fewer variables or narrow the query", 413)


@dataclass(frozen=True)
class Writers:
    """How to write each kind of result, as the client negotiated it (None: not acceptable)."""
    solutions: QueryResultsFormat | None
    graph: RdfFormat | None
    not_acceptable: dict  # kind ("solutions", "graph") -> message
    graph_prefixes: dict | None = None


@dataclass
class Answer:
    kind: str      # "solutions", "boolean" or "graph"
    body: bytes


def _serialise(result, writers: Writers, output) -> str:
    """Write `result` to `output` in the negotiated format; its kind; QueryFailed(406) if none fits."""
    if isinstance(result, QueryTriples):
        kind, fmt = "graph", writers.graph
    else:
        kind = "boolean" if isinstance(result, QueryBoolean) else "solutions"
        fmt = writers.solutions
    if fmt is None:
        raise QueryFailed(writers.not_acceptable.get("graph" if kind == "graph" else "solutions",
                                                     "no acceptable format"), 406)
    if kind == "graph" and writers.graph_prefixes and fmt == RdfFormat.TURTLE:
        serialize(result, output, fmt, prefixes=writers.graph_prefixes)
    else:
        result.serialize(output, fmt)
    return kind


def _run_query(store: Store, sparql: str, timeout: float | None):
    try:
        return store.query(sparql, timeout=timeout)
    except SyntaxError as error:
        raise QueryFailed(f"malformed query: {error}", 400) from error


class DirectRunner:
    """Queries in the calling thread: for stores that enforce time limits themselves (remote)."""

    def __init__(self, store: Store):
        self.store = store

    def run(self, sparql: str, writers: Writers, *, timeout: float, max_bytes: int) -> Answer:
        result = _run_query(self.store, sparql, timeout)
        buffer = _LimitedBuffer(max_bytes)
        try:
            kind = _serialise(result, writers, buffer)
        except _Overflow:
            raise ResultTooLarge(max_bytes) from None
        except OSError as error:
            raise QueryFailed(f"the query failed: {error}", 400) from error
        return Answer(kind, buffer.getvalue())

    def invalidate(self) -> None:
        pass

    def close(self) -> None:
        pass


class _Overflow(Exception):
    pass


class _LimitedBuffer(io.RawIOBase):
    def __init__(self, limit: int):
        self.limit, self._parts, self._size = limit, [], 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._size += len(data)
        if self._size > self.limit:
            raise _Overflow()
        self._parts.append(bytes(data))
        return len(data)

    def getvalue(self) -> bytes:
        return b"".join(self._parts)


# The pipe protocol. Parent to worker, per query: a 4-byte length and a JSON request
# {"query", "timeout", "max_bytes", "writers"}. Worker to parent, per query: a 4-byte length and
# a JSON header, {"ok": kind, "length": n} followed by the n bytes of the serialised result, or
# {"error": message, "status": n} alone. The result is whole before anything is sent, so an
# error can never come half-way through a body. Every header also carries the worker's CPU
# seconds and peak resident MB so far ("cpu", "peak_mb"), which spares the parent reading /proc
# on each query (see _Worker).

def _send_frame(fd: int, obj: dict, body: bytes = b"") -> None:
    data = json.dumps(obj).encode()
    _write_all(fd, struct.pack(">I", len(data)) + data, body)


def _write_all(fd: int, *parts: bytes) -> None:
    """Write `parts` in order, joined by the kernel (writev), not copied into one buffer here."""
    views = [memoryview(part) for part in parts if part]
    while views:
        written = os.writev(fd, views)
        while views and written >= len(views[0]):
            written -= len(views.pop(0))
        if written:
            views[0] = views[0][written:]


def _usage() -> dict:
    """This process's CPU seconds and peak resident MB so far (one system call, no /proc)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"cpu": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}


def _read_exact(fd: int, n: int, deadline: float | None) -> bytes | None:
    """n bytes from fd, before `deadline` (monotonic; None: wait as long as it takes); None on
    end of file; QueryTimeout if late."""
    buffer = bytearray(n)
    view, got = memoryview(buffer), 0
    while got < n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise QueryTimeout("late")
        count = os.readv(fd, [view[got:]])
        if not count:
            return None
        got += count
    return bytes(buffer)


def _read_frame(fd: int, deadline: float | None) -> dict | None:
    head = _read_exact(fd, 4, deadline)
    if head is None:
        return None
    body = _read_exact(fd, struct.unpack(">I", head)[0], deadline)
    return None if body is None else json.loads(body)


def _answer(store: Store, request: dict) -> tuple[dict, bytes]:
    """What a worker sends back for one request: (header, body)."""
    writers = _writers_from_json(request["writers"])
    buffer = _LimitedBuffer(request["max_bytes"])
    try:
        kind = _serialise(store.query(request["query"]), writers, buffer)
    except SyntaxError as error:
        return {"error": f"malformed query: {error}", "status": 400}, b""
    except _Overflow:
        return {"error": "too large", "status": 413, "too_large": True}, b""
    except QueryFailed as error:
        return {"error": str(error), "status": error.status}, b""
    except Exception as error:  # noqa: BLE001 - evaluation errors (a failing SERVICE, a bad regex…)
        return {"error": f"the query failed: {error}", "status": 400}, b""
    body = buffer.getvalue()
    return {"ok": kind, "length": len(body)}, body


#: A worker that has sent nothing after STUCK_AFTER seconds and used less than STUCK_CPU seconds
#: of CPU on the query is blocked, not evaluating: it is replaced (with a new zygote) up to
#: STUCK_RETRIES times.
STUCK_AFTER = 2.0
STUCK_CPU = 0.05
STUCK_RETRIES = 3

#: Idle workers kept for the next queries (more run at once when more queries come; those
#: beyond this number end after their query).
IDLE_WORKERS = 4
#: A worker is retired after this many queries, or once its private memory passes
#: WORKER_MAX_PRIVATE_MB (a query that needed a lot of memory leaves the heap grown).
WORKER_MAX_QUERIES = 1000
WORKER_MAX_PRIVATE_MB = 1024
#: The pipe a worker answers through holds this much (Linux; fewer wake-ups for large results).
PIPE_BYTES = 1 << 20


class _WorkerStuck(Exception):
    """A worker waits on a lock inherited in a locked state (see ForkingRunner.run)."""


class _WorkerGone(Exception):
    """A worker that had answered before ended without reading or answering this query."""


def _cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) a process has used so far, from /proc; None if unknown."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _private_mb(pid: int) -> float:
    """Resident memory of a process not shared with others (its own heap), in MB; 0 if unknown."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            _size, resident, shared = (int(f) for f in handle.read().split()[:3])
    except (OSError, ValueError):
        return 0.0
    return (resident - shared) * os.sysconf("SC_PAGE_SIZE") / 2**20


@dataclass(eq=False)
class _Worker:
    """A worker process and its pipes. `cpu` and `peak_mb` are what it said of itself with its
    last answer (None and 0 before the first): its CPU seconds when the next query starts, and a
    bound on its private memory (the peak resident set holds it), so that /proc is read only for
    a worker that has never answered or whose peak passed WORKER_MAX_PRIVATE_MB."""
    pid: int
    request_fd: int
    answer_fd: int
    generation: int
    queries: int = 0
    cpu: float | None = None
    peak_mb: float = 0.0

    def kill(self) -> None:
        for fd in (self.request_fd, self.answer_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            os.kill(self.pid, signal.SIGKILL)   # the zygote reaps it
        except ProcessLookupError:
            pass


class ForkingRunner:
    """Each query in a worker process, killed at its deadline (see the module docstring)."""

    def __init__(self, store: Store):
        self.store = store
        self._lock = threading.Lock()   # one conversation with the zygote at a time
        self._zygote: tuple[int, socket.socket] | None = None
        self._closed = False
        self._generation = 0            # bumped when the store changes: older workers are stale
        self._idle: list[_Worker] = []  # most recently used last
        self._idle_lock = threading.Lock()
        self._start_zygote()

    # --- the zygote: forked while the process has one thread, it only forks workers ---------

    def _start_zygote(self) -> None:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the zygote
            try:
                ours.close()
                self._zygote_main(theirs)
            finally:
                os._exit(0)
        theirs.close()
        self._zygote = (pid, ours)

    @staticmethod
    def _close_inherited_channels(keep: int) -> None:
        """Close the parent's pipes and sockets in the zygote.

        The zygote lives as long as the app; holding the parent's channels open would keep their
        other ends from ever seeing EOF (a child process of the parent waiting for its stdin to
        close, say, would wait forever). Files stay open: the store reads them.
        """
        for name in os.listdir("/proc/self/fd") if os.path.isdir("/proc/self/fd") else ():
            fd = int(name)
            if fd <= 2 or fd == keep:
                continue
            try:
                mode = os.fstat(fd).st_mode
            except OSError:
                continue
            if stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
                os.close(fd)

    def _zygote_main(self, sock: socket.socket) -> None:
        self._close_inherited_channels(keep=sock.fileno())
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)   # workers are reaped by the kernel
        signal.signal(signal.SIGINT, signal.SIG_IGN)    # Ctrl-C in `kg serve` is the parent's
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        while True:
            try:
                _, fds, _, _ = socket.recv_fds(sock, 16, 2)
            except OSError:
                return
            if len(fds) != 2:   # the parent closed the socket or died
                return
            pid = os.fork()
            if pid == 0:
                try:
                    sock.close()
                    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                    self._worker_main(*fds)
                finally:
                    os._exit(0)
            for fd in fds:
                os.close(fd)
            sock.send(struct.pack(">q", pid))

    def _stop_zygote(self) -> None:
        if self._zygote is None:
            return
        pid, sock = self._zygote
        self._zygote = None
        sock.close()
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass

    def _fork_worker(self) -> _Worker:
        """A new worker, forked by the zygote."""
        request_r, request_w = os.pipe()
        answer_r, answer_w = os.pipe()
        try:
            fcntl.fcntl(answer_r, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        except (AttributeError, OSError):
            pass
        try:
            with self._lock:
                for attempt in (1, 2):
                    if self._zygote is None:
                        self._start_zygote()
                    try:
                        socket.send_fds(self._zygote[1], [b"q"], [request_r, answer_w])
                        reply = self._zygote[1].recv(8)
                        if len(reply) == 8:
                            return _Worker(struct.unpack(">q", reply)[0], request_w, answer_r,
                                           self._generation)
                    except OSError:
                        pass
                    self._stop_zygote()   # it died: start another once
            raise StoreError("the query process could not be started")
        except BaseException:
            os.close(request_w)
            os.close(answer_r)
            raise
        finally:
            os.close(request_r)
            os.close(answer_w)

    # --- a worker: queries one after another, each within its time limit ----------------------

    def _worker_main(self, request_fd: int, answer_fd: int) -> None:
        while True:
            signal.alarm(0)   # idle: wait for the next query for as long as the parent lives
            request = _read_frame(request_fd, None)
            if request is None:   # the parent closed the pipe (retired us) or died
                return
            # Even if the parent dies, the query never outlives its limit.
            signal.alarm(max(1, math.ceil(request["timeout"]) + 1))
            header, body = _answer(self.store, request)
            header.update(_usage())
            try:
                _send_frame(answer_fd, header, body)
            except OSError:   # the parent gave up on this query
                return

    # --- the parent's side ----------------------------------------------------------------------

    def _take_worker(self) -> _Worker:
        """The idle worker used last (its caches are the warmest), else a new one."""
        with self._idle_lock:
            while self._idle:
                worker = self._idle.pop()
                if worker.generation == self._generation:
                    return worker
                worker.kill()
        return self._fork_worker()

    def _give_back(self, worker: _Worker) -> None:
        """Keep a worker that answered for the next query, unless it is stale, spent or extra."""
        worker.queries += 1
        with self._idle_lock:
            if (not self._closed and worker.generation == self._generation
                    and worker.queries < WORKER_MAX_QUERIES and len(self._idle) < IDLE_WORKERS
                    and (worker.peak_mb < WORKER_MAX_PRIVATE_MB
                         or _private_mb(worker.pid) < WORKER_MAX_PRIVATE_MB)):
                self._idle.append(worker)
                return
        worker.kill()

    def _drop_idle(self) -> None:
        with self._idle_lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.kill()

    def invalidate(self) -> None:
        """The store changed through this process: workers must see it, so start a new zygote.

        This fork happens while the process has threads; see the module docstring.
        """
        with self._lock:
            self._generation += 1
            self._stop_zygote()
            if not self._closed:
                self._start_zygote()
        self._drop_idle()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._generation += 1
            self._stop_zygote()
        self._drop_idle()

    def run(self, sparql: str, writers: Writers, *, timeout: float, max_bytes: int) -> Answer:
        deadline = time.monotonic() + timeout
        request = json.dumps({"query": sparql, "timeout": timeout, "max_bytes": max_bytes,
                              "writers": _writers_to_json(writers)}).encode()
        request = struct.pack(">I", len(request)) + request
        stuck = gone = 0
        while True:
            worker = self._take_worker() if not gone else self._fork_worker()
            try:
                return self._ask(worker, request, timeout=timeout, deadline=deadline,
                                 max_bytes=max_bytes, may_retry=stuck < STUCK_RETRIES)
            except _WorkerGone:
                # A kept worker ended (killed while idle, say), or this query ended it: ask a
                # new worker, once; if that one ends too, the query is answered 503.
                gone += 1
            except _WorkerStuck:
                # The zygote was forked while a store thread held a lock its children now wait on
                # for ever: every worker it forks would hang. Start a new one and try again.
                stuck += 1
                time.sleep(0.1 * stuck)
                self.invalidate()

    def _first_frame(self, worker: _Worker, deadline: float, may_retry: bool) -> dict | None:
        """The worker's header; _WorkerStuck when it sits blocked (no CPU used) instead."""
        cpu_before = None
        if may_retry:
            cpu_before = worker.cpu if worker.cpu is not None else _cpu_seconds(worker.pid)
        probe = min(deadline, time.monotonic() + STUCK_AFTER) if may_retry else deadline
        while True:
            try:
                return _read_frame(worker.answer_fd, probe)
            except QueryTimeout:
                if probe >= deadline:
                    raise
                cpu = _cpu_seconds(worker.pid)
                if cpu is not None and cpu_before is not None and cpu - cpu_before < STUCK_CPU:
                    raise _WorkerStuck() from None
                probe = deadline

    def _ask(self, worker: _Worker, request: bytes, *, timeout: float, deadline: float,
             max_bytes: int, may_retry: bool) -> Answer:
        """One query through `worker`; it goes back to the pool only if it answered in full."""
        answered = False
        try:
            try:
                _write_all(worker.request_fd, request)
            except BrokenPipeError:
                if worker.queries:
                    raise _WorkerGone() from None
                raise StoreError("the query process ended before it got the query") from None
            frame = self._first_frame(worker, deadline, may_retry)
            if frame is None:
                if worker.queries:
                    raise _WorkerGone()
                raise QueryFailed("the query process ended without an answer "
                                  "(it may have run out of memory)", 503)
            worker.cpu, worker.peak_mb = frame.get("cpu"), frame.get("peak_mb", 0.0)
            if "error" in frame:
                answered = True
                if frame.get("too_large"):
                    raise ResultTooLarge(max_bytes)
                raise QueryFailed(frame["error"], int(frame.get("status", 400)))
            if frame["length"] > max_bytes:
                raise ResultTooLarge(max_bytes)
            body = _read_exact(worker.answer_fd, frame["length"], deadline)
            if body is None:
                raise QueryFailed("the query process ended before its answer was complete "
                                  "(it may have run out of memory)", 503)
            answered = True
            return Answer(frame["ok"], body)
        except QueryTimeout:
            raise QueryTimeout(
                f"the query ran out of its time limit of {timeout:g} s and was stopped; "
                "narrow it or add a LIMIT") from None
        finally:
            if answered:
                self._give_back(worker)
            else:
                worker.kill()   # mid-query, late or gone: its work ends here


def _writers_to_json(writers: Writers) -> dict:
    return {
        "solutions": writers.solutions.media_type if writers.solutions else None,
        "graph": writers.graph.media_type if writers.graph else None,
        "not_acceptable": writers.not_acceptable,
        "prefixes": writers.graph_prefixes,
    }


def _writers_from_json(data: dict) -> Writers:
    return Writers(
        solutions=QueryResultsFormat.from_media_type(data["solutions"]) if data["solutions"] else None,
        graph=RdfFormat.from_media_type(data["graph"]) if data["graph"] else None,
        not_acceptable=data["not_acceptable"],
        graph_prefixes=data["prefixes"],
    )


def make_runner(store: Store):
    """The runner for `store`: forking for an embedded store, direct for a remote one."""
    from service.store.embedded import EmbeddedStore
    if isinstance(store, EmbeddedStore) and hasattr(os, "fork"):
        return ForkingRunner(store)
    return DirectRunner(store)
