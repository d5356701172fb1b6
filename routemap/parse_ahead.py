"""A big places file read on the machine's other core, in parts, while this process gets on with
the rest: the fast path of stage 1 for files of megabytes (50,000 places are 45 MB of YAML).

A forked child parses the file one part after another and sends each part's data back through
a pipe as soon as it has it (marshal data: plain dicts, lists, text and numbers, all a YAML
parser returns, read back in a fraction of the parse's time). Meanwhile this process does the
work it was given (importing what drawing needs), then validates each part's tables into
records while the child parses the next. The parts' records make the whole file's PlacesFile.

Anything out of the ordinary makes this path answer None, and the caller reads the file as
before, parsed whole here, with every message worded from that: a part that does not parse or
is not a mapping, a key found in two parts, a table that does not validate. Nothing is lost but
time, and only on a file with a mistake in it.

Why parts parse as the whole does. The file is cut only before a line that starts, at its first
column, with one of PlacesFile's tables as a key (`journeys:`). If the part before the cut
parses on its own, no quote or bracket is open at the cut (an unclosed one is an error at the
end of a text), and no block scalar or plain text runs on over it (a line at the first column
ends both): so the whole file's parser would read the cut line as a new top-level key too. An
alias in a later part to an anchor in an earlier one does not parse on its own; a key written
in two parts is a duplicate the whole file's parser would refuse, so such a file is read whole.
A file with document markers or directives (`---`, `...`, `%YAML`) is not cut at all.

The parser. yaml-rs reads this file in half the time ryaml takes; it is used in the child only
(first imported in a thread that then ends, it crashed the process: tests/test_load_threads.py;
the child has one thread and never outlives it), and only on a part without the few things it
reads otherwise than ryaml (tests/test_parse_ahead.py compares the two): characters YAML does
not allow (it accepts them), tags (it drops unknown ones), and numbers written with `_` or `0X`
(it reads `1_0` and `0X1f` as numbers, ryaml as text, which a number field would then refuse).
Any other difference gives a value of the wrong type, which validation refuses, and the file is
then read whole by ryaml. Other parts are parsed by ryaml, in the child all the same.
"""

from __future__ import annotations

import marshal
import os
import re
import signal
import struct
import sys
from collections.abc import Callable
from functools import cache
from typing import Any

from .models import DATA_FIELDS, TABLES, PlacesFile, References

PARSE_AHEAD_FROM = 256_000
"""Files of at least this many characters are parsed in a child process, on the machine's other
core, while this one gets on with the rest (importing what drawing needs). A smaller file parses
in less time than the child takes to start."""

SMALLEST_PART = 1_000_000
"""Characters a part has at least (a table shorter than this goes with the next): each part
costs a message through the pipe and a parser's start."""

DOCUMENT_MARKS = ("\n---", "\n...", "\n%")

_ALLOWED_BYTES = bytes([0x0A, 0x0D, *range(0x20, 0x7F), *range(0x80, 0x100)])
"""Line ends, printable ASCII and every byte of a multi-byte UTF-8 character: what a part may
hold for yaml-rs (tabs and control characters are left to ryaml, which refuses them)."""

_NOT_ALLOWED_ABOVE_ASCII = re.compile("[\x80-\x9f\u2028\u2029\ufffe\uffff]")
_TAG = re.compile(r"!(?<=[\s\[{,]!)")  # `!` where a value starts: a tag
_UNDERSCORE_IN_NUMBER = re.compile(r"_(?:(?=\d)|(?<=\d_))")


def yaml_rs_reads_as_ryaml(text: str) -> bool:
    """Whether the text holds none of what yaml-rs reads otherwise than ryaml (see the module's
    docstring): checked in a few fast passes over it, each a plain search or a pattern that
    starts with a literal (about 0.1 s for 45 MB)."""
    data = text.encode("utf-8", "surrogatepass")
    if data.translate(None, _ALLOWED_BYTES):
        return False  # a tab, a control character or DEL
    if not text.isascii() and _NOT_ALLOWED_ABOVE_ASCII.search(text):
        return False  # C1 controls (NEL among them), line and paragraph separators, non-characters
    if text.startswith("!") or _TAG.search(text):
        return False
    return "0X" not in text and not _UNDERSCORE_IN_NUMBER.search(text)


