"""Printing (Ctrl-P): the paper carries the title, the map and every journey and group written
out in full, every quote and source line included, nothing cut off, no screen-only controls."""

from __future__ import annotations

import io
import re
import unicodedata

import pytest
from pypdf import PdfReader

from routemap import image
from routemap.build import build
from routemap.load import read_places
from routemap.render import map_data

from .conftest import SHIPPED_PLACES
from .test_layout_browser import DATA, LAYOUT


def words(text: str) -> str:
    """Text as the PDF gives it back: ligatures (ﬂ) as letters, soft hyphens and line breaks aside,
    one space between words."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text).replace("\u00ad", "")).strip()


def printed(page) -> str:
    # page.pdf() lays the page out for print but fires no beforeprint: fire it as a browser does.
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", print_background=True)
    return words(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))


def test_the_paper_carries_every_journey_and_quote(shipped_map, open_map):
    records = read_places(SHIPPED_PLACES)
    shown = open_map(shipped_map, tiles=False)
    text = printed(shown.page)
    assert words(records.title) in text
    for journey in records.journeys:
        assert words(journey.name) in text, journey.name
    for group in records.groups:
        assert words(group.name) in text
    for quote in records.quotes:
        assert words(quote.text)[:40] in text, quote.text
    for screen_only in ("Copy link", "Show on the map", "Find a journey"):
        assert screen_only not in text
    assert shown.page_errors == []


def test_nothing_is_cut_off_and_the_map_has_its_paper_size(shipped_map, open_map):
    page = open_map(shipped_map, tiles=False).page
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    clipped = page.evaluate(
        """() => [...document.querySelectorAll('.route-panel *')]
                 .filter(e => e.offsetParent !== null && e.scrollHeight > e.clientHeight + 1
                              && getComputedStyle(e).overflowY !== 'visible')
                 .map(e => e.className)"""
    )
    assert clipped == []
    height = page.evaluate("document.querySelector('.folium-map').getBoundingClientRect().height")
    assert abs(height - 120 / 25.4 * 96) < 2  # 120 mm
    # Drawn at that size: the map's own idea of its size matches the box.
    assert page.evaluate("window.routeMap.map.getSize().y") == round(height)


def test_after_printing_the_page_is_as_the_reader_left_it(shipped_map, open_map):
    page = open_map(shipped_map, tiles=False).page
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.locator(".journey details[open]").count() == 0
    assert page.locator(".leaflet-popup").count() == 0


def paper_layout(page) -> dict:
    """Ctrl-P as a reader on a laptop presses it, zoomed in on Moscow: the printer lays the page
    out at A4's width (96 dpi), beforeprint fires, the print styles apply."""
    page.evaluate("() => { window.routeMap.map.setView([55.75, 37.6], 7, {animate: false}); }")
    page.set_viewport_size({"width": 794, "height": 1123})
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    box = "e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"
    return {
        "map": page.locator(".folium-map").evaluate(box),
        "legend": page.locator(".route-legend").evaluate(box),
        "legend_text": page.locator(".route-legend").inner_text(),
        **page.evaluate(LAYOUT),
    }


def test_the_printed_map_shows_every_place_and_its_name_with_the_legend_below(
    shipped_map, open_map
):
    records = read_places(SHIPPED_PLACES)
    paper = paper_layout(open_map(shipped_map, tiles=False).page)
    left, top, right, bottom = paper["map"]
    assert set(paper["dots"]) == {place.id for place in records.places}
    for place, dot in paper["dots"].items():
        assert left <= dot["x"] - dot["r"] and dot["x"] + dot["r"] <= right, place
        assert top <= dot["y"] - dot["r"] and dot["y"] + dot["r"] <= bottom, place
    # Paper has no hover: every name is printed, on the map.
    assert set(paper["labels"]) == set(paper["dots"])
    for place, label in paper["labels"].items():
        assert left <= label["left"] and label["right"] <= right, place
        assert top <= label["top"] and label["bottom"] <= bottom, place
    # The legend stands below the map, open, covering none of it.
    assert paper["legend"][1] >= bottom
    assert "Border crossing" in paper["legend_text"]
    assert "Flight route that cost about £5,000" in paper["legend_text"]


def test_after_printing_the_legend_and_the_view_are_as_the_reader_left_them(shipped_map, open_map):
    page = open_map(shipped_map, tiles=False).page
    page.set_viewport_size({"width": 1280, "height": 800})
    view = "() => { const m = window.routeMap.map, c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }"
    page.evaluate("() => { window.routeMap.map.setView([55.75, 37.6], 7, {animate: false}); }")
    page.locator(".route-legend summary").click()  # folded by the reader
    was = page.evaluate(view), page.locator(".route-legend").evaluate("e => e.open")
    paper_layout(page)
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    # The same view, to a pixel (about 0.011° at zoom 7: Leaflet's own resize handling, when
    # the window goes back to its size, may round the centre by a fraction of one).
    (lat, lon, zoom), legend_open = (
        page.evaluate(view),
        page.locator(".route-legend").evaluate("e => e.open"),
    )
    assert (lat, lon, zoom) == pytest.approx(was[0], abs=0.011) and legend_open == was[1]
    assert page.locator(".folium-map .leaflet-control-container .route-legend").count() == 1


def test_printing_from_a_dark_page_prints_dark_ink_on_white(shipped_map, open_map):
    """Paper is white whatever the screen's scheme: the text takes the light page's colours
    (a dark page's pale text printed at about 3:1 on white)."""
    page = open_map(shipped_map, tiles=False, scheme="dark").page
    text = "document.querySelector('.journey summary h3')"
    assert page.evaluate(f"getComputedStyle({text}).color") == "rgb(232, 230, 227)"  # on screen
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print", color_scheme="dark")
    assert page.evaluate(f"getComputedStyle({text}).color") == "rgb(27, 27, 27)"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") in (
        "rgba(0, 0, 0, 0)",
        "rgb(255, 255, 255)",
    )


@pytest.mark.parametrize("which", ["border", "shipped"])
def test_the_printed_legend_lists_what_the_still_image_s_legend_lists(
    tmp_path, shipped_map, open_map, which
):
    """The printed map and the still image (`routes image`) show the whole map, and their legends
    list the same kinds: "Moved aside where places crowd" only where a dot is moved aside (the
    shipped map's Irpin and Bucha), not on a small map whose places do not crowd."""
    places = {"border": DATA / "border.yaml", "shipped": SHIPPED_PLACES}[which]
    html = shipped_map if which == "shipped" else tmp_path / "border.html"
    if which != "shipped":
        build(places, html)
    data = map_data(read_places(places))
    svg, layout = image.svg_for_data(data, image.SIZES["a4"])
    still = [
        label for _, _, label in image.legend_rows(data, layout.dots, image.image_styles(data))
    ]
    page = open_map(html, tiles=False).page
    paper_layout(page)
    printed = page.evaluate(
        """() => [...document.querySelectorAll('.route-legend li')]
                 .filter(item => item.offsetParent !== null)
                 .map(item => item.querySelector('span:last-child').textContent)"""
    )
    assert printed == still
    moved = data["styles"]["leader"]["label"]
    assert (moved in printed) == (which == "shipped")
