"""Public queries with a time limit that really stops the work, and a cap on the result size.

pyoxigraph cannot interrupt a query once it runs, and `Store.query` has no timeout. So for an
embedded store each public query runs in a worker process that is SIGKILLed at its deadline;
killing a reader is harmless (it writes nothing, and leaves with `os._exit`, so no RocksDB
destructor runs in it). Meanwhile the parent's threads go on serving other requests.

Workers come from a *zygote*: a child forked once, when the app is built and the process still
has a single thread, that does nothing but fork a worker per query. A worker inherits the open
store (copy-on-write), reads the query from a pipe, evaluates it, serialises the result in the
format the client negotiated, and streams it back through another pipe; the parent reads it with
a deadline and stops at the result-size limit. Forking straight from the serving process would
be unsafe: fork() copies only the forking thread, so a RocksDB lock that another thread (a page
being rendered) held at that instant would stay locked in the child for ever — measured here:
about one worker in a thousand hung so. The zygote never runs a query, so it holds no lock.

The zygote has one Python thread, but the store has threads of its own (RocksDB flushes and
compacts in the background, for instance after a bulk load): if one of them holds a lock when
the zygote is forked, every worker of that zygote blocks on it. So a worker that has answered
nothing after STUCK_AFTER seconds while using almost no CPU is taken for blocked, not busy: it
is killed, a new zygote is forked, and the query runs again (a few times at most, within its
own time limit).

A worker sees the store as it was when the zygote was forked. Nothing else can write to it
meanwhile: the directory is locked by this process. A write made through this process (an
authorised SPARQL Update) calls `invalidate()`, which forks a new zygote — the one fork taken
while threads run, on the rare write path only.

Cost: about 2–3 ms per query (a fork of the small zygote, two pipes), measured by
bench/query_overhead.py.

For a remote store (a SPARQL server) the query runs in the calling thread with the store's HTTP
read timeout; the server's own limit (`oxigraph serve --timeout-s`) stops the work there.
"""
from __future__ import annotations

import io
import json
import math
import os
import select
import socket
import signal
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


# The pipe protocol, child to parent: a 4-byte length and a JSON header
# ({"ready": true} | {"ok": kind} | {"error": message, "status": n}), then for "ok" the body
# until end of file. Parent to child: a 4-byte length and the pickled-free JSON request.

def _send_frame(fd: int, obj: dict) -> None:
    data = json.dumps(obj).encode()
    os.write(fd, struct.pack(">I", len(data)) + data)


def _read_exact(fd: int, n: int, deadline: float) -> bytes | None:
    """n bytes from fd before `deadline` (monotonic); None on end of file; QueryTimeout if late."""
    chunks, got = [], 0
    while got < n:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            raise QueryTimeout("late")
        chunk = os.read(fd, n - got)
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def _read_frame(fd: int, deadline: float) -> dict | None:
    head = _read_exact(fd, 4, deadline)
    if head is None:
        return None
    body = _read_exact(fd, struct.unpack(">I", head)[0], deadline)
    return None if body is None else json.loads(body)


class _PipeWriter(io.RawIOBase):
    def __init__(self, fd: int, *, framed: bool = False):
        self.fd, self.framed = fd, framed

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        if not len(data):
            return 0
        view = memoryview(struct.pack(">I", len(data)) + bytes(data) if self.framed else data)
        while view:
            view = view[os.write(self.fd, view):]
        return len(data)

# In the body, a chunk of length 0 ends it; _BODY_ERROR announces an error frame instead.
_BODY_ERROR = 0xFFFFFFFF


#: A worker that has sent nothing after STUCK_AFTER seconds and used less than STUCK_CPU seconds
#: of CPU is blocked, not evaluating: it is replaced (with a new zygote) up to STUCK_RETRIES times.
STUCK_AFTER = 2.0
STUCK_CPU = 0.05
STUCK_RETRIES = 3


class _WorkerStuck(Exception):
    """A worker waits on a lock inherited in a locked state (see ForkingRunner.run)."""


