"""The parts of a big map's packed data block (render.json_for_script) that are made of texts
alone: its quotes' link names, their words as JSON lines, and the block's gzip in parts.

Apart from render.py and free of pydantic and folium, so that a worker forked before they are
imported (aside.Worker) can make a big map's quotes' part (packed_quotes) on the other core
while this process makes the rest.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

QUOTE_LINK_WORDS = 4


def link_names(
    speakers: list[str], texts: list[str], *, none_where_plain: bool = False
) -> list[str | None]:
    """A name for each quote, by its speaker and text, in the page's address
    (`#quote=oleg-my-heart-sank-when`): its speaker and first words, so it stays the same across
    builds while the quote does (an index would change whenever a quote is added above it). A
    repeated name takes -2, -3, ...

    Its words are runs of letters, digits and _ (Python's \\w), case-folded; in a text of ASCII
    only, which most are, these are plain_link_name's (casefold is lower there, and \\w is
    [A-Za-z0-9_]), found by its quicker match. `none_where_plain`: None for a name that is
    plain_link_name's, which a big map's page tells itself (render._packed_fields)."""
    names: list[str | None] = []
    taken = set()
    word = re.compile(r"\w+")
    for speaker, text in zip(speakers, texts, strict=True):
        ascii_only = text.isascii()
        if ascii_only:
            name = plain_link_name(speaker, text)
        else:
            name = "-".join([speaker, *word.findall(text.casefold())[:QUOTE_LINK_WORDS]])
        unique, n = name, 1
        while unique in taken:
            n += 1
            unique = f"{name}-{n}"
        taken.add(unique)
        plain = none_where_plain and (
            unique == name if ascii_only else unique == plain_link_name(speaker, text)
        )
        names.append(None if plain else unique)
    return names


_PLAIN = "A-Za-z0-9_"
PLAIN_START = re.compile(
    f"[^{_PLAIN}]*([{_PLAIN}]+)" + f"(?:[^{_PLAIN}]+([{_PLAIN}]+))?" * (QUOTE_LINK_WORDS - 1)
)
"""A text's first QUOTE_LINK_WORDS runs of ASCII letters, digits and _, each a group (None for
those it has not): matched from the start, so a long text is read no further than its first
words (one with fewer is read through)."""


def plain_link_name(speaker: str, text: str) -> str:
    """The name a big map's page gives a quote whose link its data leaves out: its speaker and
    its first QUOTE_LINK_WORDS runs of ASCII letters, digits and _, lower-cased (page/links.js:
    plainLinkName, the same rule). It is a quote's own name (render.quote_link_names) only
    where the quote starts in plain English and no quote before it took that name; elsewhere
    the data carries the name."""
    found = PLAIN_START.match(text)  # (one C call: a big map has 100,000)
    return f"{speaker}-{'-'.join(filter(None, found.groups())).lower()}" if found else speaker


def json_lines(texts: list[str], at_once: int = 4096) -> Iterator[bytes]:
    """Each text as JSON after a newline, a piece of `at_once` texts at a time, each piece made
    by C loops (map, join): a big map's 100,000 quotes' words, one piece each, took a tenth of a
    second more."""
    import orjson

    after_newline = b"\n".__add__
    for first in range(0, len(texts), at_once):
        yield b"".join(map(after_newline, map(orjson.dumps, texts[first : first + at_once])))


BIG_MAP_GZIP_LEVEL = 6
"""libdeflate's level for a big map's block: at 50,000 journeys its 33 MB of JSON make 5.4 MB of
gzip, as zlib's level 6 does, in a third of zlib's time (zlib's level 5, as quick, makes 5.8)."""


GZIP_PART_BYTES = 4_000_000
"""The bytes of a part that gzip_in_parts compresses on its own: a big map's 33 MB of JSON are
nine parts, shared among the cores, each costing some hundred bytes over one stream."""


def gzip_in_parts(
    pieces: Iterable[bytes | bytearray],
    level: int = BIG_MAP_GZIP_LEVEL,
    part_bytes: int = GZIP_PART_BYTES,
) -> list[bytes]:
    """The pieces, one after another, cut into parts of `part_bytes`, each part gzipped on its
    own by libdeflate (a gzip file of its own: the page unpacks each and joins them, as a
    browser's gunzip reads one gzip member only). libdeflate compresses a whole buffer at once,
    three times as fast as zlib for the same size, and lets go of Python's lock while it works,
    so threads share the parts among the cores, and the pieces are made while the parts before
    them are compressed. Each part is compressed as soon as it is whole, and no more than two
    parts a core are held, compressing or waiting: the block is never all in memory at once.
    Where the parts meet follows from the bytes alone, never from the machine's cores or from
    the pieces, so the same map is the same bytes on every machine."""
    import os
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    from deflate import gzip_compress

    cores = os.cpu_count() or 1
    parts: list[bytes] = []
    waiting: deque = deque()
    buffer = bytearray()
    with ThreadPoolExecutor(max_workers=cores) as pool:

        def send(part: bytes) -> None:
            waiting.append(pool.submit(gzip_compress, part, level))
            while len(waiting) > 2 * cores:
                parts.append(waiting.popleft().result())

        for piece in pieces:
            buffer += piece
            while len(buffer) > part_bytes:  # (one is always left for the last part)
                send(bytes(buffer[:part_bytes]))
                del buffer[:part_bytes]
        send(bytes(buffer))
        parts += [part.result() for part in waiting]
    return parts


def json_pieces(value: Any) -> Iterator[bytes]:
    """orjson.dumps(value)'s bytes, in pieces: a mapping's members one at a time, and those of
    a mapping in it, so that a big map's 22 MB of JSON is never one text (gzip_in_parts takes
    the pieces as they come)."""
    import orjson

    if isinstance(value, dict):
        yield b"{"
        for number, (key, member) in enumerate(value.items()):
            yield (b"," if number else b"") + orjson.dumps(key) + b":"
            yield from json_pieces(member)
        yield b"}"
    else:
        yield orjson.dumps(value)


def packed_quotes(speakers: list[str], texts: list[str]) -> tuple[list[str | None], list[bytes]]:
    """A big map's quotes as its packed block carries them: each one's link name where the page
    cannot tell it (link_names, None where it can), and their words as JSON lines
    (json_lines), gzipped in parts of their own (gzip_in_parts) that follow the rest's. Made
    of the quotes' speakers and words only, so that they can be made aside (aside.py)."""
    links = link_names(speakers, texts, none_where_plain=True)
    return links, gzip_in_parts(json_lines(texts))