def part_ends(text: str) -> list[int]:
    """Where each part of the text ends: before a table's key line, once a part has
    SMALLEST_PART characters; a short last part joins the one before. One part (the whole
    text) where the file has document markers or directives."""
    if text.startswith(("---", "...", "%")) or any(mark in text for mark in DOCUMENT_MARKS):
        return [len(text)]
    ends = []
    start = 0
    for cut in _table_key_lines(text):
        if cut - start >= SMALLEST_PART:
            ends.append(cut)
            start = cut
    if ends and len(text) - ends[-1] < SMALLEST_PART:
        ends.pop()
    return [*ends, len(text)]


def _table_key_lines(text: str) -> list[int]:
    """Where the first line that starts with each table's key (`journeys:`, then a space or the
    line's end) starts, in order: a plain search for each table's name after a line end (a
    pattern anchored at every line's start took 0.8 s for 45 MB). A table's key written again
    is a duplicate that the part holding both, or the parts' keys, show."""
    found = []
    for table in TABLES:
        key = f"\n{table}:"
        at = text.find(key)
        while at != -1:
            if text[at + len(key) : at + len(key) + 1] in (" ", "\t", "\n", "\r", ""):
                found.append(at + 1)
                break
            at = text.find(key, at + 1)
    return sorted(found)


def _parse_part(part: str) -> Any:
    """One part's data, by yaml-rs where it reads the part as ryaml would, else by ryaml."""
    if yaml_rs_reads_as_ryaml(part):
        try:
            import yaml_rs
        except ImportError:
            pass
        else:
            return yaml_rs.loads(part, parse_datetime=False)
    import ryaml

    return ryaml.loads(part)


VERDICT = 2**64 - 1
"""Where a part would lie, in the child's last message: what follows is its verdict on the
file's references, HOLD, BROKEN or UNKNOWN."""
HOLD, BROKEN, UNKNOWN = 1, 0, 2


def _gather(references: References, part: Any) -> bool:
    """Take in a part's tables for the check of references (models.References), on the data
    as parsed, in the child, while this side validates them. False where the data is not what
    records of a valid file are made of, for which this side checks the records instead: not a
    mapping, an entry that is not one, an id that is a list; or a journey whose start is written
    `start:` (the records' name, which the models accept for `from:`)."""
    if not isinstance(part, dict):
        return False
    try:
        for table, entries in part.items():
            if table in TABLES:
                if table == "journeys" and any("start" in journey for journey in entries):
                    return False
                references.add(table, entries)
    except Exception:  # whatever the data holds, the records are checked instead
        return False
    return True


@cache
def _table_validator(table: str):
    """The validator of one table's list of records (`places` → list[Place])."""
    from pydantic import TypeAdapter

    return TypeAdapter(PlacesFile.model_fields[table].annotation)


