"""A big file read in parts in a child process (parse_ahead.py) gives the records and the
messages that reading it whole gives: cut where a cut is safe, read whole where one is not, and
parsed by yaml-rs only where it reads the text as ryaml does."""

from __future__ import annotations

import copy
import math
import re
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
import ryaml
import yaml_rs
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from routemap.models import (
    TABLES,
    Account,
    Group,
    Journey,
    Leg,
    Person,
    Place,
    Quote,
    Source,
    Unmapped,
    Wording,
)
from routemap.parse_ahead import _table_validator, parts, yaml_rs_reads_as_ryaml

from .synthetic import synthetic_places

ROOT = Path(__file__).parent.parent

# Scalars and constructs where YAML parsers are known to differ: numbers in YAML 1.1's and 1.2's
# forms, booleans and nulls, tags, odd keys, documents, tabs and control characters.
SCALARS = """0o17 0x1F 0X1f 017 +1 -1 +0 -0 1_000 1e3 1E3 1.5e-3 1.5E+3 .5 5. -.5 +.5 .inf -.Inf +.INF
.NaN .nan .NAN true True TRUE yes Yes on On y Y n N off no false False FALSE null Null NULL ~
2022-09-21 2022-09-21T10:00:00Z 12:30 190:20:30 0b101 1,000 00 08 09 0.0 -0.0 1.0e1 1e 1.e3 0e0
9223372036854775807 9223372036854775808 -9223372036854775809 18446744073709551616
1.7976931348623157e309 4.9e-324 1e400 -1e400 0x 0o 0xG 1__0 _1 1_ -1_0 0x_1 0o8 +-1 =: << ~x x~
123456789012345678901234567890 1.2.3 +.nan -.nan""".split()
CONSTRUCTS = [
    'v: "\\x41\\u00e9\\U0001F600\\N\\_\\L\\P\\a\\e\\0\\/\\t\\ \\""',
    "v: 'it''s'",
    'v: "a\n  b\n\n  c"',
    "v: a\n  b\n  c",
    "v: |\n  x\n  y\n",
    "v: |-\n  x\n\n",
    "v: |+\n  x\n\n",
    "v: >\n  a\n  b\n\n  c\n",
    "v: |2\n   x\n",
    "v: |\n  \ta\n",
    "v: a # c",
    "v: a#b",
    "v: [a, b, ]",
    "v: {a: 1, b: }",
    "v: {a, b}",
    "v: [a: 1]",
    "v: !!str 123",
    "v: !!int '12'",
    "v: !!float 1",
    "v: !!null ''",
    "v: !!binary aGVsbG8=",
    "v: !custom x",
    "v: !!set {a, b}",
    "v: !",
    "v: !!timestamp 2022-01-01",
    "a: &x 1\nb: *x",
    "a: &x [1, 2]\nb: *x",
    "? a\n: b",
    "? [a]\n: b",
    "{[a]: b}",
    "1: a",
    "~: a",
    "true: a",
    ": v",
    "'': v",
    "a: 1\na: 2",
    "--- \na: 1",
    "a: 1\n...\n",
    "a: 1\n---\nb: 2",
    "%YAML 1.1\n---\nv: yes",
    "v: a\r\nw: b\r\n",
    "v:\ta",
    "\tv: a",
    'v: "a\tb"',
    "v: x\u2028y",
    "v: x\x85y",
    "v: x\x1fy",
    "v: x\x7fy",
    "v: \ufeffx",
    "v: \u00a0x",
    "v: - a",
    "v:\n  - a\n  -\n  - c",
    'v: "\\U00110000"',
    "- a\n- b",
    "",
    "v: [{to: x, mode: car, when: next week}]",
    "v: 'x\\n'",
    'v: "x\\\n  y"',
]
TEXTS = [f"v: {scalar}" for scalar in SCALARS] + CONSTRUCTS


