"""A generated map of a thousand places behaves as the small one does."""

from __future__ import annotations

import gzip
import itertools
import json
import math
import os
import random
import re
import subprocess
import sys

import pytest

from routemap.build import build
from routemap.geometry import lines_between
from routemap.load import read_places
from routemap.models import columns_of
from routemap.packed import (
    gzip_in_parts,
    json_pieces,
    link_names,
    packed_quotes,
    plain_link_name,
)
from routemap.render import _packed_fields, map_data, quote_link_names, with_leg_lines
from routemap.styles import BIG_MAP_COLOURS, CASING_STYLE, MODE_STYLES, STATUS_STYLES

from .conftest import RECORD_DASHES, RECORD_STROKES, REPO, uncased_strokes
from .synthetic import synthetic_places


def synthetic_map(tmp_path_factory, n: int, seed: int):
    """A synthetic map of n places and n journeys (2n quotes), built: (its records, the page)."""
    folder = tmp_path_factory.mktemp(f"map{n}")
    places = folder / "places.yaml"
    places.write_text(synthetic_places(n, n, 2 * n, seed=seed), encoding="utf-8")
    out = folder / "routes.html"
    build(places, out)
    return read_places(places), out


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    return synthetic_map(tmp_path_factory, 1000, seed=7)


def test_the_big_map_is_compact(big):
    records, out = big
    page = out.read_text(encoding="utf-8")
    assert 'data-encoding="gzip-base64"' in page
    assert len(records.places) == 1000 and len(records.quotes) == 2000


# For points of the map's container, the most opaque pixel within a pixel of each on the
# canvases of a pane (bulk.js paints a big map's routes and dots on tiles, and its chosen journey
# on a canvas of its own): 0 where nothing is painted there.
INK_AT = """([pane, points]) => {
  const tiles = Array.from(document.querySelectorAll(".leaflet-" + pane + "-pane canvas"));
  const frame = window.routeMap.map.getContainer().getBoundingClientRect();
  return points.map(([x, y]) => {
    let most = 0;
    const px = frame.left + x, py = frame.top + y;
    for (const tile of tiles) {
      const r = tile.getBoundingClientRect();
      if (px < r.left || px >= r.right || py < r.top || py >= r.bottom) continue;
      const scale = tile.width / r.width;
      const pixels = tile.getContext("2d").getImageData(Math.floor((px - r.left) * scale) - 1, Math.floor((py - r.top) * scale) - 1, 3, 3).data;
      for (let i = 3; i < pixels.length; i += 4) most = Math.max(most, pixels[i]);
    }
    return most;
  });
}"""


def in_view(page, points: list[list[float]]) -> list[list[float]]:
    """The container points of [lon, lat] pairs that lie inside the map's box."""
    return page.evaluate(
        """points => {
            const map = window.routeMap.map, size = map.getSize();
            return points.map(([lon, lat]) => map.latLngToContainerPoint([lat, lon]))
                         .filter(p => p.x >= 0 && p.y >= 0 && p.x < size.x && p.y < size.y)
                         .map(p => [p.x, p.y]);
        }""",
        points,
    )


def opened_whole(open_map, out, n: int):
    """The map opened, with no error, drawing all its n places and n journeys."""
    shown = open_map(out)
    assert shown.page_errors == []
    assert shown.page.evaluate("window.routeMap.drawn()") == {"places": n, "journeys": n}
    return shown


def test_every_place_and_journey_is_drawn(big, open_map):
    """Every dot and every leg is painted on the big map's tiles where it lies."""
    records, out = big
    shown = opened_whole(open_map, out, 1000)
    page = shown.page
    dots = [
        page.evaluate("id => window.routeMap.dotPoint(id).slice(0, 2)", p.id)
        for p in records.places
    ]
    assert len(dots) == 1000
    assert min(page.evaluate(INK_AT, ["bulkPlaces", dots])) > 0  # (a hollow dot: 0.15 opaque)
    data = with_leg_lines(map_data(records))
    middles = [leg["arrow"][:2] for j in data["journeys"] for leg in j["legs"] if leg.get("arrow")]
    points = in_view(page, middles)
    assert len(points) == len(middles) > 1000
    assert min(page.evaluate(INK_AT, ["bulkRoutes", points])) > 0


def test_a_popup_shows_its_quotes(big, open_map):
    records, out = big
    place = next(p for p in records.places if any(q.place == p.id for q in records.quotes))
    expected = [q.text for q in records.quotes if q.place == place.id]
    shown = open_map(out)
    shown.page.evaluate("id => window.routeMap.openPlace(id)", place.id)
    popup = shown.page.locator(".leaflet-popup-content")
    assert popup.locator("h2").inner_text() == place.name
    assert popup.locator("blockquote").all_inner_texts() == expected


