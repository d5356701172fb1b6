"""Benchmark: this tool against folium done well and naive folium, on a seeded synthetic map.

    .venv/bin/python -m tests.benchmark [--n 5000 20000 50000] [--seed 1] [--runs 3]

Generates a places.yaml of N places, N journeys and 2N quotes (tests/synthetic.py), then for
each approach reports build wall time (the whole command, start-up included), peak memory, HTML
size, the time until the map is ready in Chromium (Playwright) and how long the map takes to
redraw after a pan and after a zoom there (is the dense map usable?). Last, the small case: the
shipped map's build against `python -c "import folium, geopy"`. Figures go to stdout; nothing
is asserted (the tests assert behaviour, not speed).

Folium done well (the strongest peer on this machine; see FOLIUM_DONE_WELL) and the naive
approach (one folium.Marker with a Popup per place and one PolyLine per journey) read the same
file with the same loader. For a fair page load every page and its CDN assets come from one
local HTTPS server that Chromium takes for the real hosts, so its HTTP cache works
(tests/local_https.py): Leaflet from xstatic-leaflet, jQuery and Font Awesome from their xstatic
packages if installed (pip install -e '.[bench]'), Bootstrap and awesome-markers fetched once
from the npm registry with `npm pack` into a cache folder, and folium's rotation stylesheet from
folium's source distribution on PyPI. An asset that cannot be had is answered 404 and named in
the output. Map tiles are answered with a blank local tile.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

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

# folium as a practised analyst uses it for thousands of items (issue 15's "folium done well"):
# a canvas renderer, the places in one FastMarkerCluster (markers made in the browser from one
# array, each with its popup), the journeys in one GeoJson layer with GeoJsonPopup and
# GeoJsonTooltip, a Search over the journeys' names and a LayerControl. The file is read by the
# same loader as the tool's, so both are timed on drawing, not on parsing.
FOLIUM_DONE_WELL = r"""
import html, sys
from pathlib import Path
import folium
from folium import plugins
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

