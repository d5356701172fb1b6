"""Stage 1: read places.yaml and validate it into typed records.

The YAML is read with ruamel.yaml's round-trip loader because it keeps the line and column of
every key and value: every problem, whether YAML syntax, a wrong type or a broken reference, is
reported as ``places.yaml:LINE:COL: what is wrong — what to do``, all of them at once.
"""

from __future__ import annotations

import re
import reprlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from . import parse_ahead
from .errors import PlacesFileError, Problem
from .models import (
    PlacesFile,
    allowed_keys,
    likely_misspelling,
    meant_table,
    reference_problems,
    references_hold,
)
from .positions import TextPositions
from .reading import README_EXAMPLE, has_merge_key, line_column, read_text
from .whereabouts import coordinate_problems

if TYPE_CHECKING:  # ruamel is imported where it is used: a valid file's build never needs it
    from ruamel.yaml.comments import CommentedMap


def read_document(path: Path) -> CommentedMap:
    """Read the file as UTF-8 and parse it (see parse_document)."""
    return parse_document(read_text(path), path)


_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 60
_SHORT.maxlist = _SHORT.maxdict = 4
_SHORT.maxlevel = 2


def _shown(value: Any) -> str:
    """A value as a message quotes it: a short preview (reprlib's, which never walks the whole
    of a big value), not the whole of a long text or list."""
    return _SHORT.repr(value)


DASHES = re.compile(r"(?:- +){40,}")  # `- - - …`: lists in lists, as deep as the dashes
LONG_NUMBER = re.compile(r"\d{4000,}")  # Python reads whole numbers of up to 4,300 digits
ESCAPE = re.compile(r"\\U([0-9A-Fa-f]{8})")
TAGGED = re.compile(r"!!(int|float|bool)\s+([^\s,\]}]+)")


def _unreadable_value(name: str, text: str, error: Exception) -> Problem:
    """A value YAML's constructor could not make, found in the text by its form (the parser
    gives no position for these) and said in the editor's words."""
    if isinstance(error, RecursionError) and (deep := DASHES.search(text)):
        # (Brackets nested as deep are refused before parsing: _too_deep.)
        return Problem(
            name,
            *line_column(text, deep.start()),
            "lists in lists (`- - - …`) nested too deep to read",
            "a places file needs at most a few levels: flatten it",
        )
    for escape in ESCAPE.finditer(text):
        if int(escape.group(1), 16) > 0x10FFFF:
            return Problem(
                name,
                *line_column(text, escape.start()),
                f"the escape \\U{escape.group(1)} is not a character (Unicode ends at \\U0010FFFF)",
                "write the character itself, or a code point up to \\U0010FFFF",
            )
    if isinstance(error, ValueError) and (long := LONG_NUMBER.search(text)):
        return Problem(
            name,
            *line_column(text, long.start()),
            f"a number of {len(long.group()):,} digits, too long to read",
            "no value in a places file needs one: check what was pasted here",
        )
    words = {"int": "a whole number", "float": "a number", "bool": "true or false"}
    for tagged in TAGGED.finditer(text):
        tag, value = tagged.groups()
        if not _tag_fits(tag, value):
            return Problem(
                name,
                *line_column(text, tagged.start()),
                f"`!!{tag} {value[:40]}`: {value[:40]} is not {words[tag]}",
                f"remove the `!!{tag}` tag, or write {words[tag]}",
            )
    return Problem(
        name,
        1,
        1,
        f"a value YAML cannot read ({type(error).__name__})",
        "check the file's tags and escapes",
    )


def _tag_fits(tag: str, value: str) -> bool:
    try:
        if tag == "int":
            int(value.replace("_", ""), 0)
        elif tag == "float":
            float(value.replace("_", ""))
        else:
            return value.lower() in {"true", "false", "yes", "no", "on", "off", "y", "n"}
    except ValueError:
        return False
    return True


def _careful_yaml():
    """ruamel in round-trip mode, which keeps every node's line and column, reading values as
    the fast parser does (YAML 1.2's core schema): `when: 2022-09-21` is the text 2022-09-21,
    not a date, so a file gets one answer whichever parser reads it."""
    from ruamel.yaml import YAML
    from ruamel.yaml.constructor import RoundTripConstructor

    class Constructor(RoundTripConstructor):
        pass

    Constructor.add_constructor("tag:yaml.org,2002:timestamp", Constructor.construct_yaml_str)
    yaml = YAML()
    yaml.Constructor = Constructor
    return yaml


