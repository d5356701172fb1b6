"""The shipped map in a real Chromium, the way a reader uses it."""

from __future__ import annotations

from pathlib import Path

import pytest

from routemap.build import build
from routemap.load import read_places
from routemap.render import map_data
from routemap.styles import CASING_STYLE

from .conftest import RECORD_DASHES, RECORD_STROKES, SHIPPED_PLACES, TILE_HOST, uncased_strokes

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def places():
    return read_places(SHIPPED_PLACES)


def test_the_page_loads_nothing_but_tiles_and_logs_no_errors(shipped_map, open_map):
    shown = open_map(shipped_map)
    assert shown.page_errors == []
    assert shown.console_errors == []
    assert shown.requests, "the map should at least ask for tiles"
    assert [url for url in shown.requests if TILE_HOST not in url] == []


def test_every_place_is_a_marker_at_its_coordinates(shipped_map, open_map, places):
    shown = open_map(shipped_map)
    drawn = shown.page.evaluate(
        """() => Object.fromEntries(Object.entries(window.routeMap.markers).map(([id, m]) => {
              const p = window.routeMap.map.latLngToContainerPoint(m.getLatLng());
              const size = window.routeMap.map.getSize();
              const inView = p.x >= 0 && p.y >= 0 && p.x <= size.x && p.y <= size.y;
              return [id, [m.getLatLng().lat, m.getLatLng().lng, window.routeMap.map.hasLayer(m), inView]];
           }))"""
    )
    assert set(drawn) == {place.id for place in places.places}
    for place in places.places:
        lat, lon, on_map, in_view = drawn[place.id]
        assert (lat, lon) == pytest.approx((place.lat, place.lon), abs=1e-5)
        assert on_map and in_view, place.id


def test_every_journey_is_a_line_from_its_start_to_its_end(shipped_map, open_map, places):
    shown = open_map(shipped_map)
    lines = shown.page.evaluate(
        """() => Object.fromEntries(Object.entries(window.routeMap.journeyLayers).map(([id, g]) => {
              const lines = g.getLayers().filter(l => l instanceof L.Polyline && !(l instanceof L.Polygon) && l.routeLeg);
              return [id, lines.map(l => l.getLatLngs().map(p => [p.lat, p.lng]))];
           }))"""
    )
    by_id = {place.id: place for place in places.places}
    assert set(lines) == {journey.id for journey in places.journeys}
    for journey in places.journeys:
        drawn = lines[journey.id]
        assert len(drawn) == len(journey.legs)
        start, end = by_id[journey.start], by_id[journey.legs[-1].to]
        assert drawn[0][0] == pytest.approx([start.lat, start.lon], abs=1e-5)
        assert drawn[-1][-1] == pytest.approx([end.lat, end.lon], abs=1e-5)


def test_clicking_a_marker_opens_its_popup_with_its_quotes(shipped_map, open_map):
    shown = open_map(shipped_map)
    shown.click_marker("moscow")
    popup = shown.page.locator(".leaflet-popup-content")
    assert popup.locator("h2").inner_text() == "Moscow"
    figures = popup.locator("figure")
    assert figures.count() == 2
    assert (
        figures.nth(0).locator("blockquote").inner_text()
        == "Putin lied that there will be no mobilization"
    )
    assert (
        figures.nth(0).locator("figcaption").inner_text()
        == "Anton, 23, student in Moscow · The Guardian (re-translated text)"
    )