def test_the_layer_control_switches_journeys_by_kind(big, open_map):
    records, out = big
    page = open_map(out).page
    labels = page.locator(".leaflet-control-layers-overlays label").all_text_contents()
    assert [label.strip() for label in labels] == [
        "Journeys people describe (900)",
        "Routes the articles discuss (100)",
        "Places",
    ]
    page.hover(".leaflet-control-layers")
    page.wait_for_timeout(300)
    data = with_leg_lines(map_data(records))
    trip = next(j for j in data["journeys"] if not j.get("group"))
    route = next(j for j in data["journeys"] if j.get("group"))

    def offered(journey) -> list[str]:
        """The journeys a click at the middle of the journey's first leg offers."""
        ((x, y),) = in_view(page, [journey["legs"][0]["arrow"][:2]])
        return page.evaluate("([x, y]) => window.routeMap.routesAt(x, y)", [x, y])

    assert trip["id"] in offered(trip) and route["id"] in offered(route)
    page.locator(
        ".leaflet-control-layers-overlays label", has_text="Journeys people describe"
    ).locator("input").uncheck()
    page.wait_for_timeout(300)
    assert trip["id"] not in offered(trip) and route["id"] in offered(route)
    assert not any(
        j in {x["id"] for x in data["journeys"] if not x.get("group")} for j in offered(trip)
    )


def test_search_and_the_panel_work_on_the_big_map(big, open_map):
    records, out = big
    page = open_map(out).page
    page.get_by_label("Find a journey, person, place or quote").fill("Place 123")
    assert page.locator(".search-results .result-name").first.inner_text() == "Place 123"
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup-content h2")
    assert page.locator(".leaflet-popup-content h2").inner_text() == "Place 123"
    # The panel's long list comes in parts of 200, the first open; each is written when opened.
    parts = page.locator(".journeys-section .journey-part > summary")
    assert parts.all_inner_texts() == [
        f"Journeys {n + 1}–{min(n + 200, 900)}" for n in range(0, 900, 200)
    ]
    entries = page.locator(".journeys-section .journey")
    assert entries.count() == 200
    parts.last.click()
    page.wait_for_function("document.querySelectorAll('.journeys-section .journey').length === 300")
    last = [j for j in records.journeys if j.status == "trip"][-1]
    assert entries.last.inner_text() == last.name
    page.locator("summary", has_text="Journey 0").first.click()
    # The chosen journey's popup (once its flight ends: the popup is first opened for a moment
    # to be measured, and fades as the flight starts) lists its legs in order.
    page.wait_for_function(
        "() => { const p = window.routeMap.map._popup;"
        " return Boolean(p && p.isOpen() && p.routeLink && p.routeLink.journey === 'journey-0'); }"
    )
    page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 1")
    legs = page.locator(".leaflet-popup-content ol.legs li")
    journey = next(j for j in records.journeys if j.name == "Journey 0")
    assert legs.count() == len(journey.legs)


def test_hovering_and_clicking_a_dot_on_the_dense_map(big, open_map):
    records, out = big
    shown = open_map(out)
    place = records.places[500]
    shown.page.evaluate(
        "id => { window.routeMap.map.setView(window.routeMap.placeLatLng(id), 12, {animate: false}); }",
        place.id,
    )
    shown.redrawn()
    shown.page.mouse.move(*shown.marker_point(place.id))
    shown.page.locator(".leaflet-tooltip", has_text=place.name).wait_for()
    shown.page.mouse.click(*shown.marker_point(place.id))
    shown.page.locator(".leaflet-popup-content h2", has_text=place.name).wait_for()


def test_places_on_one_another_are_offered_to_choose_from(big, open_map):
    """A dense map does not spread its dots: where several lie under one click, the reader
    chooses among them, and each opens its own popup."""
    records, out = big
    shown = open_map(out)
    names = {place.id: place.name for place in records.places}
    # The dot with the most other dots under its middle, at the first view.
    pile = shown.page.evaluate(
        """() => {
            const points = window.routeMap.placeIds().map(id => [id, window.routeMap.dotPoint(id)]);
            let best = [];
            for (const [id, [x, y]] of points) {
                const under = points.filter(([, [u, v, r]]) => Math.hypot(u - x, v - y) <= r + 2).map(([other]) => other);
                if (under.length > best.length) best = [id, ...under.filter(other => other !== id)];
            }
            return best;
        }"""
    )
    assert len(pile) >= 3, pile
    box = shown.page.locator(".folium-map").bounding_box()
    x, y, _ = shown.page.evaluate("id => window.routeMap.dotPoint(id)", pile[0])
    shown.page.mouse.click(box["x"] + x, box["y"] + y)
    popup = shown.page.locator(".leaflet-popup-content")
    heading = popup.locator("h2").inner_text()
    offered = popup.locator(".route-choices button").all_inner_texts()
    assert heading == f"{len(offered)} places here"
    assert {names[pile[0]]} <= set(offered) <= {names[id] for id in pile}
    assert len(offered) >= 3
    shown.settled()
    popup.get_by_role("button", name=offered[-1]).click()
    popup.locator("h2", has_text=offered[-1]).wait_for()