# folium 0.20's CDN addresses, and where each is found locally: (package kind, name, path).
CDN_ASSETS = {
    "leaflet@1.9.3/dist/leaflet.js": ("xstatic", "leaflet", "leaflet.js"),
    "leaflet@1.9.3/dist/leaflet.css": ("xstatic", "leaflet", "leaflet.css"),
    "jquery-3.7.1.min.js": ("xstatic", "jquery", "jquery.min.js"),
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
    "all.min.css": ("xstatic", "font_awesome", "css/all.min.css"),
    # folium's own, served from its GitHub repository: the same file, unminified, is in the
    # source distribution of the installed folium on PyPI.
    "leaflet.awesome.rotate.min.css": (
        "sdist",
        "folium",
        "folium/templates/leaflet.awesome.rotate.css",
    ),
    "leaflet@1.9.3/dist/images/marker-icon.png": ("xstatic", "leaflet", "images/marker-icon.png"),
    "leaflet@1.9.3/dist/images/marker-shadow.png": (
        "xstatic",
        "leaflet",
        "images/marker-shadow.png",
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


def xstatic_file(name: str, inner: str) -> Path | None:
    try:
        module = __import__(f"xstatic.pkg.{name}", fromlist=["BASE_DIR"])
    except ImportError:
        return None
    found = Path(module.BASE_DIR) / inner
    return found if found.exists() else None


def local_assets() -> tuple[dict[str, bytes], list[str]]:
    assets, missing = {}, []
    for suffix, (kind, name, inner) in CDN_ASSETS.items():
        finder = {"xstatic": xstatic_file, "npm": npm_file, "sdist": sdist_file}.get(kind)
        path = finder(name, inner) if finder else None
        if path is None:
            missing.append(suffix)
        else:
            assets[suffix] = path.read_bytes()
    return assets, missing


def build(command: list[str]) -> tuple[float, float]:
    """Wall seconds of the whole command and its peak memory in MB (from wait4's rusage)."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            raise SystemExit(f"build failed:\n{errors.read().decode()}")
    return wall, usage.ru_maxrss / 1024


# In the page: one pan and one zoom of the map, each timed until the frame after it is painted.
PAN_AND_ZOOM = """async () => {
  const map = Object.values(window).find((value) => value instanceof L.Map);
  const painted = () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const timed = async (move) => { const start = performance.now(); move(); await painted(); return performance.now() - start; };
  const pan = [], zoom = [];
  for (let i = 0; i < 5; i++) {
    pan.push(await timed(() => map.panBy([i % 2 ? -150 : 150, 80], { animate: false })));
    zoom.push(await timed(() => map.setZoom(map.getZoom() + (i % 2 ? -1 : 1), { animate: false })));
  }
  const median = (values) => values.sort((a, b) => a - b)[2];
  return [median(pan), median(zoom)];
}"""


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


def page_timings(browser, html: Path, ours: bool) -> tuple:
    """From navigation until the map is drawn and painted; then a pan's and a zoom's redraw in
    milliseconds (median of five each). Each run is a new browser context: a cold cache."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    started = time.perf_counter()
    # The map is ready when its script has drawn it: folium's runs before DOMContentLoaded, ours
    # once its data is unpacked. Tiles (answered locally) are not waited for in either.
    page.goto(f"https://{PAGE_HOST}/{html.name}", wait_until="domcontentloaded", timeout=300_000)
    if ours:
        page.wait_for_function("window.routeMap !== undefined", timeout=300_000)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    seconds = time.perf_counter() - started
    pan, zoom = page.evaluate(PAN_AND_ZOOM)
    page.close()
    return seconds, pan, zoom


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
]


def measure(n: int, args, assets: dict[str, bytes], playwright) -> dict[str, tuple]:
    """Every approach's figures at N places and N journeys: {approach: figures, in LABELS order}."""
    folder = Path(tempfile.mkdtemp(prefix="routes-bench-"))
    places = folder / "places.yaml"
    places.write_text(synthetic_places(n, n, 2 * n, args.seed), encoding="utf-8")
    print(
        f"\nSynthetic map: {n:,} places, {n:,} journeys, {2 * n:,} quotes "
        f"(seed {args.seed}; places.yaml {places.stat().st_size / 1e6:.1f} MB)"
    )

    def command(script: str | None) -> Callable[[Path], list[str]]:
        if script is None:  # the tool, exactly as a user runs it
            return lambda out: [
                sys.executable,
                "routes.py",
                "--places",
                str(places),
                "--out",
                str(out),
            ]
        return lambda out: [sys.executable, "-c", script, str(places), str(out)]

    approaches = [
        ("routes", command(None), True),
        ("folium done well", command(FOLIUM_DONE_WELL), False),
    ]
    if n <= args.naive_up_to:
        approaches.append(("naive folium", command(NAIVE), False))
    rows = {}
    server = asset_server(folder, assets)
    browser = playwright.chromium.launch(
        executable_path=chromium_path(), args=CHROMIUM_ARGS + server.chromium_flags()
    )
    for name, make, ours in approaches:
        out = folder / f"{name.replace(' ', '-')}.html"
        wall, memory = median_runs(partial(build, make(out)), args.runs)
        ready, pan, zoom = median_runs(partial(page_timings, browser, out, ours), args.runs)
        rows[name] = (wall, memory, out.stat().st_size / 1e6, ready, pan, zoom)
    browser.close()
    server.close()
    shutil.rmtree(folder, ignore_errors=True)
    return rows


def print_table(rows: dict[str, tuple]) -> None:
    """The figures, then the tool's against the best peer's for each (lower is better for
    all: under 1 means the tool is ahead)."""
    print(f"{'':26}" + "".join(f"{name:>18}" for name in rows) + f"{'routes ÷ best':>16}")
    peers = [name for name in rows if name != "routes"]
    for index, label in enumerate(LABELS):
        best = min(peers, key=lambda name: rows[name][index])
        ratio = rows["routes"][index] / rows[best][index]
        figures = "".join(f"{row[index]:18.2f}" for row in rows.values())
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
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    assets, missing = local_assets()
    if missing:
        print(f"Peers' assets not found locally, answered 404: {', '.join(missing)}")
    results = {}
    with sync_playwright() as playwright:
        for n in args.n:
            results[n] = measure(n, args, assets, playwright)
            print_table(results[n])

    ours, floor = small_case(max(args.runs, 5))
    print(
        f"\nSmall case (the shipped map): build {ours:.2f} s; `import folium, geopy` {floor:.2f} s; "
        f"ratio {ours / floor:.2f}"
    )
    print(json.dumps({"sizes": results, "small": [ours, floor]}), file=sys.stderr)


if __name__ == "__main__":
    main()
