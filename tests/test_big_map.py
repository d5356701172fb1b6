"""A generated map of a thousand places behaves as the small one does."""

from __future__ import annotations

import pytest

from routemap.build import build
from routemap.load import read_places
from routemap.render import map_data
from routemap.styles import BIG_MAP_COLOURS, CASING_STYLE, STATUS_STYLES

from .conftest import RECORD_DASHES, RECORD_STROKES, uncased_strokes
from .synthetic import synthetic_places


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    folder = tmp_path_factory.mktemp("big")
    places = folder / "places.yaml"
    places.write_text(synthetic_places(1000, 1000, 2000, seed=7), encoding="utf-8")
    out = folder / "routes.html"
    build(places, out)
    return read_places(places), out


def test_the_big_map_is_compact(big):
    records, out = big
    page = out.read_text(encoding="utf-8")
    assert 'data-encoding="gzip-base64"' in page
    assert len(records.places) == 1000 and len(records.quotes) == 2000


def test_every_place_and_journey_is_drawn(big, open_map):
    records, out = big
    shown = open_map(out)
    assert shown.page_errors == []
    counts = shown.page.evaluate(
        "() => [Object.keys(window.routeMap.markers).length, Object.keys(window.routeMap.journeyLayers).length]"
    )
    assert counts == [1000, 1000]


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
    _, out = big
    page = open_map(out).page
    labels = page.locator(".leaflet-control-layers-overlays label").all_text_contents()
    assert [label.strip() for label in labels] == [
        "Journeys people describe (900)",
        "Routes the articles discuss (100)",
        "Places",
    ]
    page.hover(".leaflet-control-layers")
    page.wait_for_timeout(300)
    page.locator(
        ".leaflet-control-layers-overlays label", has_text="Journeys people describe"
    ).locator("input").uncheck()
    shown = page.evaluate(
        "window.routeMap.map.hasLayer(window.routeMap.journeyLayers['journey-0'])"
    )
    assert shown is False


def test_search_and_the_panel_work_on_the_big_map(big, open_map):
    records, out = big
    page = open_map(out).page
    page.get_by_label("Find a journey, person, place or quote").fill("Place 123")
    assert page.locator(".search-results .result-name").first.inner_text() == "Place 123"
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup-content h2")
    assert page.locator(".leaflet-popup-content h2").inner_text() == "Place 123"
    # The panel's list is written in batches once the map is drawn.
    page.wait_for_function("document.querySelectorAll('.journeys-section .journey').length === 900")
    page.locator("summary", has_text="Journey 0").first.click()
    page.locator(".leaflet-popup-content h2", has_text="Journey 0").wait_for()
    # The chosen journey's popup (once its flight ends: the popup is first opened for a moment
    # to be measured) lists its legs in order.
    legs = page.locator(".leaflet-popup-content ol.legs li")
    legs.first.wait_for()
    journey = next(j for j in records.journeys if j.name == "Journey 0")
    assert legs.count() == len(journey.legs)


def test_hovering_and_clicking_a_dot_on_the_dense_map(big, open_map):
    records, out = big
    shown = open_map(out)
    place = records.places[500]
    shown.page.evaluate(
        "id => { window.routeMap.map.setView(window.routeMap.markers[id].getLatLng(), 12, {animate: false}); }",
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
            const points = Object.keys(window.routeMap.markers).map(id => [id, window.routeMap.dotPoint(id)]);
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
    shown = open_map(out, before=RECORD_DASHES)
    page = shown.page
    assert page.evaluate("window.routeMap.map.getZoom()") < 5
    assert page.evaluate("window.dashesDrawn") == []
    legend = page.locator(".route-legend").inner_text()
    assert "Zoom in to see dashes and arrows" in legend

    leg = records.journeys[0].legs[0]
    page.evaluate(
        "id => { window.routeMap.map.setView(window.routeMap.markers[id].getLatLng(), 6, {animate: false}); }",
        leg.to,
    )
    page.wait_for_timeout(300)
    assert {"10 4", "14 4 2 4", "2 5", "1 7"} & set(page.evaluate("window.dashesDrawn"))
    arrows = page.evaluate(
        """() => Object.values(window.routeMap.journeyLayers)
                   .flatMap(layer => layer.getLayers())
                   .filter(l => l.options.heading !== undefined).length"""
    )
    where = {place.id: (place.lat, place.lon) for place in records.places}
    legs_with_length = [
        (start, leg.to)
        for journey in records.journeys
        for start, leg in zip([journey.start] + [leg.to for leg in journey.legs], journey.legs)
        if where[start] != where[leg.to]
    ]
    assert arrows == len(legs_with_length)


def test_the_big_maps_lines_keep_their_contrast_overview_and_zoomed_in(big, open_map):
    """The overview draws no casings (for speed) and so only colours that keep 3:1 without one
    (tests/test_styles.py); zoomed in, every line lies on its pale casing."""
    records, out = big
    colours = {journey["colour"] for journey in map_data(records)["journeys"]}
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
    assert shown.page.evaluate("Object.keys(window.routeMap.markers).length") == 1000
