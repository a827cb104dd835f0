"""Read untrusted files in worker processes with a time and a memory limit, so no file can take the run down.

A returned workbook may be built to exhaust memory, to hang a parser, or to
crash a library written in C or Rust (an abort, a segfault, a panic that
Python cannot catch). Each file is therefore handled by a worker process:

- workers are long-lived (one per job, started once) and are replaced only
  when one dies or overruns its time, so the normal case costs no process
  start; items go to a worker in batches of up to `BATCH` and each result
  comes back as soon as it is ready, so a worker never waits for the parent
  between items, while the time limit still runs per item;
- a worker's address space is capped with ``RLIMIT_AS`` and its CPU time per
  file with ``RLIMIT_CPU`` (a backstop: the parent enforces the wall-clock
  limit and kills the worker when it is exceeded);
- a worker ignores Ctrl-C (the parent decides), dies with its parent (Linux
  ``PR_SET_PDEATHSIG``), writes no core file, and its standard output and error
  go nowhere, so no traceback or library message reaches the user;
- a crash, a timeout or an exhausted memory becomes a `Failure` (a finding
  code and its Italian detail) for that file, the file the worker was on;
  the rest of its batch goes to a fresh worker and the run goes on.

Results come back in the order of the items, whatever the number of jobs.

Where the platform has no POSIX resource limits (Windows: no ``resource``
module) workers run without ``RLIMIT_AS``/``RLIMIT_CPU``: the parent still
enforces the wall-clock limit and kills an overrunning worker, the container
limits (files/container.py) still bound what a zip may inflate to, and a
crash is still a finding; only the address-space cap is gone.
`rlimits_available()` says which case applies; tests force the fallback on
Linux by setting `resource` to None.

One concern, worker processes and their limits, read best whole.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

try:
    import resource
except ImportError:  # pragma: no cover - Windows; see the module docstring
    resource = None  # type: ignore[assignment]  # no memory limit there: the module says so

T = TypeVar("T")
R = TypeVar("R")

DEFAULT_TIME_LIMIT = 10.0  # seconds of wall-clock time per file
DEFAULT_MEMORY_LIMIT = 512 * 1024 * 1024  # bytes of address space per worker
# A worker forked from a parent that already maps more than the limit (a numerical library's thread pools, say)
# would fail every allocation: it then gets this much room above what it inherited.
MIN_HEADROOM = 256 * 1024 * 1024
MB = 1024 * 1024
BATCH = 16  # items sent to a worker at once (fewer near the end, so that every worker keeps some)


@dataclass(frozen=True)
class Limits:
    """How long and how much memory reading one file may take."""

    seconds: float = DEFAULT_TIME_LIMIT
    memory: int = DEFAULT_MEMORY_LIMIT

    def __post_init__(self) -> None:
        if self.seconds <= 0:
            raise ValueError("the time limit must be positive")
        if self.memory < 64 * MB:
            raise ValueError("the memory limit must be at least 64 MB")


@dataclass(frozen=True)
class Failure:
    """Why a file could not be handled: a finding code and its Italian detail."""

    code: str
    detail: str


def run_isolated(items: Sequence[T], work: Callable[[T], R], on_failure: Callable[[T, Failure], R], *,
                 jobs: int = 1, limits: Limits | None = None,
                 progress: Callable[[int, int], None] | None = None) -> list[R]:
    """Apply `work` to every item in worker processes; a worker that fails gives `on_failure(item, failure)`.

    Args:
        items: what to handle, e.g. file paths; sent to the workers, so picklable.
        work: runs in a worker; its result is sent back, so picklable. With the ``fork`` start method (Linux)
            `work` itself is inherited, not pickled.
        on_failure: runs in this process for an item whose worker crashed, overran the time limit or ran out
            of memory.
        jobs: number of worker processes.
        limits: time and memory limits per file.
        progress: called with (items done, items in all) after each item.

    Returns:
        One result per item, in the order of `items`.
    """
    limits = limits or Limits()
    results: list[Any] = [None] * len(items)
    if not items:
        return []
    ctx = _context()
    todo = deque(range(len(items)))
    workers: list[_Worker[T, R]] = []
    done = 0
    try:
        while done < len(items):
            idle = [w for w in workers if not w.pending]
            while todo and len(workers) < jobs:
                worker = _Worker(ctx, work, limits, workers)
                workers.append(worker)
                idle.append(worker)
            finished: list[tuple[_Worker[T, R], int, Any]] = []
            for worker in idle:
                if not todo:
                    break
                batch = [todo.popleft() for _ in range(min(len(todo), max(1, min(BATCH, len(todo) // jobs))))]
                if not worker.send([(index, items[index]) for index in batch], limits):
                    # the worker died before it got the items: the first is reported, so the run always advances
                    todo.extendleft(reversed(batch[1:]))
                    finished.append((worker, batch[0], worker.death(limits)))
            busy = [w for w in workers if w.pending]
            if busy and not finished:
                timeout = max(0.0, min(w.deadline for w in busy) - time.monotonic())
                ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout))
                now = time.monotonic()
                for worker in busy:
                    outcomes = worker.outcomes(ready, now, limits)
                    finished.extend((worker, index, result) for index, result in outcomes)
                    if not worker.alive and worker.pending:  # the items after the one that failed: to a fresh worker
                        todo.extendleft(reversed(worker.pending))
                        worker.pending.clear()
            for _, index, result in finished:
                results[index] = on_failure(items[index], result) if isinstance(result, Failure) else result
                done += 1
                if progress:
                    progress(done, len(items))
            for worker in [w for w in workers if not w.alive]:
                worker.stop()
                workers.remove(worker)
    finally:
        for worker in workers:
            worker.stop()
    return results


def _context() -> Any:
    """``fork`` where there is one: workers start in milliseconds and inherit what the parent computed."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


