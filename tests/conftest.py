"""Shared fixtures: the repo's files and a real Chromium driven by Playwright.

No test reaches the internet: pytest-socket (see pyproject.toml) blocks every socket but
localhost, and the browser answers map-tile requests with a local blank tile and aborts the rest.
"""

from __future__ import annotations

import copy
import math
import os
import shutil
import struct
import zlib
from contextlib import contextmanager
from pathlib import Path

import pytest

from routemap.build import build

REPO = Path(__file__).resolve().parent.parent
SHIPPED_PLACES = REPO / "places.yaml"
TILE_HOST = "tile.openstreetmap.org"


def legs(pairs, flights=None) -> list[tuple[list, tuple | None]]:
    """Each leg's line as (lat, lon) points and its arrowhead as (lat, lon, heading), None for
    a leg of no length, as the map works them out together (geometry.lines_between): legs from
    pairs[i][0] to pairs[i][1], flying unless flights[i] says otherwise."""
    from routemap.geometry import lines_between

    flights = [True] * len(pairs) if flights is None else flights
    first, lat, lon, arrow_lat, arrow_lon, heading, _ = lines_between(pairs, flights)
    lat, lon, first = lat.tolist(), lon.tolist(), first.tolist()
    return [
        (
            list(zip(lat[first[n] : first[n + 1]], lon[first[n] : first[n + 1]])),
            None if heading[n] != heading[n] else (arrow_lat[n], arrow_lon[n], heading[n]),
        )
        for n in range(len(pairs))
    ]


def great_circle(start, end) -> list:
    """A flight's line from start to end."""
    return legs([(start, end)])[0][0]


def straight(start, end) -> list:
    """A land leg's line from start to end."""
    return legs([(start, end)], [False])[0][0]


def arrow_of(start, end, flight: bool = True) -> tuple | None:
    """A leg's arrowhead: (lat, lon, heading), None for a leg of no length."""
    return legs([(start, end)], [flight])[0][1]


def chromium_path() -> str:
    """Debian's Chromium: $ROUTES_CHROMIUM, else the first browser found on PATH."""
    if os.environ.get("ROUTES_CHROMIUM"):
        return os.environ["ROUTES_CHROMIUM"]
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium"