def _duplicate_key(error, text: str) -> tuple[str, str]:
    """(what, what to do) for a key written twice in one mapping, with the line of the first:
    often a new entry whose `- ` was left out, so its keys join the entry above."""
    found = re.search(r'duplicate key "(.*?)" with value', error.problem or "")
    key = found.group(1) if found else "a key"
    mark, start = error.problem_mark, error.context_mark
    lines = text.splitlines()
    pattern = re.compile(rf"{re.escape(key)}\s*:")  # at the column of the second one
    first = next(
        (
            number + 1
            for number in range(start.line if start else 0, mark.line)
            if pattern.match(lines[number], mark.column)
        ),
        None,
    )
    where = f" (first on line {first})" if first else ""
    return (
        f"`{key}` appears twice in one entry{where}",
        "keep one; if a new entry starts here, begin it with `- `",
    )


def parse_document(text: str, path: Path) -> CommentedMap:
    """Parse YAML text into ruamel's commented mapping, or raise a PlacesFileError saying where."""
    from ruamel.yaml.comments import CommentedMap
    from ruamel.yaml.constructor import DuplicateKeyError
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    name = str(path)
    try:
        document = _careful_yaml().load(text)
    except (ValueError, OverflowError, KeyError, TypeError, RecursionError) as error:
        # What ruamel's constructor raises without a position: an escape past Unicode, a tag
        # whose value it cannot read, brackets nested past Python's stack.
        raise PlacesFileError([_unreadable_value(name, text, error)]) from None
    except DuplicateKeyError as error:
        mark = error.problem_mark
        raise PlacesFileError(
            [Problem(name, mark.line + 1, mark.column + 1, *_duplicate_key(error, text))]
        ) from None
    except ReaderError as error:
        line, column = line_column(text, error.position)
        raise PlacesFileError(
            [
                Problem(
                    name,
                    line,
                    column,
                    f"the character U+{error.character:04X} is not allowed in YAML",
                    "delete it (it is invisible in most editors), or write it as an escape "
                    'inside double quotes, like "\\x1f"',
                )
            ]
        ) from None
    except MarkedYAMLError as error:
        line, column, what, todo = yaml_mistake(error, text)
        raise PlacesFileError([Problem(name, line, column, f"YAML syntax: {what}", todo)]) from None
    except YAMLError as error:  # any other complaint of the parser, which carries no position
        raise PlacesFileError(
            [Problem(name, 1, 1, f"YAML: {error}", "fix the YAML syntax")]
        ) from None
    if document is None:
        raise PlacesFileError(
            [
                Problem(
                    name,
                    1,
                    1,
                    "the file is empty",
                    f"start from {README_EXAMPLE}",
                )
            ]
        )
    if not isinstance(document, CommentedMap):
        line, column = _position(document)
        raise PlacesFileError(
            [
                Problem(
                    name,
                    line,
                    column,
                    "the file is not a mapping of keys (title:, sources:, places:, ...)",
                    f"start from {README_EXAMPLE}",
                )
            ]
        )
    return document


def _position(node: Any) -> tuple[int, int]:
    lc = getattr(node, "lc", None)
    if lc is None or lc.line is None:
        return 1, 1
    return lc.line + 1, lc.col + 1


def locate(document: CommentedMap, path: tuple) -> tuple[int, int, bool]:
    """1-based line and column of the node at `path`, and whether the path was found whole.

    For a key that is missing the position is that of the mapping that lacks it.
    """
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    node: Any = document
    line, column = _position(document)
    for step in path:
        if isinstance(node, CommentedMap) and step in node:
            value = node[step]
            if not isinstance(value, (CommentedMap, CommentedSeq)):
                line, column = _written_at(node, step, value=True) or (line, column)
            elif value:
                line, column = _position(value)
            else:  # an empty list or mapping has no position of its own: its key's
                line, column = _written_at(node, step, value=False) or (line, column)
            node = value
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and step < len(node):
            item_line, item_column = node.lc.item(step)
            line, column = item_line + 1, item_column + 1
            node = node[step]
        else:
            return line, column, False
    return line, column, True


