"""Dark mode: with the reader's system set to dark, the panel, popups, legend and controls are
dark, the offline base map is drawn in night colours, map tiles are darkened, every journey takes
its night colour and every line lies on a casing of the night's ground; a switch of the system's
scheme redraws the page where the reader was."""

from __future__ import annotations

import pytest

from routemap.load import read_places
from routemap.models import place_roles
from routemap.render import map_data
from routemap.styles import DARK_COLOURS, DARK_STYLES, MARKER_STYLES, NIGHT_GROUND, ring_colour

from .conftest import RECORD_STROKES, SHIPPED_PLACES, uncased_strokes

SIZES = {"desktop": (1280, 800), "phone": (390, 844)}


def rgb(colour: str) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


@pytest.mark.parametrize("size", SIZES)
def test_the_page_is_dark_when_the_reader_asks(shipped_map, open_map, size):
    shown = open_map(shipped_map, *SIZES[size], tiles=False, scheme="dark")
    page = shown.page
    page.evaluate("window.routeMap.openPlace('baku')")
    page.locator(".leaflet-popup-content h2").wait_for()
    backgrounds = page.evaluate(
        """() => ['.route-panel', '.leaflet-popup-content-wrapper', '.route-legend', '.leaflet-control-zoom-in']
                 .map(s => getComputedStyle(document.querySelector(s)).backgroundColor)"""
    )
    assert backgrounds[0] == backgrounds[1] == backgrounds[3] == rgb(NIGHT_GROUND)
    assert backgrounds[2].startswith("rgba(22, 25, 29")
    text = page.evaluate(
        "getComputedStyle(document.querySelector('.leaflet-popup-content h2')).color"
    )
    assert text == "rgb(232, 230, 227)"
    # The offline base map's sea, where no country is: the map's own background.
    sea = page.evaluate("getComputedStyle(window.routeMap.map.getContainer()).backgroundColor")
    assert sea == rgb(DARK_STYLES["basemap"]["sea"])
    assert shown.page_errors == []


def test_map_tiles_are_darkened(shipped_map, open_map):
    dark = open_map(shipped_map, scheme="dark").page
    light = open_map(shipped_map).page
    filter_of = "getComputedStyle(document.querySelector('.leaflet-tile-pane')).filter"
    assert "invert(1)" in dark.evaluate(filter_of)
    assert light.evaluate(filter_of) == "none"


def test_every_line_takes_its_night_colour_on_a_night_casing(shipped_map, open_map):
    records = read_places(SHIPPED_PLACES)
    day = {journey["id"]: journey["colour"] for journey in map_data(records)["journeys"]}
    shown = open_map(shipped_map, scheme="dark", before=RECORD_STROKES)
    drawn = shown.page.evaluate(
        """() => Object.fromEntries(Object.entries(window.routeMap.journeyLayers).map(([id, layer]) =>
                 [id, layer.getLayers().find(l => l.routeLeg && !l.routeCore).options.color]))"""
    )
    assert drawn == {id_: DARK_COLOURS[colour] for id_, colour in day.items()}
    casing = {"color": NIGHT_GROUND, "opacity": 0.9, "extraWeight": 3}
    count, bare = uncased_strokes(shown.page, set(drawn.values()), casing)
    assert count >= len(day) and bare == []


def test_a_switch_to_dark_redraws_the_page_where_the_reader_was(shipped_map, open_map):
    shown = open_map(shipped_map, tiles=False)
    page = shown.page
    page.evaluate("window.routeMap.openPlace('yerevan')")
    page.wait_for_function("location.hash === '#place=yerevan'")
    page.wait_for_timeout(500)  # the popup's pan into view ends
    before = page.evaluate("[window.routeMap.map.getCenter(), window.routeMap.map.getZoom()]")
    page.evaluate("window.reloaded = false")
    page.emulate_media(color_scheme="dark")
    page.wait_for_function(
        "window.reloaded === undefined && window.routeMap && window.routeMap.ready"
    )
    page.locator(".leaflet-popup-content h2", has_text="Yerevan").wait_for()
    centre, zoom = page.evaluate("[window.routeMap.map.getCenter(), window.routeMap.map.getZoom()]")
    assert zoom == before[1]
    assert (
        abs(centre["lat"] - before[0]["lat"]) < 1e-6
        and abs(centre["lng"] - before[0]["lng"]) < 1e-6
    )
    panel = page.evaluate(
        "getComputedStyle(document.querySelector('.route-panel')).backgroundColor"
    )
    assert panel == rgb(NIGHT_GROUND)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_hollow_dots_and_halos_are_edged_in_their_ring_colour(shipped_map, open_map, scheme):
    """The inferred places (hollow, dashed dots) and the areas' halos keep 3:1 on the night
    ground in their role's night ringColor (tests/test_styles.py measures the table)."""
    records = read_places(SHIPPED_PLACES)
    roles = place_roles(records)
    shown = open_map(shipped_map, scheme=scheme)
    drawn = shown.page.evaluate(
        """() => Object.fromEntries(Object.entries(window.routeMap.markers).map(([id, m]) =>
                 [id, m.options.color]))"""
    )
    markers = (
        MARKER_STYLES
        if scheme == "light"
        else {
            role: style | DARK_STYLES["markers"].get(role, {})
            for role, style in MARKER_STYLES.items()
        }
    )
    inferred = [place for place in records.places if place.inferred]
    assert inferred  # the shipped map has hollow dots
    for place in inferred:
        assert drawn[place.id] == ring_colour(markers[roles[place.id]]), place.id
    halos = shown.page.evaluate(
        """() => { const out = []; window.routeMap.map.eachLayer(l => {
             if (l instanceof L.CircleMarker && !l.routePlace && l.options.dashArray) out.push(l.options.color); });
             return out; }"""
    )
    areas = [place for place in records.places if place.is_area]
    assert sorted(halos) == sorted(ring_colour(markers[roles[p.id]]) for p in areas)