def _alike(fast, slow) -> bool:
    """Whether the records validated from yaml-rs's data (`fast`) and from ryaml's (`slow`) are
    the same: equal data of the same types all the way down (1, 1.0 and True are not the
    same), except where yaml-rs reads a number that ryaml leaves as text (`017`): a text field
    refuses the number, so the file is read again by ryaml, and a number field reads ryaml's
    text as that same number."""
    if isinstance(fast, int | float) and not isinstance(fast, bool) and isinstance(slow, str):
        try:
            as_number = TypeAdapter(type(fast)).validate_python(slow)
        except ValidationError:
            return False
        return as_number == fast
    if type(fast) is not type(slow):
        return False
    if isinstance(fast, dict):
        return len(fast) == len(slow) and all(
            _alike(key, other) and _alike(fast[key], slow[other])
            for key, other in zip(fast, slow, strict=True)
        )
    if isinstance(fast, list):
        return len(fast) == len(slow) and all(_alike(x, y) for x, y in zip(fast, slow, strict=True))
    if isinstance(fast, float) and math.isnan(fast):
        return math.isnan(slow)
    return fast == slow


def _never_valid(data) -> bool:
    """Data no places file validates from, which the file's reading refuses: not a mapping, a
    key that is not text (`? [a]`, `: v`), or a whole number past 64 bits (every number a places
    file holds is small)."""
    if not isinstance(data, dict):
        return True

    def odd(node) -> bool:
        if isinstance(node, dict):
            return any(not isinstance(key, str) or odd(value) for key, value in node.items())
        if isinstance(node, list):
            return any(map(odd, node))
        return isinstance(node, int) and not -(2**63) <= node < 2**64

    return odd(data)


def _read(parse, text):
    try:
        return True, parse(text)
    except Exception:
        return False, None


@pytest.mark.parametrize("text", TEXTS)
def test_yaml_rs_is_trusted_only_where_it_reads_as_ryaml(text):
    """Where the two differ so that a file could be read differently (yaml-rs reads `1_0` and
    `0X1f` as numbers, drops an unknown tag, accepts a tab or a control character), the text is
    left to ryaml. Where ryaml refuses a text, yaml-rs refuses it too or makes of it what no
    places file is made of."""
    if yaml_rs_reads_as_ryaml(text):
        fast, slow = (
            _read(lambda t: yaml_rs.loads(t, parse_datetime=False), text),
            _read(ryaml.loads, text),
        )
        if slow[0]:
            assert fast[0] and _alike(fast[1], slow[1])
        else:
            assert not fast[0] or _never_valid(fast[1])


def test_real_files_are_read_by_yaml_rs():
    """What the check leaves to ryaml is rare in a places file: the shipped one and a big
    synthetic one pass it."""
    assert yaml_rs_reads_as_ryaml((ROOT / "places.yaml").read_text(encoding="utf-8"))
    assert yaml_rs_reads_as_ryaml(synthetic_places(300, 300, 600, seed=5))


def _read_in_parts(text: str) -> dict:
    """Each part parsed alone (one that goes on with a table, after that table's key line),
    the parts' data put together."""
    data = {}
    for start, end, goes_on_with in parts(text):
        if goes_on_with:
            part = ryaml.loads(f"{goes_on_with}:\n" + text[start:end])
            assert list(data)[-1] == list(part)[0] == goes_on_with
            data[goes_on_with] += part.pop(goes_on_with)
        else:
            part = ryaml.loads(text[start:end])
        assert not set(part) & set(data)
        data |= part
    return data


def test_a_file_cut_at_its_tables_reads_as_the_whole(monkeypatch):
    """Cut before every table, each part read alone: the same data, in the same order."""
    monkeypatch.setattr("routemap.parse_ahead.SMALLEST_PART", 1_000)
    text = synthetic_places(300, 300, 600, seed=5)
    starts = [text[start : start + 8] for start, _, _ in parts(text)[1:]]
    assert starts == ["places:\n", "groups:\n", "quotes:\n"]
    assert _read_in_parts(text) == ryaml.loads(text)


