"""Write found coordinates into places.yaml without disturbing anything the editor wrote.

Rather than re-dumping the YAML (which would re-indent and re-wrap it), the new keys are
inserted as lines after the last line of each place's entry, at its keys' indentation, or for
a place written in flow style (`- {id: …, name: …}`) inside its braces. The
result is parsed again and compared with the original before it replaces the file, atomically.
"""

from __future__ import annotations

from pathlib import Path

from ruamel.yaml.comments import CommentedMap

from .errors import GeocodingError
from .files import write_atomic
from .geometry import COORDINATE_DIGITS
from .load import parse_document, read_text, validate
from .models import PlacesFile


def _entry_end(lines: list[str], document: CommentedMap, index: int) -> int:
    """Index of the last line of places[index] that holds content (not a comment or blank)."""
    places = document["places"]
    if index + 1 < len(places):
        boundary = places.lc.item(index + 1)[0]
    else:
        keys = list(document)
        after = keys[keys.index("places") + 1 :]
        boundary = document.lc.key(after[0])[0] if after else len(lines)
    last = boundary - 1
    while last > places[index].lc.line and (
        not lines[last].strip() or lines[last].lstrip().startswith("#")
    ):
        last -= 1
    return last


def _flow_end(lines: list[str], line: int, column: int) -> tuple[int, int]:
    """Where the `}` closing the flow mapping that starts at (line, column) stands, 0-based."""
    depth = 0
    quote = None
    for number in range(line, len(lines)):
        row = lines[number]
        start = column if number == line else 0
        for position in range(start, len(row)):
            char = row[position]
            if quote:
                if char == quote:
                    quote = None
            elif char in "\"'":
                quote = char
            elif char == "#" and position and row[position - 1] == " ":
                break
            elif char in "{[":
                depth += 1
            elif char in "}]":
                depth -= 1
                if depth == 0:
                    return number, position
    raise ValueError("no closing brace")


def _after_last_written(lines: list[str], row: int, column: int) -> tuple[int, int, str]:
    """Where the text written before (row, column), 0-based, ends, past spaces, line ends and
    comments, and its last character: the end of a flow mapping's last value (or its comma)."""
    text = lines[row][:column]
    while row >= 0:
        if number_sign := text.find(" #") + 1:
            text = text[: number_sign - 1]
        if stripped := text.rstrip():
            return row, len(stripped), stripped[-1]
        row -= 1
        text = lines[row].rstrip("\r\n") if row >= 0 else ""
    raise ValueError("nothing written before the closing brace")


def _opening_brace(lines: list[str], entry) -> tuple[int, int]:
    """Where the `{` that opens a flow-style entry stands: the first after the entry's dash
    (an anchor, `&a`, or a tag, `!!map`, may stand between them)."""
    for row in range(entry.lc.line, len(lines)):
        column = lines[row].find("{", entry.lc.col if row == entry.lc.line else 0)
        if column >= 0:
            return row, column
    raise ValueError("no opening brace")


def _rounded(value: float) -> float:
    """A found coordinate as written: to the precision the map draws with (about a metre)."""
    return round(value, COORDINATE_DIGITS)


def insert_coordinates(
    path: Path, text: str, document: CommentedMap, places: PlacesFile, found: dict
) -> None:
    """Add lat, lon and geocoder to each place in `found` (place id → (candidate, geocoder))."""
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    insertions = []
    flows = []  # (line, column of `}`, text to insert before it)
    for index, place in enumerate(places.places):
        if place.id not in found:
            continue
        candidate, geocoder = found[place.id]
        entry = document["places"][index]
        if entry.fa.flow_style():
            # `- {id: …, name: …}`: the keys go inside its braces, on its own line.
            fields = [f"lat: {_rounded(candidate.lat)!r}", f"lon: {_rounded(candidate.lon)!r}"]
            if "geocoder" not in entry:
                fields.append(f"geocoder: {geocoder}")
            try:
                row, brace = _flow_end(lines, *_opening_brace(lines, entry))
                row, column, last = _after_last_written(lines, row, brace)
            except ValueError:
                line = entry.lc.line + 1
                raise GeocodingError(
                    f"{path}:{line}: cannot tell where place “{place.id}” ends, to add its "
                    "coordinates; nothing was written — add `lat:` and `lon:` to it by hand"
                ) from None
            # Right after its last value, so the line's comment and the closing brace's own
            # line stay as they are; after a trailing comma (`GE,}`) the keys end with one too.
            joined = ", ".join(fields)
            flows.append((row, column, (" " + joined + ",") if last == "," else (", " + joined)))
            continue
        # The entry's own keys: those a merge key (`<<: *defaults`) brings in stand elsewhere.
        indent = " " * min([entry.lc.col, *(where[1] for where in entry.lc.data.values())])
        new = [
            f"{indent}lat: {_rounded(candidate.lat)!r}",
            f"{indent}lon: {_rounded(candidate.lon)!r}",
        ]
        if "geocoder" not in entry:
            new.append(f"{indent}geocoder: {geocoder}")
        insertions.append((_entry_end(lines, document, index), [line + newline for line in new]))
    for row, brace, text_in in sorted(flows, reverse=True):
        lines[row] = lines[row][:brace] + text_in + lines[row][brace:]
    for after, new_lines in sorted(insertions, reverse=True):
        lines[after + 1 : after + 1] = new_lines
    updated = "".join(lines)
    _verify(path, updated, places, found)

    def unchanged() -> None:
        # Checked again at the last moment: an edit saved while the new text was being made
        # and verified (seconds, for a big file) is never overwritten.
        if read_text(path) != text:
            raise GeocodingError(
                f"{path} changed while geocoding ran; nothing was written — "
                "run `routes geocode` again"
            )

    write_atomic(path, updated, before_replace=unchanged)


def _verify(path: Path, updated: str, before: PlacesFile, found: dict) -> None:
    """The new text must read as the old records plus exactly the found coordinates."""
    try:
        after = validate(parse_document(updated, path), path)
    except Exception as error:  # any failure here is ours, not the editor's
        raise GeocodingError(
            f"{path}: could not add the coordinates without changing the file's meaning "
            f"({error.__class__.__name__}); nothing was written — add `lat:` and `lon:` by hand"
        ) from None
    expected = before.model_dump()
    for place in expected["places"]:
        if place["id"] in found:
            candidate, geocoder = found[place["id"]]
            place["lat"], place["lon"] = _rounded(candidate.lat), _rounded(candidate.lon)
            place["geocoder"] = place["geocoder"] or geocoder
    if after.model_dump() != expected:
        raise GeocodingError(
            f"{path}: could not add the coordinates without changing the file's meaning; "
            "nothing was written — add `lat:` and `lon:` by hand"
        )
