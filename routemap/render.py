"""Stages 4 and 5: turn validated records into the map's data block, then into one HTML file.

The page carries everything it shows as one JSON block drawn by one script (page/map.js),
rather than one script object per marker: the file stays small and no text from places.yaml is
ever pasted into script or markup. The page script puts that text into the page with
`textContent` only. Leaflet is inlined from the xstatic-leaflet package; folium's CDN assets are
dropped, so the file loads nothing but map tiles.
"""

from __future__ import annotations

import base64
import gzip
import html
import importlib
import itertools
import re
import sys
import types
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from .basemap import basemap_script
from .geometry import (
    ARC_STEP_KM,
    COORDINATE_DIGITS,
    WGS84_A,
    WGS84_F,
    LegLines,
    bounds,
    leg_lines,
    lonlat,
    place_properties,
    shown_point,
)
from .language import (
    DEFAULT_LANGUAGE,
    basemap_names,
    country_names,
    legend_labels,
    say,
    search_letters,
    words,
)
from .models import (
    FileColumns,
    PlacesFile,
    columns_of,
    dicts_of,
    place_roles,
    quote_indexes,
    quote_target_columns,
    reference_columns,
    role_columns,
)
from .packed import (
    QUOTE_LINK_WORDS,
    gzip_in_parts,
    json_pieces,
    link_names,
    packed_quotes,
)
from .references import hold_in_columns
from .styles import (
    AREA_STYLE,
    ARROW_STYLE,
    BASEMAP_STYLE,
    BIG_MAP_COLOURS,
    BIG_MAP_DETAIL_FROM,
    BIG_MAP_FROM,
    CASING_STYLE,
    DARK_STYLES,
    DENSE_DOT_STYLE,
    FOCUS_COLOUR,
    INFERRED_LEG_STYLE,
    INFERRED_STYLE,
    LEADER_STYLE,
    LEGEND_STYLE,
    LINE_STYLE,
    MARKER_STYLES,
    MODE_STYLES,
    STATUS_STYLES,
    colours_of,
)
from .tallies import end_numbers_of, holds_a_value, indexes_of, roles_of

if TYPE_CHECKING:
    from .aside import Aside, Worker


def _arrow(found: tuple[float, float, float] | None) -> list[float] | None:
    """[lon, lat, heading] of a leg's arrowhead, or None for a leg of no length."""
    if found is None:
        return None
    lat, lon, heading = found
    return [*lonlat((lat, lon)), round(heading, 1)]


def quote_link_names(places: PlacesFile) -> list[str]:
    """Each quote's name in the page's address (link_names)."""
    return link_names(*columns_of(places.quotes, "speaker", "text").values())


QUOTE_FIELDS = ("text", "speaker", "source", "via")
"""A quote's fields the page takes as they are (its other wordings, `also`, as dicts)."""
LEG_FIELDS = ("to", "mode", "when", "note", "inferred")
"""A leg's fields the page takes."""


def _present(fields: dict) -> dict:
    """The fields that have a value: a big map's data block carries no thousands of nulls."""
    return {key: value for key, value in fields.items() if value is not None}