@pytest.mark.parametrize("indent", ["  ", ""], ids=["indented", "at the key's column"])
def test_a_file_cut_between_entries_reads_as_the_whole(monkeypatch, indent):
    """Cut inside its tables too, between entries (`- ` at the entries' column, never a leg's
    or a wording's, which stand further in), each part read alone: the same data."""
    monkeypatch.setattr("routemap.parse_ahead.SMALLEST_PART", 1_000)
    monkeypatch.setattr("routemap.parse_ahead.PART_SIZE", 3_000)
    text = synthetic_places(300, 300, 600, seed=5)
    text = re.sub(  # some legs in block style: `- to:` lines, at their own column
        r"\n      - \{to: ([^,]+), mode: ([^,]+), when: ([^}]+)\}",
        r"\n      - to: \1\n        mode: \2\n        when: \3",
        text,
        count=50,
    )
    if not indent:
        text = "\n".join(line.removeprefix("  ") for line in text.split("\n"))
    cut = parts(text)
    assert len(cut) > 20 and {table for _, _, table in cut} >= {"places", "journeys", "quotes"}
    for start, _, goes_on_with in cut:
        if goes_on_with:
            assert text[start : start + len(indent) + 2] == indent + "- "
    assert _read_in_parts(text) == ryaml.loads(text)


def test_a_table_is_cut_only_where_its_entries_are_plain_to_see(monkeypatch):
    """A table whose key line holds more than the key, or whose first entry does not start
    with `- ` on a line of its own, is not cut between entries."""
    monkeypatch.setattr("routemap.parse_ahead.SMALLEST_PART", 1_000)
    monkeypatch.setattr("routemap.parse_ahead.PART_SIZE", 3_000)
    text = synthetic_places(300, 300, 600, seed=5)
    for changed in (
        text.replace("quotes:\n", "quotes: &all\n"),
        text.replace("quotes:\n", "quotes:\n  -\n    text: first\n    speaker: person-0\n"),
    ):
        assert "quotes" not in {table for _, _, table in parts(changed)}


@pytest.mark.parametrize("mark", ["---", "...", "%YAML 1.2", "--- # a comment\n\n# another"])
def test_no_cut_right_after_a_document_marker(monkeypatch, mark):
    """The part before would end a document there, and the one after start another: two
    documents, which the whole file's parser refuses. (A marker anywhere else is inside a part,
    which its own parse refuses.)"""
    monkeypatch.setattr("routemap.parse_ahead.SMALLEST_PART", 1)
    monkeypatch.setattr("routemap.parse_ahead.PART_SIZE", 1)
    text = f"title: x\nplaces:\n  - a\n{mark}\n  - b\nquotes: []\n{mark}\nunmapped: []\n"
    starts = [text[start:].split("\n")[0] for start, _, _ in parts(text)]
    assert starts == ["title: x", "places:", "quotes: []"]


# A big file read in a child process, in parts of 20 to 30 kB (not megabytes), against the
# same file read whole in this process: its records, or its messages.
SCRIPT = """
import sys
from pathlib import Path
import routemap.parse_ahead
from routemap.errors import PlacesFileError
from routemap.load import read_places

routemap.parse_ahead.SMALLEST_PART = 20_000
routemap.parse_ahead.PART_SIZE = 30_000
path = Path(sys.argv[1])

def read(**kwargs):
    try:
        return read_places(path, **kwargs)
    except PlacesFileError as error:
        return str(error)

called = []
ahead = read(while_parsing=lambda: called.append(1))
whole = read()
assert called == [1]
same = ahead == whole and (  # and the fields each record was given, shared between records
    isinstance(whole, str)
    or ahead.model_dump(exclude_unset=True) == whole.model_dump(exclude_unset=True)
)
print("same" if same else f"differ:\\n{ahead}\\n{whole}")
print(whole if isinstance(whole, str) else "valid")
"""


def _run_on(tmp_path, script: str, text: str | bytes, *args: str) -> subprocess.CompletedProcess:
    """`script` run by a Python of its own on `text`, written to places.yaml in tmp_path: that
    file's path its first argument, then `args`; it must end without an error."""
    path = tmp_path / "places.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    done = subprocess.run(
        [sys.executable, "-c", script, str(path), *args], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr
    return done