def _key_position(document: CommentedMap, path: tuple) -> tuple[int, int]:
    """Position of the key itself (for unknown keys), falling back to its value."""
    from ruamel.yaml.comments import CommentedMap

    parent_path, key = path[:-1], path[-1]
    line, column, _ = locate(document, parent_path)
    parent: Any = document
    for step in parent_path:
        try:
            parent = parent[step]
        except (KeyError, IndexError, TypeError):
            return line, column
    if isinstance(parent, CommentedMap) and key in parent:
        return _written_at(parent, key, value=False) or (line, column)
    return line, column


def _written_at(mapping, key, value: bool) -> tuple[int, int] | None:
    """1-based line and column where the mapping's `key` (or its value) is written: in the
    mapping itself or, for a key it takes from another by a merge key (`<<: *city`), in that
    other mapping, where the editor would change it; None if neither knows."""
    positions = mapping.lc.data
    if key in positions:
        at = positions[key]
        return (at[2] + 1, at[3] + 1) if value else (at[0] + 1, at[1] + 1)
    for merged in getattr(mapping, "merge", ()):
        if key in merged and (found := _written_at(merged, key, value)):
            return found
    return None


def _field_name(loc: tuple) -> str:
    names = [str(step) for step in loc if not isinstance(step, int)]
    return names[-1] if names else "this entry"


def _opening_bracket(text: str, line: int, column: int) -> tuple[int, int, str] | None:
    """The `[` or `{` still open at (line, column), 0-based, as (line, column, bracket): the
    parser notices a missing `]` only where the next thing cannot belong in the brackets."""
    open_ = []
    quote = None
    for number, row in enumerate(text.splitlines()[: line + 1]):
        end = min(column, len(row)) if number == line else len(row)  # NEL: a line end to YAML
        for position, char in enumerate(row[:end]):
            if quote:
                quote = None if char == quote else quote
            elif char in "\"'" and (position == 0 or row[position - 1] in " [{,:"):
                quote = char
            elif char == "#" and (position == 0 or row[position - 1] == " "):
                break
            elif char in "[{":
                open_.append((number, position, char))
            elif char in "]}" and open_:
                open_.pop()
        quote = None if quote == "'" else quote
    return open_[-1] if open_ else None


DASH_GLUED = re.compile(r"\s*-[A-Za-z_]")  # `-id: yerevan`, a dash with no space after it


def _closed_on_its_line(row: str, column: int) -> bool:
    """Whether the brackets open at `column` of `row` are all closed later on the line."""
    depth = sum(row[:column].count(c) for c in "{[") - sum(row[:column].count(c) for c in "}]")
    rest = row[column:]
    return (
        depth > 0 and sum(rest.count(c) for c in "}]") - sum(rest.count(c) for c in "{[") >= depth
    )


def _runaway_quote(text: str, line: int, column: int) -> tuple[int, int, str] | None:
    """A quote opened on a line above `line` (0-based) and still open at (line, column), or
    closed on `line` itself, as (line, column, mark) where it was opened. A quoted value may
    run over lines, so a quote left unclosed takes in the lines below until the next quote
    mark, and the parser complains only there."""
    quote = None
    closed_here = None
    for number, row in enumerate(text.splitlines()[: line + 1]):
        end = min(column, len(row)) if number == line else len(row)  # NEL: a line end to YAML
        position = 0
        while position < end:
            char = row[position]
            if quote:
                if quote[2] == '"' and char == "\\":
                    position += 1
                elif char == quote[2] == "'" and row[position + 1 : position + 2] == "'":
                    position += 1
                elif char == quote[2]:
                    if number == line and quote[0] < line:
                        closed_here = quote
                    quote = None
            elif char == "#" and (position == 0 or row[position - 1] in " \t"):
                break
            elif char in "\"'" and row[:position].rstrip()[-1:] in ("", ":", "-", "[", "{", ","):
                quote = (number, position, char)
            position += 1
    if quote and quote[0] < line:
        return quote
    return closed_here


