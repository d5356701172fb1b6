"""A big places file read on the machine's other core, in parts, while this process gets on with
the rest: the fast path of stage 1 for files of megabytes (50,000 places are 45 MB of YAML).

A forked child parses the file one part of a few megabytes after another and hands each part's
data over as soon as it has it (marshal data, in a file in memory both processes hold), its
tables as JSON text where JSON carries them as they are (_with_tables_as_json), else as the
parser's dicts and lists. Meanwhile this process does the work it was given (importing what
drawing needs), then validates each part's tables into records while the child parses the
next (straight from the JSON, pydantic's validate_json, in half the time that reading back
dicts and validating them took), and checks the places' coordinates as soon as they are all
in. Once it has handed a part over, the child gathers the ids it defines and refers to
(references.References), and says last whether the file's references hold; or, where the
command checks them itself once the file is read (`routes build`, on its worker: start_reading's
`references_aside`), it leaves them, and parses on. The parts' records
make the whole file's PlacesFile. The child needs neither the models nor pydantic: the build
command starts it (start_reading) before this process imports them, a fifth of a second that
the child, which ends last, has to the good.

Anything out of the ordinary makes this path answer None, and the caller reads the file as
before, parsed whole here, with every message worded from that: a part that does not parse or
is not a mapping, a key found in two parts, a table that does not validate. Nothing is lost but
time, and only on a file with a mistake in it.

Why parts parse as the whole does. A part ends before a line that starts, at its first column,
with one of PlacesFile's tables as a key (`journeys:`), or, inside such a table written as a
block list, before a line with an entry's `- ` at the entries' own column; a part that starts
with an entry is parsed after the table's key line, and the part before must end in that table.
If the part before the cut parses on its own, no quote or bracket is open at the cut (an
unclosed one is an error at the end of a text), and no block scalar or plain text runs on over
it (a line at an entry's column or to the left ends both): so the whole file's parser reads the
cut line as a new top-level key, or the table's next entry, too. An alias in a later part to an
anchor in an earlier one does not parse on its own; a key written in two parts is a duplicate
the whole file's parser would refuse, so such a file is read whole. No cut is made right after
a document marker or a directive (`...`, `---`, `%YAML`), which would end a document there; one
anywhere else makes its part two documents, which that part's parse refuses.

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
from collections import deque
from collections.abc import Callable
from functools import cache, partial
from itertools import chain, repeat
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .aside import can_fork, fork, let_interrupts_in, put, take
from .errors import PlacesFileError
from .reading import has_merge_key, read_text
from .references import DATA_FIELDS, TABLES, References

if TYPE_CHECKING:  # (the models are imported where this side first needs them, not before:
    from .models import PlacesFile  # start_reading's child starts while they are imported)

PARSE_AHEAD_FROM = 256_000
"""Files of at least this many characters are parsed in a child process, on the machine's other
core, while this one gets on with the rest (importing what drawing needs). A smaller file parses
in less time than the child takes to start."""

SMALLEST_PART = 1_000_000
"""Characters a part has at least (a table shorter than this goes with the next): each part
costs a message through the pipe and a parser's start."""

PART_SIZE = 4_000_000
"""Characters after which a big table is cut between its entries: the parts of a big file come
in steps of a few megabytes, each validated here while the child parses the next, so that what
is left to do once the child is done is one part's worth, and neither process holds more than a
few parts' dicts at once."""


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


def parts(text: str) -> list[tuple[int, int, str]]:
    """The parts the text is parsed in, as (start, end, the table it goes on with, or "").

    A part ends before a table's key line once it has SMALLEST_PART characters, or, inside a
    table written as a block list, before one of its entries' `- ` lines once it has PART_SIZE
    characters: that part goes on with the table (it is parsed with the table's key line put
    before it). A short last part joins the one before. Never right after a document marker or
    a directive (`...`, `---`, `%YAML`): the part before would end a document that the whole
    file's parser goes on from into a second one, which it refuses. A marker anywhere else
    within a part makes that part two documents, which its own parse refuses."""
    keys = _table_key_lines(text)
    starts = [(0, "")]
    for (at, table), region_end in zip(keys, [at for at, _ in keys[1:]] + [len(text)]):
        if at - starts[-1][0] >= SMALLEST_PART and not _after_document_mark(text, at):
            starts.append((at, ""))
        first = _first_entry(text, at, table)
        if first is None:
            continue
        entry = "\n" + " " * (first[1] - first[0]) + "- "  # each entry's line starts so
        target = max(starts[-1][0] + PART_SIZE, first[0])
        while target < region_end and (found := text.find(entry, target, region_end)) != -1:
            if _after_document_mark(text, found + 1):
                target = found + 1  # the next entry, then
                continue
            starts.append((found + 1, table))
            target = found + 1 + PART_SIZE
    if len(starts) > 1 and len(text) - starts[-1][0] < SMALLEST_PART:
        starts.pop()
    ends = [at for at, _ in starts[1:]] + [len(text)]
    return [(at, end, table) for (at, table), end in zip(starts, ends)]


