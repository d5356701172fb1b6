"""The map embedded in an article with the README's snippet: from 300 to 1,200 px wide, the
frame takes the height the map asks for, and inside it no control hides another or falls off
the frame."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from .conftest import REPO, TILE_HOST

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
