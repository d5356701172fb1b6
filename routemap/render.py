"""Stages 4 and 5: turn validated records into the map's data block, then into one HTML file.

The page carries everything it shows as one JSON block drawn by one script (page/map.js),
rather than one script object per marker: the file stays small and no text from places.yaml is
ever pasted into script or markup. The page script puts that text into the page with
`textContent` only. Leaflet is inlined from the xstatic-leaflet package; folium's CDN assets are
dropped, so the file loads nothing but map tiles.
"""

from __future__ import annotations

import base64
import html
import json
import re
from functools import cache
from importlib import resources
from pathlib import Path

from .geometry import arrow, bounds, leg_line
from .models import PlacesFile
from .styles import INFERRED_STYLE, JOURNEY_COLOURS, MARKER_STYLES, MODE_STYLES, STATUS_STYLES

COORDINATE_DIGITS = 5  # about a metre: more would only make the file bigger


def marker_role(places: PlacesFile) -> dict[str, str]:
    """What each place is on the map: origin, stop, destination, border crossing or context.

    A border crossing is always shown as one. Otherwise a place that starts any journey is an
    origin, one that ends any is a destination, one passed through is a stop, and one that no
    journey touches was named only for context.
    """
    starts = {journey.start for journey in places.journeys}
    ends = {journey.legs[-1].to for journey in places.journeys}
    passed = {leg.to for journey in places.journeys for leg in journey.legs[:-1]}
    roles = {}
    for place in places.places:
        if place.kind == "border-crossing":
            roles[place.id] = "border-crossing"
        elif place.id in starts:
            roles[place.id] = "origin"
        elif place.id in ends:
            roles[place.id] = "destination"
        elif place.id in passed:
            roles[place.id] = "stop"
        else:
            roles[place.id] = "context"
    return roles


def _lonlat(points) -> list[list[float]]:
    """GeoJSON order (longitude, latitude), rounded."""
    return [[round(lon, COORDINATE_DIGITS), round(lat, COORDINATE_DIGITS)] for lat, lon in points]


def _arrow(line) -> list[float] | None:
    """[lon, lat, heading] of a leg's arrowhead, or None for a leg of no length."""
    found = arrow(line)
    if found is None:
        return None
    lat, lon, heading = found
    return [round(lon, COORDINATE_DIGITS), round(lat, COORDINATE_DIGITS), round(heading, 1)]


def map_data(places: PlacesFile) -> dict:
    """Everything the page draws, as plain JSON-ready data (places as a GeoJSON collection)."""
    by_id = {place.id: place for place in places.places}
    missing = [place.id for place in places.places if place.lat is None or place.lon is None]
    if missing:
        raise ValueError(f"places without coordinates reached rendering: {missing}")
    roles = marker_role(places)
    quote_index = {id(quote): n for n, quote in enumerate(places.quotes)}

    def quotes_for(key: str, value: str) -> list[int]:
        return [quote_index[id(q)] for q in places.quotes if getattr(q, key) == value]

    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": _lonlat([(place.lat, place.lon)])[0]},
            "properties": {
                "id": place.id,
                "name": place.name,
                "kind": place.kind,
                "role": roles[place.id],
                "country": place.country,
                "note": place.note,
                "inferred": place.inferred,
                "quotes": quotes_for("place", place.id),
            },
        }
        for place in places.places
    ]
    journeys = []
    all_points = [(place.lat, place.lon) for place in places.places]
    colours = iter(JOURNEY_COLOURS * (1 + len(places.journeys) // len(JOURNEY_COLOURS)))
    for journey in places.journeys:
        colour = (
            next(colours) if journey.status == "trip" else STATUS_STYLES[journey.status]["color"]
        )
        legs = []
        stops = [journey.start] + [leg.to for leg in journey.legs]
        for number, (leg, start) in enumerate(zip(journey.legs, stops), start=1):
            a, b = by_id[start], by_id[leg.to]
            line = leg_line(leg.mode, (a.lat, a.lon), (b.lat, b.lon))
            all_points.extend(line)
            legs.append(
                {
                    "number": number,
                    "from": start,
                    "to": leg.to,
                    "mode": leg.mode,
                    "when": leg.when,
                    "note": leg.note,
                    "line": _lonlat(line),
                    "arrow": _arrow(line),
                }
            )
        journeys.append(
            {
                "id": journey.id,
                "name": journey.name,
                "person": journey.person,
                "status": journey.status,
                "group": journey.group,
                "summary": journey.summary,
                "sources": journey.sources,
                "colour": colour,
                "legs": legs,
                "quotes": quotes_for("journey", journey.id),
            }
        )
    south_west, north_east = bounds(all_points)
    return {
        "title": places.title,
        "sources": [
            {"id": s.id, "label": s.label, "title": s.title, "author": s.author, "url": s.url}
            for s in places.sources
        ],
        "people": [person.model_dump() for person in places.people],
        "groups": [
            group.model_dump() | {"quotes": quotes_for("group", group.id)}
            for group in places.groups
        ],
        "places": {"type": "FeatureCollection", "features": features},
        "journeys": journeys,
        "quotes": [
            quote.model_dump(include={"text", "speaker", "source"}) for quote in places.quotes
        ],
        "bounds": [list(south_west), list(north_east)],
        "styles": {
            "markers": MARKER_STYLES,
            "inferred": INFERRED_STYLE,
            "modes": MODE_STYLES,
            "statuses": STATUS_STYLES,
        },
    }


def json_for_script(data: dict) -> str:
    """JSON safe inside <script type="application/json">: no '<', '>' or '&' can end it early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


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
    return script, css


def _route_layer(data: dict):
    """The page's own element: Leaflet, the page's CSS and JS, and the data block.

    branca's MacroElement re-parses whatever its macros return as a Jinja template, so text
    holding ``{{ }}`` would be evaluated. This element renders its template once and hands the
    result to the figure as raw text, so nothing from places.yaml is ever parsed as a template.
    """
    from branca.element import Element, MacroElement
    from jinja2 import Template

    class Raw(Element):
        def __init__(self, text: str):
            super().__init__()
            self.text = text

        def render(self, **kwargs) -> str:
            return self.text

    class RouteLayer(MacroElement):
        _template = Template(page_asset("route_layer.html"))

        def __init__(self):
            super().__init__()
            self._name = "RouteLayer"
            self.leaflet_js, self.leaflet_css = leaflet_assets()
            self.page_js = page_asset("map.js")
            self.page_css = page_asset("map.css")
            self.data_json = json_for_script(data)

        def render(self, **kwargs) -> None:
            figure = self.get_root()
            macros = self._template.module
            for section in ("header", "html", "script"):
                text = str(getattr(macros, section)(self, kwargs))
                getattr(figure, section).add_child(Raw(text), name=f"{self.get_name()}_{section}")

    return RouteLayer()


def render_html(places: PlacesFile) -> str:
    """The whole page as one string."""
    import folium

    data = map_data(places)
    south_west, north_east = data["bounds"]
    center = [(south_west[0] + north_east[0]) / 2, (south_west[1] + north_east[1]) / 2]
    figure = folium.Figure(title=html.escape(places.title))
    fmap = folium.Map(location=center, zoom_start=3, tiles=None, prefer_canvas=True, zoom_snap=0.25)
    fmap.default_js = []
    fmap.default_css = []
    folium.TileLayer("OpenStreetMap").add_to(fmap)
    figure.add_child(fmap)
    fmap.add_child(_route_layer(data))
    return figure.render()


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder and a rename: never a half-made file."""
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