def _ahead_and_whole(tmp_path, text: str) -> list[str]:
    done = _run_on(tmp_path, SCRIPT, text)
    return done.stdout.replace(str(tmp_path / "places.yaml"), "FILE").splitlines()


BIG = synthetic_places(400, 400, 800, seed=3)


def test_a_big_file_read_in_parts_gives_the_records_read_whole(tmp_path):
    assert _ahead_and_whole(tmp_path, BIG) == ["same", "valid"]


def _alias_across_parts(text: str) -> str:
    """A source's id anchored in the first part and named by an alias in the last."""
    text = text.replace("  - id: source-0\n", "  - id: &first source-0\n", 1)
    return text.replace("    source: source-0\n", "    source: *first\n", 1)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # A reference to a person who is not there, in the last part.
        (
            lambda text: text.replace("speaker: person-3\n", "speaker: person-9999\n", 1),
            "the speaker “person-9999” is not in people",
        ),
        # Coordinates outside their country, in the places' part.
        (lambda text: text.replace("lat: 5", "lat: -5", 1), "km outside"),
        # A value not among the choices.
        (
            lambda text: text.replace("kind: city", "kind: town", 1),
            "`kind` is 'town', which is not one of the choices",
        ),
        # A table written twice.
        (
            lambda text: text.replace("groups:\n", "places: []\ngroups:\n", 1),
            "`places` appears twice in one entry",
        ),
        # An alias in a later part to an anchor in an earlier one: valid, read whole.
        (_alias_across_parts, None),
        # A journey's start written `start:`, the records' name for `from:`, which the models
        # accept: its references are checked on the records.
        (lambda text: text.replace("    from: place-", "    start: place-", 1), None),
        # A document ends before a table: a second document, which a whole file may not have.
        (lambda text: text.replace("\ngroups:\n", "\n...\ngroups:\n", 1), "YAML"),
        (lambda text: text.replace("\nquotes:\n", "\n---\nquotes:\n", 1), "YAML"),
        # References that are not texts: a list, which no id can be; a number where another
        # entry has the same number as text.
        (
            lambda text: text.replace("speaker: person-3\n", "speaker: [person-3]\n", 1),
            "`speaker`",
        ),
        (
            lambda text: text.replace("journey: journey-269\n", "journey: 269\n", 1).replace(
                "journey: journey-280\n", "journey: '269'\n", 1
            ),
            "`journey`",
        ),
        # A leg that is not a mapping.
        (
            lambda text: text.replace(
                "      - {to: place-5, mode: car, when: next week}", "      - place-5", 1
            ),
            "leg",
        ),
        # What JSON would not carry as it is, in a table: its part goes as dicts
        # (_with_tables_as_json). No number and an infinite one, where a text must be (orjson
        # writes each as null, which the field would take for no value); a number past 64
        # bits (orjson refuses it); a null.
        (lambda text: text.replace("when: next week}", "when: .nan}", 1), "`when`"),
        (lambda text: text.replace("when: next week}", "when: -.inf}", 1), "`when`"),
        (
            lambda text: re.sub(r"lat: [\d.]+", f"lat: {10**30}", text, count=1),
            f"latitude {10**30} is out",
        ),
        (lambda text: text.replace("when: next week}", "when: }", 1), None),
        # A quoted text running over a table's key line: no cut there.
        (
            lambda text: text.replace(
                "groups:\n", 'groups_note: "a text\nquotes:\n  that goes on"\ngroups:\n', 1
            ),
            "unknown key `groups_note`",
        ),
    ],
    ids=[
        "reference",
        "coordinates",
        "choice",
        "table twice",
        "alias",
        "start for from",
        "document end",
        "document start",
        "reference a list",
        "reference a number",
        "leg a text",
        "not a number",
        "infinite",
        "past 64 bits",
        "null",
        "quote over a cut",
    ],
)
def test_a_big_file_with_something_out_of_the_ordinary_is_read_whole(tmp_path, change, message):
    text = change(BIG)
    assert text != BIG
    lines = _ahead_and_whole(tmp_path, text)
    assert lines[0] == "same"
    if message is None:
        assert lines[1:] == ["valid"]
    else:
        assert message in "\n".join(lines[1:])