def map_data(
    places: PlacesFile,
    lang: str = DEFAULT_LANGUAGE,
    columns: FileColumns | None = None,
    aside: dict[str, Aside] | None = None,
) -> dict:
    """Everything the page draws, as plain JSON-ready data.

    Quotes are listed once and referred to by index, so a quote shared by popups and the panel
    is carried once. It carries only what the page shows: the file is published, and what a
    reader cannot see should not be in it either (a place's kind, query, geocoder and precision,
    a source's file and url, who a person's sources are). Every point is where the place may be
    shown (geometry.shown_point), never more precise.

    A big map's tables are columns, as its page takes them (json_for_script), each field's
    values in the rows' order, None where a row has none: places as `lon`, `lat` and
    `properties`; journeys with their number of legs (`legCount`) for their legs; all the
    legs one after another in `legs`, their lines and arrowheads in `legLines`; its quotes
    without their link names, which are given as its data is packed (_packed_fields). A small map's
    are rows (places a GeoJSON collection, each journey with its legs, lines and all):
    with_leg_lines makes them of the columns, and makes a big map's rows for whatever else
    reads them (the still image). Columns are made from the records one pass a table
    (models.FileColumns): 50,000 journeys' dicts took a second to make, and as long again to take
    apart into columns (`columns`, where the caller has made them). `aside`: the places'
    roles, the quotes' indexes and the journeys' colours, where a worker makes them meanwhile
    (page_parts_aside), asked for once the lines are made.
    """
    columns = columns or FileColumns(places)
    shown = list(map(shown_point, places.places))
    lines = leg_lines(places, columns, shown, aside["place numbers"].result() if aside else None)
    if aside:
        roles, quotes, colours = (aside[name].result() for name in ASIDE_FOR_DATA)
    else:
        roles = place_roles(places, columns)
        quotes = quote_indexes(places, columns)
        colours = colours_of(columns["journeys"]["id"], columns["journeys"]["status"])
    quote_columns = columns["quotes"]
    journey_columns = columns["journeys"]
    ids = journey_columns["id"]
    tables = {
        "places": {
            "lon": [round(lon, COORDINATE_DIGITS) for _, lon in shown],
            "lat": [round(lat, COORDINATE_DIGITS) for lat, _ in shown],
            "properties": place_properties(
                places.places, roles, quotes["place"], columns["places"]
            ),
        },
        "journeys": {
            "id": ids,
            "name": journey_columns["name"],
            "from": journey_columns["start"],
            "person": journey_columns["person"],
            "status": journey_columns["status"],
            "group": journey_columns["group"],
            "summary": journey_columns["summary"],
            "start_inferred": journey_columns["start_inferred"],
            "accounts": list(map(dicts_of, journey_columns["accounts"])),
            "sources": journey_columns["sources"],
            "colour": list(map(colours.__getitem__, ids)),
            "legCount": list(map(len, journey_columns["legs"])),
            "quotes": [quotes["journey"].get(journey, []) for journey in ids],
        },
        "legs": {field: columns["legs"][field] for field in LEG_FIELDS},
        "quotes": {
            **{field: quote_columns[field] for field in QUOTE_FIELDS},
            "also": list(map(dicts_of, quote_columns["also"])),
        },
    }
    big = len(places.journeys) > BIG_MAP_FROM
    if not big:  # (a big map's are named as its data is packed: _packed_fields)
        tables["quotes"]["link"] = link_names(quote_columns["speaker"], quote_columns["text"])
    if len(lines.lat):
        shown = shown + [
            (float(lines.lat.min()), float(lines.lon.min())),
            (float(lines.lat.max()), float(lines.lon.max())),
        ]
    south_west, north_east = bounds(shown)
    data = {
        "title": places.title,
        "dated": places.dated,
        "dated_inferred": places.dated_inferred,
        "sources": [
            {"id": s.id, "name": s.name, "label": s.label, "title": s.title, "note": s.note}
            for s in places.sources
        ],
        "people": [person.model_dump(exclude={"sources"}) for person in places.people],
        "groups": [
            group.model_dump() | {"quotes": quotes["group"].get(group.id, [])}
            for group in places.groups
        ],
        **tables,
        # Quotes about no one journey, place or group: the panel lists them.
        "unplaced": [
            index
            for index, tied in enumerate(
                zip(quote_columns["journey"], quote_columns["place"], quote_columns["group"])
            )
            if not any(tied)
        ],
        "unmapped": [entry.model_dump() for entry in places.unmapped],
        "bounds": [list(south_west), list(north_east)],
        # The page's own words in `lang`, its places' country names in it, and the language
        # places.yaml's texts are written in (language.py).
        "lang": lang,
        "contentLang": places.lang,
        "words": words(lang),
        "countries": country_names(sorted({place.country for place in places.places}), lang),
        "basemapNames": basemap_names(lang),
        "searchLetters": search_letters(),
        "styles": legend_labels(STYLE_TABLE, lang)
        | {"detailFromZoom": BIG_MAP_DETAIL_FROM if big else 0},
        "legLines": lines,
    }
    return data if big else with_leg_lines(data)