def _cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) a process has used so far, from /proc; None if unknown."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            fields = handle.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class ForkingRunner:
    """Each query in a child process, killed at its deadline (see the module docstring)."""

    def __init__(self, store: Store):
        self.store = store
        self._lock = threading.Lock()   # one conversation with the zygote at a time
        self._zygote: tuple[int, socket.socket] | None = None
        self._closed = False
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

    def _fork_worker(self) -> tuple[int, int, int]:
        """A new worker: its pid, the fd to write its request to, the fd to read its answer."""
        request_r, request_w = os.pipe()
        answer_r, answer_w = os.pipe()
        try:
            with self._lock:
                for attempt in (1, 2):
                    if self._zygote is None:
                        self._start_zygote()
                    try:
                        socket.send_fds(self._zygote[1], [b"q"], [request_r, answer_w])
                        reply = self._zygote[1].recv(8)
                        if len(reply) == 8:
                            return struct.unpack(">q", reply)[0], request_w, answer_r
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

    # --- a worker: one query, then exit -------------------------------------------------------

    def _worker_main(self, request_fd: int, answer_fd: int) -> None:
        signal.alarm(60)   # a worker never waits long for its query
        head = _read_exact(request_fd, 4, time.monotonic() + 30)
        if head is None:
            return
        request = json.loads(_read_exact(request_fd, struct.unpack(">I", head)[0],
                                         time.monotonic() + 30))
        # Even if the parent dies, the query never outlives its limit.
        signal.alarm(max(1, math.ceil(request["timeout"]) + 1))
        writers = _writers_from_json(request["writers"])
        started = False
        try:
            result = self.store.query(request["query"], timeout=None)
            if isinstance(result, QueryTriples):
                kind = "graph"
            elif isinstance(result, QueryBoolean):
                kind = "boolean"
            else:
                kind = "solutions"
            if (writers.graph if kind == "graph" else writers.solutions) is None:
                raise QueryFailed(writers.not_acceptable.get(
                    "graph" if kind == "graph" else "solutions", "no acceptable format"), 406)
            # The kind is known only now: say it, then stream the body.
            _send_frame(answer_fd, {"ok": kind})
            started = True
            _serialise(result, writers, _PipeWriter(answer_fd, framed=True))
            os.write(answer_fd, struct.pack(">I", 0))
        except SyntaxError as error:
            _send_frame(answer_fd, {"error": f"malformed query: {error}", "status": 400})
        except QueryFailed as error:
            _send_frame(answer_fd, {"error": str(error), "status": error.status})
        except BrokenPipeError:
            pass
        except Exception as error:  # evaluation errors (a failing SERVICE, a bad regex…)
            try:
                if started:
                    os.write(answer_fd, struct.pack(">I", _BODY_ERROR))
                _send_frame(answer_fd, {"error": f"the query failed: {error}", "status": 400})
            except OSError:
                pass

    # --- the parent's side ----------------------------------------------------------------------

    def invalidate(self) -> None:
        """The store changed through this process: workers must see it, so start a new zygote.

        This fork happens while the process has threads; see the module docstring.
        """
        with self._lock:
            self._stop_zygote()
            if not self._closed:
                self._start_zygote()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._stop_zygote()

    def run(self, sparql: str, writers: Writers, *, timeout: float, max_bytes: int) -> Answer:
        deadline = time.monotonic() + timeout
        for attempt in range(1, STUCK_RETRIES + 2):
            try:
                return self._run_once(sparql, writers, timeout=timeout, deadline=deadline,
                                      max_bytes=max_bytes, may_retry=attempt <= STUCK_RETRIES)
            except _WorkerStuck:
                # The zygote was forked while a store thread held a lock its children now wait on
                # for ever: every worker it forks would hang. Start a new one and try again.
                time.sleep(0.1 * attempt)
                self.invalidate()
        raise AssertionError("unreachable")  # the last attempt never raises _WorkerStuck

    def _first_frame(self, pid: int, answer_fd: int, deadline: float, may_retry: bool) -> dict | None:
        """The worker's first frame; _WorkerStuck when it sits blocked (no CPU used) instead."""
        probe = min(deadline, time.monotonic() + STUCK_AFTER) if may_retry else deadline
        while True:
            try:
                return _read_frame(answer_fd, probe)
            except QueryTimeout:
                if probe >= deadline:
                    raise
                cpu = _cpu_seconds(pid)
                if cpu is not None and cpu < STUCK_CPU:
                    raise _WorkerStuck() from None
                probe = deadline

    def _run_once(self, sparql: str, writers: Writers, *, timeout: float, deadline: float,
                  max_bytes: int, may_retry: bool) -> Answer:
        pid, request_fd, answer_fd = self._fork_worker()
        try:
            request = {"query": sparql, "timeout": timeout, "writers": _writers_to_json(writers)}
            data = json.dumps(request).encode()
            try:
                _PipeWriter(request_fd).write(struct.pack(">I", len(data)) + data)
            except BrokenPipeError:
                raise StoreError("the query process ended before it got the query") from None
            finally:
                os.close(request_fd)
            try:
                frame = self._first_frame(pid, answer_fd, deadline, may_retry)
                if frame is None:
                    raise QueryFailed("the query process ended without an answer "
                                      "(it may have run out of memory)", 503)
                if "error" in frame:
                    raise QueryFailed(frame["error"], int(frame.get("status", 400)))
                parts, size = [], 0
                while True:
                    head = _read_exact(answer_fd, 4, deadline)
                    if head is None:
                        raise QueryFailed("the query process ended before its answer was complete "
                                          "(it may have run out of memory)", 503)
                    length = struct.unpack(">I", head)[0]
                    if length == 0:
                        break
                    if length == _BODY_ERROR:
                        frame = _read_frame(answer_fd, deadline) or {}
                        raise QueryFailed(frame.get("error", "the query failed"),
                                          int(frame.get("status", 400)))
                    size += length
                    if size > max_bytes:
                        raise ResultTooLarge(max_bytes)
                    chunk = _read_exact(answer_fd, length, deadline)
                    if chunk is None:
                        raise QueryFailed("the query process ended before its answer was complete", 503)
                    parts.append(chunk)
                return Answer(frame["ok"], b"".join(parts))
            except QueryTimeout:
                raise QueryTimeout(
                    f"the query ran out of its time limit of {timeout:g} s and was stopped; "
                    "narrow it or add a LIMIT") from None
        finally:
            os.close(answer_fd)
            try:
                os.kill(pid, signal.SIGKILL)   # the zygote reaps it
            except ProcessLookupError:
                pass


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