def _after_document_mark(text: str, cut: int) -> bool:
    """Whether the last line with content before `cut` (a line's start) is a document marker
    or a directive."""
    end = cut - 1
    for _ in range(100):  # past blank lines and comments
        if end < 0:
            return False
        start = text.rfind("\n", 0, end) + 1
        line = text[start:end].strip()
        if line and not line.startswith("#"):
            return text.startswith(("---", "...", "%"), start)
        end = start - 1
    return True  # a hundred lines of comments: no cut here


def _first_entry(text: str, at: int, table: str) -> tuple[int, int] | None:
    """Where the line of the first entry of the table whose key line starts at `at` starts,
    and where its `- ` stands, when the key line holds the key alone (or a comment after it)
    and the entry starts on a line of its own with `- `; else None (the table is not cut)."""
    line_end = text.find("\n", at)
    rest = text[at + len(table) + 1 : line_end].strip() if line_end != -1 else "-"
    if rest and not rest.startswith("#"):
        return None
    start = line_end + 1
    for _ in range(100):  # past blank lines and comments
        end = text.find("\n", start)
        line = text[start:end] if end != -1 else text[start:]
        if line.strip() and not line.lstrip().startswith("#"):
            column = len(line) - len(line.lstrip(" "))
            return (start, start + column) if line.startswith("- ", column) else None
        if end == -1:
            return None
        start = end + 1
    return None


def _table_key_lines(text: str) -> list[tuple[int, str]]:
    """Where the first line that starts with each table's key (`journeys:`, then a space or the
    line's end) starts, and the table, in order: a plain search for each table's name after a
    line end (a pattern anchored at every line's start took 0.8 s for 45 MB). A table's key
    written again is a duplicate that the part holding both, or the parts' keys, show."""
    found = []
    for table in TABLES:
        key = f"\n{table}:"
        at = text.find(key)
        while at != -1:
            if text[at + len(key) : at + len(key) + 1] in (" ", "\t", "\n", "\r", ""):
                found.append((at + 1, table))
                break
            at = text.find(key, at + 1)
    return sorted(found)


def _parse_part(part: str) -> tuple[Any, bool]:
    """One part's data, by yaml-rs where it reads the part as ryaml would, else by ryaml; and
    whether yaml-rs read it (its data is then only what JSON carries: mappings with text keys
    or not, lists, texts, numbers, booleans and nulls, dates left as text)."""
    if yaml_rs_reads_as_ryaml(part):
        try:
            import yaml_rs
        except ImportError:
            pass
        else:
            return yaml_rs.loads(part, parse_datetime=False), True
    import ryaml

    return ryaml.loads(part), False


_JSON_NULLS = (b":null", b"[null", b",null")


def _with_tables_as_json(data: Any) -> dict | None:
    """The part's data with each table's list of entries as JSON text (orjson), which this
    side validates straight into records (pydantic's validate_json: half the time of reading
    back the part's dicts and validating those); None where JSON would not carry the data as
    it is, and the part goes as dicts: not a mapping, a key that is not text or a number past
    64 bits (orjson refuses both), or a null anywhere in a table (orjson writes NaN and
    infinity as null, which a field would take for no value; a null itself is rare, and such
    a part is only slower). tests/test_parse_ahead.py checks that records validated from the
    JSON are the records validated from the dicts, for every kind of value JSON carries."""
    import orjson

    if not isinstance(data, dict):
        return None
    try:
        tables = {
            key: orjson.dumps(value) if key in TABLES and isinstance(value, list) else value
            for key, value in data.items()
        }
    except TypeError:
        return None
    for value in tables.values():
        if isinstance(value, bytes) and any(null in value for null in _JSON_NULLS):
            return None  # (also a text holding `:null`: that part is only slower)
    return tables


