"""Work done aside, on the machine's other core, while this process gets on with the rest: once
a big file is read, parse_ahead.py's child has ended, and the other core would be idle while
this process makes the page's data. Parts of the page that need only some of the tables'
columns are made there meanwhile (render.page_parts_aside: the numbers the legs' ends go by,
the places' roles, the quotes' indexes, the journeys' colours, and the quotes' link names and
words, packed.packed_quotes; half a second at 50,000 journeys and 100,000 quotes), and the
check of the file's references that the parsing child left (references.hold_in_columns,
another fifth of a second).

The worker is forked when the command starts (start_worker), while this process is small:
forked after the read, a child would share the records' pages, and every page that either
process then wrote to (a reference count is written whenever an object is read) would be
copied, a hundred megabytes at 50,000 journeys. It waits for its jobs, given once (give):
functions of routemap's, which it finds by their module and name, with their arguments, each
job as marshal data of its own in a file in memory (memfd), where it lies sent through a pipe as
soon as it is written (the worker starts on the first while the next are written); it reads
each as it starts it, so that it holds one job's arguments at a time. It does them in turn and
sends each answer as soon as it has it, in another such file, each at a page's start, and where
it lies through a pipe once it is all written; this side gives each answer's pages back as soon
as it has read it.
What it makes is what this process would have made, by the same function from the same
arguments; where there is no worker (not Linux, a thread running, no process to be had), or it
ends before it has sent an answer, this process does that work itself when the answer is
first asked for. Only how soon an answer comes depends on where it was made.
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
    """The answer of one job: the worker's once it has sent it, or made here (`work`) when first
    asked for, where there is no worker or it ended without sending it. Asked for again: the
    same answer."""

    def __init__(self, work: Callable[[], Any]):
        self.work = work
        self.worker: Worker | None = None
        self.number = 0  # the job's place among those the worker was given
        self.done = False
        self.answer: Any = None
        self.by_worker = False  # whether the answer is the worker's

    def result(self) -> Any:
        """The job's answer."""
        if not self.done:
            sent = self.worker.answer(self.number) if self.worker is not None else None
            self.worker = None
            self.by_worker = sent is not None
            self.answer = sent[0] if sent is not None else self.work()
            self.done = True
            self.work = _nothing  # (let go of its arguments)
        return self.answer

    def close(self) -> None:
        """End the worker, should it still work, without waiting for its answers."""
        if self.worker is not None:
            self.worker.close()
            self.worker = None


def _nothing() -> None:
    return None


JOBS_MARSHAL_VERSION = 2
"""marshal's version for the jobs: 2 writes a text again each time it is named, where 3 and
later write it once and refer to it, at the cost of a table of every object written: a big
map's jobs are written in two thirds of the time (0.2 s against 0.27 s at 50,000 journeys),
for a worker that then holds some 10 MB more while it works (each text its own again)."""

_SENT = struct.Struct("<QQ")  # where a job or an answer lies in its file, in its pipe
PAGE = mmap.ALLOCATIONGRANULARITY  # (what put and take map starts at one)


