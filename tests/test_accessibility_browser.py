"""Every reader, checked with the field's own checker and by keyboard: axe-core finds no
violation in any state of the map on a laptop or a phone; focus shows, goes into a popup opened
from the panel and back on closing; Escape closes a popup from anywhere; a long popup scrolls by
keyboard; a chosen journey is framed clear of its popup and the legend; asking for less motion
turns flights into jumps."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

SIZES = {"desktop": (1280, 800), "phone": (390, 844)}


def open_panel(page) -> None:
    """On a phone the panel folds away; unfold it (on a laptop it is always shown)."""
    toggle = page.locator(".panel-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false":
        toggle.click()


def popup_shown(page) -> None:
    """Wait for a popup to be fully on screen, faded in. (A journey's popup is first opened
    unseen to be measured and closed again, and a closed popup fades out for a moment, its
    heading still there: waiting for a heading alone could end before the flight, and the
    checker then met the real popup half faded in, its text half as dark.)"""
    page.wait_for_function(
        """() => [...document.querySelectorAll(".leaflet-popup")].some(
            (popup) => popup.querySelector("h2") && getComputedStyle(popup).opacity === "1")"""
    )


def first_view(page):
    pass


def journey_chosen(page):
    open_panel(page)
    page.locator(".journey summary", has_text="Tatayana").click()
    popup_shown(page)


def place_popup_open(page):
    page.evaluate("() => window.routeMap.openPlace('st-petersburg')")
    popup_shown(page)


def search_results_shown(page):
    open_panel(page)
    page.get_by_label("Find a journey, person, place or quote").fill("Oleg")
    page.wait_for_selector(".search-results .result")


def routes_to_choose_from(page):
    page.evaluate("() => window.routeMap.openLeg('igor', 1)")  # (a popup; then the chooser)
    popup_shown(page)


STATES = {
    "first view": first_view,
    "panel open": open_panel,
    "a journey chosen": journey_chosen,
    "a place popup open": place_popup_open,
    "search results shown": search_results_shown,
    "a leg popup open": routes_to_choose_from,
}


@pytest.fixture(scope="module")
def axe():
    return Axe()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("state", STATES)
def test_axe_core_finds_no_violation(shipped_map, open_map, axe, size, state, scheme):
    page = open_map(shipped_map, *SIZES[size], scheme=scheme).page
    STATES[state](page)
    page.wait_for_timeout(1000)  # flights and fades over
    results = axe.run(page)
    assert results.violations_count == 0, results.generate_report()


def test_focus_shows_on_the_panel_journeys(shipped_map, open_map):
    page = open_map(shipped_map).page
    summary = page.locator(".journey summary").first
    summary.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    style = summary.evaluate(
        """s => { const c = getComputedStyle(s); const item = getComputedStyle(s.closest('.journey'));
                  return [s.matches(':focus-visible'), c.outlineStyle, c.outlineWidth, item.contentVisibility]; }"""
    )
    # A visible ring, not clipped by content-visibility (only a long list lays out lazily).
    assert style == [True, "solid", "3px", "visible"]


@pytest.mark.parametrize("size", SIZES)
def test_a_popup_opened_from_the_panel_takes_focus_and_gives_it_back(shipped_map, open_map, size):
    page = open_map(shipped_map, *SIZES[size]).page
    open_panel(page)
    summary = page.locator(".journey summary", has_text="Igor")
    summary.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector(".leaflet-popup-content h2")
    page.wait_for_function("document.activeElement.closest('.leaflet-popup') !== null")
    assert page.evaluate("document.activeElement.getAttribute('role')") == "region"
    page.keyboard.press("Escape")
    page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 0")
    if size == "desktop":
        assert summary.evaluate("s => s === document.activeElement")
    else:
        # The panel folded away to show the journey: focus goes to the button that opens it
        # again, not to the page's start.
        assert page.locator(".panel-toggle").evaluate("t => t === document.activeElement")


def test_the_map_itself_shows_its_focus_ring_on_top_of_what_it_draws(shipped_map, open_map):
    page = open_map(shipped_map, tiles=False).page
    page.locator(".folium-map").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # by keyboard, so :focus-visible applies
    ring = page.locator(".folium-map").evaluate(
        """m => { const r = getComputedStyle(m, '::after');
                  return [m === document.activeElement, r.borderTopStyle, r.borderTopWidth,
                          r.position, Number(r.zIndex) > 800]; }"""
    )
    assert ring == [True, "solid", "3px", "absolute", True]


def test_escape_closes_a_popup_from_anywhere_on_the_page(shipped_map, open_map):
    shown = open_map(shipped_map)
    shown.click_marker("moscow")
    shown.page.get_by_label("Find a journey, person, place or quote").focus()
    shown.page.keyboard.press("Escape")
    shown.page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 0")


def test_a_long_popup_scrolls_by_keyboard(shipped_map, open_map):
    page = open_map(shipped_map).page
    page.evaluate("() => window.routeMap.openLeg('oleg', 2)")
    content = page.locator(".leaflet-popup-content")
    assert content.evaluate("c => c.scrollHeight > c.clientHeight")  # long enough to scroll
    content.focus()
    page.keyboard.press("PageDown")
    page.wait_for_function("document.querySelector('.leaflet-popup-content').scrollTop > 0")


# The chosen journey's drawn points, and the popup's and legend's boxes, in page pixels.
FRAMING = """id => {
  const rm = window.routeMap, map = rm.map;
  const frame = map.getContainer().getBoundingClientRect();
  const points = [];
  rm.journeyLayers[id].eachLayer(l => { if (l.routeLeg && l.getLatLngs) for (const p of l.getLatLngs()) {
    const c = map.latLngToContainerPoint(p); points.push([frame.left + c.x, frame.top + c.y]); } });
  const box = el => { const r = document.querySelector(el).getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  return {points, popup: box('.leaflet-popup-content-wrapper'), legend: box('.route-legend'), map: [frame.left, frame.top, frame.right, frame.bottom]};
}"""


@pytest.mark.parametrize("journey", ["oleg", "igor", "tatayana", "ilya"])
@pytest.mark.parametrize("size", SIZES)
def test_a_chosen_journey_is_framed_clear_of_its_popup_and_the_legend(
    shipped_map, open_map, journey, size
):
    page = open_map(shipped_map, *SIZES[size]).page
    page.evaluate("id => window.routeMap.selectJourney(id)", journey)
    page.wait_for_selector(".leaflet-popup-content h2")
    page.wait_for_timeout(1200)
    seen = page.evaluate(FRAMING, journey)

    def inside(point, box, margin=0):
        x, y = point
        return box[0] - margin <= x <= box[2] + margin and box[1] - margin <= y <= box[3] + margin

    assert all(inside(p, seen["map"]) for p in seen["points"])
    assert not any(inside(p, seen["popup"], -2) for p in seen["points"])
    assert not any(inside(p, seen["legend"]) for p in seen["points"])


@pytest.mark.parametrize(("motion", "jumps"), [("reduce", True), ("no-preference", False)])
def test_less_motion_turns_the_flight_to_a_journey_into_a_jump(shipped_map, browser, motion, jumps):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, reduced_motion=motion)
    try:
        page = context.new_page()
        page.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
        )
        page.goto(shipped_map.resolve().as_uri())
        page.wait_for_function("window.routeMap !== undefined")
        centre = "() => { const c = window.routeMap.map.getCenter(); return [c.lat, c.lng, window.routeMap.map.getZoom()]; }"
        at_once = page.evaluate(
            f"() => {{ window.routeMap.selectJourney('oleg'); return ({centre})(); }}"
        )
        page.wait_for_selector(".leaflet-popup-content h2")
        page.wait_for_timeout(1200)
        # A jump is where it is going at once; a flight gets there later.
        assert (page.evaluate(centre) == at_once) is jumps
    finally:
        context.close()
