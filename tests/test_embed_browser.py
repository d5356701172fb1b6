"""The map embedded in an article with the README's snippet: from 300 to 1,200 px wide, the
frame takes the height the map asks for, and inside it no control hides another or falls off
the frame."""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from pathlib import Path

import pytest

from routemap.build import build

from .conftest import REPO, TILE_HOST, blank_tile_png, settle

BORDER = Path(__file__).parent / "data" / "border.yaml"

SNIPPET = re.search(
    r"<!-- embed-snippet -->\n```html\n(.*?)```",
    (REPO / "README.md").read_text(encoding="utf-8"),
    re.S,
).group(1)


CONTROLS = (
    ".panel-head h1, .panel-toggle, .leaflet-control-zoom, .leaflet-control-layers, .route-legend,"
    " .tile-notice, .leaflet-control-attribution"
)


def host_page(folder: Path, shipped_map: Path) -> Path:
    shutil.copy(shipped_map, folder / "routes.html")
    snippet = SNIPPET.replace("https://example.org/maps/routes.html", "routes.html")
    host = folder / "article.html"
    host.write_text(
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>An article</title></head>"
        "<body style='margin: 8px'><p>Text before the map.</p>"
        f"{snippet}<p>Text after the map.</p></body></html>",
        encoding="utf-8",
    )
    return host


@pytest.mark.parametrize("width", [300, 320, 700, 1200])
def test_the_frame_takes_the_height_the_map_asks_for(tmp_path, shipped_map, browser, width):
    host = host_page(tmp_path, shipped_map)
    page = browser.new_page(viewport={"width": width + 16, "height": 900})
    page.route("**/*", lambda r: r.abort() if TILE_HOST in r.request.url else r.continue_())
    page.add_init_script(
        "window.heightsAsked = []; window.addEventListener('message', e => "
        "e.data && e.data['datawrapper-height'] && window.heightsAsked.push(e.data['datawrapper-height']));"
    )
    page.goto(host.as_uri())
    page.wait_for_function("window.heightsAsked.length > 0")
    frame = page.frame_locator("iframe")
    inner = next(f for f in page.frames if f.url.endswith("routes.html"))
    inner.wait_for_function("window.routeMap !== undefined && window.routeMap.ready")
    asked = page.evaluate("window.heightsAsked.at(-1)")
    (height,) = asked.values()
    assert 480 <= height <= 860
    box = page.locator("iframe").bounding_box()
    assert box["width"] == width and box["height"] == height

    # Inside the frame: the title and every control are on screen, and none covers another.
    controls = inner.evaluate(
        """selector => [...document.querySelectorAll(selector)]
                 .filter(e => e.offsetParent !== null)
                 .map(e => { const r = e.getBoundingClientRect();
                             return [e.className, r.left, r.top, r.right, r.bottom]; })""",
        CONTROLS,
    )
    size = inner.evaluate(
        "[document.documentElement.clientWidth, document.documentElement.clientHeight]"
    )
    for name, left, top, right, bottom in controls:
        assert (
            left >= -0.5 and top >= -0.5 and right <= size[0] + 0.5 and bottom <= size[1] + 0.5
        ), name
    for i, a in enumerate(controls):
        for b in controls[i + 1 :]:
            apart = (
                a[3] <= b[1] + 0.5 or b[3] <= a[1] + 0.5 or a[4] <= b[2] + 0.5 or b[4] <= a[2] + 0.5
            )
            assert apart, (a[0], b[0])
    assert frame.locator(".folium-map").bounding_box()["height"] >= 250
    page.close()


def test_the_map_asks_nothing_when_it_is_not_in_a_frame(shipped_map, open_map):
    shown = open_map(shipped_map)
    sent = shown.page.evaluate(
        """() => new Promise(done => { const seen = [];
               window.addEventListener('message', e => seen.push(e.data));
               setTimeout(() => done(seen), 300); })"""
    )
    assert sent == []


