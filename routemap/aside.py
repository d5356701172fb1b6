"""Work done aside, on the machine's other core, while this process gets on with the rest: once
a big file is read, parse_ahead.py's child has ended and the other core is idle while this
process makes the page's data; a part of the page that needs nothing else of it (a big map's
quotes' link names and words: packed.packed_quotes, a third of a second at 100,000 quotes) can
be made there meanwhile.

The worker is forked when the command starts (start_worker), while this process is small:
forked after the read, a child would share the records' pages, and every page that either
process then wrote to (a reference count is written whenever an object is read) would be
copied, a hundred megabytes at 50,000 journeys. It waits for one job: a function of routemap's,
which it finds by its module and name, and its arguments, given as marshal data in a file in
memory (memfd), as its answer comes back. What it makes is what this process would have made,
by the same function from the same arguments; where there is no worker (not Linux, a thread
running, no process to be had) or it fails, this process does the work itself when the answer
is first asked for. Only how soon the answer comes depends on where it was made.
"""

from __future__ import annotations

import marshal
import mmap
import os
import signal
import struct
import sys
from collections.abc import Callable
from functools import partial
from typing import Any


def can_fork() -> bool:
    """Whether a child process may be forked from this one: on Linux (macOS frameworks are not
    safe to use in a forked child; Windows has no fork) and with no other thread running, as a
    thread may hold a lock the child would then wait on forever (`routes watch` has threads)."""
    import threading

    return sys.platform == "linux" and threading.active_count() == 1


class Aside:
    """The answer of one job: the worker's once it has ended, or made here (`work`) when first
    asked for, where there is no worker or it failed. Asked for again: the same answer."""

    def __init__(self, work: Callable[[], Any], worker: Worker | None = None):
        self.work = work
        self.worker = worker
        self.done = False
        self.answer: Any = None
        self.by_worker = False  # whether the answer is the worker's

    def result(self) -> Any:
        """The job's answer."""
        if not self.done:
            sent = self.worker.answer() if self.worker is not None else None
            self.worker = None
            self.by_worker = sent is not None
            self.answer = sent[0] if sent is not None else self.work()
            self.done = True
            self.work = _nothing  # (let go of its arguments)
        return self.answer

    def close(self) -> None:
        """End the worker, should it still work, without waiting for its answer."""
        if self.worker is not None:
            self.worker.close()
            self.worker = None


def _nothing() -> None:
    return None


_HEADER = struct.Struct("<Q")


class Worker:
    """A forked child waiting for its one job (give); close() ends it."""

    def __init__(self, pid: int, jobs: int, job_file: int, answer_file: int):
        self.pid: int | None = pid  # until it has been waited for
        self.jobs = jobs  # the pipe's end the job's size is written to
        self.job_file, self.answer_file = job_file, answer_file

    def give(self, function: Callable[..., Any], *arguments: Any) -> Aside:
        """`function(*arguments)`'s Aside, the worker's job: a function that routemap's module
        defines at its top level, whose arguments and answer marshal carries (texts, bytes,
        numbers, None, and lists, tuples and dicts of them). A worker takes one job; given
        another, or where it cannot be given this one, the work is done here."""
        aside = Aside(partial(function, *arguments))
        if self.pid is None or self.jobs < 0:
            return aside
        try:
            job = marshal.dumps((function.__module__, function.__qualname__, arguments))
            _write_all(self.job_file, job)
            os.write(self.jobs, _HEADER.pack(len(job)))
        except (OSError, ValueError):
            self.close()
            return aside
        finally:
            self._close_jobs()
            self._close_file("job_file")  # (the worker lets go of its pages once it has read it)
        aside.worker = self
        return aside

    def answer(self) -> tuple[Any] | None:
        """(the job's answer,) once the worker has ended; None where it failed."""
        if self.pid is None:
            return None
        status = os.waitpid(self.pid, 0)[1]  # (a Ctrl-C here leaves it to close())
        self.pid = None
        try:
            if status != 0:
                return None
            size = os.fstat(self.answer_file).st_size
            with mmap.mmap(self.answer_file, size, prot=mmap.PROT_READ) as sent:
                return (marshal.loads(sent),)
        except (OSError, ValueError, EOFError, TypeError):
            return None
        finally:
            self._close_files()

    def close(self) -> None:
        """End the worker, if it has not been waited for, and close its files."""
        if self.pid is not None:
            pid, self.pid = self.pid, None
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:  # (waited for already: a Ctrl-C right after answer's wait)
                pass
        self._close_jobs()
        self._close_files()

    def _close_jobs(self) -> None:
        if self.jobs >= 0:
            os.close(self.jobs)
            self.jobs = -1

    def _close_files(self) -> None:
        self._close_file("job_file")
        self._close_file("answer_file")

    def _close_file(self, name: str) -> None:
        if getattr(self, name) >= 0:
            os.close(getattr(self, name))
            setattr(self, name, -1)