def test_clicking_a_route_opens_its_leg_and_quotes(shipped_map, open_map):
    shown = open_map(shipped_map)
    page = shown.page
    # The middle of Oleg's drive from Orenburg to the Kazakh border, on screen.
    x, y = page.evaluate(
        """() => { const m = window.routeMap.map;
                   const line = window.routeMap.journeyLayers.oleg.getLayers().filter(l => l instanceof L.Polyline && l.routeLeg)[1];
                   m.fitBounds(line.getBounds(), {animate: false, padding: [200, 200]});
                   const pts = line.getLatLngs().map(p => m.latLngToContainerPoint(p));
                   return [(pts[0].x * 3 + pts[1].x) / 4, (pts[0].y * 3 + pts[1].y) / 4]; }"""
    )
    page.wait_for_timeout(300)  # let the canvas redraw at the new view before clicking it
    box = page.locator(".folium-map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    text = shown.popup_text()
    assert (
        "Leg 2 of 2: Orenburg → Sagarchin checkpoint (Russia–Kazakhstan) · by car · tonight" in text
    )
    assert "Tonight I will drive across the border" in text
    assert page.locator(".leaflet-popup-content figure").count() == 10


def test_an_inferred_point_says_why(shipped_map, open_map):
    shown = open_map(shipped_map)
    shown.click_marker("upper-lars")
    text = shown.popup_text()
    assert "Inferred: The Guardian names the Russian-Georgian border, not a checkpoint." in text


def test_a_journey_chosen_while_the_map_still_moves_opens_its_popup_after_its_flight(
    shipped_map, open_map
):
    """A journey chosen as the map is still panning (a place's popup panning itself into view,
    as when a reader picks one of the journeys it lists at once) flies there, then opens its
    popup: the pan's end is not taken for the flight's."""
    page = open_map(shipped_map).page
    events = page.evaluate(
        """() => new Promise((done) => {
            const map = window.routeMap.map, seen = [];
            map.on("popupopen", () => seen.push("open"));
            map.on("moveend", () => seen.push("moveend"));
            map.panBy([300, 0], { animate: true, duration: 1 });
            setTimeout(() => window.routeMap.selectJourney("ilya"), 300);
            // Done once Ilya's popup is on screen, fully faded in (the one opened unseen to be
            // measured before the flight never is), and a moment has passed; or after 20 s.
            const started = performance.now();
            const check = () => {
              const shown = document.querySelector(".leaflet-popup");
              const heading = shown && shown.querySelector(".leaflet-popup-content h2");
              const ready = heading && heading.textContent === "Ilya, from Moscow to Kazakhstan"
                && getComputedStyle(shown).opacity === "1";
              if (ready) setTimeout(() => done(seen), 300);
              else if (performance.now() - started > 20000) done(seen);
              else setTimeout(check, 50);
            };
            setTimeout(check, 400);
        })"""
    )
    # The popup that stays open was opened after the last move ended: the flight's.
    assert events[-1] == "open" and events.count("moveend") >= 2, events
    heading = page.locator(".leaflet-popup-content h2")
    assert heading.inner_text() == "Ilya, from Moscow to Kazakhstan"


def test_a_chosen_journey_s_popup_is_on_the_page_once_and_only_after_its_flight(
    shipped_map, open_map
):
    """Its popup, opened unseen to be measured before the flight, leaves no copy on the page
    (a closed popup fades out for a moment, its content still there for a screen reader)."""
    page = open_map(shipped_map).page
    counts = page.evaluate(
        """() => {
            window.routeMap.selectJourney("tatayana");
            const during = document.querySelectorAll(".leaflet-popup").length;
            return new Promise((done) => setTimeout(
                () => done([during, document.querySelectorAll(".leaflet-popup").length]), 100));
        }"""
    )
    assert counts == [0, 0]  # (the flight takes 0.8 s)
    page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 1")
    assert (
        page.locator(".leaflet-popup-content h2").inner_text() == "Tatayana, from Irkutsk to Baku"
    )


def test_the_layer_control_hides_a_journey(shipped_map, open_map):
    shown = open_map(shipped_map)
    page = shown.page
    page.hover(".leaflet-control-layers")  # the folded control opens under the pointer
    page.wait_for_timeout(300)  # Leaflet ignores a click in the instant it opens
    label = page.locator(
        ".leaflet-control-layers-overlays label", has_text="Igor, from St. Petersburg to Georgia"
    )
    assert page.evaluate("window.routeMap.map.hasLayer(window.routeMap.journeyLayers.igor)")
    label.locator("input").uncheck()
    assert not page.evaluate("window.routeMap.map.hasLayer(window.routeMap.journeyLayers.igor)")
    assert page.evaluate("window.routeMap.map.hasLayer(window.routeMap.journeyLayers.oleg)")
    label.locator("input").check()
    assert page.evaluate("window.routeMap.map.hasLayer(window.routeMap.journeyLayers.igor)")


def test_the_group_of_sold_out_flights_switches_as_one(shipped_map, open_map):
    shown = open_map(shipped_map)
    page = shown.page
    page.hover(".leaflet-control-layers")  # the folded control opens under the pointer
    page.wait_for_timeout(300)  # Leaflet ignores a click in the instant it opens
    label = page.locator(
        ".leaflet-control-layers-overlays label", has_text="Sold-out and costly flights"
    )
    label.locator("input").uncheck()
    hidden = page.evaluate(
        "['moscow-istanbul','moscow-yerevan','moscow-tashkent','moscow-baku','moscow-dubai']"
        ".map(id => window.routeMap.map.hasLayer(window.routeMap.journeyLayers[id]))"
    )
    assert hidden == [False] * 5


def test_the_title_names_the_sources_and_the_legend_names_the_kinds(shipped_map, open_map):
    shown = open_map(shipped_map)
    title = (
        shown.page.locator(".panel-head h1").inner_text()
        + shown.page.locator(".panel-sources").inner_text()
    )
    assert "The Guardian" in title and "Chingkheinganbi Mayengbam" in title
    legend = shown.page.locator(".route-legend").inner_text()
    for label in ["Where a journey starts", "Border crossing", "Destination", "Stop on the way",
                  "Named in the articles", "inferred", "Flight (great-circle arc)", "By car",
                  "sold out", "Direction of travel"]:  # fmt: skip
        assert label in legend


@pytest.mark.parametrize(
    ("left_out", "named"),
    [
        ("    publisher: The Paper\n", "Source: A story"),
        ("    title: A story\n", "Source: The Paper"),
    ],
    ids=["title alone", "no title"],
)
def test_a_source_known_by_one_name_is_named_once(tmp_path, open_map, left_out, named):
    """A source with no publisher or author is named by its title: the panel says it once, not
    as its name and then its title in quotes. One whose headline is not known (no title) is
    named by its publisher (or author) alone, with nothing made up for it."""
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    places = tmp_path / "places.yaml"
    places.write_text(text.replace(left_out, ""), encoding="utf-8")
    out = tmp_path / "routes.html"
    build(places, out)
    assert open_map(out).page.locator(".panel-sources li").inner_text() == named


def test_with_tiles_blocked_the_map_still_shows_everything_and_says_why(shipped_map, open_map):
    shown = open_map(shipped_map, tiles=False)
    page = shown.page
    page.wait_for_selector(".tile-notice")
    assert "could not load" in page.locator(".tile-notice").inner_text()
    assert page.evaluate(
        "Object.values(window.routeMap.markers).every(m => window.routeMap.map.hasLayer(m))"
    )
    shown.click_marker("orenburg")
    assert "Oleg, from Kazan to Orenburg and across the border" in shown.popup_text()


def test_on_a_phone_the_popup_fits_the_screen(shipped_map, open_map, tmp_path):
    shown = open_map(shipped_map, width=390, height=844)
    page = shown.page
    shown.click_marker("orenburg")
    page.mouse.click(*shown.marker_point("kazan"))
    page.wait_for_timeout(400)
    box = page.locator(".leaflet-popup").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert box["y"] >= 0 and box["y"] + box["height"] <= 844
    page.screenshot(path=tmp_path / "phone.png", animations="disabled")


@pytest.mark.parametrize("place_id", ["vaalimaa", "moscow", "bucha"])
def test_hovering_a_marker_shows_its_name(shipped_map, open_map, places, place_id):
    shown = open_map(shipped_map)
    name = next(p.name for p in places.places if p.id == place_id)
    shown.page.mouse.move(*shown.marker_point(place_id))
    tooltip = shown.page.locator(".leaflet-tooltip", has_text=name)
    tooltip.first.wait_for(state="visible")


def test_hovering_a_route_shows_its_journey(shipped_map, open_map):
    page = open_map(shipped_map).page
    x, y = page.evaluate(
        """() => { const m = window.routeMap.map;
                   const line = window.routeMap.journeyLayers.tatayana.getLayers().filter(l => l instanceof L.Polyline)[0];
                   m.fitBounds(line.getBounds(), {animate: false, padding: [200, 200]});
                   const pts = line.getLatLngs();
                   const p = m.latLngToContainerPoint(pts[Math.floor(pts.length / 3)]);
                   return [p.x, p.y]; }"""
    )
    page.wait_for_timeout(300)
    box = page.locator(".folium-map").bounding_box()
    page.mouse.move(box["x"] + x, box["y"] + y)
    page.locator(".leaflet-tooltip", has_text="Tatayana, from Irkutsk to Baku").wait_for()


def test_a_click_on_a_dot_opens_that_place_not_its_close_neighbour(shipped_map, open_map):
    # At the overview Orenburg and the Sagarchin checkpoint are about ten pixels apart.
    shown = open_map(shipped_map)
    for place, name in [
        ("orenburg", "Orenburg"),
        ("sagarchin", "Sagarchin checkpoint (Russia–Kazakhstan)"),
    ]:
        shown.click_marker(place)
        assert shown.page.locator(".leaflet-popup-content h2").inner_text() == name


def test_the_small_map_shows_dashes_and_arrows_at_once(shipped_map, open_map, places):
    shown = open_map(shipped_map, before=RECORD_DASHES)
    drawn = set(shown.page.evaluate("window.dashesDrawn"))
    # Ilya's leg by means not stated, the sold-out flight routes, the inferred border points.
    assert {"1 7", "6 6", "3 3"} <= drawn
    assert "Zoom in" not in shown.page.locator(".route-legend").inner_text()


def test_every_line_lies_on_a_pale_casing(shipped_map, open_map, places):
    """A line's colour keeps 3:1 against its casing (tests/test_styles.py), whatever is under it."""
    colours = {journey["colour"] for journey in map_data(places)["journeys"]}
    shown = open_map(shipped_map, before=RECORD_STROKES)
    drawn, bare = uncased_strokes(shown.page, colours, CASING_STYLE)
    legs = sum(len(journey.legs) for journey in places.journeys)
    assert drawn >= legs and bare == []


LONG_NAME = "The journey of someone who left by car, then by bus, then on foot across the border"


@pytest.fixture(scope="module")
def long_names_map(tmp_path_factory):
    """The small test map with 30 more journeys, each with a long name."""
    folder = tmp_path_factory.mktemp("long-names")
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    journeys = "".join(
        f"  - id: j{n}\n    name: {LONG_NAME} {n}\n    person: ana\n    sources: [paper]\n"
        "    from: tbilisi\n    legs:\n      - {to: yerevan, mode: car}\n"
        for n in range(30)
    )
    places = folder / "places.yaml"
    places.write_text(text.replace("quotes:\n", journeys + "quotes:\n"), encoding="utf-8")
    build(places, folder / "map.html")
    return folder / "map.html"


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (1920, 1080), (2560, 1440)])
def test_the_open_layer_control_keeps_to_a_corner_and_scrolls(
    long_names_map, open_map, width, height
):
    """At 1,400 px and wider the control is open; long names used to make it cover the map."""
    page = open_map(long_names_map, width=width, height=height).page
    box = page.evaluate(
        """() => {
          const control = document.querySelector('.leaflet-control-layers-expanded');
          const list = control.querySelector('.leaflet-control-layers-list');
          const map = document.querySelector('.folium-map').getBoundingClientRect();
          const own = control.getBoundingClientRect();
          return {share: own.width * own.height / (map.width * map.height),
                  right: own.right <= map.right, scrolls: list.scrollHeight > list.clientHeight};
        }"""
    )
    assert box["share"] < 0.2 and box["right"] and box["scrolls"], box
    last = page.locator(".leaflet-control-layers-overlays label", has_text=f"{LONG_NAME} 29")
    last.scroll_into_view_if_needed()
    last.locator("input").uncheck()  # the last journey is reached by scrolling, and switches
    assert not page.evaluate("window.routeMap.map.hasLayer(window.routeMap.journeyLayers.j29)")


