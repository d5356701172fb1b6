"""Benchmark: this tool against its peers (folium done well, naive folium, pydeck) on a seeded
synthetic map.

    .venv/bin/python -m tests.benchmark [--n 5000 20000 50000] [--seed 1] [--runs 3]
        [--peers folium naive pydeck] [--naive-up-to 5000]

Generates a places.yaml of N places, N journeys and 2N quotes (tests/synthetic.py), then for
each approach reports build wall time (the whole command, start-up included), peak memory, HTML
size, the time until the map is ready in Chromium (Playwright), how long the map takes to
redraw after a pan and after a zoom there (the frame after the move; then, for the tool, whose
big maps paint their tiles a few at a time after that frame, until every tile in view is
painted), the time from a click on a route line to its popup on screen, and the main thread's
work for a mouse move over the map (is the dense map usable?). Last, the small case: the
shipped map's build against `python -c "import folium, geopy"`. Figures go to stdout; nothing
is asserted (the tests assert behaviour, not speed).

Folium done well (the strongest Leaflet peer; see FOLIUM_DONE_WELL), the naive approach (one
folium.Marker with a Popup per place and one PolyLine per journey) and pydeck (deck.gl's
layers drawn with WebGL; see PYDECK) read the same file with the same loader. pydeck is
measured where it installs (the bench extra); --peers leaves out the slow ones for a quick run.
For a fair page load every page and its CDN assets come from one local HTTPS server that
Chromium takes for the real hosts, so its HTTP cache works (tests/local_https.py): Leaflet from
xstatic-leaflet, jQuery and Font Awesome from their xstatic packages if installed (pip install
-e '.[bench]'), Bootstrap, awesome-markers and pydeck's page's scripts and stylesheets fetched
once from the npm registry with `npm pack` into a cache folder, deck.gl's bundle from the pydeck
package itself, and folium's rotation stylesheet from folium's source distribution on PyPI. An
asset that cannot be had is answered 404 and named in the output. Map tiles are answered with a
blank local tile.

Chromium here has no GPU: pydeck's WebGL (deck.gl's layers and its mapbox-gl basemap) is drawn
in software by SwiftShader, so its page's figures are those of a reader without a GPU; the
Leaflet pages draw on a 2D canvas, which needs none.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import NamedTuple

from .conftest import CHROMIUM_ARGS, REPO, TILE_HOST, blank_tile_png, chromium_path
from .local_https import LocalHttps
from .synthetic import synthetic_places

CACHE = Path.home() / ".cache" / "routes-benchmark"

NAIVE = r"""
import sys
from pathlib import Path
import folium
from routemap.load import read_places

places = read_places(Path(sys.argv[1]))
by_id = {p.id: p for p in places.places}
people = {p.id: p for p in places.people}
quotes = {}
for q in places.quotes:
    key = q.place or q.journey or q.group
    quotes.setdefault(key, []).append(f"<blockquote>{q.text}</blockquote><p>{people[q.speaker].name}</p>")
m = folium.Map(location=[45, 60], zoom_start=3)
for p in places.places:
    html = f"<h3>{p.name}</h3><p>{p.note or ''}</p>" + "".join(quotes.get(p.id, []))
    folium.Marker([p.lat, p.lon], popup=folium.Popup(html, max_width=300), tooltip=p.name).add_to(m)
for j in places.journeys:
    stops = [j.start] + [leg.to for leg in j.legs]
    html = f"<h3>{j.name}</h3>" + "".join(quotes.get(j.id, []))
    folium.PolyLine([[by_id[s].lat, by_id[s].lon] for s in stops], popup=folium.Popup(html), tooltip=j.name).add_to(m)
m.save(sys.argv[2])
"""

# The start of the peers' scripts done well: places.yaml read by the same loader as the tool's,
# so that all are timed on drawing, not on parsing, and each quote (escaped, with its speaker)
# gathered under the place, journey or group it belongs to.
READ_PLACES = r"""
import html, sys
from pathlib import Path
from routemap.load import read_places

