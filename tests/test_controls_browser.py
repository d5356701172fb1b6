"""The map's controls in a real Chromium, as a reader checks them: the layer control lists every
journey and group once, whatever their names (two alike, or `constructor` and `__proto__`), and
each entry switches its own lines; the legend draws each mode's line with the dashes the map
draws it with, in light and dark."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from routemap.build import build
from routemap.language import legend_labels
from routemap.load import read_places
from routemap.render import STYLE_TABLE
from routemap.styles import (
    DARK_COLOURS,
    DARK_STYLES,
    STATUS_STYLES,
    journey_colours,
    legend_weight,
)

from .conftest import SHIPPED_PLACES
from .test_accessibility_browser import open_panel, popup_shown

DATA = Path(__file__).parent / "data"
NAMESAKES = DATA / "namesakes.yaml"
BORDER = DATA / "border.yaml"  # a small map whose last dot lies at the bottom left
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}


def rgb(colour: str) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


@pytest.fixture(scope="module")
def namesakes():
    return read_places(NAMESAKES)


@pytest.fixture(scope="module")
def namesakes_map(tmp_path_factory):
    out = tmp_path_factory.mktemp("namesakes") / "routes.html"
    build(NAMESAKES, out)
    return out


@pytest.fixture(scope="module")
def small_maps(tmp_path_factory):
    """The map of tests/data/border.yaml and of the shipped places.yaml, built once."""
    folder = tmp_path_factory.mktemp("small")
    built = {"border": folder / "border.html", "shipped": folder / "shipped.html"}
    build(BORDER, built["border"])
    build(SHIPPED_PLACES, built["shipped"])
    return built


def control_entries(records) -> list[tuple[str, str, list[str]]]:
    """What the layer control lists, in the order of places.yaml: each journey a person
    describes, and each group of routes where its first route stands, as (name, swatch colour,
    the journeys it switches)."""
    colours = journey_colours(records.journeys)
    names = {group.id: group.name for group in records.groups}
    entries, groups = [], {}
    for journey in records.journeys:
        if journey.group is None:
            entries.append((journey.name, colours[journey.id], [journey.id]))
        elif journey.group in groups:
            groups[journey.group][2].append(journey.id)
        else:
            groups[journey.group] = (names[journey.group], STATUS_STYLES["sold-out"]["color"], [])
            groups[journey.group][2].append(journey.id)
            entries.append(groups[journey.group])
    return entries


ON_MAP = "ids => ids.filter(id => window.routeMap.map.hasLayer(window.routeMap.journeyLayers[id]))"


def test_the_layer_control_lists_every_journey_once_and_each_switches_its_own(
    namesakes_map, namesakes, open_map
):
    entries = control_entries(namesakes)
    # What the file is for: two entries alike in name and swatch, two groups of one name, and
    # names that are keys of every JavaScript object.
    looks = [(name, colour) for name, colour, _ in entries]
    assert (
        looks.count(("Leaving for Georgia", journey_colours(namesakes.journeys)["ana-by-car"])) == 2
    )
    assert looks.count(("Sold-out flights", STATUS_STYLES["sold-out"]["color"])) == 2
    assert {"constructor", "__proto__"} <= {name for name, _, _ in entries}
    assert len(entries) >= 7

    shown = open_map(namesakes_map, width=1440, height=900)  # the control is open this wide
    page = shown.page
    labels = page.locator(".leaflet-control-layers-overlays label")
    assert [text.strip() for text in labels.all_inner_texts()] == [
        name for name, _, _ in entries
    ] + ["Places"]
    swatches = labels.locator(".swatch").evaluate_all(
        "all => all.map(s => getComputedStyle(s).backgroundColor)"
    )
    assert swatches == [rgb(colour) for _, colour, _ in entries]

    every = [journey.id for journey in namesakes.journeys]
    assert page.evaluate(ON_MAP, every) == every
    for n, (name, _, ids) in enumerate(entries):
        box = labels.nth(n).locator("input")
        box.uncheck()
        assert page.evaluate(ON_MAP, every) == [i for i in every if i not in ids], (n, name)
        box.check()
        assert page.evaluate(ON_MAP, every) == every, (n, name)
    places = labels.nth(len(entries)).locator("input")
    places.uncheck()
    assert not page.evaluate("window.routeMap.map.hasLayer(window.routeMap.placeLayer)")
    assert page.evaluate(ON_MAP, every) == every
    places.check()
    assert page.evaluate("window.routeMap.map.hasLayer(window.routeMap.placeLayer)")
    assert shown.page_errors == [] and shown.console_errors == []


# Each legend row: its words, the colour they are written in, and each line its symbol draws,
# as the browser computes it.
LEGEND_ROWS = """() => [...document.querySelectorAll('.route-legend li')].map(item => {
  const words = item.querySelector(':scope > span:last-child');
  const lines = [...item.querySelectorAll('svg line')].map(line => {
    const s = getComputedStyle(line);
    return {stroke: s.stroke, width: s.strokeWidth, dashes: s.strokeDasharray, opacity: s.strokeOpacity};
  });
  return {label: words.textContent, text: getComputedStyle(words).color, lines};
})"""

# The ink a PNG of a line's key shows: along its middle row, [ink?, pixels] runs from left to
# right, a pixel being ink where it is further from the ground (the top left pixel) than half the
# furthest one is; and the line's thickness, in pixels, down the column of its first ink (each
# pixel's share of the furthest one's distance, so a half-covered edge counts a half).
INK = """async (png) => {
  const image = new Image();
  image.src = 'data:image/png;base64,' + png;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  const pixels = ctx.getImageData(0, 0, image.width, image.height).data;
  const far = (x, y) => {
    const at = 4 * (y * image.width + x);
    return Math.hypot(pixels[at] - pixels[0], pixels[at + 1] - pixels[1], pixels[at + 2] - pixels[2]);
  };
  const middle = Math.floor(image.height / 2);
  const row = [...Array(image.width).keys()].map(x => far(x, middle));
  const most = Math.max(...row);
  const runs = [];
  for (const d of row) {
    const ink = most > 60 && d > most / 2;
    if (runs.length && runs[runs.length - 1][0] === ink) runs[runs.length - 1][1]++;
    else runs.push([ink, 1]);
  }
  const first = row.findIndex(d => most > 60 && d > most / 2);
  let thickness = 0;
  for (let y = 0; first >= 0 && y < image.height; y++) thickness += Math.min(1, far(first, y) / most);
  return {runs, thickness};
}"""


def dash_pattern(style: dict) -> list[float] | None:
    """A style's dashes as numbers (pixels on and off), None for a solid line."""
    return [float(n) for n in style["dashArray"].split()] if style.get("dashArray") else None