def test_dashes_and_arrows_show_once_zoomed_in(big, open_map):
    """The overview of a big map draws its lines solid, without arrowheads (there they would be
    a thicket, and slow to draw); zoomed in, modes are dashed and arrows point the way."""
    records, out = big
    shown = open_map(out, before=RECORD_DASHES + RECORD_ARROWHEADS)
    page = shown.page
    assert page.evaluate("window.routeMap.map.getZoom()") < 5
    line_dashes = {
        s["dashArray"] for s in [*MODE_STYLES.values(), *STATUS_STYLES.values()] if "dashArray" in s
    }
    assert line_dashes & set(page.evaluate("window.dashesDrawn")) == set()
    legend = page.locator(".route-legend").inner_text()
    assert "Zoom in to see dashes and arrows" in legend

    assert page.evaluate("window.arrowheadsDrawn") == []

    leg = records.journeys[0].legs[0]
    page.evaluate(
        "id => { window.routeMap.map.setView(window.routeMap.placeLatLng(id), 6, {animate: false}); }",
        leg.to,
    )
    shown.redrawn()
    assert {"10 4", "14 4 2 4", "2 5", "1 7"} & set(page.evaluate("window.dashesDrawn"))
    # An arrowhead for each leg whose middle is in view (and some just beyond), in its colour.
    data = with_leg_lines(map_data(records))
    middles = [leg["arrow"][:2] for j in data["journeys"] for leg in j["legs"] if leg.get("arrow")]
    in_sight = in_view(page, middles)
    arrows = page.evaluate("window.arrowheadsDrawn")
    assert len(arrows) >= len(in_sight) > 0
    assert set(arrows) <= {j["colour"] for j in data["journeys"]}


# Run before a map's script: records the colour of each fill a big map's tiles make in a
# journey's colour (on the route tiles only arrowheads are filled; dots have colours of their own).
RECORD_ARROWHEADS = """
window.arrowheadsDrawn = [];
const colours = new Set(ROUTE_COLOURS);
for (const Context of [CanvasRenderingContext2D, OffscreenCanvasRenderingContext2D]) {
  const fill = Context.prototype.fill;
  Context.prototype.fill = function (...args) {
    if (colours.has(String(this.fillStyle))) window.arrowheadsDrawn.push(String(this.fillStyle));
    return fill.apply(this, args);
  };
}
""".replace(
    "ROUTE_COLOURS",
    json.dumps(sorted(set(BIG_MAP_COLOURS) | {s["color"] for s in STATUS_STYLES.values()})),
)


def test_the_big_maps_lines_keep_their_contrast_overview_and_zoomed_in(big, open_map):
    """The overview draws no casings (for speed) and so only colours that keep 3:1 without one
    (tests/test_styles.py); zoomed in, every line lies on its pale casing."""
    records, out = big
    colours = set(map_data(records)["journeys"]["colour"])
    assert colours == set(BIG_MAP_COLOURS) | {s["color"] for s in STATUS_STYLES.values()}
    shown = open_map(out, before=RECORD_STROKES)
    drawn, bare = uncased_strokes(shown.page, colours, CASING_STYLE)
    assert drawn >= len(records.journeys) and len(bare) == drawn
    shown.page.evaluate(
        "() => { window.strokesDrawn = []; window.routeMap.map.setZoom(6, {animate: false}); }"
    )
    shown.redrawn()
    drawn, bare = uncased_strokes(shown.page, colours, CASING_STYLE)
    assert drawn > 0 and bare == []


def test_older_browsers_unpack_the_big_map_too(big, open_map):
    """Browsers without Uint8Array.fromBase64 (before 2025) decode the data through a data:
    address instead."""
    _, out = big
    shown = open_map(out, before="delete Uint8Array.fromBase64;")
    assert shown.page_errors == []
    assert shown.page.evaluate("window.routeMap.drawn()") == {"places": 1000, "journeys": 1000}


@pytest.fixture(scope="module")
def huge(tmp_path_factory):
    """A map of 20,000 places and 20,000 journeys (issue 15): every one still reachable."""
    return synthetic_map(tmp_path_factory, 20_000, seed=11)


