"""The offline base map: the shipped data names its source and stays small, its outlines and
label points are made right from a topology, and with tiles blocked a reader sees land and sea
where they are (and checkers find nothing wrong in that state)."""

from __future__ import annotations

import json
import struct
import zlib
from importlib import resources

import pytest

from routemap.basemap import DATA_FILE, basemap_script, label_point, make
from routemap.styles import BASEMAP_STYLE
from tests.conftest import TILE_HOST


def shipped() -> dict:
    return json.loads(resources.files("routemap").joinpath(DATA_FILE).read_text(encoding="utf-8"))


def test_the_shipped_outlines_name_their_source_and_stay_small():
    data = shipped()
    assert data["source"].startswith("Natural Earth") and "world-atlas" in data["source"]
    names = {country["name"] for country in data["countries"]}
    assert {"Russia", "Georgia", "Kazakhstan", "Finland", "Mongolia", "Azerbaijan"} <= names
    assert resources.files("routemap").joinpath(DATA_FILE).read_bytes().__len__() < 110_000
    assert len(basemap_script()) < 60_000  # what the page carries: gzip in base64


def test_arcs_are_decoded_and_rings_joined_as_topojson_says():
    # Two unit squares sharing their middle edge (arc 1), quantized 1:1 with a shift of (10, 20).
    topology = {
        "transform": {"scale": [1, 1], "translate": [10, 20]},
        "arcs": [
            [[1, 0], [-1, 0], [0, 1], [1, 0]],  # (11,20) (10,20) (10,21) (11,21): left square
            [[1, 1], [0, -1]],  # (11,21) -> (11,20): the shared edge
            [[1, 0], [1, 0], [0, 1], [-1, 0]],  # (11,20) (12,20) (12,21) (11,21): right square
        ],
        "objects": {
            "countries": {
                "geometries": [
                    {
                        "type": "Polygon",
                        "arcs": [[0, 1]],
                        "id": "1",
                        "properties": {"name": "West"},
                    },
                    {
                        "type": "Polygon",
                        "arcs": [[2, ~1]],
                        "id": "2",
                        "properties": {"name": "East"},
                    },
                ]
            }
        },
    }
    countries = {c["name"]: c for c in make(topology)["countries"]}
    assert countries["West"]["at"] == (10.5, 20.5)
    assert countries["East"]["at"] == (11.5, 20.5)


def test_a_crescent_is_named_inside_itself():
    # A C shape whose centroid falls in its mouth: the name goes on the shape.
    ring = [(0, 0), (4, 0), (4, 1), (1, 1), (1, 3), (4, 3), (4, 4), (0, 4)]
    x, y = label_point([ring])
    assert 0 <= x <= 1 and 0 <= y <= 4


def pixel(page, x: float, y: float) -> str:
    """The colour the reader sees at a point of the page, as #rrggbb."""
    png = page.screenshot(clip={"x": x, "y": y, "width": 1, "height": 1}, animations="disabled")
    chunks, at = {}, 8
    while at < len(png):
        (length,) = struct.unpack(">I", png[at : at + 4])
        kind = png[at + 4 : at + 8]
        chunks.setdefault(kind, b"")
        chunks[kind] += png[at + 8 : at + 8 + length]
        at += 12 + length
    row = zlib.decompress(chunks[b"IDAT"])
    return "#" + row[1:4].hex()


AROUND = [(0, 0), (-8, 0), (8, 0), (0, -8), (0, 8)]

# Points that are land and sea at any zoom of the first view (lat, lon).
LAND = (60.0, 100.0)  # central Siberia, away from every route, label, name and control
SEA = (42.5, 34.0)  # the middle of the Black Sea


@pytest.mark.parametrize("size", [(1280, 800), (390, 844)])
def test_with_tiles_blocked_the_reader_sees_land_and_sea(shipped_map, open_map, size):
    shown = open_map(shipped_map, *size, tiles=False)
    page = shown.page
    # Ready means ready to read: failed tiles are no ground, the outlines are drawn.
    assert page.evaluate("window.routeMap.basemapReady") is True
    assert page.locator(".tile-notice").inner_text().startswith("Map tiles could not load")
    box = page.locator(".folium-map").bounding_box()
    for (lat, lon), colour in ((LAND, BASEMAP_STYLE["land"]), (SEA, BASEMAP_STYLE["sea"])):
        x, y = page.evaluate(
            "([lat, lon]) => { const p = window.routeMap.map.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }",
            [lat, lon],
        )
        # Most of a few pixels round the point (a label or leader line may cross one).
        seen = [pixel(page, box["x"] + x + dx, box["y"] + y + dy) for dx, dy in AROUND]
        assert seen.count(colour) >= 3, (lat, lon, seen)


def test_with_tiles_blocked_axe_core_finds_no_violation(shipped_map, open_map):
    from axe_playwright_python.sync_playwright import Axe

    for size in [(1280, 800), (390, 844)]:
        page = open_map(shipped_map, *size, tiles=False).page
        results = Axe().run(page)
        assert results.violations_count == 0, results.generate_report()


TILES_IN_VIEW = """() => {
  const map = window.routeMap.map;
  let layer = null;
  map.eachLayer((l) => { if (l instanceof L.TileLayer) layer = l; });
  const z = layer._tileZoom, n = 2 ** z, bounds = map.getBounds();
  const a = map.project(bounds.getNorthWest(), z).divideBy(256).floor();
  const b = map.project(bounds.getSouthEast(), z).divideBy(256).floor();
  const tiles = [];
  for (let x = a.x; x <= b.x; x++) for (let y = Math.max(a.y, 0); y <= Math.min(b.y, n - 1); y++) tiles.push(`${z}/${((x % n) + n) % n}/${y}`);
  return tiles;
}"""


@pytest.mark.parametrize("size", [(1280, 800), (390, 844)])
def test_online_no_outlines_are_made_and_only_the_first_views_tiles_are_fetched(
    shipped_map, open_map, size
):
    """Online the tiles cover the offline outlines: the page neither reads nor draws them, and
    it fetches the tiles of the view the reader first sees, none for a view passed on the way."""
    shown = open_map(shipped_map, *size)
    page = shown.page
    assert page.evaluate("window.routeMap.basemapReady") is False
    assert page.locator(".leaflet-basemap-pane canvas").count() == 0
    assert page.locator(".tile-notice").count() == 0
    fetched = {
        url.split(TILE_HOST + "/")[1].rsplit(".", 1)[0]
        for url in shown.requests
        if TILE_HOST in url
    }
    assert fetched and fetched <= set(page.evaluate(TILES_IN_VIEW))


def test_tiles_that_fail_after_the_first_view_bring_the_outlines(shipped_map, open_map):
    """A reader who loses the network while reading: the tiles of a new view fail, and the
    offline outlines are drawn under the routes with the notice."""
    shown = open_map(shipped_map)
    page = shown.page
    assert page.evaluate("window.routeMap.basemapReady") is False
    page.unroute("**/*")
    page.route(
        "**/*", lambda route: route.abort() if TILE_HOST in route.request.url else route.continue_()
    )
    page.evaluate("() => { window.routeMap.map.setView([41.7, 44.8], 8, {animate: false}); }")
    page.wait_for_function("window.routeMap.basemapReady")
    assert page.locator(".leaflet-basemap-pane canvas").count() == 1
    assert page.locator(".tile-notice").inner_text().startswith("Map tiles could not load")
