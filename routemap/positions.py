"""Where a value of places.yaml is, read off the file's layout instead of a second parse.

A file with mistakes needs a line and column for each; the fast parser (ryaml) gives none, and
ruamel, which does, takes about 6 s and 160 MB per MB of file (a 20 MB file with one bad id at
its end took two minutes). Places files are written in block style, one key per line, with flow
style only for short one-line lists and mappings (`sources: [paper]`, `- {to: tbilisi, mode:
car}`), and that layout says where everything is: a key of a mapping is the line at the mapping's
column that starts with `key:`, the n-th entry of a list is its n-th `- ` at the list's column.

`TextPositions.find` answers only when the layout leaves no doubt (the count of `- ` lines is the
length of the list the parser read; a flow collection has no quotes or brackets inside); for
anything else it answers None and the caller asks ruamel. A test compares its answers with
ruamel's on realistic files (tests/test_positions.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class _Block:
    """A block collection: its content starts at (line, column) and spans lines [line, end)."""

    line: int
    column: int
    end: int


@dataclass(frozen=True)
class _Flow:
    """A one-line flow collection: `{...}` or `[...]` from `column` to `close` on `line`."""

    line: int
    column: int
    close: int


class _Unsure(Exception):
    """The layout does not say for certain: ask ruamel."""


_KEY = re.compile(r"([A-Za-z_][\w-]*):(?=\s|$)")


def _closes(row: str, start: int) -> bool:
    """Whether the quoted text opened at `start` ends on this row with nothing after it but a
    comment."""
    mark, at = row[start], start + 1
    while at < len(row):
        if row[at] == "\\" and mark == '"':
            at += 2
        elif row[at] == mark and mark == "'" and row.startswith("''", at):
            at += 2
        elif row[at] == mark:
            rest = row[at + 1 :].strip()
            return not rest or rest.startswith("#")
        else:
            at += 1
    return False


def _indent(row: str) -> int:
    return len(row) - len(row.lstrip(" "))


def _is_content(row: str) -> bool:
    stripped = row.strip()
    return bool(stripped) and not stripped.startswith("#")


class TextPositions:
    """Line and column (1-based) of paths into `data`, the fast parser's reading of `text`."""

    def __init__(self, text: str, data: Any):
        self.rows = text.split("\n")
        self.data = data
        self._entries: dict[_Block, list[int]] = {}
        self._mapping_keys: dict[_Block, dict[str, int]] = {}
        self._values: dict[tuple[_Block, str], tuple] = {}

    def find(self, path: tuple, key: bool = False) -> tuple[int, int] | None:
        """Where ruamel's locate (or, with `key`, _key_position) would put `path`, or None."""
        try:
            line, column = self._walk(path, key)
        except _Unsure:
            return None
        return line + 1, column + 1

    def _walk(self, path: tuple, key: bool) -> tuple[int, int]:
        node: Any = self.data
        where: _Block | _Flow = _Block(0, 0, len(self.rows))
        first = next((n for n, row in enumerate(self.rows) if _is_content(row)), 0)
        at = (first, 0)  # the document's own position: its first key's
        for number, step in enumerate(path):
            last = number == len(path) - 1
            if isinstance(node, dict) and step in node:
                key_at, value_at, where = self._value(where, step)
                node = node[step]
                if last and key:
                    return key_at
                if isinstance(node, (dict, list)) and not node:
                    at = key_at  # an empty collection has no position of its own: its key's
                else:
                    at = value_at
            elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
                at, where = self._entry(where, step, len(node))
                node = node[step]
            else:
                return at  # the mapping that lacks the key: the caller says what is missing
        return at

    # Mappings

    def _keys(self, where: _Block) -> dict[str, int]:
        """The line of each key of the block mapping at `where` (read once per mapping)."""
        keys = self._mapping_keys.get(where)
        if keys is None:
            keys = {}
            column = where.column
            for line in range(where.line, where.end):
                row = self.rows[line]
                lead = row[:column]
                first_of_entry = line == where.line and not lead.strip(" -")  # `- key:`
                if lead.strip(" ") and not first_of_entry:
                    continue
                if len(row) <= column or row[column] in " #-":
                    continue
                found = _KEY.match(row, column)
                if found:
                    keys.setdefault(found.group(1), line)
            self._mapping_keys[where] = keys
        return keys

    def _value(self, where: _Block | _Flow, name: Any) -> tuple[tuple, tuple, _Block | _Flow]:
        """(key's position, value's position, the value's own extent) of `name` in a mapping."""
        if not isinstance(name, str):
            raise _Unsure
        if isinstance(where, _Flow):
            return self._flow_value(where, name)
        found = self._values.get((where, name))
        if found is None:  # worked out once: a big list's extent takes a pass over its lines
            line = self._keys(where).get(name)
            if line is None:
                raise _Unsure
            found = (line, where.column), *self._after_key(where, line, where.column, name)
            self._values[where, name] = found
        return found

    def _after_key(self, where: _Block, line: int, column: int, name: str) -> tuple:
        row = self.rows[line]
        after = column + len(name) + 1
        value_column = after + len(row[after:]) - len(row[after:].lstrip(" "))
        if value_column < len(row) and row[value_column] != "#":
            mark = row[value_column]
            if mark in "[{":
                return (line, value_column), self._flow(line, value_column)
            if mark in "|>&*!" or (mark in "\"'" and not _closes(row, value_column)):
                # A block scalar, an anchor, an alias, a tag, a quoted text that runs on:
                # where ruamel puts these is not worth guessing.
                raise _Unsure
            return (line, value_column), _Flow(line, value_column, value_column)
        # The value is on the lines below: a block collection, deeper or (a list) at this column.
        for below in range(line + 1, where.end):
            row = self.rows[below]
            if not _is_content(row):
                continue
            inner = _indent(row)
            if inner > column or (inner == column and row.startswith("- ", inner)):
                end = self._end(below, inner, where.end, column)
                return (below, inner), _Block(below, inner, end)
            break
        raise _Unsure

    def _end(self, first: int, column: int, limit: int, parent: int) -> int:
        """The line after the block collection whose content starts at (first, column) under a
        key at column `parent`: the next line to the left of it, or, for a list at the key's
        own column, the next line there that is not an entry."""
        for line in range(first + 1, limit):
            row = self.rows[line]
            if not _is_content(row):
                continue
            indent = _indent(row)
            if indent < column or (indent == column == parent and not row.startswith("-", indent)):
                return line
        return limit

    # Lists

    def _entry(self, where: _Block | _Flow, index: int, length: int) -> tuple[tuple, Any]:
        if isinstance(where, _Flow):
            return self._flow_entry(where, index, length)
        starts = self._entries.get(where)
        if starts is None:
            dash = where.column
            starts = [
                line
                for line in range(where.line, where.end)
                if (row := self.rows[line]).startswith("-", dash)
                and row[dash + 1 : dash + 2] in ("", " ")
                and not row[:dash].strip(" ")
            ]
            self._entries[where] = starts
        if len(starts) != length:
            raise _Unsure
        line = starts[index]
        end = starts[index + 1] if index + 1 < length else where.end
        row = self.rows[line]
        content = where.column + 1
        while content < len(row) and row[content] == " ":
            content += 1
        if content >= len(row) or row[content] == "#":
            raise _Unsure  # the entry starts on the line below
        if row[content] in "[{":
            return (line, content), self._flow(line, content)
        if row[content] in "-|>&*!\"'":
            raise _Unsure
        return (line, content), _Block(line, content, end)

    # One-line flow collections

    def _flow(self, line: int, column: int) -> _Flow:
        row = self.rows[line]
        close = "]" if row[column] == "[" else "}"
        end = row.find(close, column)
        inside = row[column + 1 : end] if end != -1 else ""
        if end == -1 or any(mark in inside for mark in "[]{}\"'#&*!"):
            raise _Unsure
        return _Flow(line, column, end)

    def _parts(self, where: _Flow) -> list[tuple[int, str]]:
        """The comma-separated parts inside a flow collection, each with its column."""
        row = self.rows[where.line]
        parts, start = [], where.column + 1
        for end in [*(i for i in range(start, where.close) if row[i] == ","), where.close]:
            piece = row[start:end]
            if piece.strip():
                parts.append((start + len(piece) - len(piece.lstrip()), piece.strip()))
            start = end + 1
        return parts

    def _flow_value(self, where: _Flow, name: str) -> tuple[tuple, tuple, _Flow]:
        if where.close == where.column:  # a scalar, not a flow mapping
            raise _Unsure
        for column, part in self._parts(where):
            found, colon, value = part.partition(":")
            if colon and found.strip() == name:
                value_column = column + len(found) + 1 + (len(value) - len(value.lstrip()))
                return (
                    (where.line, column),
                    (where.line, value_column),
                    _Flow(where.line, value_column, value_column),
                )
        raise _Unsure

    def _flow_entry(self, where: _Flow, index: int, length: int) -> tuple[tuple, _Flow]:
        if where.close == where.column:
            raise _Unsure
        parts = self._parts(where)
        if len(parts) != length:
            raise _Unsure
        column = parts[index][0]
        return (where.line, column), _Flow(where.line, column, column)