class _Child:
    """The forked child parsing the parts, and this side's reading of what it sends."""

    def __init__(self, pid: int, pipe, parts: int):
        self.pid, self.pipe, self.parts = pid, pipe, parts
        self.verdict = UNKNOWN

    def finish(self, stop: bool = False) -> int:
        """Close the pipe and the parts' file and wait for the child to end (`stop`: end it
        first, as what it has yet to send will not be read); its exit status, 0 once it has
        sent every part."""
        self.pipe.close()
        os.close(self.parts)
        if stop:
            os.kill(self.pid, signal.SIGKILL)
        return os.waitpid(self.pid, 0)[1]

    def _parts(self):
        """Each part's data in the file's order, as the child sends them; then its verdict on
        the file's references."""
        while len(sent := self.pipe.read(16)) == 16:
            offset, size = struct.unpack("<QQ", sent)
            if offset == VERDICT:
                self.verdict = size
                return
            yield marshal.loads(os.pread(self.parts, size, offset))

    def places(self) -> PlacesFile | None:
        """The file's records, validated table by table as the parts come, and checked across
        (references, coordinates against their countries); None if anything was out of the
        ordinary or wrong (see the module's docstring). The places' coordinates are checked as
        soon as they are read, while the child reads on."""
        from pydantic import ValidationError

        from .models import references_hold
        from .whereabouts import coordinate_problems

        fields: dict[Any, Any] = {}
        for part in self._parts():
            if not isinstance(part, dict) or any(key in fields for key in part):
                self.finish(stop=True)
                return None
            for key, value in part.items():
                if key in TABLES and isinstance(value, list):
                    try:
                        value = _table_validator(key).validate_python(value)
                    except ValidationError:
                        self.finish(stop=True)
                        return None
                fields[key] = value
            if "places" in part and isinstance(fields["places"], list):
                if coordinate_problems(fields["places"]):  # while the child reads on
                    self.finish(stop=True)
                    return None
            del part  # its dicts go as soon as its records are made, before the next comes
        if self.finish() != 0:
            return None
        try:
            places = PlacesFile.model_validate(fields)  # records pass through as they are
        except ValidationError:
            return None
        if self.verdict == UNKNOWN:
            return places if references_hold(places) else None
        return places if self.verdict == HOLD else None


def _can_fork() -> bool:
    """Whether a child process may be forked from this one: on Linux (macOS frameworks are not
    safe to use in a forked child; Windows has no fork) and with no other thread running, as a
    thread may hold a lock the child would then wait on forever (`routes watch` has threads)."""
    import threading

    return sys.platform == "linux" and threading.active_count() == 1


def read_ahead(text: str, while_parsing: Callable[[], object] | None) -> PlacesFile | None:
    """The records of a big file parsed in a child process while `while_parsing` is done here,
    once they pass every check; None where this path is not taken (a small file, nothing to do
    meanwhile, threads running, no child to be had) or found anything out of the ordinary or
    wrong: the caller then reads the file whole, and words what is wrong. `while_parsing` is
    called only when a child was started."""
    if while_parsing is None or len(text) < PARSE_AHEAD_FROM or not _can_fork():
        return None
    child = _start(text)
    if child is None:
        return None
    try:
        while_parsing()
    except BaseException:
        child.finish(stop=True)
        raise
    return child.places()


def _start(text: str) -> _Child | None:
    """Fork the child that parses the text's parts; None if no child can be had (too many
    processes, too little memory).

    Each part's marshal data goes into a file in memory that both processes hold (memfd), and
    only where it lies goes through the pipe: the child never waits for this side to read (a
    pipe holds 64 kB, and this side is busy with `while_parsing` at first)."""
    try:
        parts = os.memfd_create("routes-parts", os.MFD_CLOEXEC)
    except (AttributeError, OSError):
        return None
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        for fd in (parts, read_end, write_end):
            os.close(fd)
        return None
    if pid == 0:  # the child: parse, send, and leave without the parent's exit handlers
        status = 1
        try:
            os.close(read_end)
            offset = 0
            references, known = References(DATA_FIELDS), True
            with os.fdopen(write_end, "wb", buffering=0) as pipe:
                start = 0
                for end in part_ends(text):
                    data = _parse_part(text[start:end])
                    sent = marshal.dumps(data)
                    os.pwrite(parts, sent, offset)
                    pipe.write(struct.pack("<QQ", offset, len(sent)))
                    offset += len(sent)
                    start = end
                    del sent
                    known = known and _gather(references, data)  # while that side validates
                    del data
                verdict = UNKNOWN if not known else HOLD if references.hold() else BROKEN
                pipe.write(struct.pack("<QQ", VERDICT, verdict))
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    return _Child(pid, os.fdopen(read_end, "rb"), parts)