def computed_dashes(value: str) -> list[float] | None:
    return (
        None if value == "none" else [float(n.strip().removesuffix("px")) for n in value.split(",")]
    )


def expected_runs(pattern: list[float] | None, width: int) -> list[list]:
    """The ink runs a line `width` pixels long shows with these dashes."""
    runs: list[list] = []
    at, n = 0, 0
    while at < width:
        length = width if pattern is None else int(pattern[n % len(pattern)])
        length = min(length, width - at)
        runs.append([n % 2 == 0, length])
        at += length
        n += 1
    return runs


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_legend_draws_each_mode_s_line_with_the_map_s_dashes(
    namesakes_map, namesakes, open_map, scheme
):
    used = {
        leg.mode
        for journey in namesakes.journeys
        if journey.status == "trip"
        for leg in journey.legs
    }
    styles = legend_labels(STYLE_TABLE, "en")
    assert used == set(styles["modes"])  # the file travels by every mode there is
    shown = open_map(namesakes_map, scheme=scheme)
    page = shown.page
    if not page.locator(".route-legend").evaluate("legend => legend.open"):
        page.locator(".route-legend summary").click()  # (folded where the map is small)
    rows = {row["label"]: row for row in page.evaluate(LEGEND_ROWS)}

    looks = {}
    for mode, style in styles["modes"].items():
        row = rows[style["label"]]
        assert len(row["lines"]) == 1, mode
        (line,) = row["lines"]
        assert computed_dashes(line["dashes"]) == dash_pattern(style), mode
        assert line["width"] == f"{legend_weight(style['weight'], styles['legend']):g}px", mode
        assert float(line["opacity"]) == pytest.approx(style["opacity"]), mode
        # A mode has no colour of its own (each journey gives it one): the legend's text colour,
        # light or dark.
        assert line["stroke"] == row["text"], mode
        looks[mode] = (line["dashes"], line["width"])
    assert len(set(looks.values())) == len(looks), looks

    # What shows on screen: along the middle of each mode's stroke, ink and gaps as long as its
    # dashes (give or take a pixel where an edge falls between two), as thick as its width, and
    # no two modes alike.
    seen = {}
    for mode, style in styles["modes"].items():
        item = page.locator(".route-legend li", has_text=style["label"])
        symbol = item.locator("svg")
        png = base64.b64encode(symbol.screenshot()).decode()
        ink = page.evaluate(INK, png)
        runs = ink["runs"]
        width = round(symbol.bounding_box()["width"])
        want = expected_runs(dash_pattern(style), width)
        assert [ink for ink, _ in runs] == [ink for ink, _ in want], (mode, runs)
        # (every run but the last, which the symbol's end may cut)
        for (_, got), (_, length) in zip(runs[:-1], want[:-1]):
            assert abs(got - length) <= 1, (mode, runs, want)
        thickness = legend_weight(style["weight"], styles["legend"])
        assert ink["thickness"] == pytest.approx(thickness, abs=0.5), mode
        seen[mode] = (tuple(tuple(run) for run in runs), round(ink["thickness"]))
    assert len(set(seen.values())) == len(seen), seen

    # Routes the articles discuss: their status's colour (its night colour in the dark) and dashes.
    for status, style in styles["statuses"].items():
        (line,) = rows[style["label"]]["lines"]
        colour = DARK_COLOURS[style["color"]] if scheme == "dark" else style["color"]
        assert line["stroke"] == rgb(colour), status
        assert computed_dashes(line["dashes"]) == dash_pattern(style), status

    # A leg the articles do not state: a hollow line, as the map draws it (styles.inferredLeg): a
    # core of the ground's colour, a share of the line's width, down a line of the text colour.
    label = styles["inferredLeg"]["label"]
    edge, core = rows[label]["lines"]
    night = DARK_STYLES["inferredLeg"]["core"] if scheme == "dark" else None
    assert edge["stroke"] == rows[label]["text"] and edge["dashes"] == "none"
    assert core["stroke"] == rgb(night or styles["inferredLeg"]["core"])
    weight = float(edge["width"].removesuffix("px"))
    assert weight == legend_weight(styles["legend"]["hollowWeight"], styles["legend"])
    assert float(core["width"].removesuffix("px")) == pytest.approx(
        max(1, weight * styles["inferredLeg"]["coreWeight"])
    )
    assert shown.page_errors == []


