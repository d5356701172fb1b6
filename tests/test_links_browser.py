"""Links to what the reader is looking at: an address opens that journey, place, leg or quote
with its popup, on desktop and phone; back and forward move between views; "Copy link" copies
an address that opens the same view; `routes watch` keeps the view across its reloads."""

from __future__ import annotations

import queue
import threading
from pathlib import Path

import pytest

from routemap.load import read_places
from routemap.render import quote_link_names
from routemap.watch import watch

from .conftest import SHIPPED_PLACES, TILE_HOST, settle
from .test_accessibility_browser import open_panel

SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
PLACES = read_places(SHIPPED_PLACES)
NAMES = {journey.id: journey.name for journey in PLACES.journeys}
QUOTE_LINKS = dict(zip(quote_link_names(PLACES), PLACES.quotes, strict=True))


def open_at(open_map, shipped_map: Path, hash_: str, size: str = "desktop"):
    width, height = SIZES[size]
    shown = open_map(shipped_map, width=width, height=height, tiles=False)
    shown.page.goto(shipped_map.resolve().as_uri() + hash_)
    shown.page.wait_for_function("window.routeMap !== undefined && window.routeMap.ready")
    shown.page.locator(".leaflet-popup-content h2").wait_for()
    return shown


def popup_heading(page) -> str:
    return page.locator(".leaflet-popup-content h2").inner_text()


def quote_link(place=None, journey=None, group=None) -> str:
    return next(
        name
        for name, quote in QUOTE_LINKS.items()
        if (quote.place, quote.journey, quote.group) == (place, journey, group)
    )