def test_a_huge_maps_dots_and_lines_open_their_popups(huge, open_map):
    records, out = huge
    shown = opened_whole(open_map, out, 20_000)
    page = shown.page
    # A dot, zoomed in on: hovered, it is named; clicked, its popup opens.
    place = records.places[12_345]
    page.evaluate(
        "id => window.routeMap.map.setView(window.routeMap.placeLatLng(id), 11, {animate: false})",
        place.id,
    )
    shown.redrawn()
    page.mouse.move(*shown.marker_point(place.id))
    page.locator(".leaflet-tooltip", has_text=place.name).wait_for()
    page.mouse.click(*shown.marker_point(place.id))
    page.locator(".leaflet-popup-content h2", has_text=place.name).wait_for()
    # A line: a click at the middle of a journey's leg offers that journey's leg.
    data = with_leg_lines(map_data(records))
    journey = next(
        j for j in data["journeys"][7_000:] if not j.get("group") and j["legs"][0].get("arrow")
    )
    lon, lat = journey["legs"][0]["arrow"][:2]
    page.keyboard.press("Escape")
    page.evaluate(
        "([lat, lon]) => window.routeMap.map.setView([lat, lon], 9, {animate: false})", [lat, lon]
    )
    shown.redrawn()
    ((x, y),) = in_view(page, [[lon, lat]])
    box = page.locator(".folium-map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    popup = page.locator(".leaflet-popup-content")
    popup.locator("h2").first.wait_for()
    if popup.locator(".show-all").count():  # more cross there than are listed at first
        shown.settled()
        popup.locator(".show-all").click()
    offered = popup.locator(".route-choices button").all_inner_texts()
    if offered:  # lines cross there: the journey is among those offered, and opens
        assert journey["name"] in offered
        shown.settled()
        popup.get_by_role("button", name=journey["name"], exact=True).click()
    page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 1")
    popup.locator("h2", has_text=journey["name"]).wait_for()
    assert "Leg 1 of" in popup.inner_text()


def test_hundreds_of_routes_under_a_click_are_offered_thirty_then_all(huge, open_map):
    """On the overview of 20,000 journeys hundreds of routes cross under a click (off the dots):
    the popup lists
    the first 30 and "Show all N", which lists every one (the keyboard's focus on the first
    added), each opening its own leg."""
    _, out = huge
    shown = open_map(out)
    page = shown.page
    found = page.evaluate(
        """() => {
            const map = window.routeMap.map;
            const size = map.getSize();
            const frame = map.getContainer().getBoundingClientRect();
            for (let r = 0; r < 300; r += 5) for (let a = 0; a < 12; a++) {
                const x = Math.round(size.x / 2 + r * Math.cos(a * Math.PI / 6));
                const y = Math.round(size.y / 2 + r * Math.sin(a * Math.PI / 6));
                const on = document.elementFromPoint(frame.left + x, frame.top + y);
                if (!on || on.closest(".leaflet-control")) continue;  // (the legend is over the map)
                const here = window.routeMap.routesAt(x, y);
                if (here.length > 40 && !window.routeMap.placesAt(x, y).length) return [x, y, here];
            }
            return null;
        }"""
    )
    assert found, "no point of the overview has more than 40 routes under it"
    x, y, here = found
    box = page.locator(".folium-map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    popup = page.locator(".leaflet-popup-content")
    popup.locator("h2", has_text=f"{len(here)} routes here").wait_for()
    buttons = popup.locator(".route-choices button")
    assert buttons.count() == 30
    shown.settled()  # (the popup pans the map into view: a click before it stops can miss)
    popup.get_by_role("button", name=f"Show all {len(here)}").click()
    assert buttons.count() == len(here)
    assert page.evaluate("document.activeElement.textContent") == buttons.nth(30).inner_text()
    last = buttons.nth(len(here) - 1).inner_text()
    shown.settled()
    buttons.nth(len(here) - 1).click()
    popup.locator("h2", has_text=last).wait_for()


def test_a_huge_maps_search_and_panel_find_every_kind(huge, open_map):
    records, out = huge
    page = open_map(out).page
    box = page.get_by_label("Find a journey, person, place or quote")
    found = page.locator(".search-results .result-name")
    for query, name in [
        ("Place 19999", "Place 19999"),
        ("Journey 15432", "Journey 15432"),
        ("Route group 399", "Route group 399"),
    ]:
        box.fill(query)
        page.wait_for_function(
            "name => document.querySelector('.search-results .result-name')?.textContent === name",
            arg=name,
            timeout=30_000,
        )
        assert found.first.inner_text() == name
    # A quote, by its words, opens where it is shown.
    quote = records.quotes[39_999]
    box.fill(quote.text)
    page.wait_for_function(
        "() => document.querySelector('.search-status').textContent.endsWith('results')"
        " || document.querySelector('.search-status').textContent.endsWith('result')"
    )
    first = page.locator(".search-results .result").filter(has_text=quote.text[:60]).first
    first.click()
    page.locator(".leaflet-popup-content blockquote", has_text=quote.text).first.wait_for()
    # The panel lists every journey people describe, in parts of 200: the last part's last one
    # opens too.
    trips = [j for j in records.journeys if j.status == "trip"]
    parts = page.locator(".journeys-section .journey-part > summary")
    assert parts.count() == -(-len(trips) // 200)
    assert parts.last.inner_text() == f"Journeys {(len(trips) - 1) // 200 * 200 + 1}–{len(trips)}"
    parts.last.scroll_into_view_if_needed()
    parts.last.click()
    last = trips[-1]
    entry = page.locator(f'.journeys-section .journey[data-journey="{last.id}"] summary')
    entry.scroll_into_view_if_needed()
    entry.click()
    page.locator(".leaflet-popup-content h2", has_text=last.name).wait_for()


def _close_lines(got, want, tolerance):
    """Whether two lists of [lon, lat] points are the same points, each within `tolerance`."""
    return len(got) == len(want) and all(
        abs(a[0] - b[0]) <= tolerance and abs(a[1] - b[1]) <= tolerance
        for a, b in zip(got, want, strict=True)
    )


def test_the_big_maps_page_works_out_its_lines_as_the_map_has_them(big, open_map):
    """A big map's file carries no leg's line: its page works out each from the places it joins
    (page/arcs.js). Every leg's number, start, points and arrowhead come out as the map's data
    (geometry.leg_lines) has them, to a tenth of a metre beyond the places' own rounding (the page
    starts from places rounded to COORDINATE_DIGITS)."""
    records, out = big
    page = open_map(out).page
    worked_out = page.evaluate(
        """async () => {
            const data = await readRouteData(document.getElementById("route-data"));
            return data.journeys.map(j => j.legs.map(leg => [leg.number, leg.from, legLine(data, leg), legArrow(data, leg)]));
        }"""
    )
    data = with_leg_lines(map_data(records))
    expected = [
        [[leg["number"], leg["from"], leg["line"], leg.get("arrow")] for leg in journey["legs"]]
        for journey in data["journeys"]
    ]
    got = [leg for legs in worked_out for leg in legs]
    want = [leg for legs in expected for leg in legs]
    assert [leg[:2] for leg in got] == [leg[:2] for leg in want]
    flights = sum(len(leg[2]) > 2 for leg in want)
    assert flights > 100  # arcs, not only straight lines, are compared
    far = [
        n
        for n, (a, b) in enumerate(zip(got, want, strict=True))
        if not _close_lines(a[2], b[2], 1.1e-5)
    ]
    assert far == []
    assert [leg[3] is None for leg in got] == [leg[3] is None for leg in want]
    for a, b in zip(got, want, strict=True):
        if b[3] is not None:
            assert a[3][:2] == pytest.approx(b[3][:2], abs=1.1e-5)
            # (A tenth of a degree turns an arrowhead's tip by a fiftieth of a pixel.)
            assert (a[3][2] - b[3][2] + 180) % 360 - 180 == pytest.approx(0, abs=0.1)


# Legs whose lines are hard to get right: across the 180° meridian by air and by land, nearly
# antipodal (where Vincenty's method does not settle, and geographiclib's arc is given), to a
# pole's neighbourhood, of no length, along the equator and along a meridian.
HARD_LEGS = [
    ((64.73, 177.5), (61.17, -149.99), True),
    ((64.73, 177.5), (61.17, -149.99), False),
    ((0.0, 0.0), (0.5, 179.7), True),
    ((-33.9, 18.4), (35.0, -160.3), True),
    ((55.75, 37.62), (89.9, -30.0), True),
    ((43.24, 76.89), (43.24, 76.89), True),
    ((43.24, 76.89), (43.24, 76.89), False),
    ((0.0, 10.0), (0.0, 100.0), True),
    ((10.0, 30.0), (60.0, 30.0), True),
    ((-45.0, 170.0), (-40.0, -170.0), True),
]


def test_the_page_works_out_hard_legs_as_the_map_does(big, open_map):
    """The page's lines (arcs.js legLinesOf) for the hard cases are geometry.lines_between's."""
    page = open_map(big[1]).page
    ends = [(start, end) for start, end, _ in HARD_LEGS]
    flights = [flight for _, _, flight in HARD_LEGS]
    first, lat, lon, arrow_lat, arrow_lon, heading, by_geographiclib = lines_between(ends, flights)
    assert by_geographiclib == (2,)
    explicit = [
        [n, [[lat[p], lon[p]] for p in range(first[n], first[n + 1])]] for n in by_geographiclib
    ]
    got = page.evaluate(
        """([ends, flights, explicit]) => {
            const data = legLinesOf(new Float64Array(ends.flat(2)), Uint8Array.from(flights), { a: 6378137.0, f: 1 / 298.257223563, stepMetres: 250000 }, new Map(explicit));
            const lines = [];
            for (let i = 0; i < flights.length; i++) {
                const line = [];
                for (let p = data.first[i]; p < data.first[i + 1]; p++) line.push([data.lon[p], data.lat[p]]);
                lines.push([line, Number.isNaN(data.heading[i]) ? null : [data.arrowLon[i], data.arrowLat[i], data.heading[i]]]);
            }
            return lines;
        }""",
        [ends, flights, explicit],
    )
    for n, (line, arrow) in enumerate(got):
        want = [[lon[p], lat[p]] for p in range(first[n], first[n + 1])]
        assert _close_lines(line, want, 1e-9), HARD_LEGS[n]
        if math.isnan(heading[n]):
            assert arrow is None, HARD_LEGS[n]
        else:
            assert arrow == pytest.approx([arrow_lon[n], arrow_lat[n], heading[n]], abs=1e-9)


def test_the_big_maps_packed_data_is_its_data(big, open_map):
    """A big map's packed block leaves out what the page can tell itself (render._packed_fields):
    unpacked, its places, journeys and quotes are the map's data, colours included."""
    records, out = big
    page = open_map(out).page
    unpacked = page.evaluate(
        """async () => {
            const data = await readRouteData(document.getElementById("route-data"));
            const journeys = data.journeys.map(({ legs, ...journey }) => [journey, legs.map(({ number, from, at, ...leg }) => leg)]);
            data.quotes.forEach(q => quoteLink(data, q));  // (a name the page tells, when asked)
            return [data.places, journeys, Array.from(data.quotes)];
        }"""
    )
    data = map_data(records)
    rows = with_leg_lines(data)
    # (a big map's data names its quotes as it is packed: quote_link_names)
    quotes = [
        quote | {"link": link}
        for quote, link in zip(rows["quotes"], quote_link_names(records), strict=True)
    ]
    starts = data["journeys"]["from"]
    leg_fields = ("to", "mode", "when", "note", "inferred")
    journeys = [
        [
            {k: v for k, v in journey.items() if k != "legs"} | {"from": start},
            [{k: v for k, v in leg.items() if k in leg_fields} for leg in journey["legs"]],
        ]
        for journey, start in zip(rows["journeys"], starts, strict=True)
    ]
    assert unpacked == [rows["places"], journeys, quotes]


# Blocks to compress: nothing, one byte, text that repeats across where the parts meet, and bytes
# that do not compress at all.
_words = random.Random(5).choices(["border", "Верхний Ларс", "queue", "night", "ticket"], k=400_000)
GZIP_BLOCKS = [b"", b"x", " ".join(_words).encode(), random.Random(7).randbytes(300_000)]


def _cut(block: bytes, sizes: list[int]) -> list[bytes]:
    """The block in pieces of the given sizes, in turn, the last what is left."""
    pieces, at = [], 0
    for size in itertools.cycle(sizes):
        if at >= len(block):
            return pieces or [block]
        pieces.append(block[at : at + size])
        at += size


# Parts' sizes: one part for all, some parts (the text's 4 MB in 3, and in exactly 5), and
# parts smaller than a deflate window (32 kB); pieces as they come: whole, or of sizes in turn.
@pytest.mark.parametrize("part_bytes", [10**9, 1_500_000, 801_751, 20_000])
@pytest.mark.parametrize("sizes", [[10**9], [7, 100_000, 1, 33_000, 0]], ids=["whole", "pieces"])
@pytest.mark.parametrize("block", GZIP_BLOCKS, ids=["empty", "one byte", "text", "noise"])
def test_a_block_compressed_in_parts_reads_back_as_the_block(block, sizes, part_bytes):
    """gzip_in_parts' parts, each unpacked and joined, read back as the block, whatever pieces it
    came in (by Python's gzip, as by the browser's: the big map tests read it there); the
    parts are cut every part_bytes of the block and are the same bytes whatever the pieces."""
    parts = gzip_in_parts(_cut(block, sizes), part_bytes=part_bytes)
    assert b"".join(map(gzip.decompress, parts)) == block
    assert [len(gzip.decompress(part)) for part in parts[:-1]] == [part_bytes] * (len(parts) - 1)
    assert len(parts) == max(1, -(-len(block) // part_bytes))
    assert parts == gzip_in_parts([block], part_bytes=part_bytes)


@pytest.mark.parametrize("part_bytes", [1_500_000, 801_751])
def test_a_big_maps_parts_cost_next_to_nothing_against_one(part_bytes):
    """Parts of a big map's size, each compressed on its own, are no more than 1% bigger than
    the block gzipped whole (each restarts its dictionary: a deflate window is 32 kB)."""
    block = GZIP_BLOCKS[2]
    parts = gzip_in_parts([block], part_bytes=part_bytes)
    assert len(parts) > 1
    assert sum(map(len, parts)) <= len(gzip_in_parts([block], part_bytes=10**9)[0]) * 1.01


def test_a_big_maps_block_is_the_same_bytes_on_any_machine(monkeypatch):
    """Where gzip_in_parts cuts a block follows from the block, not from the machine's cores:
    a map rebuilt on a laptop with more cores than the newsroom's server is the same file."""
    block = GZIP_BLOCKS[2]  # (4 MB: nine parts)
    packed = []
    for cores in (1, 2, 8):
        monkeypatch.setattr(os, "cpu_count", lambda cores=cores: cores)
        packed.append(gzip_in_parts([block], part_bytes=500_000))
    assert packed[0] == packed[1] == packed[2]
    assert b"".join(map(gzip.decompress, packed[0])) == block


def test_a_big_maps_json_in_pieces_is_its_json(tmp_path):
    """json_pieces gives orjson's own bytes for a big map's data, a piece at a time."""
    import orjson

    places = tmp_path / "places.yaml"
    places.write_text(synthetic_places(60, 60, 90, seed=2), encoding="utf-8")
    data = map_data(read_places(places))
    data = _packed_fields(data, packed_quotes(data["quotes"]["speaker"], data["quotes"]["text"])[0])
    assert b"".join(json_pieces(data)) == orjson.dumps(data)
    assert max(map(len, json_pieces(data))) < len(orjson.dumps(data)) / 4


def test_a_big_map_without_quotes_is_drawn(tmp_path, open_map):
    """A big map may have no quotes at all (its data block then ends with its tables): it is
    drawn, and its journeys open their popups."""
    text = synthetic_places(60, 60, 0, seed=3).replace("\nquotes:\n", "\nquotes: []\n")
    places = tmp_path / "places.yaml"
    places.write_text(text, encoding="utf-8")
    out = tmp_path / "routes.html"
    build(places, out)
    assert 'data-encoding="packed-gzip-parts"' in out.read_text(encoding="utf-8")
    page = open_map(out, tiles=False).page
    page.evaluate("window.routeMap.selectJourney('journey-7', null, true)")
    page.wait_for_function(
        "() => { const p = window.routeMap.map._popup; return Boolean(p && p.isOpen() && p.routeLink && p.routeLink.journey === 'journey-7'); }"
    )
    shown = page.evaluate("window.routeMap.map._popup.getElement().innerText")
    assert "Journey 7" in shown


def test_the_same_file_makes_the_same_big_map_byte_for_byte(tmp_path):
    """A newsroom keeps its maps under version control: building an unchanged file again, in
    another process (whose string hashing differs), writes the same bytes."""
    places = tmp_path / "places.yaml"
    places.write_text(synthetic_places(300, 300, 600, seed=11), encoding="utf-8")
    pages = []
    for seed in ("1", "2"):
        out = tmp_path / f"routes-{seed}.html"
        subprocess.run(
            [sys.executable, "routes.py", "--places", str(places), "--out", str(out)],
            cwd=REPO,
            env=os.environ | {"PYTHONHASHSEED": seed},
            check=True,
            capture_output=True,
        )
        pages.append(out.read_bytes())
    assert b'data-encoding="packed-gzip-parts"' in pages[0]
    assert pages[0] == pages[1]


def test_a_journey_chosen_on_the_big_map_stands_out_until_its_popup_closes(big, open_map):
    """On a big map's thicket the chosen journey is drawn over the others with its detail, and
    the others step back; closing its popup brings them all back."""
    records, out = big
    shown = open_map(out)
    page = shown.page
    journey = next(j for j in with_leg_lines(map_data(records))["journeys"] if not j.get("group"))
    page.evaluate("id => window.routeMap.selectJourney(id, null, true)", journey["id"])
    page.wait_for_function(
        "id => { const p = window.routeMap.map._popup; return Boolean(p && p.isOpen() && p.routeLink && p.routeLink.journey === id); }",
        arg=journey["id"],
    )
    shown.redrawn()
    box = page.locator(".folium-map")
    assert "route-chosen" in box.get_attribute("class")
    assert (
        page.evaluate(
            "getComputedStyle(document.querySelector('.leaflet-bulkRoutes-pane')).opacity"
        )
        == "0.35"
    )
    # The chosen journey's lines are drawn on a canvas of their own, over the dots.
    middles = [leg["arrow"][:2] for leg in journey["legs"] if leg.get("arrow")]
    points = in_view(page, middles)
    assert points and min(page.evaluate(INK_AT, ["chosenRoute", points])) > 200
    page.keyboard.press("Escape")
    page.wait_for_function(
        "!document.querySelector('.folium-map').classList.contains('route-chosen')"
    )
    assert (
        page.evaluate(
            "getComputedStyle(document.querySelector('.leaflet-bulkRoutes-pane')).opacity"
        )
        == "1"
    )


# Quotes whose names the page cannot tell from their plain English start (packed.plain_link_name):
# other letters and scripts, a name already taken, letters that fold to others, no words at all.
TRICKY_QUOTES = [
    "Café au lait, then the border.",
    "Мы уехали ночью, в пятницу.",
    "Same words, said twice.",
    "Same words, said twice.",
    "STRASSE und Straße sind gesperrt.",
    "İstanbul was the only way.",
    "… — …",
    "under_score 42 words here and more",
]


@pytest.mark.parametrize(
    "texts",
    [
        TRICKY_QUOTES,
        ["Plain words, four of them here.", "Plain words four of", "plain-words-four-of"],
        ["", "...", "a", "A_b 9", "x" * 300 + " y", "mixed Ünïcode and ASCII", "ß is ss"],
    ],
    ids=["tricky", "taken", "short"],
)
def test_a_quotes_link_name_is_its_speaker_and_first_four_words_case_folded(texts):
    """link_names' rule, whichever way it finds the words: runs of letters, digits and _
    (Python's \\w), case-folded, the first four; a name taken already gets -2, -3, ..."""
    expected, taken = [], set()
    for text in texts:
        name = "-".join(["person-1", *re.findall(r"\w+", text.casefold())[:4]])
        unique, n = name, 1
        while unique in taken:
            n += 1
            unique = f"{name}-{n}"
        taken.add(unique)
        expected.append(unique)
    assert link_names(["person-1"] * len(texts), texts) == expected
    # What a big map's data carries: None where the page tells the name itself.
    plain = [plain_link_name("person-1", text) for text in texts]
    assert link_names(["person-1"] * len(texts), texts, none_where_plain=True) == [
        None if name == tells else name for name, tells in zip(expected, plain, strict=True)
    ]


def test_columns_of_gives_each_field_in_the_records_order():
    places = read_places(REPO / "places.yaml").places
    for fields in [("id",), ("id", "name", "country"), ("kind", "id")]:
        columns = columns_of(places, *fields)
        assert list(columns) == list(fields)
        for field in fields:
            assert columns[field] == [getattr(place, field) for place in places]
    assert columns_of([], "id", "name") == {"id": [], "name": []}
    assert columns_of(places) == {}


def test_a_big_maps_quote_links_are_each_quotes_own_name(tmp_path, open_map):
    """A big map's page names every quote as quote_link_names does (its data leaves out the
    names the page can tell itself), so an address of any quote opens that quote."""
    text = synthetic_places(60, 60, 20, seed=3) + "".join(
        f"  - text: {json.dumps(quote)}\n    speaker: person-1\n    source: source-0\n"
        f"    journey: journey-{n}\n"
        for n, quote in enumerate(TRICKY_QUOTES)
    )
    places = tmp_path / "places.yaml"
    places.write_text(text, encoding="utf-8")
    out = tmp_path / "routes.html"
    build(places, out)
    records = read_places(places)
    assert 'data-encoding="packed-gzip-parts"' in out.read_text(encoding="utf-8")
    shown = open_map(out, tiles=False)
    names = shown.page.evaluate(
        """async () => {
            const data = await readRouteData(document.getElementById("route-data"));
            return data.quotes.map(q => quoteLink(data, q));
        }"""
    )
    assert names == quote_link_names(records)
    assert "person-1-мы-уехали-ночью-в" in names and "person-1-same-words-said-twice-2" in names
    shown.page.goto(out.resolve().as_uri() + "#quote=person-1-мы-уехали-ночью-в")
    marked = shown.page.locator(".leaflet-popup-content .linked blockquote")
    marked.wait_for()
    assert marked.inner_text() == TRICKY_QUOTES[1]


def printed_by(script: str) -> list[str]:
    """The lines a Python script prints, run in a fresh interpreter of its own (what it has
    imported is its own), in the repository."""
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, check=True
    )
    return done.stdout.split("\n")


def test_a_build_does_without_pandas_where_it_is_installed(tmp_path):
    """folium imports pandas when it can, only to take DataFrames, which the tool never gives
    it: a build leaves it unimported (it cost every build 33 MB and a seventh of a second), and
    the map is drawn all the same; pandas, installed with the tests, still imports after, and
    folium still takes its DataFrames (a notebook may draw the map and use folium as well)."""
    places = tmp_path / "places.yaml"
    places.write_text(synthetic_places(60, 60, 60, seed=4), encoding="utf-8")
    out = tmp_path / "routes.html"
    script = (
        "import sys\n"
        "from routemap.cli import main\n"
        f"assert main(['--places', {str(places)!r}, '--out', {str(out)!r}]) == 0\n"
        "print('pandas' in sys.modules)\n"
        "import pandas, folium.plugins\n"
        "places = pandas.DataFrame({'lat': [50.0, 51.0], 'lon': [10.0, 11.0]})\n"
        "print(folium.plugins.HeatMap(places).data)\n"
    )
    assert printed_by(script)[-3:] == ["False", "[[50.0, 10.0], [51.0, 11.0]]", ""]
    assert 'data-encoding="packed-gzip-parts"' in out.read_text(encoding="utf-8")


def test_a_build_leaves_requests_unimported_until_something_uses_it(tmp_path):
    """folium imports requests for one function the tool never calls: a build leaves it
    unimported (some 50 ms of every build), and it is there, the real module, for whoever uses
    it after (folium's GeoJson from an address, a geocoder)."""
    out = tmp_path / "routes.html"
    script = (
        "import sys\n"
        "from routemap.cli import main\n"
        f"assert main(['--places', 'places.yaml', '--out', {str(out)!r}]) == 0\n"
        "print('urllib3' in sys.modules)\n"
        "import folium.features, requests\n"
        "print(folium.features.requests.get is requests.get, requests.get.__module__)\n"
        "print(type(sys.modules['requests']).__name__, requests.adapters.HTTPAdapter.__name__)\n"
    )
    assert printed_by(script)[-4:] == ["False", "True requests.api", "module HTTPAdapter", ""]