class _Worker(Generic[T, R]):
    """One worker process and the parent's end of its pipe."""

    def __init__(self, ctx: Any, work: Callable[[T], R], limits: Limits, siblings: list[_Worker[T, R]]):
        self.conn, child = ctx.Pipe(duplex=True)
        # a forked child inherits the parent's ends of every pipe: it closes them, so each pipe has one reader
        inherited = [w.conn for w in siblings] + [self.conn] if ctx.get_start_method() == "fork" else []
        self.process = ctx.Process(target=_serve, args=(child, work, limits, inherited, os.getpid()),
                                   name="piano-xlsx-reader", daemon=True)
        self.process.start()
        child.close()
        self.pending: deque[int] = deque()  # indices of the items sent and not yet answered, in order
        self.deadline = 0.0  # when the first of them overruns its time
        self.alive = True

    def send(self, batch: list[tuple[int, Any]], limits: Limits) -> bool:
        try:
            self.conn.send(batch)
        except (OSError, EOFError):
            self.alive = False
            return False
        self.pending.extend(index for index, _ in batch)
        self.deadline = time.monotonic() + limits.seconds
        return True

    def outcomes(self, ready: set[Any], now: float, limits: Limits) -> list[tuple[int, Any]]:
        """(index, result or Failure) of every item finished one way or another since last asked."""
        out: list[tuple[int, Any]] = []
        if self.conn in ready or self.process.sentinel in ready:
            try:
                while self.pending and self.conn.poll():
                    message = self.conn.recv()
                    index = self.pending.popleft()
                    self.deadline = now + limits.seconds  # the next item's time starts now
                    if message[1] != "ok":
                        self.alive = False  # a worker that failed exits: the items after it get a fresh one
                        out.append((index, Failure(message[2], message[3])))
                        return out
                    out.append((index, message[2]))
            except (EOFError, OSError):  # the pipe is closed: the worker is gone
                pass
            else:
                if self.process.sentinel not in ready:
                    return out  # alive, and every reply it sent is read
            if self.pending:  # it ended while on this item, every reply before it read
                out.append((self.pending.popleft(), self.death(limits)))
            else:
                self.alive = False
            return out
        if now >= self.deadline:
            self.alive = False
            self.kill()
            out.append((self.pending.popleft(), Failure("FILE_TIMEOUT", f"{limits.seconds:g} secondi")))
        return out

    def death(self, limits: Limits) -> Failure:
        """The worker has ended: what its end says about the item it had."""
        self.alive = False
        self.process.join(5)
        return _death(self.process.exitcode, limits)

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)

    def stop(self) -> None:
        """End the worker: politely when idle, by force when busy or stuck."""
        if self.alive and not self.pending:
            try:
                self.conn.send(None)
            except (OSError, EOFError):
                pass
            self.process.join(1)
        self.kill()
        self.conn.close()
        try:
            self.process.close()
        except ValueError:  # pragma: no cover - still not reaped after a kill: the daemon flag ends it at exit
            pass