def _positions(lines: LegLines) -> list[list[list[float]]]:
    """Each leg's line as GeoJSON positions, longitude first, rounded to COORDINATE_DIGITS
    (geometry.positions, for flat arrays)."""
    import numpy as np

    rounded = np.round(np.column_stack([lines.lon, lines.lat]), COORDINATE_DIGITS).tolist()
    first = lines.first.tolist()
    return [rounded[start:end] for start, end in itertools.pairwise(first)]


def _arrows(lines: LegLines) -> list[list[float] | None]:
    """Each leg's arrowhead as [lon, lat, heading], or None for a leg of no length."""
    found = zip(lines.arrow_lat.tolist(), lines.arrow_lon.tolist(), lines.heading.tolist())
    return [
        None if heading != heading else _arrow((lat, lon, heading)) for lat, lon, heading in found
    ]


def _rows(columns: dict[str, list]) -> list[dict]:
    """A table's columns as rows (dicts) with the fields each has (page/data.js: rowsOf)."""
    keys = list(columns)
    return [
        {key: value for key, value in zip(keys, values) if value is not None}
        for values in zip(*columns.values())
    ]


def with_leg_lines(data: dict) -> dict:
    """map_data's data with its tables as rows: places as a GeoJSON collection, each journey
    with its legs, and every leg's number, start, line and arrowhead in the leg itself, as a
    small map's are. A big map's are columns, packed for its page (see json_for_script)."""
    lines = data.get("legLines")
    if lines is None:
        return data
    places = data["places"]
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
            "properties": row,
        }
        for lon, lat, row in zip(
            places["lon"], places["lat"], _rows(places["properties"]), strict=True
        )
    ]
    shapes = zip(lines.legs, _rows(data["legs"]), _positions(lines), _arrows(lines), strict=True)
    journeys = []
    for journey in _rows(data["journeys"]):
        legs = []
        for (_, number, start, _), leg, line, head in itertools.islice(shapes, journey["legCount"]):
            legs.append(
                _present({"number": number, "from": start, **leg, "line": line, "arrow": head})
            )
        journeys.append(
            {
                ("legs" if key == "legCount" else key): (legs if key == "legCount" else value)
                for key, value in journey.items()
                if key != "from"
            }
        )
    rows = {
        "places": {"type": "FeatureCollection", "features": features},
        "journeys": journeys,
        "quotes": _rows(data["quotes"]),
    }
    left_out = ("legLines", "legs")
    return {key: rows.get(key, value) for key, value in data.items() if key not in left_out}


STYLE_TABLE = {
    "markers": MARKER_STYLES,
    "inferred": INFERRED_STYLE,
    "inferredLeg": INFERRED_LEG_STYLE,
    "area": AREA_STYLE,
    "denseDot": DENSE_DOT_STYLE,
    "line": LINE_STYLE,
    "arrow": ARROW_STYLE,
    "casing": CASING_STYLE,
    "leader": LEADER_STYLE,
    "basemap": BASEMAP_STYLE,
    "focus": FOCUS_COLOUR,
    "legend": LEGEND_STYLE,
    "dark": DARK_STYLES,
    "modes": MODE_STYLES,
    "statuses": STATUS_STYLES,
}
"""The style table as the page gets it (styles.py), before its legend labels are put in."""


COMPRESS_FROM = 200_000
"""Data blocks larger than this (in bytes of JSON) are sent gzip-compressed, base64-encoded: a big
map's text compresses five to tenfold, and the browser unpacks it natively
(DecompressionStream). Smaller ones stay plain JSON, readable in the page's source."""