places = read_places(Path(sys.argv[1]))
by_id = {p.id: p for p in places.places}
people = {p.id: p.name for p in places.people}
said = {}
for q in places.quotes:
    key = q.place or q.journey or q.group
    said.setdefault(key, []).append(
        f"<blockquote>{html.escape(q.text)}</blockquote><p>{html.escape(people[q.speaker])}</p>"
    )
"""

# folium as a practised analyst uses it for thousands of items (issue 15's "folium done well"):
# a canvas renderer, the places in one FastMarkerCluster (markers made in the browser from one
# array, each with its popup), the journeys in one GeoJson layer with GeoJsonPopup and
# GeoJsonTooltip, a Search over the journeys' names and a LayerControl.
FOLIUM_DONE_WELL = (
    READ_PLACES
    + r"""
import folium
from folium import plugins

m = folium.Map(location=[45, 60], zoom_start=3, prefer_canvas=True)
rows = [
    [p.lat, p.lon, f"<h3>{html.escape(p.name)}</h3><p>{html.escape(p.note or '')}</p>"
     + "".join(said.get(p.id, []))]
    for p in places.places
]
callback = '''function (row) {
  var marker = L.circleMarker(new L.LatLng(row[0], row[1]), {radius: 5});
  marker.bindPopup(row[2], {maxWidth: 300});
  return marker;
}'''
plugins.FastMarkerCluster(rows, callback=callback, name="Places").add_to(m)
features = []
for j in places.journeys:
    stops = [j.start] + [leg.to for leg in j.legs]
    features.append({
        "type": "Feature",
        "geometry": {"type": "LineString",
                     "coordinates": [[by_id[s].lon, by_id[s].lat] for s in stops]},
        "properties": {"name": j.name, "said": "".join(said.get(j.id, []))},
    })
journeys = folium.GeoJson(
    {"type": "FeatureCollection", "features": features},
    name="Journeys",
    style_function=lambda feature: {"color": "#2e3ae6", "weight": 2},
    tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
    popup=folium.GeoJsonPopup(fields=["name", "said"], labels=False),
).add_to(m)
plugins.Search(layer=journeys, search_label="name", placeholder="Find a journey").add_to(m)
folium.LayerControl().add_to(m)
m.save(sys.argv[2])
"""
)

# pydeck as an analyst uses it for a map of this kind: the places as a ScatterplotLayer and the
# journeys as a PathLayer through their stops, both pickable with a tooltip. pydeck has hover
# tooltips and no popups, so the tooltip carries what folium's popups do (name, note, quotes):
# every page holds the same text. The view is folium's; the basemap is OpenStreetMap's raster
# tiles, as on the folium pages (pydeck's default, Carto's vector style, fetches a style, vector
# tiles, glyphs and sprites that no registry has). `to_html` without `offline` gives the page
# pydeck writes by default, which loads deck.gl from jsdelivr.
PYDECK = (
    READ_PLACES
    + r"""
import pydeck as pdk