def _write_all(file: int, data: bytes) -> None:
    view, written = memoryview(data), 0
    while written < len(view):
        written += os.pwrite(file, view[written:], written)


def start_worker() -> Worker | None:
    """A worker forked now, waiting for its job; None where none can be had (can_fork)."""
    if not can_fork():
        return None
    files: list[int] = []
    try:
        files += [os.memfd_create(name, os.MFD_CLOEXEC) for name in ("routes-job", "routes-answer")]
        files += os.pipe()
        pid = fork()
    except (AttributeError, OSError):
        for file in files:
            os.close(file)
        return None
    job_file, answer_file, read_end, write_end = files
    if pid == 0:  # the worker: wait, work, answer, and leave without the exit handlers
        status = 1
        try:
            let_interrupts_in()
            os.close(write_end)
            _close_others(files)
            status = _work(read_end, job_file, answer_file)
        finally:
            os._exit(status)
    os.close(read_end)
    return Worker(pid, write_end, job_file, answer_file)


_INTERRUPTS_HELD_BEFORE: list[bool] = [False]


def fork() -> int:
    """os.fork() with Ctrl-C (SIGINT) held off across it. A SIGINT just after the fork would
    raise KeyboardInterrupt in the child before it is inside the `try` that ends it with
    os._exit, and the child would go on in this process's code (say "Interrupted." a second
    time, run the exit handlers). The child starts with SIGINT held, and lets it in
    (let_interrupts_in) inside that `try`; this side lets it in at once (one that came
    meanwhile is then raised here, as it would have been)."""
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        pid = os.fork()
    except BaseException:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
        raise
    if pid == 0:
        _INTERRUPTS_HELD_BEFORE[0] = signal.SIGINT in before
    else:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)
    return pid


def let_interrupts_in() -> None:
    """In a child that fork() made: let SIGINT in again, unless it was held before the fork."""
    if not _INTERRUPTS_HELD_BEFORE[0]:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _close_others(keep: list[int]) -> None:
    """Close the files the worker was forked with but for its own and the standard three (a
    parsing child's pipe, or the output being written), so that none stays open in it."""
    for name in os.listdir("/proc/self/fd"):
        fd = int(name)
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def _work(jobs: int, job_file: int, answer_file: int) -> int:
    """The worker's life: its job's answer written, 0; no job (the pipe closed), 0 too."""
    import importlib

    header = os.read(jobs, _HEADER.size)
    if len(header) < _HEADER.size:
        return 0
    (size,) = _HEADER.unpack(header)
    with mmap.mmap(job_file, size, prot=mmap.PROT_READ) as sent:
        module, name, arguments = marshal.loads(sent)
    os.ftruncate(job_file, 0)  # (its pages go back at once)
    if not module.startswith("routemap."):
        return 1
    function = getattr(importlib.import_module(module), name)
    _write_all(answer_file, marshal.dumps(function(*arguments)))
    return 0