# Each place whose dot's middle lies within the tiles notice's box.
UNDER_THE_NOTICE = """() => {
  const notice = document.querySelector('.tile-notice').getBoundingClientRect();
  const frame = window.routeMap.map.getContainer().getBoundingClientRect();
  return window.routeMap.placeIds().filter(id => {
    const [x, y] = window.routeMap.dotPoint(id);
    return frame.left + x >= notice.left && frame.left + x <= notice.right
        && frame.top + y >= notice.top && frame.top + y <= notice.bottom;
  });
}"""


@pytest.mark.parametrize("size", SIZES)
def test_the_tiles_notice_covers_no_place_at_first_nor_once_a_journey_or_leg_is_opened(
    small_maps, open_map, size
):
    """Offline, the notice that the tiles could not load stands at the bottom left, where this
    map's journey ends: the view is fitted again clear of it when it comes, and a journey opened
    from the panel, or a leg a link names, is framed clear of it too."""
    shown = open_map(small_maps["border"], *SIZES[size], tiles=False)
    page = shown.page
    page.wait_for_selector(".tile-notice")
    shown.settled()
    assert page.evaluate(UNDER_THE_NOTICE) == []
    open_panel(page)
    page.locator(".journey summary", has_text="Ana's journey").click()
    popup_shown(page)
    shown.settled()
    assert page.locator(".tile-notice").is_visible()
    assert page.evaluate(UNDER_THE_NOTICE) == []
    page.evaluate("() => { location.hash = 'journey=ana&leg=1'; }")  # a link followed
    page.wait_for_function(
        "() => [...document.querySelectorAll('.leaflet-popup .leg')].some(e => e.offsetParent)"
    )
    shown.settled()
    assert page.evaluate(UNDER_THE_NOTICE) == []
    assert shown.page_errors == []


# The legend's rows a reader sees, the legend opened.
LEGEND_SEEN = """() => [...document.querySelectorAll('.route-legend li')]
  .filter(item => item.offsetParent !== null).map(item => item.textContent)"""

# The places drawn moved aside from their true spot (where dots crowd), within the map's bounds.
MOVED_IN_VIEW = """() => {
  const map = window.routeMap.map, size = map.getSize();
  return window.routeMap.placeIds().filter(id => {
    const [x, y] = window.routeMap.dotPoint(id);
    const spot = map.latLngToContainerPoint(window.routeMap.placeLatLng(id));
    return Math.hypot(x - spot.x, y - spot.y) > 0.5 && x >= 0 && y >= 0 && x <= size.x && y <= size.y;
  });
}"""