def json_for_script(data: dict, quotes_part: Aside | None = None) -> tuple[str, str]:
    """The data block's encoding and text, safe inside a <script> element. `quotes_part`: a big
    map's packed_quotes for its quotes, where the caller has started them aside
    (page_parts_aside's "quotes"); else they are made here.

    Plain JSON has '<', '>' and '&' escaped so no text can end the element early; the compressed
    forms are base64, whose alphabet holds none of them. A big map's (with `legLines`) is
    packed (_packed_fields): its legs' lines are not in it, for its page works them out, and
    its quotes' words follow the rest each as JSON of its own on a line of its own (JSON's text
    holds no newline), for the page to read one by one as they are asked for: most of a big
    map's text, none of it needed to draw the map, and a popup shows a few. It goes gzipped in
    parts (gzip_in_parts), the rest's and then the words' (packed_quotes), each part's base64
    after a space, for the page to unpack and join.
    """
    import orjson  # some seven times faster than json here, which a big map notices

    if "legLines" in data:
        quotes = data["quotes"]
        made = quotes_part.result() if quotes_part else None
        links, text_parts = made or packed_quotes(quotes["speaker"], quotes["text"])
        fields = _packed_fields(data, links)
        parts = gzip_in_parts(json_pieces(fields)) + text_parts
        return "packed-gzip-parts", " ".join(
            base64.b64encode(part).decode("ascii") for part in parts
        )
    encoded = orjson.dumps(data)
    if len(encoded) > COMPRESS_FROM:
        packed = gzip.compress(encoded, compresslevel=4, mtime=0)
        return "gzip-base64", base64.b64encode(packed).decode("ascii")
    text = encoded.decode("utf-8")
    return "json", (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _packed_fields(data: dict, links: list[str | None]) -> dict:
    """A big map's data as its packed block carries it, less what the page can tell itself
    (page/data.js: unpackFields puts it back). Its tables go as map_data's columns, those that
    have a value, in sorted order (the same file makes the same page), but for the quotes'
    words, which are not in them (packed_quotes makes them, json_for_script puts them after the
    rest), only how many there are (`quoteCount`). Where a journey
    starts and each leg ends is the place's number in `places` rather than its id; there is no
    quote's link name where the page can tell it (plain_link_name), no journey's status where
    it is "trip", no journey's colour (the page gives them as styles.journey_colours does, from
    `palette`), and no leg's line or arrowhead: the page works them out from the places
    (page/arcs.js, by `geodesic`), but for the rare flight whose arc only geographiclib
    settles, given in `explicitLines` as [leg's number in the map, its points as [lat, lon]].
    A big map's JSON is the most of what its page reads, unpacks and parses before it can
    draw, and its lines were a third of its file. `links`: the quotes' link names as
    packed_quotes gives them."""
    quotes = dict(data["quotes"])
    texts = quotes.pop("text")
    quotes["link"] = links
    places = data["places"]
    lines = data["legLines"]
    journeys = {key: values for key, values in data["journeys"].items() if key != "colour"}
    journeys["from"], leg_ends = lines.ends  # (the places' numbers: tallies.end_numbers_of)
    journeys["status"] = [None if status == "trip" else status for status in journeys["status"]]
    legs = dict(data["legs"])
    legs["to"] = leg_ends
    explicit = []
    for leg in lines.by_geographiclib:
        explicit.append([leg, [list(point) for point in lines.line(leg)]])
    rest = {key: value for key, value in data.items() if key not in ("legLines", "places")}
    return rest | {
        "quotes": _with_values(quotes),
        "quoteCount": len(texts),
        "journeys": _with_values(journeys),
        "journeyCount": len(journeys["id"]),
        "legs": _with_values(legs),
        "places": {
            "lon": places["lon"],
            "lat": places["lat"],
            "properties": _with_values(places["properties"]),
        },
        "palette": BIG_MAP_COLOURS,
        "linkWords": QUOTE_LINK_WORDS,
        "geodesic": {"a": WGS84_A, "f": WGS84_F, "stepMetres": ARC_STEP_KM * 1000},
        "explicitLines": explicit,
    }


PAGE_PARTS_ASIDE_FROM = 10_000
"""Journeys and quotes from which a big map's page_parts_aside are made by a worker on the
other core, while this process makes the page's lines and the rest of its data (aside.py):
half a second at 50,000 journeys and 100,000 quotes, against the tenth of a second that handing
their columns over and the answers back takes."""

ASIDE_FOR_DATA = ("roles", "quote indexes", "colours")
"""The parts page_parts_aside makes for map_data, in the order it asks for them."""


def page_parts_aside(
    places: PlacesFile, columns: FileColumns, worker: Worker | None, references: bool = False
) -> dict[str, Aside]:
    """For a big map of PAGE_PARTS_ASIDE_FROM journeys and quotes or more, what `worker` makes
    of the tables' columns alone, on the other core, by the functions that would make them
    here, in the order this process asks for them: the places' numbers that the journeys'
    starts and the legs' ends go by (tallies.end_numbers_of, as "place numbers", for the legs'
    lines), the places' roles, the quotes' indexes and the journeys' colours (ASIDE_FOR_DATA),
    for map_data; with `references` (records read with their references not yet checked:
    parse_ahead.start_reading), whether they hold (references.hold_in_columns, as
    "references"), asked for before the map is written; then the quotes' part of the packed
    block (packed_quotes, as "quotes"), for json_for_script. Else nothing (each is made where
    it is needed, in turn)."""
    if worker is None or len(places.journeys) <= BIG_MAP_FROM:
        return {}
    if len(places.journeys) + len(places.quotes) < PAGE_PARTS_ASIDE_FROM:
        return {}
    journeys, quotes = columns["journeys"], columns["quotes"]
    jobs = {  # (in the order map_data asks for them)
        "place numbers": (
            end_numbers_of,
            (columns["places"]["id"], journeys["start"], columns["legs"]["to"]),
        ),
        "roles": (roles_of, role_columns(columns)),
        "quote indexes": (indexes_of, quote_target_columns(columns)),
        "colours": (colours_of, (journeys["id"], journeys["status"])),
    }
    if references:
        jobs["references"] = (hold_in_columns, (reference_columns(columns),))
    jobs["quotes"] = (packed_quotes, (quotes["speaker"], quotes["text"]))
    return dict(zip(jobs, worker.give(*jobs.values()), strict=True))


def _with_values(columns: dict[str, list]) -> dict[str, list]:
    """The columns that hold a value in some row, in sorted order (the page's rowsOf makes the
    rows again; a column of nulls only would say nothing)."""
    return {key: columns[key] for key in sorted(columns) if holds_a_value(columns[key])}


@cache
def page_asset(name: str) -> str:
    """A file of the page (HTML template, CSS or JS), kept together in routemap/page/."""
    return resources.files("routemap").joinpath("page", name).read_text(encoding="utf-8")


@cache
def leaflet_assets() -> tuple[str, str]:
    """Leaflet's JS and CSS from xstatic-leaflet, with the CSS's images inlined as data URIs."""
    from xstatic.pkg import leaflet

    base = Path(leaflet.BASE_DIR)
    script = (base / "leaflet.js").read_text(encoding="utf-8")
    script = re.sub(r"//# sourceMappingURL=\S+", "", script)
    css = (base / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match) -> str:
        image = (base / match.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(image).decode('ascii')})"

    css = re.sub(r"url\((images/[\w.-]+\.png)\)", inline, css)
    # Internet Explorer's VML rule, which is not CSS (the Nu Html Checker reports it).
    css = re.sub(r"\s*behavior:\s*url\(#default#VML\);", "", css)
    return script, css