def yaml_mistake(error, text: str) -> tuple[int, int, str, str]:
    """A YAML parser's complaint as (line, column, what is wrong, what to do) in an editor's
    words, at the place the mistake is: an unclosed bracket or quote where it was opened, a
    missing colon on the line that lacks it (the parser notices both only further on)."""
    problem = error.problem or ""
    context = error.context or ""
    mark = error.problem_mark or error.context_mark
    at = (mark.line + 1, mark.column + 1)
    lines = text.splitlines()
    row = lines[mark.line] if mark.line < len(lines) else ""
    if "'\\t'" in problem:
        return (*at, "a tab in the indentation", "indent with spaces, not tabs")
    runaway = _runaway_quote(text, mark.line, mark.column)
    if runaway and "quoted scalar" not in context:
        line, column, quote = runaway
        return (
            line + 1,
            column + 1,
            "the quote opened here is not closed on its line",
            f"end the text with {quote} on this line (the lines below were read as part of it)",
        )
    if "flow" in context or problem.startswith("expected ',' or"):
        opened = _opening_bracket(text, mark.line, mark.column)
        if opened and _closed_on_its_line(row, mark.column) and "':'" in problem:
            # `{to: yerevan mode: car}` or `{when: to: morrow}`: the brace is closed; the
            # parser met a second colon in one entry.
            entry = re.split(r"[{,\[]", row[: mark.column])[-1]
            value = entry.split(":", 1)[1].strip() if ":" in entry else ""
            if " " in value:
                key = value.rsplit(" ", 1)[1]
                return (
                    mark.line + 1,
                    mark.column - len(key) + 1,
                    f"a comma is missing before `{key}`",
                    "separate the entries in braces with commas, like `{to: yerevan, mode: car}`",
                )
            return (
                *at,
                "a second colon in a value inside braces",
                'put the value in double quotes, like `{when: "to: morrow"}`',
            )
        if opened:
            line, column, bracket = opened
            closing = "]" if bracket == "[" else "}"
            return (
                line + 1,
                column + 1,
                f"the `{bracket}` opened here is never closed",
                f"close it with `{closing}`, or list the entries on lines of their own",
            )
    if "simple key" in context and error.context_mark is not None:
        key = error.context_mark
        written = lines[key.line] if key.line < len(lines) else ""
        if glued := re.match(r"\s*(?:- )?([\w-]+):(\S)", written):
            return (
                key.line + 1,
                key.column + 1,
                "a colon needs a space after it",
                f"write `{glued.group(1)}: ` and then the value",
            )
        return (
            key.line + 1,
            key.column + 1,
            "this line has no colon after its key",
            "write the key, a colon and a space, then the value, like `name: Oleg`",
        )
    if "unknown escape character" in problem:
        char = problem.split("'")[1] if "'" in problem else ""
        return (
            mark.line + 1,
            mark.column,  # the backslash, just before where the parser stopped
            f"`\\{char}` is no escape in double quotes",
            "write `\\\\` for a backslash, or put the value in single quotes",
        )
    if "chomping or indentation indicators" in problem:
        return (
            mark.line + 1,
            mark.column,  # the `|` or `>`, just before where the parser stopped
            f"`{row[mark.column - 1 : mark.column]}` at the start of a value begins a block of "
            "text on the lines below",
            'put the value in double quotes, like `role: "|teacher"`',
        )
    if "quoted scalar" in context and error.context_mark is not None:
        quote = error.context_mark
        return (
            quote.line + 1,
            quote.column + 1,
            "the quote opened here is never closed",
            "end the text with the same quote mark",
        )
    if "cannot start any token" in problem and "'" in problem:
        char = problem.split("'")[1]
        named = "a backtick" if char == "`" else f"`{char}`"
        return (
            *at,
            f"a value cannot start with {named}",
            'put the whole value in double quotes, like `role: "@teacher"`',
        )
    if problem.startswith("found undefined alias"):
        name = problem.split("'")[1] if "'" in problem else ""
        return (
            *at,
            f"`*{name}` names no anchor",
            f"mark the value it stands for with `&{name}` above this line, or put the text in "
            "double quotes if the `*` is meant as it is",
        )
    previous = lines[mark.line - 1] if 0 < mark.line <= len(lines) else ""
    bare = previous.strip().removeprefix("- ").strip()
    if (
        problem.startswith("mapping values are not allowed")
        and ": " not in row[: mark.column]
        and bare
        and ":" not in bare
        and not bare.startswith(("#", '"', "'"))
    ):
        # `- id yerevan` above `name: Yerevan`: the parser read both as one text, then met the
        # colon. The mistake is the line without one.
        return (
            mark.line,
            len(previous) - len(previous.lstrip(" -")) + 1,
            "this line has no colon after its key",
            "write the key, a colon and a space, then the value, like `name: Oleg`",
        )
    dashed = next(
        (
            n
            for n in (mark.line, mark.line - 1)
            if 0 <= n < len(lines) and DASH_GLUED.match(lines[n])
        ),
        None,
    )
    if dashed is not None and problem.startswith(("expected <block end>", "mapping values")):
        column = lines[dashed].index("-")
        return (
            dashed + 1,
            column + 1,
            "a `-` needs a space after it to start an entry",
            f"write `- {lines[dashed][column + 1 :].strip()}`",
        )
    if problem.startswith("expected <block end>") and ("']'" in problem or "'}'" in problem):
        return (*at, "a closing bracket that closes nothing", "remove it")
    before = row[: mark.column].rstrip()
    after = row[mark.column :]
    if (
        problem.startswith("expected <block end>")
        and before.endswith("'")
        and before[-2:-1].isalpha()
        and after[:1].isalpha()
        and (opening := before.find("'")) < len(before) - 1
    ):
        # `text: 'I didn't go'`: an apostrophe ends text in single quotes.
        written = row[opening:].rstrip()
        inner = written[1:-1] if written.endswith("'") and len(written) > 1 else written[1:]
        fixed = f'"{inner}"' if '"' not in inner else "'" + inner.replace("'", "''") + "'"
        return (
            *at,
            "an apostrophe ends the text in single quotes",
            f"write `{row[:opening].strip()} {fixed}` (in double quotes, or with each ' inside "
            "single quotes written twice)",
        )
    if problem.startswith("expected <block end>") and before.endswith(('"', "'")):
        return (
            *at,
            "more text after the closing quote",
            'put the whole value inside the quotes, like `role: "a teacher"`',
        )
    if problem.startswith("mapping values are not allowed"):
        if ": " in row[: mark.column]:
            return (
                *at,
                "a second colon in a value",
                'put the whole value in double quotes, like `role: "teacher: of maths"`',
            )
        return (
            *at,
            "this line is indented further than the one above",
            "line its key up with the keys above it",
        )
    if problem.startswith("expected <block end>"):
        if (odd := _odd_space(row)) is not None:
            import unicodedata

            name = unicodedata.name(row[odd], "space").lower()
            return (
                mark.line + 1,
                odd + 1,
                f"a {name} (U+{ord(row[odd]):04X}) in this line's indentation, which YAML does "
                "not take for a space (it looks like one; pasted text often has it)",
                "replace it with an ordinary space",
            )
        todo = "indent it like the other keys of the same entry (two spaces a level)"
        if _entry_above(lines, mark.line):
            todo += "; if a new entry starts here, begin it with `- `"
        return (*at, "this line's indentation does not match the lines around it", todo)
    if problem.startswith("expected '<document start>'"):
        # `"a","b",...`: one value, then more on its line that YAML cannot go on with.
        return (
            *at,
            "the file reads as one value and then text YAML cannot go on with (is it a places "
            "file? a CSV, for one, reads so)",
            "give the places file, written as `key: value` lines; its first line is like "
            "`title: ...`",
        )
    what = problem or context or "not valid YAML"
    return (*at, what, "fix the YAML syntax here (indentation, a missing colon, quote or bracket)")