VERDICT = 2**64 - 1
"""Where a part would lie, in the child's last message: what follows is its verdict on the
file's references, HOLD, BROKEN or UNKNOWN."""
HOLD, BROKEN, UNKNOWN = 1, 0, 2
_NUMBER_OF_TABLE = {"": 0} | {table: number for number, table in enumerate(TABLES, 1)}
_TABLE_OF_NUMBER = {number: table for table, number in _NUMBER_OF_TABLE.items()}
TABLES_AS_JSON = 1 << 32
"""Set in a part's message beside the table it goes on with: its tables are JSON text
(_with_tables_as_json)."""


def _gather(references: References, part: Any) -> bool:
    """Take in a part's tables for the check of references (references.References), on the data
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


COLUMNS_AS_READ = ("places", "journeys", "quotes")
"""The tables whose columns (models.FileColumns, the legs' with the journeys') this side makes
as their parts are read, in the time it would otherwise wait for the child's next part: most
of the columns a big map's page data is made of, a fifth of a second at 50,000 journeys."""


VALIDATED_AT_ONCE = 4096
"""Entries of a table validated at a time (see _records)."""


def _records(table: str, entries: list | bytes) -> list:
    """A table's records, validated from its entries' JSON text (_with_tables_as_json) or its
    dicts, a slice of dicts at a time, each slice's dicts let go as soon as its records are
    made: a big table's dicts and records are not all held at once (the dicts of 50,000
    journeys take about as much memory as their records). Records given the same keys share
    one set of those keys' names."""
    validator = _table_validator(table)
    if isinstance(entries, bytes):
        records = validator.validate_json(entries)
    else:
        records = []
        for first in range(0, len(entries), VALIDATED_AT_ONCE):
            last = min(first + VALIDATED_AT_ONCE, len(entries))
            records += validator.validate_python(entries[first:last])
            entries[first:last] = [None] * (last - first)
    _share_fields_sets(records)
    for inner in _INNER_RECORDS.get(table, ()):
        _share_fields_sets(list(chain.from_iterable(map(inner, records))))
    return records


_FIELDS_SET = "__pydantic_fields_set__"
_SHARED_FIELDS_SETS: dict[frozenset, set] = {}
_INNER_RECORDS = {
    "places": [attrgetter("accounts")],
    "groups": [attrgetter("accounts")],
    "journeys": [attrgetter("legs"), attrgetter("accounts")],
    "quotes": [attrgetter("also")],
}


def _share_fields_sets(records: list) -> None:
    """Give records that were given the same keys one set of those keys' names between them.

    pydantic keeps, for each record, the set of fields the file gave it (model_fields_set, for
    exclude_unset): a set of seven names takes 728 bytes, 120 MB for a file of 50,000 places,
    a third of its records' memory, and a file has a dozen different ones. The records are
    frozen, so nothing adds to a set once it is made (a copy with changes copies it first);
    equality does not look at it. Done at C speed (map), about 0.1 s for 50,000 places."""
    sets = list(map(attrgetter(_FIELDS_SET), records))
    shared = map(_SHARED_FIELDS_SETS.setdefault, map(frozenset, sets), sets)
    deque(map(object.__setattr__, records, repeat(_FIELDS_SET), shared), maxlen=0)


@cache
def _table_validator(table: str):
    """The validator of one table's list of records (`places` → list[Place])."""
    from pydantic import TypeAdapter

    from .models import PlacesFile

    return TypeAdapter(PlacesFile.model_fields[table].annotation)