dots = [
    {"name": html.escape(p.name), "position": [p.lon, p.lat],
     "said": f"<p>{html.escape(p.note or '')}</p>" + "".join(said.get(p.id, []))}
    for p in places.places
]
lines = [
    {"name": html.escape(j.name),
     "path": [[by_id[s].lon, by_id[s].lat] for s in [j.start] + [leg.to for leg in j.legs]],
     "said": "".join(said.get(j.id, []))}
    for j in places.journeys
]
osm = {
    "version": 8,
    "sources": {"osm": {"type": "raster", "tileSize": 256,
                        "tiles": ["https://tile.openstreetmap.org/{z}/{x}/{y}.png"],
                        "attribution": "© OpenStreetMap contributors"}},
    "layers": [{"id": "osm", "type": "raster", "source": "osm"}],
}
deck = pdk.Deck(
    layers=[
        pdk.Layer("PathLayer", lines, id="journeys", get_path="path", get_color=[46, 58, 230],
                  get_width=2, width_units="'pixels'", pickable=True, auto_highlight=True),
        pdk.Layer("ScatterplotLayer", dots, id="places", get_position="position",
                  get_fill_color=[51, 136, 255], get_radius=5, radius_units="'pixels'",
                  pickable=True, auto_highlight=True),
    ],
    initial_view_state=pdk.ViewState(latitude=45, longitude=60, zoom=3),
    map_provider="mapbox",  # pydeck takes a style given as a dict only for this provider
    map_style=osm,
    tooltip={"html": "<b>{name}</b>{said}"},
)
deck.to_html(sys.argv[2], notebook_display=False)
"""
)

# The CDN addresses of each family of peers' pages (each matched by the end of its path), and
# where each is found locally: (kind, package, path inside it). Kinds: "installed", a file of
# an installed Python package; "npm", of an npm package fetched once with `npm pack`; "sdist",
# of the installed version's source distribution on PyPI; "none", on no registry (answered 404,
# and listed).
FOLIUM_ASSETS = {  # folium 0.20's
    "leaflet@1.9.3/dist/leaflet.js": ("installed", "xstatic.pkg.leaflet", "data/leaflet.js"),
    "leaflet@1.9.3/dist/leaflet.css": ("installed", "xstatic.pkg.leaflet", "data/leaflet.css"),
    "jquery-3.7.1.min.js": ("installed", "xstatic.pkg.jquery", "data/jquery.min.js"),
    "bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js": (
        "npm",
        "bootstrap@5.2.2",
        "dist/js/bootstrap.bundle.min.js",
    ),
    "bootstrap@5.2.2/dist/css/bootstrap.min.css": (
        "npm",
        "bootstrap@5.2.2",
        "dist/css/bootstrap.min.css",
    ),
    "leaflet.awesome-markers.js": (
        "npm",
        "drmonty-leaflet-awesome-markers@2.0.2",  # the same 2.0.2 release, packaged for npm
        "js/leaflet.awesome-markers.js",
    ),
    "leaflet.awesome-markers.css": (
        "npm",
        "drmonty-leaflet-awesome-markers@2.0.2",
        "css/leaflet.awesome-markers.css",
    ),
    "all.min.css": ("installed", "xstatic.pkg.font_awesome", "data/css/all.min.css"),
    # folium's own, served from its GitHub repository: the same file, unminified, is in the
    # source distribution of the installed folium on PyPI.
    "leaflet.awesome.rotate.min.css": (
        "sdist",
        "folium",
        "folium/templates/leaflet.awesome.rotate.css",
    ),
    "leaflet@1.9.3/dist/images/marker-icon.png": (
        "installed",
        "xstatic.pkg.leaflet",
        "data/images/marker-icon.png",
    ),
    "leaflet@1.9.3/dist/images/marker-shadow.png": (
        "installed",
        "xstatic.pkg.leaflet",
        "data/images/marker-shadow.png",
    ),
    "leaflet.markercluster/1.1.0/leaflet.markercluster.js": (
        "npm",
        "leaflet.markercluster@1.1.0",
        "dist/leaflet.markercluster.js",
    ),
    "leaflet.markercluster/1.1.0/MarkerCluster.css": (
        "npm",
        "leaflet.markercluster@1.1.0",
        "dist/MarkerCluster.css",
    ),
    "leaflet.markercluster/1.1.0/MarkerCluster.Default.css": (
        "npm",
        "leaflet.markercluster@1.1.0",
        "dist/MarkerCluster.Default.css",
    ),
    "leaflet-search@2.9.7/dist/leaflet-search.min.js": (
        "npm",
        "leaflet-search@2.9.7",
        "dist/leaflet-search.min.js",
    ),
    "leaflet-search@2.9.7/dist/leaflet-search.min.css": (
        "npm",
        "leaflet-search@2.9.7",
        "dist/leaflet-search.min.css",
    ),
    # Bootstrap 3.0.0's separate glyphicons sheet is on no registry: answered 404 (and listed).
    "bootstrap-glyphicons.css": ("none", "", ""),
}
# pydeck 0.9's (pydeck/io/templates/index.j2 and pydeck/io/html.py). The template loads
# mapbox-gl 1.13.0 whatever the basemap (deck.gl's bundle draws with its own copy).
PYDECK_ASSETS = {
    "mapbox-gl-js/v1.13.0/mapbox-gl.js": ("npm", "mapbox-gl@1.13.0", "dist/mapbox-gl.js"),
    "bootstrap/3.2.0/css/bootstrap-theme.min.css": (
        "npm",
        "bootstrap@3.2.0",
        "dist/css/bootstrap-theme.min.css",
    ),
    "font-awesome/4.6.3/css/font-awesome.min.css": (
        "npm",
        "font-awesome@4.6.3",
        "css/font-awesome.min.css",
    ),
    "maplibre-gl@5.14.0/dist/maplibre-gl.css": (
        "npm",
        "maplibre-gl@5.14.0",
        "dist/maplibre-gl.css",
    ),
    # deck.gl itself: @deck.gl/jupyter-widget is not on the npm registry this machine reaches;
    # pydeck's wheel carries the build of it that `to_html(offline=True)` inlines.
    "@deck.gl/jupyter-widget@~9.3.*/dist/index.js": (
        "installed",
        "pydeck",
        "nbextension/static/index.js",
    ),
    "@deck.gl/widgets@~9.3.*/dist/stylesheet.css": (
        "npm",
        "@deck.gl/widgets@~9.3.*",
        "dist/stylesheet.css",
    ),
}


def npm_file(package: str, inner: str) -> Path | None:
    folder = CACHE / package.replace("/", "_")
    if not folder.exists() and shutil.which("npm"):
        CACHE.mkdir(parents=True, exist_ok=True)
        packed = subprocess.run(
            ["npm", "pack", package, "--silent", "--pack-destination", str(CACHE)],
            capture_output=True,
            text=True,
        )
        if packed.returncode == 0:
            with tarfile.open(CACHE / packed.stdout.strip().splitlines()[-1]) as archive:
                archive.extractall(folder, filter="data")
    found = folder / "package" / inner
    return found if found.exists() else None


def sdist_file(name: str, inner: str) -> Path | None:
    """A file of the installed version of a package's source distribution, fetched from PyPI
    once with `pip download` into the cache folder."""
    from importlib.metadata import version

    release = f"{name}-{version(name)}"
    found = CACHE / release / release / inner
    if not found.exists():
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:"]
            + [f"{name}=={version(name)}", "-d", str(CACHE)],
            capture_output=True,
        )
        archive = CACHE / f"{release}.tar.gz"
        if archive.exists():
            with tarfile.open(archive) as sources:
                sources.extractall(CACHE / release, filter="data")
    return found if found.exists() else None


def installed_file(module: str, inner: str) -> Path | None:
    """A file inside an installed Python package (xstatic's assets, pydeck's bundle)."""
    from importlib.util import find_spec

    try:
        spec = find_spec(module)
    except ImportError:
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    found = Path(next(iter(spec.submodule_search_locations))) / inner
    return found if found.exists() else None


def local_assets(approaches: list[Approach]) -> tuple[dict[str, bytes], list[str]]:
    """The CDN assets these approaches' pages load, found locally, and the addresses of those
    not found."""
    wanted = {suffix: where for approach in approaches for suffix, where in approach.assets.items()}
    assets, missing = {}, []
    for suffix, (kind, name, inner) in wanted.items():
        finder = {"installed": installed_file, "npm": npm_file, "sdist": sdist_file}.get(kind)
        path = finder(name, inner) if finder else None
        if path is None:
            missing.append(suffix)
        else:
            assets[suffix] = path.read_bytes()
    return assets, missing


def build(command: list[str]) -> tuple[float, float]:
    """Wall seconds of the whole command and its peak memory in MB, each from a run of its own:
    the time from a run that nothing watches, as the memory's sampler reads /proc (a few
    milliseconds of the machine's time a read) while the command's processes keep both cores
    busy, which made the tool's build at 50,000 some 4% slower (folium's, one process, it does
    not read); then the memory from a run it watches: the larger of its process's own peak
    (wait4's rusage: the most any one of its processes held) and the peak of all its processes
    together (a child parsing a big file, say), sampled as the sum of their proportional set
    sizes, in which the pages two processes share count once."""
    wall = _run(command)[0]
    return wall, _run(command, watched=True)[1]


def _run(command: list[str], watched: bool = False) -> tuple[float, float]:
    """One run of the command: its wall seconds and, `watched`, its peak memory in MB (else
    its process's own peak)."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=errors)
        together = _TreeMemory(process.pid) if watched else None
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        if together is not None:
            together.stop()
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            raise SystemExit(f"build failed:\n{errors.read().decode()}")
    return wall, max(usage.ru_maxrss / 1024, together.peak_mb if together else 0)


class _TreeMemory:
    """The peak of a process's and its descendants' proportional set sizes together, sampled
    in a thread while it runs and has a child (Linux's /proc; 0 elsewhere). A process alone is
    measured by its own peak (wait4's rusage): reading a big process's proportional set size
    costs some milliseconds of the machine's time, so it is read only while there are two,
    every SAMPLE_SECONDS, and whether there are is looked at every LOOK_SECONDS."""

    SAMPLE_SECONDS, LOOK_SECONDS = 0.1, 0.02

    def __init__(self, pid: int):
        import threading

        self.pid, self.peak_mb = pid, 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def _sample(self) -> None:
        last = 0.0
        while not self._done.wait(self.LOOK_SECONDS):
            processes = _descendants(self.pid)
            if len(processes) > 1 and time.perf_counter() - last >= self.SAMPLE_SECONDS:
                last = time.perf_counter()
                total = sum(map(_pss_kb, processes))
                self.peak_mb = max(self.peak_mb, total / 1024)


def _descendants(pid: int) -> list[int]:
    """The process and every process below it, as /proc lists their children."""
    found, at = [pid], 0
    while at < len(found):
        try:
            tasks = Path(f"/proc/{found[at]}/task").iterdir()
            for task in tasks:
                found += map(int, (task / "children").read_text().split())
        except OSError:
            pass
        at += 1
    return found


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


# In the page: five pans (150 px and 80 px) and five zooms (one step) of the map, each timed
# from the move until the frame after its redraw is painted; the median of each. A Leaflet map
# (the tool's, folium's) is moved without animation and redraws on the next animation frame,
# so two frames are waited for. deck.gl's view is moved by giving the deck a new viewState; its
# redraw is seen when deckRenderer.renderCount (layers drawn to the canvas) goes up, and one
# frame more is waited for the paint. Tiles are not waited for on either.
PAN_AND_ZOOM = """async () => {
  const frame = () => new Promise((done) => requestAnimationFrame(done));
  let pan, zoom, first, drawn = () => 0, redrawn = async () => { await frame(); await frame(); };
  if (typeof deckInstance !== "undefined") {
    const view = () => deckInstance.getViewports()[0];
    const show = (v, changes) => deckInstance.setProps({ viewState: { longitude: v.longitude, latitude: v.latitude, zoom: v.zoom, pitch: v.pitch, bearing: v.bearing, ...changes } });
    pan = (i) => { const v = view(); const [longitude, latitude] = v.unproject([v.width / 2 + (i % 2 ? -150 : 150), v.height / 2 + 80]); show(v, { longitude, latitude }); };
    zoom = (i) => { const v = view(); show(v, { zoom: v.zoom + (i % 2 ? -1 : 1) }); };
    drawn = () => deckInstance.deckRenderer.renderCount;
    redrawn = async (before) => { while (drawn() === before) await frame(); await frame(); };
  } else {
    const map = Object.values(window).find((value) => value instanceof L.Map);
    first = { center: map.getCenter(), zoom: map.getZoom() };
    pan = (i) => map.panBy([i % 2 ? -150 : 150, 80], { animate: false });
    zoom = (i) => map.setZoom(map.getZoom() + (i % 2 ? -1 : 1), { animate: false });
  }
  // The tool paints a big map's tiles a few at a time after the first frame: until all in view are.
  const painted = async () => { while (window.routeMap && !window.routeMap.painted) await frame(); };
  const timed = async (move) => {
    const before = drawn(), start = performance.now();
    move();
    await redrawn(before);
    const shown = performance.now() - start;
    await painted();
    return [shown, performance.now() - start];
  };
  const pans = [], zooms = [];
  for (let i = 0; i < 5; i++) {
    pans.push(await timed(() => pan(i)));
    zooms.push(await timed(() => zoom(i)));
  }
  const median = (values) => values.sort((a, b) => a - b)[2];
  if (typeof deckInstance === "undefined") {
    // The first view again, for what is measured next (the pans drift south, the zooms end in).
    const map = Object.values(window).find((value) => value instanceof L.Map);
    map.setView(first.center, first.zoom, { animate: false });
    await redrawn();
    await painted();
  }
  return [0, 1].flatMap((n) => [median(pans.map((t) => t[n])), median(zooms.map((t) => t[n]))]);
}"""

# In a Leaflet page: a click on a route line near the map's middle, timed until its popup is
# on screen; then the main thread's work for each of 30 mouse moves across the map (its handlers,
# and the animation frame's callbacks up to the next frame, where the tool finds what is under
# the pointer), the median. Events are dispatched as a mouse would send them.
POPUP_AND_HOVER = """async () => {
  const frame = () => new Promise((done) => requestAnimationFrame(done));
  const map = Object.values(window).find((value) => value instanceof L.Map);
  const size = map.getSize();
  const rect = map.getContainer().getBoundingClientRect();
  const onLine = window.routeMap
    ? (p) => window.routeMap.routesAt(p.x, p.y).length > 0
    : (p) => {
        const at = map.containerPointToLayerPoint(p);
        let hit = false;
        map.eachLayer((layer) => {
          if (hit || !(layer instanceof L.Polyline) || !layer._parts || !layer._parts.length) return;
          const b = layer._pxBounds;
          if (b && (at.x < b.min.x - 8 || at.x > b.max.x + 8 || at.y < b.min.y - 8 || at.y > b.max.y + 8)) return;
          hit = layer._containsPoint(at);
        });
        return hit;
      };
  let point = null;
  for (let r = 0; r < 400 && !point; r += 7) {
    for (let a = 0; a < 12 && !point; a++) {
      const p = L.point(size.x / 2 + r * Math.cos((a * Math.PI) / 6), size.y / 2 + r * Math.sin((a * Math.PI) / 6));
      if (onLine(p)) point = p;
    }
  }
  if (!point) return [NaN, NaN];
  // (What is under the pointer is found before the clock starts: a browser knows it already.)
  const send = (target, type, x, y) => target.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true, view: window, clientX: x, clientY: y, button: 0 }));
  const clicked = document.elementFromPoint(rect.left + point.x, rect.top + point.y);
  const start = performance.now();
  for (const type of ["mousedown", "mouseup", "click"]) send(clicked, type, rect.left + point.x, rect.top + point.y);
  while (!document.querySelector(".leaflet-popup")) {
    if (performance.now() - start > 20000) return [NaN, NaN];
    await frame();
  }
  await frame();
  await frame();
  const popup = performance.now() - start;
  map.closePopup();
  await frame();
  const moves = [];
  for (let i = 0; i < 30; i++) {
    const x = rect.left + 40 + (i * (size.x - 80)) / 29;
    const y = rect.top + size.y / 2 + 20;
    const target = document.elementFromPoint(x, y);
    const sent = performance.now();
    send(target, "mousemove", x, y);
    const handled = performance.now() - sent;
    moves.push(handled + (await new Promise((done) => requestAnimationFrame((begun) => done(performance.now() - begun)))));
    await frame();
  }
  moves.sort((a, b) => a - b);
  return [popup, moves[15]];
}"""

# When a page's map is drawn, polled from DOMContentLoaded on (none: folium's script has drawn it
# by then). The tool's: its data unpacked and drawn. pydeck's: deck.gl has drawn both layers, with
# their data, to its canvas (deckRenderer.renderCount counts the frames drawn; the device, hence
# the first frame, comes asynchronously after the page's script) and has no redraw pending.
ROUTES_DRAWN = "window.routeMap !== undefined"
DECK_DRAWN = """() => {
  const layers = deckInstance.isInitialized ? deckInstance.layerManager.getLayers() : [];
  return layers.length === 2 && layers.every((layer) => layer.isLoaded)
    && deckInstance.deckRenderer.renderCount > 0 && !deckInstance.needsRedraw();
}"""


class Approach(NamedTuple):
    """One way of making the map: how it is built, and how its page is read."""

    name: str  # as the tables head it
    script: str | None  # run with places.yaml's path and the HTML's; None: the tool's command
    drawn: str | None  # ROUTES_DRAWN, DECK_DRAWN, or None (drawn by DOMContentLoaded)
    assets: dict  # the CDN assets its pages load (FOLIUM_ASSETS, PYDECK_ASSETS)
    needs: str | None = None  # a module it needs that may not install (the bench extra's)


ROUTES = Approach("routes", None, ROUTES_DRAWN, {})
PEERS = {  # by the name --peers knows them by
    "folium": Approach("folium done well", FOLIUM_DONE_WELL, None, FOLIUM_ASSETS),
    "naive": Approach("naive folium", NAIVE, None, FOLIUM_ASSETS),
    "pydeck": Approach("pydeck", PYDECK, DECK_DRAWN, PYDECK_ASSETS, needs="pydeck"),
}
# How long a page may take to load and draw: pydeck's WebGL is drawn in software (SwiftShader)
# by a headless Chromium without a GPU.
PATIENCE = 600_000  # ms


PAGE_HOST = "bench.test"  # where the pages themselves are served (a reserved name)
KINDS = {".css": "text/css", ".js": "application/javascript", ".png": "image/png"}


def asset_server(folder: Path, assets: dict[str, bytes]) -> LocalHttps:
    """Every page's assets from one local HTTPS server, as from their CDNs: the built pages
    from `folder` at PAGE_HOST, a blank tile for any map tile, each CDN asset by the end of its
    path (404 for one not found locally). Chromium caches them as it would online."""
    tile = blank_tile_png()

    def answer(host: str, path: str) -> tuple[int, str, bytes]:
        path = path.split("?")[0]
        if host.endswith(TILE_HOST):
            return 200, "image/png", tile
        if host == PAGE_HOST:
            page = folder / path.lstrip("/")
            if page.parent == folder and page.is_file():
                return 200, "text/html; charset=utf-8", page.read_bytes()
            return 404, "text/plain", b""
        body = next((data for suffix, data in assets.items() if path.endswith(suffix)), None)
        if body is None:
            return 404, "text/plain", b""
        return 200, KINDS.get(Path(path).suffix, "application/octet-stream"), body

    return LocalHttps(folder, answer)


def page_timings(browser, html: Path, approach: Approach) -> tuple:
    """From navigation until the map is drawn and painted; then a pan's and a zoom's redraw in
    milliseconds (median of five each). Each run is a new browser context: a cold cache."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    started = time.perf_counter()
    # Tiles (answered locally) are not waited for on any page.
    page.goto(f"https://{PAGE_HOST}/{html.name}", wait_until="domcontentloaded", timeout=PATIENCE)
    if approach.drawn:
        page.wait_for_function(approach.drawn, timeout=PATIENCE)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    seconds = time.perf_counter() - started
    pan, zoom, pan_painted, zoom_painted = page.evaluate(PAN_AND_ZOOM)
    deck = page.evaluate("typeof deckInstance !== 'undefined'")
    popup, hover = (math.nan, math.nan) if deck else page.evaluate(POPUP_AND_HOVER)
    page.close()
    return seconds, pan, zoom, pan_painted, zoom_painted, popup, hover


def median_runs(function, runs: int):
    results = [function() for _ in range(runs)]
    if isinstance(results[0], tuple):
        return tuple(statistics.median(r[i] for r in results) for i in range(len(results[0])))
    return statistics.median(results)


def small_case(runs: int) -> tuple[float, float]:
    def timed(command: list[str]) -> float:
        started = time.perf_counter()
        subprocess.run(command, cwd=REPO, capture_output=True, check=True)
        return time.perf_counter() - started

    out = Path(tempfile.mkdtemp()) / "routes.html"
    ours = median_runs(lambda: timed([sys.executable, "routes.py", "--out", str(out)]), runs)
    floor = median_runs(lambda: timed([sys.executable, "-c", "import folium, geopy"]), runs)
    return ours, floor


LABELS = [
    "build wall time (s)",
    "peak memory (MB)",
    "HTML size (MB)",
    "ready in Chromium (s)",
    "redraw after a pan (ms)",
    "redraw after a zoom (ms)",
    "pan, all tiles painted (ms)",
    "zoom, all tiles painted (ms)",
    "click to popup (ms)",
    "work per mouse move (ms)",
]


def measure(n: int, args, approaches: list[Approach], assets: dict[str, bytes], playwright) -> dict:
    """Every approach's figures at N places and N journeys: {approach: figures, in LABELS order}."""
    folder = Path(tempfile.mkdtemp(prefix="routes-bench-"))
    places = folder / "places.yaml"
    places.write_text(synthetic_places(n, n, 2 * n, args.seed), encoding="utf-8")
    print(
        f"\nSynthetic map: {n:,} places, {n:,} journeys, {2 * n:,} quotes "
        f"(seed {args.seed}; places.yaml {places.stat().st_size / 1e6:.1f} MB)"
    )

    def command(script: str | None, out: Path) -> list[str]:
        if script is None:  # the tool, exactly as a user runs it
            return [sys.executable, "routes.py", "--places", str(places), "--out", str(out)]
        return [sys.executable, "-c", script, str(places), str(out)]

    rows = {}
    server = asset_server(folder, assets)
    browser = playwright.chromium.launch(
        executable_path=chromium_path(), args=CHROMIUM_ARGS + server.chromium_flags()
    )
    for approach in approaches:
        if approach is PEERS["naive"] and n > args.naive_up_to:
            continue
        out = folder / f"{approach.name.replace(' ', '-')}.html"
        wall, memory = median_runs(partial(build, command(approach.script, out)), args.runs)
        timings = median_runs(partial(page_timings, browser, out, approach), args.runs)
        rows[approach.name] = (wall, memory, out.stat().st_size / 1e6, *timings)
    browser.close()
    server.close()
    shutil.rmtree(folder, ignore_errors=True)
    return rows


def print_table(rows: dict[str, tuple]) -> None:
    """The figures, then the tool's against the best peer's for each (lower is better for
    all: under 1 means the tool is ahead)."""
    peers = [name for name in rows if name != "routes"]
    ratio_head = f"{'routes ÷ best':>16}" if peers else ""
    print(f"{'':26}" + "".join(f"{name:>18}" for name in rows) + ratio_head)
    for index, label in enumerate(LABELS):
        figures = "".join(f"{row[index]:18.2f}" for row in rows.values())
        if not peers:  # --peers chose none measured at this N
            print(f"{label:26}{figures}")
            continue
        measured = [name for name in peers if not math.isnan(rows[name][index])]
        if not measured:  # (pydeck has no popups)
            print(f"{label:26}{figures}")
            continue
        best = min(measured, key=lambda name: rows[name][index])
        ratio = rows["routes"][index] / rows[best][index]
        print(f"{label:26}{figures}{ratio:16.2f}  ({best})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--n",
        type=int,
        nargs="+",
        default=[5000, 20000, 50000],
        help="places and journeys (quotes: 2N); several sizes give a table each",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3, help="runs of each measure (median)")
    parser.add_argument(
        "--naive-up-to",
        type=int,
        default=5000,
        help="measure naive folium only up to this N (it takes minutes beyond: 0 skips it)",
    )
    parser.add_argument(
        "--peers",
        nargs="+",
        choices=list(PEERS),
        default=list(PEERS),
        help="the peers to measure against (default: all; pydeck only where it installs)",
    )
    args = parser.parse_args()

    from importlib.util import find_spec

    from playwright.sync_api import sync_playwright

    peers = [PEERS[name] for name in args.peers]
    for peer in [peer for peer in peers if peer.needs and find_spec(peer.needs) is None]:
        print(f"{peer.name}: {peer.needs} is not installed (pip install -e '.[bench]'); left out")
        peers.remove(peer)
    assets, missing = local_assets(peers)
    if missing:
        print(f"Peers' assets not found locally, answered 404: {', '.join(missing)}")
    results = {}
    with sync_playwright() as playwright:
        for n in args.n:
            results[n] = measure(n, args, [ROUTES, *peers], assets, playwright)
            print_table(results[n])

    ours, floor = small_case(max(args.runs, 5))
    print(
        f"\nSmall case (the shipped map): build {ours:.2f} s; `import folium, geopy` {floor:.2f} s; "
        f"ratio {ours / floor:.2f}"
    )
    print(json.dumps({"sizes": results, "small": [ours, floor]}), file=sys.stderr)


if __name__ == "__main__":
    main()
