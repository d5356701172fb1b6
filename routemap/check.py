"""`routes check`: validate the places file and, given the articles, lint it against them.

The lint is a fact check a machine can do: every quote (and every other wording of it) is in
its source word for word, typographic marks included; every figure and every “quoted phrase”
in a note, summary, reason or account is in a source that the entry cites; every source's
file exists and every source is cited by something.

It also warns, without failing, of a leg that ends where it starts (drawn as no line), of a
quote written inside its own quote marks (shown with them twice), of a quote a YAML comment cuts
short (` #` in a text without quote marks), and of what could put someone
in danger once the map is published: a place of a private kind (a home, a meeting point:
models.PRIVATE_KINDS) shown at its exact point. The rule is the place's kind, not who travels
through it, because the shipped kinds (cities, border crossings, countries) are public places a
reader may see exactly, and a home is a private one however many journeys pass it; the editor
says which it is, and the fix (`precision: locality` or coarser) is theirs to make.
"""

from __future__ import annotations

import os
import re
import stat
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate, compress, count
from operator import eq, methodcaller
from pathlib import Path

from .errors import SHOWN_PROBLEMS, ArticleCheckError, Problem, counted
from .load import locate, positions_of, read_document, read_places, validate
from .models import PRIVATE_KINDS, FileColumns, PlacesFile

_TYPOGRAPHIC = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})
_FIGURE = re.compile(r"(?<![\w])\d(?:[\d,.]*\d)?")  # not the 18 of a road's name E18
_QUOTED = re.compile(r"“([^”]+)”")


def normalise(text: str) -> str:
    """Runs of white space made one space (YAML folds lines); every other character kept."""
    return re.sub(r"\s+", " ", text).strip()


def _loosely(text: str) -> str:
    return normalise(text.translate(_TYPOGRAPHIC))


_CUT = re.compile(r"\s*(?:\[(?:…|\.\.\.)\]|…|\.\.\.|\[[^\[\]]*\])\s*")
"""Where a quote marks its own edits: an ellipsis for words left out (…, ..., […]), brackets for
words the editor put in ([the border]). The words between them are the article's."""


def _cut_quote_in(text: str, article: str) -> bool:
    """Whether a quote that marks its edits (_CUT) is the article's words but for them: each
    piece between the marks in the article word for word, in the quote's order."""
    pieces = [piece for piece in _CUT.split(normalise(text)) if piece]
    if not _CUT.search(text) or not pieces:
        return False
    at = 0
    for piece in pieces:
        found = article.find(piece, at)
        if found < 0:
            return False
        at = found + len(piece)
    return True


NEAREST_FOR = 20
"""Quotes not found in their article for which the lint looks for the article's nearest
passage (a comparison with each run of the article's words): a file whose every quote is
missing gets the plain message for the rest, in bounded time."""


def _nearest(text: str, article: str) -> str | None:
    """The run of the article's words (as many as the quote's, or one fewer or more) most like
    the quote (difflib's ratio over 0.75), for a quote with a word or two changed, dropped or
    added; None where nothing comes close."""
    import difflib

    wanted = normalise(text)
    words = article.split(" ")
    count = len(wanted.split(" "))
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(wanted)
    best, best_ratio = None, 0.75
    for length in sorted({max(1, count - 1), count, count + 1}):  # a word dropped or added
        for start in range(max(1, len(words) - length + 1)):
            run = " ".join(words[start : start + length])
            run = run.lstrip("“‘\"'") if not wanted.startswith(("“", "‘", '"', "'")) else run
            run = run.rstrip("”’\"'") if not wanted.endswith(("”", "’", '"', "'")) else run
            matcher.set_seq1(run)
            if matcher.real_quick_ratio() > best_ratio and matcher.quick_ratio() > best_ratio:
                ratio = matcher.ratio()
                if ratio > best_ratio:
                    best, best_ratio = run, ratio
    return best