CASES = {
    "a journey": ("#journey=oleg", NAMES["oleg"], "Oleg"),
    "one leg": ("#journey=oleg&leg=2", NAMES["oleg"], "Leg 2 of 2"),
    "a group": ("#group=sold-out-flights", "Sold-out and costly flights", "Moscow–Istanbul"),
    "a place": ("#place=upper-lars", "Upper Lars checkpoint (Russia–Georgia)", "Georgian"),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("case", CASES)
def test_an_address_opens_what_it_names(shipped_map, open_map, case, size):
    hash_, heading, words = CASES[case]
    shown = open_at(open_map, shipped_map, hash_, size)
    assert popup_heading(shown.page) == heading
    assert words in shown.popup_text()
    assert shown.page.evaluate("location.hash") == hash_
    assert shown.page_errors == []


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("home", ["place", "journey"])
def test_an_address_of_a_quote_shows_it_marked_in_its_popup(shipped_map, open_map, home, size):
    name = quote_link(place="upper-lars") if home == "place" else quote_link(journey="igor")
    shown = open_at(open_map, shipped_map, "#quote=" + name, size)
    marked = shown.page.locator(".leaflet-popup-content .linked blockquote").first
    assert marked.inner_text() == QUOTE_LINKS[name].text
    # Scrolled into the popup's view: both measured at one moment, as the popup may still be
    # panning itself into view (measured one after the other, a pan between them on a busy
    # machine put the quote outside the box it was in).
    inside = shown.page.evaluate(
        """() => {
            const box = document.querySelector(".leaflet-popup-content").getBoundingClientRect();
            const quote = document.querySelector(".leaflet-popup-content .linked blockquote");
            const at = quote.getBoundingClientRect();
            return box.top - 1 <= at.top && at.bottom <= box.bottom + 1;
        }"""
    )
    assert inside


def test_an_address_of_a_quote_of_no_place_shows_it_in_the_panel(shipped_map, open_map):
    name = quote_link()
    shown = open_map(shipped_map, tiles=False)
    shown.page.goto(shipped_map.resolve().as_uri() + "#quote=" + name)
    marked = shown.page.locator("#route-unplaced .linked blockquote")
    marked.wait_for()
    assert marked.inner_text() == QUOTE_LINKS[name].text
    assert marked.is_visible()


@pytest.mark.parametrize(
    "hash_",
    ["#journey=constructor", "#place=__proto__", "#quote=nobody-said-this", "#journey=oleg&leg=9"],
)
def test_an_address_that_names_nothing_here_shows_the_whole_map(shipped_map, open_map, hash_):
    shown = open_map(shipped_map, tiles=False)
    shown.page.goto(shipped_map.resolve().as_uri() + hash_)
    shown.page.wait_for_function("window.routeMap !== undefined && window.routeMap.ready")
    popups = shown.page.locator(".leaflet-popup")
    if hash_.endswith("leg=9"):  # the journey is there; the leg is not: the journey's view
        assert popup_heading(shown.page) == NAMES["oleg"]
    else:
        assert popups.count() == 0
    assert shown.page_errors == []


@pytest.mark.parametrize("size", SIZES)
def test_back_and_forward_move_between_views(shipped_map, open_map, size):
    shown = open_map(shipped_map, *SIZES[size], tiles=False)
    page = shown.page
    open_panel(page)
    page.locator(".journey[data-journey=igor] summary").click()
    page.wait_for_function("location.hash === '#journey=igor'")
    page.locator(".leaflet-popup-content h2", has_text=NAMES["igor"]).wait_for()
    shown.click_marker("baku")
    assert page.evaluate("location.hash") == "#place=baku"
    assert popup_heading(page) == "Baku"

    page.go_back()
    page.wait_for_function("location.hash === '#journey=igor'")
    page.locator(".leaflet-popup-content h2", has_text=NAMES["igor"]).wait_for()
    page.go_back()
    page.wait_for_function("location.hash === ''")
    page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 0")
    page.go_forward()
    page.locator(".leaflet-popup-content h2", has_text=NAMES["igor"]).wait_for()
    page.go_forward()
    page.locator(".leaflet-popup-content h2", has_text="Baku").wait_for()
    assert shown.page_errors == []


def test_closing_the_popup_goes_back_to_the_whole_maps_address(shipped_map, open_map):
    shown = open_at(open_map, shipped_map, "#place=baku")
    shown.page.keyboard.press("Escape")
    shown.page.wait_for_function("location.hash === ''")
    shown.page.go_back()
    shown.page.locator(".leaflet-popup-content h2", has_text="Baku").wait_for()


QUOTE_AT_UPPER_LARS = quote_link(place="upper-lars")

# Where a "Copy link" button is: how the reader gets to it, the button, the address it copies,
# and what that address opens (a popup's heading; a quote is also marked in it).
COPY_LINKS = {
    "place popup": (
        "window.routeMap.openPlace('vaalimaa')",
        ".leaflet-popup-content h2 + .copy-box .copy-link",
        "#place=vaalimaa",
        "Vaalimaa–Torfyanovka checkpoint (Finland–Russia)",
    ),
    "journey popup": (
        "window.routeMap.selectJourney('oleg')",
        ".leaflet-popup-content h2 + .copy-box .copy-link",
        "#journey=oleg",
        NAMES["oleg"],
    ),
    "panel entry": (
        None,
        ".journey[data-journey=tatayana] .entry-actions .copy-link",
        "#journey=tatayana",
        NAMES["tatayana"],
    ),
    "quote": (
        "window.routeMap.openPlace('upper-lars')",
        f".quote-entry[data-quote='{QUOTE_AT_UPPER_LARS}'] .copy-link",
        "#quote=" + QUOTE_AT_UPPER_LARS,
        "Upper Lars checkpoint (Russia–Georgia)",
    ),
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("where", COPY_LINKS)
def test_copy_link_copies_an_address_that_opens_the_same_view(shipped_map, browser, where, size):
    opening, selector, expected, heading = COPY_LINKS[where]
    width, height = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    context.route(f"**/{TILE_HOST}/**", lambda route: route.abort())
    page = context.new_page()
    page.goto(shipped_map.resolve().as_uri())
    page.wait_for_function("window.routeMap !== undefined && window.routeMap.ready")
    if opening:
        page.evaluate(opening)
    else:
        open_panel(page)
        page.locator(".journey[data-journey=tatayana] summary").click()
    # The popup pans itself into view (on a phone, far): the button is pressed once it is still.
    page.locator(".leaflet-popup-content h2").wait_for()
    settle(page)
    if not opening:
        open_panel(page)  # a phone folds the panel to show the journey chosen: unfold it
    button = page.locator(selector)
    assert button.get_attribute("aria-label").startswith("Copy a link to ")
    button.click()
    page.locator(".copy-status", has_text="Link copied").wait_for()
    address = page.evaluate("navigator.clipboard.readText()")
    assert address == shipped_map.resolve().as_uri() + expected

    fresh = context.new_page()
    fresh.goto(address)
    fresh.wait_for_function("window.routeMap !== undefined && window.routeMap.ready")
    shown = fresh.locator(".leaflet-popup-content h2")
    shown.wait_for()
    assert shown.inner_text() == heading
    if where == "quote":
        marked = fresh.locator(".leaflet-popup-content .linked blockquote").first
        assert marked.inner_text() == QUOTE_LINKS[QUOTE_AT_UPPER_LARS].text
    context.close()


def test_watch_keeps_the_readers_view_across_its_reloads(tmp_path, browser):
    places = tmp_path / "places.yaml"
    places.write_text(
        (Path(__file__).parent / "data" / "minimal.yaml").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    events: queue.Queue = queue.Queue()
    stop = threading.Event()
    thread = threading.Thread(
        target=watch,
        args=(places, tmp_path / "routes.html", lambda kind, text: events.put((kind, text))),
        kwargs={"port": 0, "stop": stop},
        daemon=True,
    )
    thread.start()
    try:
        assert events.get(timeout=15)[0] == "built"
        kind, url = events.get(timeout=15)
        assert kind == "serving"
        page = browser.new_page()
        page.route("**/*", lambda r: r.abort() if TILE_HOST in r.request.url else r.continue_())
        page.goto(url)
        page.wait_for_function("window.routeMap !== undefined")
        page.evaluate(
            """() => { window.routeMap.map.setView([41.2, 44.7], 9, {animate: false});
                       window.routeMap.openLeg('ana', 1); }"""
        )
        page.wait_for_function("location.hash === '#journey=ana&leg=1'")
        page.wait_for_timeout(500)  # the popup's pan into view ends
        before = page.evaluate("[window.routeMap.map.getCenter(), window.routeMap.map.getZoom()]")
        places.write_text(
            places.read_text(encoding="utf-8").replace("I am leaving.", "I am going.")
        )
        assert events.get(timeout=15)[0] == "built"
        page.wait_for_function(
            "document.querySelector('.leaflet-popup-content blockquote') && "
            "document.querySelector('.leaflet-popup-content blockquote').textContent === 'I am going.'",
            timeout=10_000,
        )
        centre, zoom = page.evaluate(
            "[window.routeMap.map.getCenter(), window.routeMap.map.getZoom()]"
        )
        assert zoom == before[1] == 9
        assert (
            abs(centre["lat"] - before[0]["lat"]) < 1e-6
            and abs(centre["lng"] - before[0]["lng"]) < 1e-6
        )
        assert page.locator(".leaflet-popup-content h2").inner_text() == "Ana's journey"
        page.close()
    finally:
        stop.set()
        thread.join(timeout=15)