def _two_letter_code(value) -> str | None:
    """What to write for a country given by its three-letter code or in lowercase (`DEU`,
    `ru`): its two-letter code, if pycountry knows it."""
    if not isinstance(value, str) or len(value) not in (2, 3) or not value.isalpha():
        return None
    import pycountry

    kind = "alpha_2" if len(value) == 2 else "alpha_3"
    country = pycountry.countries.get(**{kind: value.upper()})
    if country is None:
        return None
    return f"write {country.alpha_2}, {country.name}'s two-letter code"


def _odd_space(row: str) -> int | None:
    """Where the line's indentation holds a space that is not one to YAML (a no-break space,
    a thin one...), if it does."""
    for column, char in enumerate(row):
        if char != " ":
            return column if char.isspace() and char not in "\t\r\n" else None
    return None


def _entry_above(lines: list[str], line: int) -> bool:
    """Whether one of the few lines with content above `line` starts a list's entry (`- `) at
    the column of this line's key, or where that entry's keys start: a line that does not fit
    in there may be the next entry, written without its dash."""
    row = lines[line] if line < len(lines) else ""
    indent = len(row) - len(row.lstrip(" "))
    above = [each for each in lines[max(0, line - 6) : line] if each.strip()][-3:]
    dashes = [len(each) - len(each.lstrip(" ")) for each in above if each.lstrip().startswith("- ")]
    return any(indent in (dash, dash + 2) for dash in dashes)