class _Child:
    """The forked child parsing the parts, and this side's reading of what it sends."""

    def __init__(self, pid: int, pipe, parts: int, references_aside: bool = False):
        self.pid, self.pipe, self.parts = pid, pipe, parts
        self.references_aside = references_aside  # see start_reading
        self.verdict = UNKNOWN
        self.status: int | None = None  # the child's exit status, once finished
        self.columns: dict[str, dict[str, list]] = {}  # see columns_for
        self.read: PlacesFile | None = None  # the records places() gave
        self.unchecked: PlacesFile | None = None  # those, where their references are not checked

    def finish(self, stop: bool = False) -> int:
        """Close the pipe and the parts' file and wait for the child to end (`stop`: end it
        first, as what it has yet to send will not be read); its exit status, 0 once it has
        sent every part. Once finished, the same status again."""
        if self.status is None:
            self.pipe.close()
            if self.parts >= 0:  # (closed once, should a Ctrl-C stop the wait below)
                os.close(self.parts)
                self.parts = -1
            if stop:
                os.kill(self.pid, signal.SIGKILL)
            self.status = os.waitpid(self.pid, 0)[1]
        return self.status

    def _parts(self):
        """Each part's data in the file's order, as the child sends them, with the table it
        goes on with ("" for none) and whether its tables are JSON text; then the child's
        verdict on the file's references."""
        while len(sent := self.pipe.read(24)) == 24:
            offset, size, table = struct.unpack("<QQQ", sent)
            if offset == VERDICT:
                self.verdict = size
                return
            data = take(self.parts, offset, size)  # (its memory goes back at once)
            yield data, _TABLE_OF_NUMBER[table & ~TABLES_AS_JSON], bool(table & TABLES_AS_JSON)

    def places(self, while_parsing: Callable[[], object]) -> PlacesFile | None:
        """The file's records, once `while_parsing` is done (work that does not need them),
        validated table by table as the parts come, and checked across (references,
        coordinates against their countries); None if anything was out of the ordinary or
        wrong (see the module's docstring). The places' coordinates are checked as soon as
        they are all read, while the child reads on."""
        from pydantic import ValidationError

        from .models import PlacesFile, references_hold

        try:
            while_parsing()
        except BaseException:
            self.finish(stop=True)
            raise
        fields = self._fields()
        if fields is None:
            self.finish(stop=True)
        elif self.finish() == 0:
            try:
                places = PlacesFile.model_validate(fields)  # records pass through as they are
            except ValidationError:
                places = None
            aside = self.verdict == UNKNOWN and self.references_aside
            if places is not None and (
                self.verdict == HOLD
                or (self.verdict == UNKNOWN and (aside or references_hold(places)))
            ):
                self.read = places
                self.unchecked = places if aside else None
                return places
        self.columns = {}
        return None

    def columns_for(self, places: PlacesFile) -> dict[str, dict[str, list]] | None:
        """The columns of the tables COLUMNS_AS_READ, made as their parts were read (while the
        child parsed the next), for FileColumns(places, made): only for the very records
        places() gave, and only once, as the columns are for one use; else None."""
        made, read = self.columns, self.read
        self.columns, self.read = {}, None  # (let go of either way: these or other records)
        return made if places is read else None

    def references_unchecked(self, places: PlacesFile) -> bool:
        """Whether the references of these records, which places() gave, are yet to be checked:
        the caller said it checks them aside (start_reading's `references_aside`). Asked once:
        the caller checks them then (models.reference_columns, references.hold_in_columns),
        before it writes anything of them, and reads the file again, for its messages, where
        they do not hold."""
        unchecked, self.unchecked = self.unchecked, None
        return places is unchecked

    def _fields(self) -> dict | None:
        """PlacesFile's fields from the parts, each table's entries validated into records;
        None at the first thing out of the ordinary or wrong."""
        from pydantic import ValidationError

        from .models import FileColumns
        from .whereabouts import coordinate_problems

        fields: dict[Any, Any] = {}
        last_key = None
        places_checked = False
        for part, goes_on_with, as_json in self._parts():
            if not isinstance(part, dict):
                return None
            table_type = bytes if as_json else list  # what the part's tables are
            keys = list(part)
            if goes_on_with and not (
                keys[:1] == [goes_on_with] == [last_key]
                and isinstance(part[goes_on_with], table_type)
                and isinstance(fields[goes_on_with], list)
            ):
                return None
            if any(key in fields for key in keys[1 if goes_on_with else 0 :]):
                return None  # a key written twice: the whole file's parser says so
            for key, value in part.items():
                if key in TABLES and isinstance(value, table_type):
                    try:
                        value = _records(key, value)
                    except ValidationError:
                        return None
                    if key in COLUMNS_AS_READ:  # (while the child parses the next part)
                        FileColumns.add(self.columns, key, value)
                if key == goes_on_with:
                    fields[key] += value
                else:
                    fields[key] = value
            last_key = keys[-1] if keys else last_key
            del part  # its dicts go as soon as its records are made, before the next comes
            if not places_checked and "places" in fields and last_key != "places":
                places_checked = True  # all read: checked while the child reads on
                if isinstance(fields["places"], list) and coordinate_problems(fields["places"]):
                    return None
        if not places_checked and isinstance(fields.get("places"), list):
            if coordinate_problems(fields["places"]):
                return None
        return fields