def blank_tile_png() -> bytes:
    """A 256×256 light grey PNG, made here so tile requests never leave the machine."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    rows = b"".join(b"\x00" + b"\xdd\xe3\xe8" * 256 for _ in range(256))
    header = struct.pack(">IIBBBBB", 256, 256, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture(autouse=True)
def no_public_geocoder(monkeypatch):
    """Any geocoding a test did not set up goes to a closed local port, never to the internet."""
    monkeypatch.setenv("ROUTES_NOMINATIM_URL", "http://127.0.0.1:9")


# Chromium run headless on a machine with no network: without the background-networking flags
# it keeps trying to reach Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path(),
            args=CHROMIUM_ARGS,
        )
        yield chromium
        chromium.close()


def redrawn(page) -> None:
    """Wait until the canvas has drawn the map's present view: Leaflet redraws on the
    animation frames after a move, which a loaded machine may put off for long; a big map's
    tiles are painted a few at a time after it (routeMap.painted)."""
    page.evaluate(
        "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done))))"
    )
    page.wait_for_function("window.routeMap.painted")


def settle(page) -> None:
    """Wait until the map has stopped moving (a popup that opens pans the map into view for
    a quarter of a second) and has drawn where it stopped, so a click lands where it aims."""
    page.wait_for_function(
        "() => { const map = window.routeMap.map; return !(map._panAnim && map._panAnim._inProgress) && !map._animatingZoom; }"
    )
    redrawn(page)


class MapPage:
    """One opened map: the Playwright page plus what it asked the network for and logged."""

    def __init__(self, page, tiles: bool):
        self.page = page
        page.set_default_timeout(5000)
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        tile = blank_tile_png()

        def route(route):
            url = route.request.url
            if url.startswith(("file:", "data:")):
                route.continue_()
                return
            self.requests.append(url)
            if tiles and TILE_HOST in url:
                route.fulfill(status=200, content_type="image/png", body=tile)
            else:
                route.abort()

        page.route("**/*", route)
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda e: self.page_errors.append(str(e)))

    def open(self, html: Path) -> MapPage:
        self.page.goto(html.resolve().as_uri())
        self.page.wait_for_function("window.routeMap !== undefined && window.routeMap.ready")
        self.page.wait_for_timeout(300)
        return self

    def redrawn(self) -> None:
        redrawn(self.page)

    def settled(self) -> None:
        settle(self.page)

    def marker_point(self, place_id: str) -> tuple[float, float]:
        """Where a place's marker is drawn on screen (moved aside where dots crowd), in page
        pixels."""
        x, y, _ = self.page.evaluate("id => window.routeMap.dotPoint(id)", place_id)
        box = self.page.locator(".folium-map").bounding_box()
        return box["x"] + x, box["y"] + y

    def click_marker(self, place_id: str) -> None:
        self.page.evaluate(
            "id => { window.routeMap.map.panTo(window.routeMap.placeLatLng(id), {animate: false}); }",
            place_id,
        )
        self.redrawn()
        self.page.mouse.click(*self.marker_point(place_id))
        # One popup open (a previous one fades out for a moment), and the map still again after
        # the popup's pan into view: a click in it as the pan starts can land on the map, which
        # closes the popup (Playwright finds a button still over two frames of a pan's slow start).
        self.page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 1")
        settle(self.page)

    def popup_text(self) -> str:
        return self.page.locator(".leaflet-popup-content").inner_text()


@pytest.fixture
def open_map(browser):
    """open_map(html, width=1280, height=800, tiles=True, before=None, scheme="light") -> MapPage;
    `before` is script run in the page before the map's own; `scheme` the reader's light or dark."""
    contexts = []

    def opener(
        html: Path,
        width: int = 1280,
        height: int = 800,
        tiles: bool = True,
        before: str = "",
        scheme: str = "light",
    ) -> MapPage:
        context = browser.new_context(
            viewport={"width": width, "height": height}, color_scheme=scheme
        )
        contexts.append(context)
        if before:
            context.add_init_script(before)
        return MapPage(context.new_page(), tiles).open(html)

    yield opener
    for context in contexts:
        context.close()


# Run before a map's script: records each dash pattern the page's canvas strokes with.
RECORD_DASHES = """
window.dashesDrawn = [];
for (const Context of [CanvasRenderingContext2D, OffscreenCanvasRenderingContext2D]) {
  const setLineDash = Context.prototype.setLineDash;
  Context.prototype.setLineDash = function (pattern) {
    if (pattern.length) window.dashesDrawn.push(pattern.join(" "));
    return setLineDash.call(this, pattern);
  };
}
"""

# Run before a map's script: records every stroke the page's canvases make, as
# [colour, width, alpha], so a test can see what each route line is drawn over.
RECORD_STROKES = """
window.strokesDrawn = [];
for (const Context of [CanvasRenderingContext2D, OffscreenCanvasRenderingContext2D]) {
  const stroke = Context.prototype.stroke;
  Context.prototype.stroke = function (...args) {
    window.strokesDrawn.push([String(this.strokeStyle), this.lineWidth, this.globalAlpha]);
    return stroke.apply(this, args);
  };
}
"""


def uncased_strokes(page, colours: set[str], casing: dict) -> tuple[int, list]:
    """How many strokes the page drew in one of `colours` (route lines), and those of them not
    drawn straight over a casing: a stroke of the casing's colour and opacity, `extraWeight`
    wider."""
    strokes = page.evaluate("window.strokesDrawn")
    lines = [(n, s) for n, s in enumerate(strokes) if s[0] in colours]
    bare = [
        s
        for n, s in lines
        if not (
            n
            and strokes[n - 1][0] == casing["color"]
            and strokes[n - 1][1] == s[1] + casing["extraWeight"]
            and abs(strokes[n - 1][2] - casing["opacity"]) < 0.01
        )
    ]
    return len(lines), bare


@pytest.fixture(scope="session")
def shipped_map(tmp_path_factory) -> Path:
    """The map of the shipped places.yaml, built once for the browser tests."""
    out = tmp_path_factory.mktemp("map") / "routes.html"
    build(SHIPPED_PLACES, out)
    return out


# Values of the style table (styles.py) changed, each to one that no code holds of its own: a map
# or an image made with them (style_table("changed")) draws them only where what draws reads
# the table. By the name of a table in routemap.styles, the entries to change.
CHANGED_STYLES = {
    "ARROW_STYLE": {"size": 9, "tip": 1.5, "spread": 2.2},
    "DENSE_DOT_STYLE": {"radiusScale": 0.75, "minRadius": 4, "weight": 1.25},
    "LEGEND_STYLE": {"minWeight": 2.5, "maxWeight": 4, "hollowWeight": 3.5},
    "INFERRED_LEG_STYLE": {"coreWeight": 0.3},
    "LINE_STYLE": {"lineJoin": "bevel", "lineCap": "square"},
    "BASEMAP_STYLE": {"namesHalo": 5},
}
CHANGED_MARKERS = {"context": {"fillColor": "#4b5a6b", "color": "#f0e0c0", "weight": 2}}


@contextmanager
def style_table(which: str):
    """The style table "as shipped" or "changed" (CHANGED_STYLES) while the block runs, for
    maps and images made in it; yields a copy of it as the page gets it (render.STYLE_TABLE)."""
    from routemap import styles
    from routemap.render import STYLE_TABLE

    with pytest.MonkeyPatch.context() as patch:
        if which == "changed":
            for name, entries in CHANGED_STYLES.items():
                for key, value in entries.items():
                    patch.setitem(getattr(styles, name), key, value)
            for role, entries in CHANGED_MARKERS.items():
                for key, value in entries.items():
                    patch.setitem(styles.MARKER_STYLES[role], key, value)
        yield copy.deepcopy(STYLE_TABLE)


def arrowhead_sides(arrow: dict) -> tuple[float, float]:
    """An arrowhead's shape (styles.py ARROW_STYLE) as lengths in pixels: of each side from its
    tip to a back corner, and of its back."""
    size, tip, spread = arrow["size"], arrow["tip"], arrow["spread"]
    side = size * math.sqrt(tip * tip + 1 - 2 * tip * math.cos(spread))
    return side, 2 * size * math.sin(spread)


def triangle_sides(corners) -> tuple[float, float, float]:
    """A triangle's sides from its first corner (the tip) to the other two, and between those."""
    tip, left, right = corners
    return math.dist(tip, left), math.dist(tip, right), math.dist(left, right)


def key_width(weight: float, legend: dict) -> float:
    """How wide the legend's key of a line `weight` pixels wide is (styles.py LEGEND_STYLE)."""
    return min(max(weight, legend["minWeight"]), legend["maxWeight"])