def _suggested_key(loc: tuple, document=None) -> str | None:
    """The allowed key an unknown one is most likely a misspelling of, if any is close; at the
    top, also the missing table it holds the entries of (`locations:` for `places:`)."""
    if not isinstance(loc[-1], str):
        return None
    if (glued := loc[-1].split(":", 1)[0]) != loc[-1] and glued in allowed_keys(loc):
        return glued  # `when:tomorrow`: a key and its value with no space between
    if len(loc) == 1 and isinstance(document, dict):
        if table := meant_table(document, loc[0]):
            return table
        # Not a key the file has already (`routes:` is not `quotes:` when quotes are there).
        known = [key for key in allowed_keys(loc) if key not in document]
        return likely_misspelling(loc[0], known)
    return likely_misspelling(loc[-1], allowed_keys(loc))


def _explain(error: dict, document=None) -> tuple[str, str]:
    """Turn one pydantic error into (what is wrong, what to do) in an editor's words."""
    kind = error["type"]
    loc = error["loc"]
    field = _field_name(loc)
    value = error.get("input")
    context = error.get("ctx") or {}
    if kind == "missing":
        return f"`{field}` is missing", f"add `{field}:` here"
    if kind == "extra_forbidden":
        close = _suggested_key(loc, document)
        if close and isinstance(field, str) and field.startswith(close + ":"):
            # `{mode:car}`: with no space after its colon, the key and value are one word.
            return (
                f"`{field}` has no space after its colon",
                f"write `{close}: {field[len(close) + 1 :]}`",
            )
        hint = f"did you mean `{close}`?" if close else "remove it."
        return f"unknown key `{field}`", f"{hint} Allowed here: {', '.join(allowed_keys(loc))}"
    if kind == "literal_error":
        return (
            f"`{field}` is {_shown(value)}, which is not one of the choices",
            f"use one of: {context.get('expected', '')}",
        )
    if kind == "float_type" and value is None and field in ("lat", "lon"):
        return (
            f"`{field}` has no value",
            f"write it after `{field}: `, or remove `lat:` and `lon:` for `routes geocode` to look "
            "the place up",
        )
    if kind in {"float_parsing", "float_type"}:
        if isinstance(value, str) and re.fullmatch(r"-?\d+,\d+", value.strip()):
            return (
                f"`{field}` is {_shown(value)}, not a number",
                f"use a dot as the decimal separator: {value.strip().replace(',', '.')}",
            )
        return f"`{field}` is {_shown(value)}, not a number", "write a number here, like 55.75"
    if kind == "int_parsing_size":
        return (
            f"`{field}` is a number of {len(str(value)):,} digits, too long to read",
            "no value in a places file needs one: check what was pasted here",
        )
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return f"`{field}` is {_shown(value)}, not a whole number", "write a whole number, like 29"
    if kind in {"greater_than_equal", "less_than_equal"}:
        if field == "lat":
            return f"latitude {value} is out of range", "a latitude goes from -90 to 90"
        if field == "lon":
            return f"longitude {value} is out of range", "a longitude goes from -180 to 180"
        low, high = context.get("ge"), context.get("le")
        bound = f"at least {low}" if low is not None else f"at most {high}"
        return f"`{field}` is {value}, out of range", f"it must be {bound}"
    if kind == "string_pattern_mismatch":
        if field == "country":
            return (
                f"country {_shown(value)} is not an ISO 3166 code",
                _two_letter_code(value) or "use two capital letters, like RU",
            )
        if field == "lang" and len(loc) == 1:
            return (
                f"`lang` {_shown(value)} is not a language tag",
                "write the language's code in lowercase, like en or ru, with a region or script "
                "after a dash where needed (BCP 47), like pt-BR or sr-Latn",
            )
        return (
            f"`{field}` {_shown(value)} is not a valid id",
            "use lowercase letters, digits and single dashes, like st-petersburg",
        )
    if kind == "invalid_key" and isinstance(value, int | float) and not isinstance(value, bool):
        # `{lat: 40,78}`: in braces the comma ends the value, and 78 starts the next entry.
        return (
            f"a number, {_shown(value)}, stands where a key should",
            "in braces a comma ends a value: use a dot as the decimal separator, like 40.78",
        )
    if kind == "invalid_key":
        return (
            f"a key here is {_shown(value)}, not a name",
            "write keys as plain names, like `name:` (remove the `? ` before a list or mapping)",
        )
    if kind == "string_too_short":
        return f"`{field}` is empty", "write something here or remove the key"
    if kind == "too_short":
        return f"`{field}` is empty", "list at least one entry"
    if kind == "string_type" and value is None:
        return (
            f"`{field}` has no value",
            f"write it after `{field}: ` (a `#` there starts a comment: quote text that begins "
            "with #)",
        )
    if kind == "string_type":
        return f"`{field}` must be text, not {_shown(value)}", "put the value in quotes"
    if kind in {"model_type", "dict_type", "model_attributes_type"} and isinstance(loc[-1], int):
        # One entry of a list (`places`, a journey's `legs`): an empty `-`, or a `- ` of text.
        keys = allowed_keys(loc)
        what = (
            "empty (a `-` with nothing after it)"
            if value is None
            else f"{_shown(value)}, not a mapping of keys"
        )
        return (
            f"entry {loc[-1] + 1} of `{field}` is {what}",
            f"write its keys after the `- `, like `- {keys[0]}: ...`, or delete the line"
            if keys
            else "write it as `key: value` lines after the `- `, or delete the line",
        )
    if kind in {"list_type", "model_type", "dict_type", "model_attributes_type"}:
        if kind == "list_type":
            return f"`{field}` must be a list", "write each entry on a line starting with `- `"
        return f"`{field}` must be a mapping of keys", "write it as `key: value` lines"
    if kind == "value_error" and field == "url":
        return str(context.get("error", error["msg"])), "give the article's web address"
    if kind == "value_error" and len(loc) == 2 and loc[0] == "sources":  # (Source._named)
        return str(context.get("error", error["msg"])), (
            "give the article's headline as `title:`, or who published or wrote it as "
            "`publisher:` or `author:`"
        )
    if kind == "value_error":
        return str(context.get("error", error["msg"])), "correct the value"
    return f"`{field}`: {error['msg']}", "correct the value"


