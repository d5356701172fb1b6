"""Where names, dots and lines stand on screen, for the shipped map and a crowded one, at the
first view on a laptop and on a phone: every name touches its own dot (or is joined to it by a
leader line) and covers no other dot or name; a click at each dot opens that place; every route
can be opened by a click on its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from routemap.build import build
from tests.conftest import SHIPPED_PLACES
from tests.test_accessibility_browser import open_panel

DATA = Path(__file__).parent / "data"
MAPS = {"shipped": SHIPPED_PLACES, "crowded": DATA / "crowded.yaml"}
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}

# Every dot (centre and radius) and every shown name (box, and its leader's ends if it has one),
# in page pixels.
LAYOUT = """() => {
  const frame = document.querySelector('.folium-map').getBoundingClientRect();
  const dots = {};
  for (const id of Object.keys(window.routeMap.markers)) {
    const [x, y, r] = window.routeMap.dotPoint(id);
    dots[id] = {x: frame.left + x, y: frame.top + y, r};
  }
  const labels = {};
  for (const label of document.querySelectorAll('.place-label')) {
    if (label.hidden) continue;
    const box = label.getBoundingClientRect();
    const line = document.querySelector(`.label-leaders line[data-place="${label.dataset.place}"]`);
    let leader = null;
    if (line) {
      const m = line.getScreenCTM();
      const end = (x, y) => { const p = new DOMPoint(+line.getAttribute(x), +line.getAttribute(y)).matrixTransform(m); return [p.x, p.y]; };
      leader = [end('x1', 'y1'), end('x2', 'y2')];
    }
    labels[label.dataset.place] = {left: box.left, top: box.top, right: box.right, bottom: box.bottom, text: label.textContent, leader};
  }
  return {dots, labels};
}"""


def first_view(page):
    """A function that closes any popup and goes back to the view the page opened at (any pan a
    popup started is stopped first, or it would go on after)."""
    view = page.evaluate(
        "() => { const m = window.routeMap.map; return [m.getCenter(), m.getZoom()]; }"
    )

    def back() -> None:
        page.evaluate(
            "([c, z]) => { const m = window.routeMap.map; m.stop(); m.closePopup(); m.setView(c, z, {animate: false}); }",
            view,
        )
        page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 0")

    return back


def distance_to_box(x: float, y: float, box: dict) -> float:
    dx = max(box["left"] - x, 0, x - box["right"])
    dy = max(box["top"] - y, 0, y - box["bottom"])
    return (dx * dx + dy * dy) ** 0.5


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("layout")
    out = {}
    for name, places in MAPS.items():
        out[name] = folder / f"{name}.html"
        build(places, out[name])
    return out


CASES = [(m, s) for m in MAPS for s in SIZES]


@pytest.mark.parametrize(("which", "size"), CASES, ids=[f"{m}-{s}" for m, s in CASES])
def test_every_name_stands_by_its_own_dot_and_covers_no_other(built, open_map, which, size):
    shown = open_map(built[which], *SIZES[size])
    layout = shown.page.evaluate(LAYOUT)
    dots, labels = layout["dots"], layout["labels"]
    # Every place is named at the first view.
    assert sorted(labels) == sorted(dots)
    for place, box in labels.items():
        dot = dots[place]
        if box["leader"] is None:
            assert distance_to_box(dot["x"], dot["y"], box) <= dot["r"] + 4, place
        else:
            (x1, y1), (x2, y2) = box["leader"]
            assert abs(((x1 - dot["x"]) ** 2 + (y1 - dot["y"]) ** 2) ** 0.5 - dot["r"]) <= 2.5, (
                place
            )
            assert distance_to_box(x2, y2, box) <= 1.5, place
        for other, at in dots.items():
            assert distance_to_box(at["x"], at["y"], box) >= at["r"], (place, "covers", other)
    names = list(labels.values())
    for n, a in enumerate(names):
        for b in names[n + 1 :]:
            apart = (
                a["right"] <= b["left"] + 0.5
                or b["right"] <= a["left"] + 0.5
                or a["bottom"] <= b["top"] + 0.5
                or b["bottom"] <= a["top"] + 0.5
            )
            assert apart, (a["text"], b["text"])


@pytest.mark.parametrize(("which", "size"), CASES, ids=[f"{m}-{s}" for m, s in CASES])
def test_a_click_on_each_dot_opens_that_place(built, open_map, which, size):
    shown = open_map(built[which], *SIZES[size])
    page = shown.page
    back = first_view(page)
    names = page.evaluate(
        "() => Object.fromEntries(Object.entries(window.routeMap.markers).map(([id, m]) => [id, m.routePlace.properties.name]))"
    )
    for place, name in names.items():
        back()
        page.mouse.click(*shown.marker_point(place))
        page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 1")
        heading = page.locator(".leaflet-popup-content h2")
        heading.wait_for()
        assert heading.inner_text() == name


# For each leg, a point on its line (in page pixels) away from every dot and control.
@pytest.mark.parametrize(("which", "size"), CASES, ids=[f"{m}-{s}" for m, s in CASES])
def test_no_two_dots_overlap_where_they_are_drawn(built, open_map, which, size):
    """Dots that crowd are moved apart; a pair so moved must not land on a third dot (Upper
    Lars, moved from Vladikavkaz, touched Yerevan's dot on a laptop and Baku's on a phone)."""
    dots = open_map(built[which], *SIZES[size]).page.evaluate(LAYOUT)["dots"]
    placed = list(dots.items())
    for i, (a, one) in enumerate(placed):
        for b, other in placed[:i]:
            apart = ((one["x"] - other["x"]) ** 2 + (one["y"] - other["y"]) ** 2) ** 0.5
            assert apart >= one["r"] + other["r"], (a, b, round(apart, 1))


LEG_POINTS = """() => {
  const rm = window.routeMap, map = rm.map;
  const frame = map.getContainer().getBoundingClientRect();
  const controls = [...map.getContainer().querySelectorAll('.leaflet-control')].map(c => c.getBoundingClientRect());
  const dots = Object.keys(rm.markers).map(id => rm.dotPoint(id));
  const out = [];
  for (const [id, layer] of Object.entries(rm.journeyLayers)) {
    for (const line of layer.getLayers().filter(l => l instanceof L.Polyline && l.routeLeg)) {
      const points = line.getLatLngs();
      let found = null;
      for (const f of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.35, 0.65, 0.25, 0.75]) {
        const i = f * (points.length - 1), a = points[Math.floor(i)], b = points[Math.ceil(i)], t = i - Math.floor(i);
        const pa = map.latLngToContainerPoint(a), pb = map.latLngToContainerPoint(b);
        const p = L.point(pa.x + (pb.x - pa.x) * t, pa.y + (pb.y - pa.y) * t);
        const x = frame.left + p.x, y = frame.top + p.y;
        if (x < frame.left + 4 || x > frame.right - 4 || y < frame.top + 4 || y > frame.bottom - 4) continue;
        if (controls.some(c => x >= c.left - 4 && x <= c.right + 4 && y >= c.top - 4 && y <= c.bottom + 4)) continue;
        if (dots.some(([dx, dy, r]) => Math.hypot(dx - p.x, dy - p.y) < r + 8)) continue;
        found = [x, y]; break;
      }
      out.push({journey: id, name: line.routeJourney.name, leg: line.routeLeg.number, at: found});
    }
  }
  return out;
}"""


@pytest.mark.parametrize(("which", "size"), CASES, ids=[f"{m}-{s}" for m, s in CASES])
def test_every_route_opens_with_a_click_on_its_line(built, open_map, which, size):
    shown = open_map(built[which], *SIZES[size])
    page = shown.page
    back = first_view(page)
    legs = page.evaluate(LEG_POINTS)
    assert legs
    for leg in legs:
        if leg["at"] is None:
            continue  # too short to click clear of its dots at this zoom: from the panel, below
        back()
        page.mouse.click(*leg["at"])
        page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 1")
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        if popup.locator(".route-choices").count():
            shown.settled()
            popup.get_by_role("button", name=leg["name"]).click()
            page.wait_for_function(
                "document.querySelectorAll('.leaflet-popup').length === 1 && !document.querySelector('.route-choices')"
            )
        page.locator(".leaflet-popup-content h2", has_text=leg["name"]).wait_for()
        assert f"Leg {leg['leg']} of" in page.locator(".leaflet-popup-content").inner_text()
    unclickable = {leg["name"] for leg in legs if leg["at"] is None}
    back()
    for name in sorted(unclickable):
        # The reader finds the journey in the panel's search, and its popup opens on the map (on
        # a phone the panel opens over the map, and closes to show what was found).
        open_panel(page)
        page.get_by_label("Find a journey, person, place or quote").fill(name)
        page.locator(".search-results .result").filter(
            has=page.locator(".result-name", has_text=name)
        ).first.click()
        page.locator(".leaflet-popup-content h2", has_text=name).wait_for()
        page.keyboard.press("Escape")
        page.wait_for_function("document.querySelectorAll('.leaflet-popup').length === 0")


def test_where_lines_overlap_a_click_offers_each_route(built, open_map):
    shown = open_map(built["crowded"])
    page = shown.page
    # Near Moscow the flights to Baku and to Dubai run together.
    at = page.evaluate(
        """() => { const rm = window.routeMap, map = rm.map;
             const line = id => rm.journeyLayers[id].getLayers().find(l => l.routeLeg);
             const baku = line('moscow-baku').getLatLngs(), dubai = line('moscow-dubai');
             const frame = map.getContainer().getBoundingClientRect();
             const [mx, my] = rm.dotPoint('moscow');
             for (const point of baku) {
               const p = map.latLngToContainerPoint(point);
               if (Math.hypot(p.x - mx, p.y - my) < 16) continue;
               if (dubai._containsPoint(map.containerPointToLayerPoint(p))) return [frame.left + p.x, frame.top + p.y];
             }
             return null; }"""
    )
    assert at is not None, "the two flights no longer run together near Moscow"
    page.mouse.click(*at)
    choices = page.locator(".leaflet-popup-content .route-choices button").all_inner_texts()
    assert "Moscow–Baku" in choices and "Moscow–Dubai" in choices


@pytest.mark.parametrize("name", MAPS)
def test_dashed_routes_of_one_origin_take_turns_so_each_shows(built, open_map, name):
    shown = open_map(built[name])
    lines = shown.page.evaluate(
        """() => Object.values(window.routeMap.journeyLayers).flatMap(layer => layer.getLayers())
             .filter(l => l.routeLeg && l.options.dashArray)
             .map(l => ({journey: l.routeJourney.id, from: l.routeLeg.from, colour: l.options.color,
                         dashes: l.options.dashArray, offset: Number(l.options.dashOffset || 0)}))"""
    )
    # Lines of one origin with dashes of one length (the pattern is stretched, its dash kept).
    by_origin: dict[tuple, list[dict]] = {}
    for line in lines:
        by_origin.setdefault((line["from"], line["dashes"].split()[0]), []).append(line)
    crowded = {
        key: group for key, group in by_origin.items() if len({g["colour"] for g in group}) > 1
    }
    # The Moscow flights (grey sold-out routes and the purple costly one to Dubai) run together.
    assert ("moscow", "6") in crowded
    for origin, group in crowded.items():
        # Where they run together, one colour's dashes fill the other's gaps: each colour has a
        # turn of its own, and a dash, then a gap of one dash per other colour.
        turns = {}
        for line in group:
            turns.setdefault(line["colour"], set()).add(line["offset"])
        assert all(len(offsets) == 1 for offsets in turns.values()), (origin, turns)
        assert len({next(iter(offsets)) for offsets in turns.values()}) == len(turns), (
            origin,
            turns,
        )
        for line in group:
            dash, gap = (float(n) for n in line["dashes"].split())
            assert gap == dash * (len(turns) - 1), line


# Each name shown whose dot the reader does not see: its middle off the map or under a control
# (the legend, the layer control, the zoom buttons, the credits, the tiles notice).
NAMES_WITHOUT_DOTS = """() => {
  const map = window.routeMap.map, size = map.getSize();
  const frame = map.getContainer().getBoundingClientRect();
  const controls = [...map.getContainer().querySelectorAll('.leaflet-control')]
    .map(c => c.getBoundingClientRect()).filter(r => r.width && r.height);
  return [...document.querySelectorAll('.place-label')]
    .filter(label => label.getClientRects().length)  // shown (hidden ones have no box)
    .map(label => label.dataset.place)
    .filter(id => {
      const [x, y] = window.routeMap.dotPoint(id);
      const under = controls.some(r => frame.left + x >= r.left && frame.left + x <= r.right
                                      && frame.top + y >= r.top && frame.top + y <= r.bottom);
      return x < 0 || y < 0 || x > size.x || y > size.y || under;
    });
}"""

PAN_BY = "([x, y]) => { window.routeMap.map.panBy([x, y], {animate: false}); }"


def name_shown(page, place: str) -> bool:
    return page.locator(f'.place-label[data-place="{place}"]').is_visible()


def test_a_name_shows_only_while_its_dot_is_in_view_and_under_no_control(built, open_map):
    shown = open_map(built["shipped"], *SIZES["desktop"])
    page = shown.page
    assert name_shown(page, "irkutsk")
    # Panned 360 px left, Irkutsk's dot is past the right edge: its name goes, and comes back
    # with the dot.
    page.evaluate(PAN_BY, [-360, 0])
    assert page.evaluate("window.routeMap.dotPoint('irkutsk')[0]") > page.evaluate(
        "window.routeMap.map.getSize().x"
    )
    assert page.locator('.place-label[data-place="irkutsk"]').evaluate("label => label.hidden")
    assert page.evaluate(NAMES_WITHOUT_DOTS) == []
    page.evaluate(PAN_BY, [360, 0])
    assert name_shown(page, "irkutsk")
    # Every way the map is panned, no name stands without its dot.
    for step in ([0, 250], [-300, 0], [0, -500], [600, 0], [0, 400]):
        page.evaluate(PAN_BY, step)
        assert page.evaluate(NAMES_WITHOUT_DOTS) == [], step
    page.evaluate(PAN_BY, [-300, -150])
    # Tashkent's dot under the open legend, just inside its left edge: no name for it.
    legend = page.locator(".route-legend").bounding_box()
    x, y = shown.marker_point("tashkent")
    page.evaluate(PAN_BY, [x - (legend["x"] + 12), y - (legend["y"] + legend["height"] / 2)])
    assert not name_shown(page, "tashkent")
    assert page.evaluate(NAMES_WITHOUT_DOTS) == []
    # The legend folded, the dot is seen again, and named.
    page.locator(".route-legend summary").click()
    page.wait_for_function(
        "() => document.querySelector('.place-label[data-place=\"tashkent\"]').getClientRects().length"
    )
    assert page.evaluate(NAMES_WITHOUT_DOTS) == []
    assert shown.page_errors == []