SHARED_SCRIPT = """
import sys
from pathlib import Path
import routemap.parse_ahead
from routemap.load import read_places

routemap.parse_ahead.SMALLEST_PART = 20_000
routemap.parse_ahead.PART_SIZE = 30_000
places = read_places(Path(sys.argv[1]), while_parsing=lambda: None)
people = {person.id: person.id for person in places.people}
spots = {place.id: place.id for place in places.places}
speakers = [people[quote.speaker] is quote.speaker for quote in places.quotes]
ends = [spots[leg.to] is leg.to for journey in places.journeys for leg in journey.legs]
starts = [spots[journey.start] is journey.start for journey in places.journeys]
print(len(speakers), all(speakers), len(ends), all(ends), all(starts))
"""


def test_a_big_files_references_are_the_very_texts_of_the_ids_they_name(tmp_path):
    """Read in parts, a big file's references (a quote's speaker, a leg's end, a journey's
    start) are the one text object of the id they name, whatever part each is in, not a text
    of their own each: 700,000 references at 50,000 journeys, some 35 MB."""
    done = _run_on(tmp_path, SHARED_SCRIPT, BIG)
    assert done.stdout.split() == ["800", "True", str(BIG.count("{to: ")), "True", "True"]


# Records validated from a table's JSON text (_with_tables_as_json) against those validated
# from the same entries as dicts, for every kind of value JSON carries: a valid file's entries,
# each changed in a few places, a value set or a key added anywhere in it.
FIELD_NAMES = sorted(
    {
        field.alias or name
        for model in (Source, Person, Place, Group, Journey, Leg, Quote, Wording, Account, Unmapped)
        for name, field in model.model_fields.items()
    }
)
json_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**64 - 1),
    st.sampled_from([0, 1, -1, 2, 55, 130, 131, 200]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, 1.0, -0.0, 1.5, 55.5, 90.0, -90.5, 5e-324, 1.7976931348623157e308]),
    st.text(max_size=12),
    st.sampled_from(
        ["1", "1.5", "0", "true", "yes", "on", "off", "no", "t", "f", "y", "n", "car", "city"]
        + ["RU", "ru", " x ", "", " ", "\u00a0x\u2003", "2022-09-21", "https://example.org"]
        + ["place-1", "person-1", "source-1", "journey-1", "group-1", "null", "1e400"]
    ),
)
json_values = st.recursive(
    json_leaves,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.sampled_from(FIELD_NAMES) | st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)
VALID_TABLES = {
    table: entries
    for table, entries in yaml_rs.loads(
        synthetic_places(6, 6, 12, seed=4), parse_datetime=False
    ).items()
    if table in TABLES and entries
}


