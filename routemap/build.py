"""The whole pipeline, stage after stage: load → validate → geocode → geometry → render → write."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import PlacesFileError, Problem
from .load import locate, read_document, validate
from .models import PlacesFile
from .render import render_html, write_atomic


@dataclass(frozen=True)
class BuildResult:
    places: int
    journeys: int
    quotes: int
    out: Path


def require_coordinates(document, places: PlacesFile, path: Path) -> None:
    """Every place needs coordinates before it can be drawn; name each one that lacks them."""
    problems = []
    for index, place in enumerate(places.places):
        if place.lat is None or place.lon is None:
            line, column, _ = locate(document, ("places", index))
            problems.append(
                Problem(
                    str(path),
                    line,
                    column,
                    f"place “{place.id}” has no coordinates",
                    "add `lat:` and `lon:`, or run `routes geocode` to look them up",
                )
            )
    if problems:
        raise PlacesFileError(problems)


def build(places_path: Path, out_path: Path) -> BuildResult:
    """Read, check and draw places_path into the HTML map at out_path."""
    document = read_document(places_path)
    places = validate(document, places_path)
    require_coordinates(document, places, places_path)
    write_atomic(out_path, render_html(places))
    return BuildResult(len(places.places), len(places.journeys), len(places.quotes), out_path)