def _as_printed(words: str, article: str) -> str | None:
    """The article's own wording of `words` where they differ only in quote marks."""
    loose = _loosely(words)
    plain = article.translate(_TYPOGRAPHIC)  # same length: positions carry over
    at = plain.find(loose)
    return None if at < 0 else article[at : at + len(loose)]


def _claims(places: PlacesFile):
    """(path to the text, the text, ids of the sources it may draw on) for every sentence the
    editor wrote: notes, summaries, roles, reasons for inferences, accounts, names."""
    everything = [source.id for source in places.sources]
    if places.dated_inferred:
        yield ("dated_inferred",), places.dated_inferred, everything
    for index, person in enumerate(places.people):
        if person.role:
            yield ("people", index, "role"), person.role, person.sources or everything
    for table in ("places", "groups", "journeys"):
        for index, entry in enumerate(getattr(places, table)):
            cited = list(entry.sources)
            for key in ("name", "note", "summary", "inferred", "start_inferred"):
                text = getattr(entry, key, None)
                if text:
                    yield (
                        (table, index, "from_inferred" if key == "start_inferred" else key),
                        text,
                        cited,
                    )
            for n, account in enumerate(entry.accounts):
                yield (table, index, "accounts", n, "says"), account.says, [account.source]
            for n, leg in enumerate(getattr(entry, "legs", [])):
                for key in ("note", "inferred", "when"):
                    if getattr(leg, key):
                        yield (table, index, "legs", n, key), getattr(leg, key), cited
    for index, entry in enumerate(places.unmapped):
        for key in ("name", "why"):
            yield ("unmapped", index, key), getattr(entry, key), list(entry.sources)


MAX_ARTICLE_BYTES = 5_000_000  # an article's text is tens of kB; a bigger `file:` is not one