def start_reading(path: Path, references_aside: bool = False) -> _Child | None:
    """start() for the file at `path`, called by a command as soon as it knows the file, before
    it imports the models and the libraries (a fifth of a second, all of it the child's head
    start). The child reads the text itself, as load.read_places reads it, and ends at once,
    sending nothing, where it cannot or read_places would start no child (a file with a merge
    key): read_places then reads the file itself, and says what is wrong. None for a file of
    fewer than PARSE_AHEAD_FROM bytes, or where start() would give none. The caller gives the
    child to read_places (`started`), or ends it (finish(stop=True)) if it never gets that far.

    `references_aside`: the caller checks the file's references itself, once the file is read
    (`routes build` on its worker, render.page_parts_aside, while it makes the page): the
    child does not gather them (0.6 s of its time at 50,000 journeys, which the read waited
    for), and places() leaves them to the caller (references_unchecked)."""
    try:
        if path.stat().st_size < PARSE_AHEAD_FROM or not can_fork():
            return None
    except OSError:
        return None
    return _start(partial(_text_to_parse, path), gather_references=not references_aside)


def _text_to_parse(path: Path) -> str | None:
    """The file's text, read in start_reading's child; None where it is not to be parsed
    there."""
    try:
        text = read_text(path)
    except PlacesFileError:
        return None
    return None if has_merge_key(text) else text  # (as start() would take it)


def start(held: list[str]) -> _Child | None:
    """The child process that parses a big file's text in parts, started; None where this
    path is not taken (a small file; one with a merge key, which only ruamel reads as YAML 1.1
    does, load._parse_fast; threads running; no child to be had): the caller then reads the
    file whole. The text is given as the one item of `held`, the only hold on it
    the caller keeps: the child has its own copy (by fork), which it cuts into its parts and
    lets go of, each part's text going as soon as it is parsed (45 MB for 50,000 places,
    else held until the end, when this side's records are nearly all made and both
    processes together hold the most); the caller may let go of its own until it needs it
    again."""
    if len(held[0]) < PARSE_AHEAD_FROM or has_merge_key(held[0]) or not can_fork():
        return None
    return _start(held.pop)  # (called in the child, on its own copy)


def _start(
    text_to_parse: Callable[[], str | None], gather_references: bool = True
) -> _Child | None:
    """Fork the child that parses the text `text_to_parse` gives it (called in the child: None
    to end without sending anything); None if no child can be had (too many processes, too
    little memory). `gather_references`: whether the child gathers the file's references and
    sends its verdict on them (else UNKNOWN, and the records' are checked later: start_reading).

    Each part's marshal data goes into a file in memory that both processes hold (memfd), at
    a page's start, and only where it lies goes through the pipe: the child never waits for
    this side to read (a pipe holds 64 kB, and this side is busy with `while_parsing` at first).
    This side maps each part, reads it and gives its pages back (MADV_REMOVE), so the file holds
    only the parts not yet read."""
    try:
        parts_file = os.memfd_create("routes-parts", os.MFD_CLOEXEC)
    except (AttributeError, OSError):
        return None
    read_end, write_end = os.pipe()
    try:
        pid = fork()
    except OSError:
        for fd in (parts_file, read_end, write_end):
            os.close(fd)
        return None
    if pid == 0:  # the child: parse, send, and leave without the parent's exit handlers
        status = 1
        try:
            let_interrupts_in()
            os.close(read_end)
            offset = 0
            references, known = References(DATA_FIELDS), gather_references
            with os.fdopen(write_end, "wb", buffering=0) as pipe:
                text = text_to_parse()
                if text is None:
                    return  # (to the finally: status 1, and that side reads the file itself)
                # Cut up, each part a text of its own, and let go of: each part's memory goes
                # as soon as it is parsed.
                cut = deque(
                    ((f"{goes_on_with}:\n" if goes_on_with else "") + text[start:end], goes_on_with)
                    for start, end, goes_on_with in parts(text)
                )
                del text
                while cut:
                    part, goes_on_with = cut.popleft()
                    data, by_yaml_rs = _parse_part(part)
                    del part
                    as_json = _with_tables_as_json(data) if by_yaml_rs else None
                    sent = marshal.dumps(data if as_json is None else as_json)
                    number = _NUMBER_OF_TABLE[goes_on_with]
                    number |= 0 if as_json is None else TABLES_AS_JSON
                    del as_json
                    at, offset = offset, put(parts_file, sent, offset)  # (each at a page's start)
                    pipe.write(struct.pack("<QQQ", at, len(sent), number))
                    del sent
                    known = known and _gather(references, data)  # while that side validates
                    del data
                verdict = UNKNOWN if not known else HOLD if references.hold() else BROKEN
                pipe.write(struct.pack("<QQQ", VERDICT, verdict, 0))
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    return _Child(pid, os.fdopen(read_end, "rb"), parts_file, not gather_references)