class _Positions:
    """Lines and columns for messages: read off the text's layout where that is certain
    (positions.py), otherwise from ruamel's parse of the text, made once, on first need."""

    def __init__(self, text: str | None, path: Path, data: Any = None, document: Any = None):
        self.text, self.path, self.document = text, path, document
        self.layout = TextPositions(text, data) if data is not None else None

    def _parsed(self) -> CommentedMap:
        if self.document is None:
            self.document = parse_document(self.text, self.path)
        return self.document

    def value(self, loc: tuple) -> tuple[int, int]:
        found = self.layout.find(loc) if self.layout else None
        return found or locate(self._parsed(), loc)[:2]

    def key(self, loc: tuple) -> tuple[int, int]:
        found = self.layout.find(loc, key=True) if self.layout else None
        return found or _key_position(self._parsed(), loc)


def validate(document: Any, path: Path, positions: _Positions | None = None) -> PlacesFile:
    """Validate the parsed document into a PlacesFile, or raise every problem at once.

    `document` is ruamel's (whose nodes know their lines) or, with `positions`, the fast
    parser's plain data."""
    name = str(path)
    where = positions or _Positions(None, path, document=document)
    problems: list[Problem] = []
    places = None
    try:
        places = PlacesFile.model_validate(document)
    except ValidationError as error:
        items = error.errors()
        # A key that must be there, misspelt (`placez:`), is one mistake: the unknown key says
        # "did you mean `places`?", so "`places` is missing" would only repeat it.
        misspelt = {
            (*item["loc"][:-1], suggestion)
            for item in items
            if item["type"] == "extra_forbidden"
            and (suggestion := _suggested_key(item["loc"], document)) is not None
        }
        for item in items:
            loc = item["loc"]
            if item["type"] == "missing" and tuple(loc) in misspelt:
                continue
            if item["type"] == "extra_forbidden":
                line, column = where.key(loc)
            elif item["type"] == "invalid_key":
                line, column = _odd_key_position(where, loc)
            elif item.get("input", "") is None and not isinstance(loc[-1], int):
                line, column = where.key(loc)  # an empty value has no place of its own
            else:
                line, column = where.value(loc)
            problems.append(Problem(name, line, column, *_explain(item, document)))
    found = reference_problems(document) + (coordinate_problems(places.places) if places else [])
    for loc, what, todo in found:
        problems.append(Problem(name, *where.value(loc), what, todo))
    if problems:
        raise PlacesFileError(sorted(problems, key=lambda p: (p.line, p.column)))
    return places