PAGE_SCRIPTS = (
    "base.js",
    "language.js",
    "data.js",
    "arcs.js",
    "boxes.js",
    "drawing.js",
    "bulk.js",
    "labels.js",
    "popups.js",
    "search.js",
    "panel.js",
    "links.js",
    "scheme.js",
    "print.js",
    "embed.js",
    "controls.js",
    "keyboard.js",
    "basemap.js",
    "map.js",
)
"""The page's script, one file per concern (see base.js), joined in this order."""


@cache
def page_script() -> str:
    return "\n".join(page_asset(name) for name in PAGE_SCRIPTS)


def import_folium():
    """folium, imported without pandas where pandas is installed but not yet imported: folium
    imports it only to take DataFrames, which this tool never gives it, and it cost every build
    33 MB and a seventh of a second. (A None in sys.modules makes that import fail as if pandas
    were not installed, which folium allows for.) folium still takes a DataFrame from whoever
    else uses it in this process: its `pd` then stands for pandas once pandas is imported."""
    if "folium" not in sys.modules and "pandas" not in sys.modules:
        sys.modules["pandas"] = None  # type: ignore[assignment]
        try:
            _import_lazily("requests")
            import folium.utilities
        finally:
            del sys.modules["pandas"]
        folium.utilities.pd = _PandasOnceImported()
    import folium

    return folium