BOX = "e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("size", [(320, 568), (390, 844)])
def test_on_a_small_screen_offline_the_notice_covers_no_name_and_can_be_hidden(
    shipped_map, open_map, size
):
    page = open_map(shipped_map, *size, tiles=False).page
    notice = page.locator(".tile-notice")
    notice.wait_for()
    page.wait_for_timeout(100)
    box = notice.evaluate(BOX)
    names = page.locator(".place-label:not([hidden])")
    assert names.count() > 10
    assert [n for n in names.evaluate_all(f"all => all.map({BOX})") if overlaps(n, box)] == []
    hide = notice.get_by_role("button", name="Hide this notice")
    hide.click()
    assert page.locator(".tile-notice").count() == 0


@pytest.mark.parametrize("size", [(320, 500), (320, 568), (390, 844)])
def test_the_open_legend_stays_inside_the_map_clear_of_the_other_controls(
    shipped_map, open_map, size
):
    page = open_map(shipped_map, *size, tiles=False).page
    page.locator(".tile-notice").wait_for()
    page.locator(".route-legend summary").click()
    legend = page.locator(".route-legend").evaluate(BOX)
    frame = page.locator(".folium-map").evaluate(BOX)
    assert frame[1] <= legend[1] and legend[3] <= frame[3]  # its heading (the fold button) shows
    for other in (".leaflet-control-layers", ".leaflet-control-zoom"):
        assert not overlaps(legend, page.locator(other).evaluate(BOX)), other
    if page.locator(".tile-notice").is_visible():
        assert not overlaps(legend, page.locator(".tile-notice").evaluate(BOX))