def _odd_key_position(where: _Positions, loc: tuple) -> tuple[int, int]:
    """Where a key that is not a name (a list or mapping written as a key with `? `) is."""
    from ruamel.yaml.comments import CommentedMap

    parent: Any = where._parsed()
    for step in loc[:-1]:
        try:
            parent = parent[step]
        except (KeyError, IndexError, TypeError):
            break
    if isinstance(parent, CommentedMap):
        for key in parent:
            if not isinstance(key, str):
                line, column = parent.lc.key(key)
                return line + 1, column + 1
    return where.value(loc[:-1])


def _parse_fast(text: str) -> Any:
    """The file's data by ryaml (Rust; some 50× faster than ruamel), or None to say: take the
    careful path. It knows no line numbers, so any doubt goes to ruamel, which does.

    A file with a merge key (`<<: *common`) goes to ruamel too: ryaml reads YAML 1.2, which has
    none, and would see a key named `<<` where ruamel sees the keys it merges.
    """
    if has_merge_key(text):
        return None
    try:
        import ryaml
    except ImportError:
        return None
    try:
        return ryaml.loads(text)
    except Exception:  # every complaint is worded, with its position, by the careful path
        return None


def _nothing() -> None:
    """No work to do while a child parses."""


def _holds(places: PlacesFile | None) -> bool:
    """Whether records the models accepted pass the checks across them too (references,
    coordinates against their countries): the file is then valid as a whole."""
    return places is not None and references_hold(places) and not coordinate_problems(places.places)


def positions_of(path: Path, locs: list[tuple]) -> list[tuple[int, int]]:
    """The line and column of each of `locs` (paths into the data, as locate takes them) in a
    file that reads, for a warning about it: read off its layout where that is certain
    (positions.py), from ruamel's parse only where it is not, so that one warning about a big
    file costs seconds, not ruamel's parse of all of it (some 6 s a megabyte)."""
    text = read_text(path)
    data = _parse_fast(text)
    where = _Positions(text, path, data=data if isinstance(data, dict) else None)
    return [where.value(loc) for loc in locs]


def read_places(
    path: Path,
    while_parsing: Callable[[], object] | None = None,
    started: parse_ahead._Child | None = None,
) -> PlacesFile:
    """Read and validate a places file: the whole of stage 1.

    A file that is valid, as almost every build's is, is parsed once by the fast parser and
    validated. When something is wrong, the messages' lines and columns are read off the
    file's layout (positions.py), and only where that leaves a doubt is the file parsed again by
    ruamel, whose nodes know their lines: a file that YAML itself cannot read goes to ruamel
    straight away.

    A big file is parsed in a child process, in parts, while `while_parsing` (work that does
    not need the data, like importing libraries) is done here: see parse_ahead.py. Otherwise
    the file is parsed here and `while_parsing` is not called. `started`: that child, where
    the command started it itself, before importing this (parse_ahead.start_reading).
    """
    child, text = started, None
    if child is None:
        text = read_text(path)
        if while_parsing is not None:
            held, text = [text], None  # the only hold on the text: the child lets go of it
            child = parse_ahead.start(held)
            text = held.pop()
            if child is not None:
                text = None  # read again only for the messages, if need be
    if child is not None and (places := child.places(while_parsing or _nothing)) is not None:
        return places
    if text is None:
        text = read_text(path)
    data = _parse_fast(text)
    if isinstance(data, dict):
        try:
            places = PlacesFile.model_validate(data)
        except ValidationError:
            places = None
        if _holds(places):
            return places
        return validate(data, path, _Positions(text, path, data=data))
    return validate(parse_document(text, path), path)