class Worker:
    """A forked child waiting for its jobs (give); close() ends it."""

    def __init__(self, pid: int, jobs: int, answers: int, job_file: int, answer_file: int):
        self.pid: int | None = pid  # until it has been waited for
        self.jobs, self.answers = jobs, answers  # this side's ends of the two pipes
        self.job_file, self.answer_file = job_file, answer_file
        self.sent: list[tuple[int, int]] = []  # where each answer sent so far lies

    def give(self, *jobs: tuple[Callable[..., Any], tuple]) -> list[Aside]:
        """The Aside of each job (a function and its arguments), which the worker does in turn,
        sending each answer as soon as it has it: functions that routemap's modules define at
        their top level, whose arguments and answers marshal carries (texts, bytes, numbers,
        None, and lists, tuples and dicts of them). A worker is given jobs once; given more,
        or where it cannot be given these, the work is done here."""
        asides = [Aside(partial(function, *arguments)) for function, arguments in jobs]
        if self.pid is None or self.jobs < 0:
            return asides
        try:
            at = 0  # (each job's own marshal data, sent as soon as it is written: the worker
            for function, arguments in jobs:  # starts on it while the next ones are written)
                job = (function.__module__, function.__qualname__, arguments)
                given = marshal.dumps(job, JOBS_MARSHAL_VERSION)
                at, size, next_at = at, len(given), put(self.job_file, given, at)
                del given
                os.write(self.jobs, _SENT.pack(at, size))
                at = next_at
        except (OSError, ValueError):
            self.close()
            return asides
        finally:
            self._close("jobs")
            self._close("job_file")  # (the worker lets go of its pages once it has read it)
        for number, aside in enumerate(asides):
            aside.worker, aside.number = self, number
        return asides

    def answer(self, number: int) -> tuple[Any] | None:
        """(job `number`'s answer,) once the worker has sent it; None where it ended first."""
        try:
            while len(self.sent) <= number and self.answers >= 0:
                sent = _read_all(self.answers, _SENT.size)
                if len(sent) < _SENT.size:  # it ended without sending the rest
                    self._end()
                    self._close("answers")  # (the answers sent stay to be read)
                    break
                self.sent.append(_SENT.unpack(sent))
            if len(self.sent) <= number:
                return None
            return (take(self.answer_file, *self.sent[number]),)
        except (OSError, ValueError, EOFError, TypeError):
            return None

    def close(self) -> None:
        """End the worker, if it has not been waited for, and close this side's files."""
        self._end()
        for name in ("jobs", "answers", "job_file", "answer_file"):
            self._close(name)

    def _end(self) -> None:
        """End the worker and wait for it, if it has not been waited for."""
        if self.pid is not None:
            pid, self.pid = self.pid, None
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except OSError:  # (it cannot have been waited for elsewhere; should it have been)
                pass

    def _close(self, name: str) -> None:
        if getattr(self, name) >= 0:
            os.close(getattr(self, name))
            setattr(self, name, -1)


def _read_all(file: int, size: int) -> bytes:
    """`size` bytes from a pipe, or fewer where it is closed first."""
    read = b""
    while len(read) < size and (more := os.read(file, size - len(read))):
        read += more
    return read


def put(file: int, data: bytes, at: int = 0) -> int:
    """Write all of `data` at `at` (a page's start) in a file in memory (memfd); where the next
    may go: the first page's start after it, so that each can be mapped, read and given back
    on its own (take)."""
    view, written = memoryview(data), 0
    while written < len(view):
        written += os.pwrite(file, view[written:], at + written)
    return at + -(-len(view) // PAGE) * PAGE


def take(file: int, at: int, size: int) -> Any:
    """The marshal data put at `at` in a file in memory, `size` bytes: read, and its pages
    given back at once (MADV_REMOVE), so the file holds only what is yet to be read."""
    with mmap.mmap(file, size, offset=at) as sent:
        data = marshal.loads(sent)
        sent.madvise(mmap.MADV_REMOVE)
    return data


def start_worker() -> Worker | None:
    """A worker forked now, waiting for its jobs; None where none can be had (can_fork)."""
    if not can_fork():
        return None
    files: list[int] = []
    try:
        files += [os.memfd_create(name, os.MFD_CLOEXEC) for name in ("routes-job", "routes-answer")]
        files += os.pipe()
        files += os.pipe()
        pid = fork()
    except (AttributeError, OSError):
        for file in files:
            os.close(file)
        return None
    job_file, answer_file, jobs_read, jobs_write, answers_read, answers_write = files
    if pid == 0:  # the worker: wait, work, answer, and leave without the exit handlers
        status = 1
        try:
            let_interrupts_in()
            for file in (jobs_write, answers_read):
                os.close(file)
            _close_others(files)
            status = _work(jobs_read, answers_write, job_file, answer_file)
        finally:
            os._exit(status)
    for file in (jobs_read, answers_write):
        os.close(file)
    return Worker(pid, jobs_write, answers_read, job_file, answer_file)


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


def _work(jobs: int, answers: int, job_file: int, answer_file: int) -> int:
    """The worker's life: each job's answer written and sent in turn, then 0; 0 too for no
    jobs (the pipe closed); 1 for a job not routemap's own, or one that fails (the answers sent
    before it stand; that side does the rest itself)."""
    import importlib

    offset = 0
    while len(given := _read_all(jobs, _SENT.size)) == _SENT.size:  # (until the pipe is closed)
        module, name, arguments = take(job_file, *_SENT.unpack(given))  # (one job's at a time)
        if not module.startswith("routemap."):
            return 1
        function = getattr(importlib.import_module(module), name)
        answer = marshal.dumps(function(*arguments))
        del arguments
        at, offset = offset, put(answer_file, answer, offset)
        os.write(answers, _SENT.pack(at, len(answer)))  # (once it is all written)
    return 0