def _import_lazily(name: str) -> None:
    """Put in sys.modules, for a module not imported yet, a stand-in that imports it at its
    first use (_ImportedOnUse): folium imports requests for one function (fetching GeoJSON by
    its address) that this tool never calls, and importing it cost every build some 50 ms.
    (importlib's LazyLoader does not help: the import statement itself asks the module for its
    spec, which loads it.)"""
    import importlib.util

    if name not in sys.modules and importlib.util.find_spec(name) is not None:
        sys.modules[name] = _ImportedOnUse(name)


class _ImportedOnUse(types.ModuleType):
    """A module's stand-in that imports it when any of its attributes is first asked for,
    gives the real module its place in sys.modules, and answers for it from then on (folium's
    `requests.get(...)` still works, as does `import requests` anywhere after)."""

    def __getattr__(self, attribute: str):
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        return getattr(importlib.import_module(self.__name__), attribute)


class _NotADataFrame:
    """A class nothing is an instance of: pandas' DataFrame before pandas is imported."""


class _PandasOnceImported:
    """pandas as folium.utilities asks after it (`isinstance(location, pd.DataFrame)`, its only
    use): pandas' DataFrame once something has imported pandas, before which no object can be
    one."""

    @property
    def DataFrame(self) -> type:  # noqa: N802 (pandas' name)
        pandas = sys.modules.get("pandas")
        return getattr(pandas, "DataFrame", _NotADataFrame)


@cache
def _page_classes():
    """The page's own folium/branca elements (made once: folium is imported only when drawing).

    branca's MacroElement re-parses whatever its macros return as a Jinja template, so text
    holding ``{{ }}`` would be evaluated. These elements render their templates once and hand
    the result to the figure as raw text, so nothing from places.yaml is ever parsed as a
    template.
    """
    folium = import_folium()
    from branca.element import Element, MacroElement
    from jinja2 import Template

    class Raw(Element):
        def __init__(self, text: str):
            super().__init__()
            self.text = text

        def render(self, **kwargs) -> str:
            return self.text

    def add_macros(element, template: Template, sections, kwargs) -> None:
        figure = element.get_root()
        macros = template.module
        for section in sections:
            text = str(getattr(macros, section)(element, kwargs))
            # The same name replaces what folium put there, in its place.
            getattr(figure, section).add_child(Raw(text), name=element.get_name())

    class RoutePage(folium.Figure):
        """folium's document with `lang`, a zoomable viewport, a description, and every
        script inside <body> (page/page.html)."""

        _template = Template(page_asset("page.html"))

        def __init__(
            self,
            title: str,
            description: str,
            lang: str = "en",
            direction: str = "ltr",
            card=None,
            noscript=None,
            noscript_text: str = "",
        ):
            super().__init__(title=title)
            # page.html declares the charset itself; both forms at once is an error in HTML.
            self.header._children.pop("meta_http", None)
            self.description = description
            self.lang = lang
            self.card = card  # the social card image: {url, width, height, alt}, or None
            self.noscript = noscript  # the still image as inline SVG, or None
            self.noscript_text = noscript_text
            self.direction = direction

    class RouteMap(folium.Map):
        """folium's map, drawn inside the page's <main>, without folium's zoom lock."""

        def render(self, **kwargs) -> None:
            super().render(**kwargs)
            add_macros(self, Template(page_asset("map_shell.html")), ("header", "html"), kwargs)

    class RouteLayer(MacroElement):
        """Leaflet, the page's CSS and JS, and the data block."""

        _template = Template(page_asset("route_layer.html"))

        def __init__(self, data: dict, tiles, quotes_part=None):
            super().__init__()
            self._name = "RouteLayer"
            self.tiles = tiles
            self.leaflet_js, self.leaflet_css = leaflet_assets()
            self.page_js = page_script()
            self.page_css = page_asset("map.css")
            self.data_encoding, self.data_text = json_for_script(data, quotes_part)
            self.basemap_text = basemap_script()

        def render(self, **kwargs) -> None:
            add_macros(self, self._template, ("header", "html", "script"), kwargs)

    return RoutePage, RouteMap, RouteLayer


