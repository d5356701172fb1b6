"""The whole pipeline, stage after stage: load → validate → geocode → geometry → render → write."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import GeocodingError, PlacesFileError, Problem, counted
from .files import refuse_input_as_output, write_atomic, write_atomic_bytes
from .language import DEFAULT_LANGUAGE, check_language
from .load import positions_of, read_places
from .models import FileColumns, PlacesFile, references_hold
from .render import (
    load_libraries,
    map_data,
    page_description,
    page_parts_aside,
    render_page,
)

if TYPE_CHECKING:
    from .aside import Aside, Worker
    from .parse_ahead import _Child


@dataclass(frozen=True)
class BuildResult:
    places: PlacesFile
    out: Path
    geocoded: object = None  # the GeocodeReport, when places had to be geocoded first
    warnings: list[Problem] = field(default_factory=list)  # check.publishing_warnings

    @property
    def summary(self) -> str:
        """The line a build ends with."""
        places = self.places
        return (
            f"Drew {counted(len(places.places), 'place')}, "
            f"{counted(len(places.journeys), 'journey')} and "
            f"{counted(len(places.quotes), 'quote')}: {self.out}"
        )


def require_coordinates(places: PlacesFile, path: Path) -> None:
    """Every place needs coordinates before it can be drawn; name each one that lacks them."""
    missing = [n for n, place in enumerate(places.places) if place.lat is None or place.lon is None]
    if not missing:
        return
    lines = positions_of(path, [("places", index) for index in missing])
    problems = []
    for index, (line, column) in zip(missing, lines, strict=True):
        problems.append(
            Problem(
                str(path),
                line,
                column,
                f"place “{places.places[index].id}” has no coordinates",
                "add `lat:` and `lon:`, or run `routes geocode` to look them up",
            )
        )
    raise PlacesFileError(problems)


NOTHING_DRAWN = "No map, export or image was written: each needs every place's coordinates."
"""Said after a place that geocoding left without coordinates, by a command that draws: its
line tells what `routes geocode` would, but not that the command's output was not made."""


def load_with_coordinates(
    places_path: Path,
    geocoder: Callable[[], object] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    while_parsing: Callable[[], object] | None = None,
    started: _Child | None = None,
):
    """Read and validate places_path, geocoding first any place that lacks coordinates.

    `geocoder` is a factory, so that no geocoder is set up, and no request sent, when every
    place already has coordinates. `while_parsing`, `started`: see load.read_places. Returns
    the records and the GeocodeReport (or None). Records whose references `started` left
    unchecked (parse_ahead.start_reading's `references_aside`) are checked here where some
    place lacks coordinates, before anything is looked up or said of them; else by build.
    """
    places = read_places(places_path, while_parsing, started)
    report = None
    missing = any(p.lat is None or p.lon is None for p in places.places)
    if missing and started is not None and started.references_unchecked(places):
        if not references_hold(places):  # (said before anything is looked up)
            places = read_places(places_path)  # read again, whole: its messages
    if geocoder is not None and missing:
        from .geocode import geocode_places, require_no_problems

        report = geocode_places(places_path, geocoder(), on_progress)
        try:
            require_no_problems(report)
        except GeocodingError as error:  # the same words as `routes geocode`, and what it means
            raise GeocodingError(f"{error}\n{NOTHING_DRAWN}") from None
        places = read_places(places_path)
    require_coordinates(places, places_path)
    return places, report


def page_data(
    places: PlacesFile,
    lang: str = DEFAULT_LANGUAGE,
    columns: FileColumns | None = None,
    aside: dict[str, Aside] | None = None,
) -> dict:
    """What the page is drawn from: map_data in the page's language, and the data files a
    reader can download. `columns`: the file's, where the caller has made them; `aside`:
    render.page_parts_aside's, where a worker makes them."""
    from .export import downloads

    return map_data(places, lang, columns, aside) | {"downloads": downloads(places)}


def card_path(out_path: Path) -> Path:
    """Where the social card image goes: beside the map, named after it."""
    return out_path.with_name(out_path.stem + "-card.png")


def check_card(url: str, out_path: Path, places_path: Path) -> None:
    """Before any work (a geocode writes places.yaml): an error for a `url` that is not a web
    address, and for a card that would be written over the places file (a link of that name
    beside the map) or where no file can be."""
    from urllib.parse import urlsplit

    from .errors import ImageError

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ImageError(
            f"--url {url}: not a web address — give the address the map will be published at, "
            "such as https://example.org/maps/routes.html"
        )
    refuse_input_as_output(
        card_path(out_path),
        places_path,
        option="The social card",
        todo="give the map another name with --out (the card is named after it)",
    )


def write_card(data: dict, out_path: Path, url: str) -> dict:
    """Write the social card (image.py, 1200×630) beside the map, and return what the page's
    preview tags say of it: its address under `url`, where the map will be published
    (check_card has checked both)."""
    from urllib.parse import urljoin

    from . import image

    size = image.SIZES["social"]
    svg = image.svg_for_data(data, size)[0]
    path = card_path(out_path)
    write_atomic_bytes(path, image.png_from_svg(svg, size.dpi))
    return {
        "url": urljoin(url, path.name),
        "width": size.width,
        "height": size.height,
        "alt": page_description(data),
    }


def build(
    places_path: Path,
    out_path: Path,
    geocoder: Callable[[], object] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    url: str | None = None,
    lang: str = DEFAULT_LANGUAGE,
    started: _Child | None = None,
    worker: Worker | None = None,
) -> BuildResult:
    """Read, check (geocoding what needs it) and draw places_path into the map at out_path; with
    `url` (where the map will be published) also its social card beside it; `lang`: the
    language of the page's own words (language.py); `started`: the child parsing a big
    places_path, where the command started it (parse_ahead.start_reading); `worker`: a
    worker the command started (aside.start_worker), which makes parts of a big map's page on
    the other core (render.page_parts_aside), and checks the file's references there where
    `started` left them unchecked, before anything is written. The result carries
    what `routes check` would warn of (check.publishing_warnings), from the columns the page's
    data was made of."""
    from .check import publishing_warnings

    check_language(lang)
    if url:
        check_card(url, out_path, places_path)
    places, report = load_with_coordinates(
        places_path, geocoder, on_progress, load_libraries, started
    )
    columns = FileColumns(places, started.columns_for(places) if started else None)
    unchecked = started is not None and started.references_unchecked(places)
    aside = page_parts_aside(places, columns, worker, unchecked)  # (on the other core meanwhile)
    holds = True
    try:
        try:
            data = page_data(places, lang, columns, aside)
            warnings = publishing_warnings(places, places_path, columns)
        except Exception:  # (a reference that does not hold can fail any step: a KeyError)
            if not unchecked or _references_hold(places, aside):
                raise
            data = None
        del columns  # the columns the data does not hold go before the page is made
        holds = not unchecked or (data is not None and _references_hold(places, aside))
        if holds:
            card = write_card(data, out_path, url) if url else None
            write_atomic(out_path, render_page(data, card=card, quotes_part=aside.get("quotes")))
    finally:
        for part in aside.values():
            part.close()
    if not holds:  # read again, whole, once all this is let go: its messages say what is wrong
        del places, data, aside
        return build(places_path, out_path, geocoder, on_progress, url, lang)
    return BuildResult(places, out_path, report, warnings)


def _references_hold(places: PlacesFile, aside: dict[str, Aside]) -> bool:
    """Whether the references of records read without their check hold: the worker's answer
    (render.page_parts_aside's "references"), or, where it was given no such job, this
    process's own (models.references_hold)."""
    return aside["references"].result() if "references" in aside else references_hold(places)
