"""The places file's text, read and made safe to parse: what stage 1 starts from (load.py).

Apart from load.py, and free of the models and pydantic, so that a big file's parsing child
can be started (parse_ahead.start_reading) while this process has yet to import them: the
file's text is read, checked and cut into parts as any build reads it, a fifth of a second
earlier."""

from __future__ import annotations

import re
from pathlib import Path

from .errors import PlacesFileError, Problem


def line_column(text: str | bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of a position in the file's text (or bytes)."""
    newline = b"\n" if isinstance(text, bytes) else "\n"
    before = text[:offset]
    return before.count(newline) + 1, offset - (before.rfind(newline) + 1) + 1


README_EXAMPLE = "the first example under “Editing places.yaml” in the README"
"""Where a message sends an editor with no file, or an empty one: a whole file that builds
(tests/test_readme.py builds it)."""


def read_text(path: Path) -> str:
    """The file's text, or a PlacesFileError if it is missing, unreadable or not UTF-8."""
    name = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        folder = path.absolute().parent
        raise PlacesFileError(
            [
                Problem(
                    name,
                    1,
                    1,
                    f"no such file in {folder}",
                    f"give the places file's path with --places, or create it ({README_EXAMPLE} "
                    "is a whole file)",
                )
            ]
        ) from None
    except OSError as error:
        raise PlacesFileError(
            [Problem(name, 1, 1, f"the file cannot be read ({error.strerror})", "check its path")]
        ) from None
    while raw.startswith(b"\xef\xbb\xbf"):  # one byte-order mark or several (a double save)
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, column = line_column(raw, error.start)
        raise PlacesFileError(
            [
                Problem(
                    name,
                    line,
                    column,
                    f"byte 0x{raw[error.start]:02x} is not UTF-8 text",
                    "save the file as UTF-8",
                )
            ]
        ) from None
    costly = _too_deep(raw, text, name) or _alias_bomb(text, name)
    if costly:
        raise PlacesFileError([costly])
    return text


MAX_FLOW_DEPTH = 64
"""Brackets nested deeper than this are refused before any parser sees them: a places file needs
three or four levels, and both parsers take time that grows with the square of the depth (10⁵
levels in 200 kB took ryaml 35 s)."""

_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def _too_deep(raw: bytes, text: str, name: str) -> Problem | None:
    """Brackets nested past MAX_FLOW_DEPTH, found in a few passes over the file's brackets alone
    (in quoted text too: no real file has 64 brackets open at once), at the one that goes past."""
    brackets = raw.translate(None, _NOT_BRACKETS)
    for _ in range(MAX_FLOW_DEPTH):  # each pass removes the innermost pairs
        shorter = brackets.replace(b"[]", b"").replace(b"{}", b"")
        if len(shorter) == len(brackets):
            return None
        brackets = shorter
    if b"[]" not in brackets and b"{}" not in brackets:
        return None  # what is left is brackets that are never closed: the parser says where
    depth = 0
    for bracket in re.finditer(r"[\[\]{}]", text):
        depth = depth + 1 if bracket.group() in "[{" else max(0, depth - 1)
        if depth > MAX_FLOW_DEPTH:
            return Problem(
                name,
                *line_column(text, bracket.start()),
                f"brackets nested more than {MAX_FLOW_DEPTH} deep",
                "a places file needs at most a few levels: flatten it",
            )
    return None


ALIAS_ALLOWANCE = 10_000
"""How many values aliases (`*name`) may add to a file beyond as many as it writes out: enough
for shared source lists and merge keys on every entry, never for a bomb (nine aliases of nine
aliases… make 1.2 kB into 43 million values, gigabytes and minutes)."""

_ANCHOR = re.compile(r"(?:^|[\s\[{,])&([^\s\[\]{},]+)")


def _alias_bomb(text: str, name: str) -> Problem | None:
    """The alias that takes the file past what aliases may add, counted on the parser's events
    (which never expand an alias) before anything builds the values. Only a file that has an
    anchor and uses it pays for the count."""
    if "&" not in text or "*" not in text:  # a plain search: the pattern takes 20× longer
        return None
    anchors = set(_ANCHOR.findall(text))
    if not any("*" + anchor in text for anchor in anchors):
        return None
    from ruamel.yaml import YAML
    from ruamel.yaml.events import (
        AliasEvent,
        CollectionEndEvent,
        CollectionStartEvent,
        NodeEvent,
    )

    sizes: dict[str, int] = {}  # anchor → how many values its node stands for
    open_nodes: list[list] = []  # [anchor, size so far] of each collection being read
    written = expanded = 0
    try:
        for event in YAML().parse(text):
            if isinstance(event, CollectionEndEvent):
                anchor, size = open_nodes.pop()
                if anchor:
                    sizes[anchor] = size
                if open_nodes:
                    open_nodes[-1][1] += size
                continue
            if not isinstance(event, NodeEvent):
                continue
            if isinstance(event, AliasEvent):
                size = sizes.get(event.anchor, 1)
                expanded += size
                if expanded > max(ALIAS_ALLOWANCE, written):
                    line, column = event.start_mark.line + 1, event.start_mark.column + 1
                    return Problem(
                        name,
                        line,
                        column,
                        f"aliases here would make the {written:,} values this file writes "
                        f"into over {expanded:,} (`*{_cut(event.anchor)}` stands for {size:,})",
                        "write the values out, or use aliases only for a few shared values",
                    )
            else:
                written += 1
                size = 1
                if isinstance(event, CollectionStartEvent):
                    open_nodes.append([event.anchor, 1])
                    continue
                if event.anchor:
                    sizes[event.anchor] = 1
            if open_nodes:
                open_nodes[-1][1] += size
    except Exception:  # a syntax error: the parser proper reports it, with its position
        return None
    return None


def _cut(text: str, most: int = 40) -> str:
    """A short piece of an editor's text for a message: never the whole of a long value."""
    return text if len(text) <= most else text[: most - 1] + "…"


MERGE_KEY = re.compile(r"(?:^|[\s{,])<<\s*:", re.MULTILINE)


def has_merge_key(text: str) -> bool:
    """Whether the file uses a merge key (`<<: *common`), which only ruamel reads as YAML 1.1
    does (see load._parse_fast)."""
    return "<<" in text and MERGE_KEY.search(text) is not None  # the plain search first: 20× faster