def load_libraries() -> None:
    """Import what drawing needs and read the page's files: done while a big places file is
    parsed on the other core (see load.read_places), so the two take the time of one."""
    import_folium()
    for name in ("numpy", "orjson"):
        importlib.import_module(name)
    leaflet_assets()
    _page_classes()
    page_script()
    basemap_script()
    page_asset("map.css")


NOSCRIPT_IMAGE_UP_TO = 300
"""Maps of up to this many places and journeys carry the still image inline as the page's
<noscript> fallback (an SVG of about 60 kB for the shipped map); a bigger map's would be large
and slow to make, and it says in words what the page needs instead."""


def noscript_image(data: dict) -> str | None:
    """The still image as an inline <svg>, for readers without JavaScript (image.py)."""
    places = data["places"]
    counts = len(places["lon"] if "lon" in places else places["features"]), len(_groups(data))
    if max(counts) > NOSCRIPT_IMAGE_UP_TO:
        return None
    from . import image

    return image.svg_for_data(data, image.SIZES["social"], standalone=False)[0]


def render_page(
    data: dict,
    live: int | None = None,
    card: dict | None = None,
    quotes_part: Aside | None = None,
) -> str:
    """The page for map_data's data. `live` is the version a page served by `routes watch`
    polls for, to reload itself when the map is rebuilt; `card` the social card image that
    link previews show ({url, width, height, alt}, see build.write_card); `quotes_part`: see
    json_for_script."""
    folium = import_folium()

    RoutePage, RouteMap, RouteLayer = _page_classes()
    data = data | {"live": live}
    south_west, north_east = data["bounds"]
    center = [(south_west[0] + north_east[0]) / 2, (south_west[1] + north_east[1]) / 2]
    still = noscript_image(data)
    figure = RoutePage(
        title=data["title"],
        description=page_description(data),
        lang=data["lang"],
        direction=data["words"]["dir"],
        card=card,
        noscript=still,
        noscript_text=data["words"]["noscript.image" if still else "noscript.none"],
    )
    fmap = RouteMap(location=center, zoom_start=3, tiles=None, prefer_canvas=True, zoom_snap=0.25)
    fmap.default_js = []
    fmap.default_css = []
    # detect_retina: on a high-density screen (most phones) tiles one zoom deeper, drawn at half
    # size, so the map is as sharp as the lines over it.
    # show=False: made, not yet added; the page adds it once the map has its first view, so
    # no tiles are fetched for folium's starting view only to be dropped (page/map.js).
    tiles = folium.TileLayer(
        "OpenStreetMap", attr=tiles_credit(data["lang"]), detect_retina=True, show=False
    )
    # Named, not left to folium's random ids: the same file makes the same page, byte for byte
    # (a newsroom keeps its maps under version control, where a rebuild should show no change).
    fmap._id = tiles._id = "routes"
    tiles.add_to(fmap)
    figure.add_child(fmap)
    fmap.add_child(RouteLayer(data, tiles, quotes_part))
    return figure.render()


OSM_LINK = '<a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'


def tiles_credit(lang: str) -> str:
    """The map tiles' credit in the page's language, with OpenStreetMap's link (the words table
    is plain text: it is escaped, then the link stands where it says {osm})."""
    return html.escape(say(lang, "credit.tiles")).replace("{osm}", OSM_LINK)


def _groups(data: dict) -> list[str | None]:
    """Each journey's group, None for a person's own: from rows or columns (map_data)."""
    journeys = data["journeys"]
    if isinstance(journeys, dict):
        return journeys["group"]
    return [journey.get("group") for journey in journeys]


def page_description(data: dict) -> str:
    """The page's meta description: what the map shows and from which sources."""
    people = _groups(data).count(None)
    sources = "; ".join(source["label"] for source in data["sources"])
    return say(data["lang"], "description", people, title=data["title"], sources=sources)