def read_article(articles: Path, name: str) -> str:
    """The text of the article a source's `file:` names, read only if it is a regular UTF-8
    file of at most MAX_ARTICLE_BYTES inside the articles folder (links resolved first), so a
    `file:` cannot read elsewhere on the disk, block on a pipe or fill the memory.

    Raises ValueError with what is wrong and what to do, for the caller to place at its line.
    """
    if Path(name).is_absolute():
        raise ValueError(
            f"`file: {name}` is an absolute path — name the article's file relative to --articles"
        )
    folder = articles.resolve()
    article = articles / name
    resolved = article.resolve()
    if not resolved.is_relative_to(folder):
        raise ValueError(
            f"`file: {name}` leads outside --articles {articles} (by `..` or a link) — "
            "name a file inside that folder"
        )
    try:
        descriptor = os.open(resolved, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise ValueError(
            f"the article {article} does not exist — check --articles and `file:`"
        ) from None
    except OSError as error:
        raise ValueError(
            f"the article {article} cannot be read ({error.strerror}) — check --articles and "
            "`file:`"
        ) from None
    kind = os.fstat(descriptor).st_mode
    if not stat.S_ISREG(kind):
        os.close(descriptor)
        if stat.S_ISDIR(kind):
            raise ValueError(f"the article {article} is a folder — name a text file in it")
        raise ValueError(
            f"the article {article} is not a regular file (a device, pipe or socket) — "
            "name the article's text file"
        )
    with os.fdopen(descriptor, "rb") as file:
        content = file.read(MAX_ARTICLE_BYTES + 1)
    if len(content) > MAX_ARTICLE_BYTES:
        raise ValueError(
            f"the article {article} is over {MAX_ARTICLE_BYTES // 1_000_000} MB, more than an "
            "article's text — name the article's own text file"
        )
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(
            f"the article {article} is not UTF-8 text (byte {error.start}) — save it as UTF-8"
        ) from None


def lint(places_path: Path, articles: Path) -> list[str]:
    """One line per problem, `FILE:LINE:COL: what is wrong — what to do`."""
    if not articles.is_dir():
        raise ArticleCheckError(
            f"--articles {articles} is not a folder — name the folder that holds the articles' "
            "text files"
        )
    document = read_document(places_path)
    places = validate(document, places_path)
    sources = {source.id: source for source in places.sources}
    texts: dict[str, str | None] = {}
    problems = []

    def where(path: tuple) -> str:
        line, column, _ = locate(document, path)
        return f"{places_path}:{line}:{column}"

    for index, source in enumerate(places.sources):
        if source.file is None:
            problems.append(
                f"{where(('sources', index))}: source “{source.id}” has no `file:` — "
                "name its article's text file"
            )
            texts[source.id] = None
            continue
        try:
            texts[source.id] = normalise(read_article(articles, source.file))
        except ValueError as problem:
            problems.append(f"{where(('sources', index, 'file'))}: {problem}")
            texts[source.id] = None

    nearest_left = [NEAREST_FOR]

    def verbatim(path: tuple, text: str, source_id: str) -> None:
        article = texts[source_id]
        if article is None or normalise(text) in article or _cut_quote_in(text, article):
            return
        printed = _as_printed(text, article)
        name = sources[source_id].file
        if printed is not None:
            problems.append(
                f"{where(path)}: this quote's quote marks or apostrophes differ from {name} — "
                f"copy it as the article prints it: {printed}"
            )
        elif _CUT.search(text):
            problems.append(
                f"{where(path)}: the words between this quote's cuts (… or [ ]) are not all in "
                f"{name} word for word, in its order — copy each piece exactly as the article "
                "prints it"
            )
        else:
            cited_elsewhere = [
                other for other, body in texts.items() if body and normalise(text) in body
            ]
            nearest = None
            if not cited_elsewhere and nearest_left[0] > 0:
                nearest_left[0] -= 1
                nearest = _nearest(text, article)
            hint = (
                f" (it is in {sources[cited_elsewhere[0]].file}: cite “{cited_elsewhere[0]}”)"
                if cited_elsewhere
                else f" (the nearest it has: “{nearest}”)"
                if nearest
                else ""
            )
            problems.append(
                f"{where(path)}: this quote is not in {name} word for word{hint} — "
                "copy it exactly as the article prints it"
            )

    for index, quote in enumerate(places.quotes):
        verbatim(("quotes", index, "text"), quote.text, quote.source)
        for n, wording in enumerate(quote.also):
            verbatim(("quotes", index, "also", n, "text"), wording.text, wording.source)

    for path, text, cited in _claims(places):
        bodies = [texts[s] for s in cited if texts.get(s)]
        if not bodies:
            continue
        named = ", ".join(f"“{s}”" for s in cited)
        for figure in _FIGURE.findall(text):
            if not any(
                re.search(rf"(?<![\d,.]){re.escape(figure)}(?![\d,]|\.\d)", b) for b in bodies
            ):
                problems.append(
                    f"{where(path)}: the figure {figure} is not in the sources this cites "
                    f"({named}) — check it against the article, or cite the source that gives it"
                )
        for phrase in _QUOTED.findall(text):
            if not any(normalise(phrase) in b for b in bodies):
                problems.append(
                    f"{where(path)}: the quoted words “{phrase}” are not in the sources this cites "
                    f"({named}) — quote the article exactly, or cite the source that has them"
                )

    for index, place in enumerate(places.places):
        if place.note and not place.sources:
            problems.append(
                f"{where(('places', index, 'note'))}: this note cites no source — add "
                "`sources:` with the article(s) it comes from"
            )

    used = set()
    for entry in (
        *places.people,
        *places.places,
        *places.groups,
        *places.journeys,
        *places.unmapped,
    ):
        used.update(getattr(entry, "sources", []))
        used.update(account.source for account in getattr(entry, "accounts", []))
    for quote in places.quotes:
        used.update({quote.source, quote.via} | {w.source for w in quote.also})
    for index, source in enumerate(places.sources):
        if source.id not in used:
            problems.append(
                f"{where(('sources', index))}: nothing cites the source “{source.id}” — "
                "cite it from what it supports, or remove it"
            )
    return problems


def privacy_warnings(places: PlacesFile, places_path: Path) -> list[Problem]:
    """A warning for each place of a private kind (a home, a meeting point) shown exactly."""
    exposed = [
        index
        for index, place in enumerate(places.places)
        if place.kind in PRIVATE_KINDS and place.precision == "exact"
    ]
    if not exposed:
        return []
    lines = positions_of(places_path, [("places", index, "kind") for index in exposed])
    warnings = []
    for index, (line, column) in zip(exposed, lines, strict=True):
        place = places.places[index]
        warnings.append(
            Problem(
                str(places_path),
                line,
                column,
                f"the place “{place.id}” is a {place.kind.replace('-', ' ')}, shown on the map "
                "and in the exports at its exact point, where anyone could find the person it "
                "belongs to",
                "add `precision: locality` (or region, or country) to show it no closer than that",
            )
        )
    return warnings


def legs_to_themselves(
    places: PlacesFile, places_path: Path, columns: FileColumns | None = None
) -> list[Problem]:
    """A warning for each leg that ends at the place it starts from (the journey's start, or
    where the leg before it ends): the map draws no line for it, and its popup would say the
    journey went from a place to that same place, most often a `to:` copied from the leg above.
    `columns`: the file's, where the caller has made them (a build has: 0.1 s at 50,000
    journeys)."""
    columns = columns or FileColumns(places)
    journeys, ends = columns["journeys"], columns["legs"]["to"]
    firsts = list(accumulate(map(len, journeys["legs"]), initial=0))
    starts = [None, *ends[:-1]]  # (by C loops: a big map has 100,000 legs)
    for first, start in zip(firsts, journeys["start"]):
        starts[first] = start
    same = list(compress(count(), map(eq, starts, ends)))
    if not same:
        return []
    found = []
    for leg in same:
        journey_index = bisect_right(firsts, leg) - 1
        found.append((journey_index, leg - firsts[journey_index]))
    locs = [("journeys", journey, "legs", leg, "to") for journey, leg in found]
    warnings = []
    for (journey_index, leg_index), (line, column) in zip(
        found, positions_of(places_path, locs), strict=True
    ):
        journey = places.journeys[journey_index]
        to = journey.legs[leg_index].to
        warnings.append(
            Problem(
                str(places_path),
                line,
                column,
                f"leg {leg_index + 1} of the journey “{journey.id}” ends at “{to}”, where it "
                "starts, so the map draws no line for it",
                "set its `to:` to the place where the leg ends, or remove the leg",
            )
        )
    return warnings


QUOTE_MARKS = {"“": "”", '"': '"', "‘": "’", "'": "'", "«": "»", "„": "“", "‹": "›"}
"""Opening quote marks and the mark that closes each (English, German, French and Russian
usage): a quote's text written inside one such pair is written with marks the map adds."""


def quotes_in_their_marks(
    places: PlacesFile, places_path: Path, columns: FileColumns | None = None
) -> list[Problem]:
    """A warning for each quote (or other wording of one) written inside its own quote marks,
    as pasted from the article: the page puts marks around every quote, so it would show them
    twice (““I left everything behind,””). Marks within the words are the article's, and kept.
    Read from the quotes' columns (`columns`, where the caller has made them)."""
    quotes = (columns or FileColumns(places))["quotes"]
    texts, others = quotes["text"], quotes["also"]
    opening = tuple(QUOTE_MARKS)  # (C loops: a big map has 100,000 quotes, few in marks)
    found = [
        (("quotes", index, "text"), texts[index])
        for index in compress(count(), map(methodcaller("startswith", opening), texts))
        if _inside_marks(texts[index])
    ]
    for index in compress(count(), others):  # the quotes with other wordings
        for n, wording in enumerate(others[index]):
            if _inside_marks(wording.text):
                found.append((("quotes", index, "also", n, "text"), wording.text))
    found.sort(key=lambda each: each[0])
    if not found:
        return []
    positions = positions_of(places_path, [loc for loc, _ in found])
    return [
        Problem(
            str(places_path),
            line,
            column,
            f"the quote {text[:60]}{'…' if len(text) > 60 else ''} is written inside its own "
            "quote marks, which the map adds: the page would show them twice",
            "leave out the marks around the words (keep any within them)",
        )
        for (_, text), (line, column) in zip(found, positions, strict=True)
    ]


def _inside_marks(text: str) -> bool:
    closing = QUOTE_MARKS.get(text[:1])
    return (
        closing is not None
        and len(text) > 2
        and text.endswith(closing)
        and closing not in text[1:-1]
        and text[0] not in text[1:-1]
    )


_KEY = re.compile(rb"[ \t]*(?:-[ \t]+)*([A-Za-z_][\w-]*):(?:[ \t\r]|$)")
_PLAIN_TEXT = re.compile(rb"([ \t]*(?:-[ \t]+)*)text:[ \t]+(?![\"'|>&!*\[{#])\S")
"""A quote's (or another wording's) `text:` key and the start of a plain value after it: not
quoted, not a block (`|`, `>`), flow, anchor, tag or alias, where a ` #` ends the text."""


_COMMENT_START = re.compile(rb"(?:^|[ \t])(#)")


def quotes_cut_by_comments(places_path: Path) -> list[Problem]:
    """A warning for each quote (or other wording of one) whose words a YAML comment cuts
    short: in a text written without quote marks, a `#` after a space starts a comment, so
    `text: We paid 5,000 #1 on the list` is the quote “We paid 5,000”, and nothing else tells.
    Read off the file's bytes, at the first `#` that starts a comment on a line: where the
    line is a plain `text:` value's first line, or one it goes on over (indented past its key)
    with words before the `#`, or a comment of its own there whose `#` a word follows (`#1 on
    the list`: a note's `# see …` has a space, which the fix for such a line says to add). A
    quoted text holds its #, and a comment at the key's own indentation ends nothing. One
    search for `#`, which most lines of a big file lack (a few milliseconds for 45 MB), and a
    look at each line that has one; the key a line goes on from is looked for upwards no
    further than the last line looked at."""
    try:
        data = places_path.read_bytes()
    except OSError:  # (read a moment ago, for the records: gone since, nothing to say of it)
        return []
    problems: list[Problem] = []
    line, counted_to = 1, 0
    last: tuple[int, _Key | None] = (-1, None)  # a line looked at, and the key it is under
    mark = data.find(b"#")
    while mark >= 0:
        start = data.rfind(b"\n", 0, mark) + 1
        row = _line_at(data, start)
        own = _key_of(row)
        key = own or _key_above(data, start, last)
        last = (start, key)
        comment = _COMMENT_START.search(row)
        at = comment.start(1) if comment else -1
        if comment and _cuts_a_quote(row, at, key, own is not None):
            line += data.count(b"\n", counted_to, start)
            counted_to = start
            rest = row[at:].strip().decode("utf-8", "replace")
            alone = not row[:at].strip()  # (a comment on a line of its own, `#` then a word)
            problems.append(
                Problem(
                    str(places_path),
                    line,
                    len(row[:at].decode("utf-8", "replace")) + 1,
                    f"the quote stops before “{rest[:40]}{'…' if len(rest) > 40 else ''}”: in "
                    "YAML, a # after a space starts a comment",
                    'if the # is in the article, put the whole text in double quotes ("…"); '
                    + (
                        "if it is a note, put a space after the # (`# note`)"
                        if alone
                        else "if it is a note, give it a line of its own"
                    ),
                )
            )
        mark = data.find(b"#", start + len(row))  # (the next line with one)
    return problems


def _line_at(data: bytes, start: int) -> bytes:
    """The bytes from `start` to the end of their line."""
    end = data.find(b"\n", start)
    return data[start : end if end >= 0 else len(data)]


_Key = tuple[int, int | None]
"""A line's key: its column, and where a plain `text:` value starts on the line (None for
another key's, or a text's that is not plain)."""


def _key_of(row: bytes) -> _Key | None:
    """A line's key (_Key); None for a line with none."""
    key = _KEY.match(row)
    if key is None:
        return None
    plain = _PLAIN_TEXT.match(row)
    return key.start(1), None if plain is None else plain.end() - 1


def _key_above(data: bytes, start: int, last: tuple[int, _Key | None]) -> _Key | None:
    """The key of the nearest line above the one starting at `start` that has one, past blank
    lines (a plain text goes on over them, each a line break in it): up to `last`, the line
    looked at before and the key it is under, which holds from there on."""
    at = start
    while at > 0:
        at = data.rfind(b"\n", 0, at - 1) + 1
        if at == last[0]:
            return last[1]
        key = _key_of(_line_at(data, at))
        if key is not None:
            return key
    return None


def _cuts_a_quote(row: bytes, at: int, key: _Key | None, own: bool) -> bool:
    """Whether the comment starting at row[at] cuts a plain `text:` value short (see
    quotes_cut_by_comments), `key` being the line's own key (`own`) or the one it goes on
    from."""
    if key is None or key[1] is None:
        return False
    if own:  # the `text:` line itself: a # after its words
        return at > key[1]
    indent = len(row) - len(row.lstrip(b" \t"))
    if indent <= key[0]:
        return False  # at the key's indentation or left of it: the text ended before
    before = row[:at].strip()
    return bool(before) or row[at + 1 : at + 2] not in (b"", b" ", b"\t", b"\r", b"#")


def publishing_warnings(
    places: PlacesFile, places_path: Path, columns: FileColumns | None = None
) -> list[Problem]:
    """What `routes check` and every command that publishes the map warn of, without failing:
    a private place shown exactly (privacy_warnings), a leg to the place it starts from, a
    quote written inside its own quote marks, a quote cut short by a YAML comment."""
    return (
        privacy_warnings(places, places_path)
        + legs_to_themselves(places, places_path, columns)
        + quotes_in_their_marks(places, places_path, columns)
        + quotes_cut_by_comments(places_path)
    )


def warning_lines(warnings: list[Problem]) -> list[str]:
    """The warnings as the commands print them, the first SHOWN_PROBLEMS and how many more."""
    lines = [f"Warning: {warning}" for warning in warnings[:SHOWN_PROBLEMS]]
    if len(warnings) > SHOWN_PROBLEMS:
        more = len(warnings) - SHOWN_PROBLEMS
        lines.append(f"Warning: {warnings[0].path}: and {more:,} more warnings like these")
    return lines


@dataclass(frozen=True)
class CheckReport:
    """What `routes check` found in a valid file: the line to print, and any warnings."""

    summary: str
    warnings: list[Problem] = field(default_factory=list)


def check(places_path: Path, articles: Path | None) -> CheckReport:
    """Validate; with articles, also lint against them. Raises on errors; warns otherwise."""
    if articles is None:
        places = read_places(places_path)  # as a build reads it
        unplaced = sum(place.lat is None or place.lon is None for place in places.places)
        return CheckReport(
            f"{places_path} is valid: {counted(len(places.places), 'place')}, "
            f"{counted(len(places.journeys), 'journey')}, {counted(len(places.quotes), 'quote')}."
            + (
                f" {counted(unplaced, 'place')} without coordinates yet: `routes geocode` (or the "
                "next build) looks them up."
                if unplaced
                else ""
            ),
            publishing_warnings(places, places_path),
        )
    problems = lint(places_path, articles)
    if problems:
        raise ArticleCheckError("\n".join(problems))
    return CheckReport(
        f"{places_path} is valid; every quote is verbatim in its article and every figure and "
        "quoted phrase is in a source it cites.",
        publishing_warnings(read_places(places_path), places_path),
    )