def _death(exitcode: int | None, limits: Limits) -> Failure:
    """What a worker's end says about the file it was reading."""
    if exitcode is not None and exitcode < 0:
        number = -exitcode
        try:
            name = signal.Signals(number).name
        except ValueError:
            name = str(number)
        if number == getattr(signal, "SIGXCPU", None):
            return Failure("FILE_TIMEOUT", f"{limits.seconds:g} secondi di calcolo")
        if number == getattr(signal, "SIGKILL", None):  # not sent by us: the kernel's out-of-memory killer, as a rule
            return Failure("FILE_TOO_LARGE", "la lettura è stata interrotta dal sistema, probabilmente per memoria "
                                             "esaurita")
        return Failure("FILE_UNREADABLE", f"la lettura si è interrotta in modo anomalo (segnale {name})")
    return Failure("FILE_UNREADABLE", f"la lettura si è interrotta in modo anomalo (codice di uscita {exitcode})")


# --- the worker side ---

def _serve(conn: Connection, work: Callable[[Any], Any], limits: Limits, inherited: list[Connection],
           parent: int) -> None:
    """A worker's life: set its limits, then handle one item at a time until told to stop or orphaned."""
    for other in inherited:
        other.close()
    _harden(limits, parent)
    # what the worker starts with (with fork, the parent's whole state: the plan, its expected content) lives as
    # long as the worker: the cyclic collector need not walk it again after every few thousand allocations
    gc.freeze()
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        for index, item in message:
            if not _serve_one(conn, work, limits, index, item):
                return  # whatever state the failure left behind goes with this process


def _serve_one(conn: Connection, work: Callable[[Any], Any], limits: Limits, index: int, item: Any) -> bool:
    """Handle one item and send its reply; False when this worker must end (the item failed, or the pipe is gone)."""
    _limit_cpu(limits.seconds)
    try:
        reply: tuple[Any, ...] = (index, "ok", work(item))
    except MemoryError:
        reply = (index, "fail", "FILE_TOO_LARGE", f"la lettura richiede più di {limits.memory // MB} MB di memoria")
    except BaseException as exc:  # noqa: BLE001 - a library's panic derives from BaseException; the item fails
        reply = (index, "fail", "FILE_UNREADABLE", f"errore durante la lettura ({type(exc).__name__})")
    try:
        conn.send(reply)
    except (OSError, EOFError):
        return False
    except Exception as exc:  # noqa: BLE001 - a result that cannot be pickled
        conn.send((index, "fail", "FILE_UNREADABLE", f"risultato non trasmissibile ({type(exc).__name__})"))
        return False
    return str(reply[1]) == "ok"


def rlimits_available() -> bool:
    """Whether workers get POSIX resource limits here (not on Windows; see the module docstring)."""
    return resource is not None


def _harden(limits: Limits, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent)
    _silence()
    if not rlimits_available():
        return  # the parent's wall-clock limit still applies
    _set_limit(resource.RLIMIT_CORE, 0)
    _set_limit(resource.RLIMIT_AS, max(limits.memory, _address_space() + MIN_HEADROOM))


def _die_with_parent(parent: int) -> None:
    """Linux: the kernel kills this worker when the parent dies, even by SIGKILL."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError, TypeError):  # pragma: no cover - not Linux; orphans exit on a closed pipe
        pass
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(0)


def _silence() -> None:
    """Nothing a library prints in a worker (a panic message, a warning, a fault dump) reaches the user."""
    import faulthandler

    faulthandler.disable()
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.close(null)
        sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - for the life of the worker
    except OSError:  # pragma: no cover
        pass


def _set_limit(which: int, soft: int) -> None:
    _, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    try:
        resource.setrlimit(which, (soft, hard))
    except (ValueError, OSError):  # pragma: no cover - a platform without this limit
        pass


def _limit_cpu(seconds: float) -> None:
    """CPU time for the next item: what this worker used so far plus the time limit, with a margin."""
    if not rlimits_available():
        return
    usage = resource.getrusage(resource.RUSAGE_SELF)
    _set_limit(resource.RLIMIT_CPU, int(usage.ru_utime + usage.ru_stime + seconds) + 2)


def _address_space() -> int:
    """Bytes of address space this process maps now (Linux), else 0."""
    try:
        with open("/proc/self/status", "rb") as fh:
            for line in fh:
                if line.startswith(b"VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0