@pytest.fixture
def served(tmp_path):
    """The test's folder served over HTTP on 127.0.0.1, as a newsroom's server would: the
    article at /article.html, the map it embeds at /routes.html."""
    handler = functools.partial(
        type("Quiet", (http.server.SimpleHTTPRequestHandler,), {"log_message": lambda *a: None}),
        directory=str(tmp_path),
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


# Each place whose dot is not where the reader sees it in the frame: its middle off the map, or
# under one of the map's controls (the credits, the legend, the tiles notice...).
UNSEEN_DOTS = """() => {
  const map = window.routeMap.map;
  const size = map.getSize();
  const frame = map.getContainer().getBoundingClientRect();
  const controls = [...map.getContainer().querySelectorAll('.leaflet-control')]
    .map(c => c.getBoundingClientRect()).filter(r => r.width && r.height);
  return window.routeMap.placeIds().filter(id => {
    const [x, y] = window.routeMap.dotPoint(id);
    const under = controls.some(r => frame.left + x >= r.left && frame.left + x <= r.right
                                    && frame.top + y >= r.top && frame.top + y <= r.bottom);
    return x < 0 || y < 0 || x > size.x || y > size.y || under;
  });
}"""


def embedded_border_map(folder: Path, browser, served: str):
    """The small map of tests/data/border.yaml embedded with the README's snippet in an article
    read on a phone (390×844), its tiles blank ones from here: the frame starts 600 px high and
    takes the height the map asks for. Returns the host page and the map's frame, once the map is
    set up and the frame has its asked-for height."""
    build(BORDER, folder / "border.html")
    host_page(folder, folder / "border.html")
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.set_default_timeout(5000)
    tile = blank_tile_png()
    page.route(
        "**/*",
        lambda r: (
            r.fulfill(status=200, content_type="image/png", body=tile)
            if TILE_HOST in r.request.url
            else r.continue_()
        ),
    )
    page.goto(served + "/article.html")
    page.wait_for_function(
        "() => { const map = document.querySelector('iframe').contentWindow.routeMap;"
        " return map !== undefined && map.ready; }"
    )
    inner = next(f for f in page.frames if f.url.endswith("/routes.html"))
    page.wait_for_function("document.querySelector('iframe').getBoundingClientRect().height < 600")
    return page, inner


def frame_resized(page, inner, height: int) -> None:
    """The host page sets the frame's height; waits until the map has taken its new size."""
    page.evaluate("h => { document.querySelector('iframe').style.height = h + 'px'; }", height)
    inner.wait_for_function(
        """h => window.innerHeight === h
                && window.routeMap.map.getSize().y === window.routeMap.map.getContainer().clientHeight""",
        arg=height,
    )
    inner.wait_for_timeout(100)
    settle(inner)


def test_an_embedded_map_is_fitted_again_when_the_page_makes_its_frame_smaller(
    tmp_path, browser, served
):
    """The map is fitted at the frame's first height (600 px); the snippet then makes the frame
    the height the map asks for (486 px at this width), and an article's own script may make it
    smaller still: each time the whole journey is in view again, no dot above the map or under
    the credits."""
    page, inner = embedded_border_map(tmp_path, browser, served)
    settle(inner)
    assert inner.evaluate("window.innerHeight") < 600  # the frame took the asked-for height
    assert inner.evaluate(UNSEEN_DOTS) == []
    frame_resized(page, inner, 420)
    assert inner.evaluate(UNSEEN_DOTS) == []
    page.close()


def test_an_embedded_map_the_reader_has_moved_keeps_its_view_when_the_frame_changes(
    tmp_path, browser, served
):
    page, inner = embedded_border_map(tmp_path, browser, served)
    settle(inner)
    # The reader drags the map a little to the right.
    frame = page.locator("iframe").bounding_box()
    box = inner.evaluate(
        "() => { const r = window.routeMap.map.getContainer().getBoundingClientRect();"
        " return [r.left, r.top, r.width, r.height]; }"
    )
    x, y = frame["x"] + box[0] + box[2] / 2, frame["y"] + box[1] + box[3] / 3
    # (A drag's glide goes on after the button is let go: the map is still at its moveend.)
    inner.evaluate(
        "() => { const m = window.routeMap.map; window.dragged = new Promise("
        "done => m.once('dragend', () => m.once('moveend', done))); }"
    )
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 40, y + 10, steps=8)
    page.mouse.move(x + 80, y + 20, steps=8)
    page.mouse.up()
    inner.evaluate("window.dragged.then(() => true)")
    settle(inner)
    view = "() => { const m = window.routeMap.map, c = m.getCenter(); return [c.lat, c.lng, m.getZoom()]; }"
    before = inner.evaluate(view)
    frame_resized(page, inner, 420)
    assert inner.evaluate(view) == pytest.approx(before, abs=1e-6)
    page.close()