@pytest.mark.parametrize("size", SIZES)
def test_the_legend_explains_dots_moved_aside_only_while_one_is_in_view(small_maps, open_map, size):
    """The legend says "Moved aside where places crowd" only while a dot so moved is on the map:
    not on a small map whose places do not crowd; on the shipped map, whose Irpin and Bucha do,
    until the reader zooms in where none is moved."""
    moved = legend_labels(STYLE_TABLE, "en")["leader"]["label"]
    for which in ("border", "shipped"):
        page = open_map(small_maps[which], *SIZES[size]).page
        if not page.locator(".route-legend").evaluate("legend => legend.open"):
            page.locator(".route-legend summary").click()  # (folded where the map is small)
        crowded = page.evaluate(MOVED_IN_VIEW)
        assert bool(crowded) == (which == "shipped"), crowded
        assert (moved in page.evaluate(LEGEND_SEEN)) == (which == "shipped"), which
    # Zoomed in on Moscow, on the shipped map: no dot in view is moved aside.
    page.evaluate("() => { window.routeMap.map.setView([55.75, 37.6], 8, {animate: false}); }")
    assert page.evaluate(MOVED_IN_VIEW) == []
    assert moved not in page.evaluate(LEGEND_SEEN)


# Run before the map's script: each tile is asked for only a moment after Leaflet sets it (then
# fails, offline), so the tiles notice comes after the view an address opens is on screen.
TILES_LATE = """
const source = Object.getOwnPropertyDescriptor(HTMLImageElement.prototype, "src");
Object.defineProperty(HTMLImageElement.prototype, "src", {
  get() { return source.get.call(this); },
  set(url) {
    if (String(url).includes("tile.openstreetmap.org")) setTimeout(() => source.set.call(this, url), 1500);
    else source.set.call(this, url);
  },
});
"""

# Run before the map's script: counts the steps the page adds to the browser's history.
COUNT_STEPS = """
window.historySteps = 0;
const pushState = history.pushState.bind(history);
history.pushState = (...args) => { window.historySteps += 1; return pushState(...args); };
"""


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("address", ["journey=ana", "journey=ana&leg=1"])
def test_a_view_an_address_opens_is_framed_again_clear_of_a_tiles_notice_that_comes_later(
    small_maps, open_map, size, address
):
    """A link opens a journey or a leg framed as it would be, the bottom left free; when the
    tiles then fail, the notice that comes there would cover the journey's last dot: the view is
    still the page's (the reader has not moved it), so it is framed again clear of it, its popup
    open and whole on the map, the address the same and no step added to the history."""
    before = f"history.replaceState(null, '', '#{address}');" + TILES_LATE + COUNT_STEPS
    shown = open_map(small_maps["border"], *SIZES[size], tiles=False, before=before)
    page = shown.page
    page.wait_for_selector(".tile-notice")
    shown.settled()
    assert page.evaluate(UNDER_THE_NOTICE) == []
    assert page.locator(".leaflet-popup").count() == 1
    popup = page.locator(".leaflet-popup").bounding_box()
    frame = page.locator(".folium-map").bounding_box()
    assert frame["x"] <= popup["x"] and popup["x"] + popup["width"] <= frame["x"] + frame["width"]
    assert frame["y"] <= popup["y"]
    assert page.evaluate("() => [location.hash, window.historySteps]") == [f"#{address}", 0]
    assert shown.page_errors == []


@pytest.mark.parametrize("size", SIZES)
def test_a_view_an_address_opened_is_the_readers_once_they_close_its_popup(
    small_maps, open_map, size
):
    """Once the reader closes the popup a link opened, the view is theirs: a change of the
    map's size frames nothing again, and opens, records and folds nothing."""
    before = "history.replaceState(null, '', '#journey=ana&leg=1');" + COUNT_STEPS
    shown = open_map(small_maps["border"], *SIZES[size], tiles=False, before=before)
    page = shown.page
    shown.settled()
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.querySelector('.leaflet-popup')")
    page.wait_for_function("() => location.hash === ''")
    steps = page.evaluate("() => window.historySteps")  # (closing it went back to the whole map)
    page.set_viewport_size({"width": SIZES[size][0], "height": SIZES[size][1] - 100})
    shown.settled()
    page.wait_for_timeout(300)
    assert page.locator(".leaflet-popup").count() == 0
    assert page.evaluate("() => [location.hash, window.historySteps]") == ["", steps]
    assert shown.page_errors == []