def _spots(node, at=()):
    """Every place in the data where a value is, or a key could be added."""
    yield at
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _spots(value, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _spots(value, (*at, index))


def _at(node, at):
    """The value at `at`."""
    for step in at:
        node = node[step]
    return node


def _change(node, at, key, value):
    """The node with the value at `at` set to `value`, or, where a mapping is, `key` added."""
    if not at:
        return {**node, key: value} if isinstance(node, dict) else value
    copy = node.copy()
    copy[at[0]] = _change(node[at[0]], at[1:], key, value)
    return copy


def _as_read(records) -> str:
    """What the records hold, types shown (1, 1.0 and True differ), with the fields each was
    given; or that the entries did not validate."""
    if records is None:
        return "refused"
    return repr([record.model_dump(exclude_unset=True) for record in records])


def _validated(validate, entries):
    try:
        return validate(entries)
    except ValidationError:
        return None


def _spellings(value) -> list:
    """Other spellings of a valid value, which validation may take as it, convert or refuse:
    padded or cased text, a number as text or of the other kind, a boolean as number or text."""
    if isinstance(value, str):
        return [value, f" {value} ", f"\u00a0{value}\n", value.upper(), value.title(), ""]
    if isinstance(value, bool):
        return [not value, int(value), str(value).lower(), "yes" if value else "off"]
    if isinstance(value, int | float):
        return [str(value), int(value), float(value), value + 0.5, -value, True, f" {value}"]
    return [value]


@settings(max_examples=600, deadline=None)
@given(st.data())
def test_a_table_validated_from_json_gives_the_records_validated_from_its_dicts(data):
    table = data.draw(st.sampled_from(sorted(VALID_TABLES)))
    entries = VALID_TABLES[table][:2]
    for _ in range(data.draw(st.integers(min_value=0, max_value=3))):
        spots = list(_spots(entries))[1:]
        leaves = [at for at in spots if not isinstance(_at(entries, at), dict | list)]
        if data.draw(st.integers(0, 9)) < 7:  # mostly a value spelled otherwise
            at = data.draw(st.sampled_from(leaves))
            entries = _change(
                entries, at, "", data.draw(st.sampled_from(_spellings(_at(entries, at))))
            )
        else:  # else any value, or a key added, anywhere
            at = data.draw(st.sampled_from(spots))
            key = data.draw(st.sampled_from(FIELD_NAMES))
            entries = _change(entries, at, key, data.draw(json_values))
    try:
        as_json = orjson.dumps(entries)
    except TypeError:  # a number past 64 bits: such a part goes as dicts (_with_tables_as_json)
        assume(False)
    validator = _table_validator(table)
    from_dicts = _validated(validator.validate_python, copy.deepcopy(entries))
    from_json = _validated(validator.validate_json, as_json)
    assert _as_read(from_json) == _as_read(from_dicts)


JSON_PATH_SCRIPT = """
import sys
from pathlib import Path
import routemap.parse_ahead
from routemap.load import read_places

routemap.parse_ahead.SMALLEST_PART = 20_000
routemap.parse_ahead.PART_SIZE = 30_000
validated = routemap.parse_ahead._records
read_as = set()

def records(table, entries):
    read_as.add((table, type(entries).__name__))
    return validated(table, entries)

routemap.parse_ahead._records = records
read_places(Path(sys.argv[1]), while_parsing=lambda: None)
print(" ".join(sorted(f"{table}:{kind}" for table, kind in read_as)))
"""


@pytest.mark.parametrize(
    ("change", "read_as"),
    [
        (lambda text: text, "journeys:bytes places:bytes quotes:bytes"),
        # A null in the first journey: its part (the last places, the groups and the first
        # journeys) goes as dicts, the rest as JSON.
        (
            lambda text: text.replace("when: next week}", "when: }", 1),
            "journeys:bytes journeys:list places:bytes places:list quotes:bytes",
        ),
    ],
    ids=["plain", "a null"],
)
def test_a_big_files_tables_are_validated_from_json(tmp_path, change, read_as):
    done = _run_on(tmp_path, JSON_PATH_SCRIPT, change(BIG))
    kinds = [kind for kind in done.stdout.split() if kind.startswith(("places", "journ", "quot"))]
    assert " ".join(kinds) == read_as


EARLY_SCRIPT = """
import os
import sys
from pathlib import Path
import routemap.parse_ahead
from routemap.cli import main

fork = routemap.parse_ahead._start
models_then = []

def start(text_to_parse, **kwargs):
    models_then.append("routemap.models" in sys.modules or "pydantic" in sys.modules)
    return fork(text_to_parse, **kwargs)

routemap.parse_ahead._start = start
code = main(["--places", *sys.argv[1:]])
try:
    left = os.waitpid(-1, os.WNOHANG)  # a child not reaped
except ChildProcessError:
    left = "none"
print(code, models_then, left)
"""


@pytest.mark.parametrize(
    ("text", "options", "printed", "said"),
    [
        (BIG.encode(), [], "0 [False] none", ""),
        # The build stops before it reads the file (a --url that is no address): the child
        # it started is ended, not left running.
        (BIG.encode(), ["--url", "no-address"], "1 [False] none", "--url no-address"),
        # What the child does not parse, it leaves to the build, which reads the file itself:
        # a merge key (read by ruamel), a byte that is not UTF-8 (which it then names).
        (
            BIG.replace("  - id: person-1\n", "  - id: person-1\n    <<: {age: 30}\n", 1)
            .replace("    age: 19\n", "", 1)
            .encode(),
            [],
            "0 [False] none",
            "",
        ),
        (BIG.encode().replace(b"Place 7", b"Place \xff", 1), [], "1 [False] none", "not UTF-8"),
    ],
    ids=["built", "stopped first", "merge key", "not UTF-8"],
)
def test_a_build_starts_the_big_files_child_before_the_models_and_ends_it(
    tmp_path, text, options, printed, said
):
    out = tmp_path / "routes.html"
    done = _run_on(tmp_path, EARLY_SCRIPT, text, "--out", str(out), *options)
    assert done.stdout.splitlines()[-1] == printed
    assert said in done.stderr
    assert out.exists() == printed.startswith("0")


# A big file read through a child started as the build command starts it (start_reading), in
# parts of 20 to 30 kB; then what each test asks of the child.
STARTED = """
import sys
from pathlib import Path
import routemap.parse_ahead
from routemap.load import read_places

routemap.parse_ahead.SMALLEST_PART = 20_000
routemap.parse_ahead.PART_SIZE = 30_000
path = Path(sys.argv[1])
started = routemap.parse_ahead.start_reading(path)
places = read_places(path, lambda: None, started)
"""


def _read_started(tmp_path, text: str, then: str) -> str:
    """The last line `then` prints, run after STARTED on the text."""
    return _run_on(tmp_path, STARTED + then, text).stdout.splitlines()[-1]


COLUMNS_SCRIPT = """
from routemap.models import FileColumns

made = started.columns_for(places)
if made is None:
    print("none")
else:
    fresh = FileColumns(places)
    same = all(made[table] == fresh[table] for table in made)
    print(" ".join(sorted(made)), same, started.columns_for(places))
"""


@pytest.mark.parametrize(
    ("change", "printed"),
    [
        (lambda text: text, "journeys legs places quotes True None"),
        # Some parts as dicts (a null), the rest as JSON: the same columns all the same.
        (
            lambda text: text.replace("when: next week}", "when: }", 1),
            "journeys legs places quotes True None",
        ),
        # Read whole after all (an alias to an anchor in another part): no columns given.
        (_alias_across_parts, "none"),
    ],
    ids=["as JSON", "a part as dicts", "read whole"],
)
def test_a_big_files_columns_made_as_it_is_read_are_its_columns(tmp_path, change, printed):
    """The columns of its places, journeys, legs and quotes (models.FileColumns) that reading
    a big file makes part by part, while the child parses the next, are the columns made of
    its records afresh; given once, and only for the records that reading gave."""
    assert _read_started(tmp_path, change(BIG), COLUMNS_SCRIPT) == printed


def test_columns_asked_for_other_records_are_let_go(tmp_path):
    """A build that geocoded first reads the file again: the columns made of the first read's
    records are not given for the new ones, and are let go (not held through the build)."""
    then = """
print(started.columns_for(object()), started.columns, started.read, started.columns_for(places))
"""
    assert _read_started(tmp_path, BIG, then) == "None {} None None"


INTERRUPTED_SCRIPT = """
import os
import sys
from pathlib import Path
import routemap.parse_ahead

started = routemap.parse_ahead.start_reading(Path(sys.argv[1]))
wait = os.waitpid

def interrupted(*args):
    os.waitpid = wait
    raise KeyboardInterrupt

os.waitpid = interrupted
try:
    started.finish(stop=True)
except KeyboardInterrupt:
    print("interrupted")
started.finish(stop=True)  # as the command's `finally` does
try:
    left = os.waitpid(-1, os.WNOHANG)
except ChildProcessError:
    left = "none"
print(left)
"""


def test_a_child_whose_wait_is_interrupted_is_still_ended(tmp_path):
    """Ctrl-C while the child is waited for: the command's own ending of it (cli.py's `finally`)
    still ends it and waits for it, with no error for the files already closed."""
    assert _run_on(tmp_path, INTERRUPTED_SCRIPT, BIG).stdout.split() == ["interrupted", "none"]
