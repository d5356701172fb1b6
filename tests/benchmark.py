"""Benchmark: this tool against the naive folium approach, on a seeded synthetic map.

    .venv/bin/python -m tests.benchmark [--n 5000] [--seed 1] [--runs 3]

Generates a places.yaml of N places, N journeys and 2N quotes (tests/synthetic.py), then for
each approach reports build wall time (the whole command, start-up included), peak memory, HTML
size, the time until the map is ready in Chromium (Playwright) and how long the map takes to
redraw after a pan and after a zoom there (is the dense map usable?). Last, the small case: the
shipped map's build against `python -c "import folium, geopy"`. Figures go to stdout; nothing
is asserted (the tests assert behaviour, not speed).

The naive approach reads the same file with the same loader, then adds one folium.Marker with a
Popup per place and one PolyLine per journey. For a fair page load both are served their CDN
assets locally: Leaflet from xstatic-leaflet, jQuery and Font Awesome from their xstatic
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
from functools import partial
from pathlib import Path

from .conftest import REPO, TILE_HOST, blank_tile_png, chromium_path
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


def page_timings(browser, html: Path, assets: dict[str, bytes], ours: bool) -> tuple:
    """From navigation until the map is drawn and painted; then a pan's and a zoom's redraw in
    milliseconds (median of five each)."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    tile = blank_tile_png()

    def route(request_route):
        url = request_route.request.url
        if url.startswith(("file:", "data:")):
            request_route.continue_()
        elif TILE_HOST in url:
            request_route.fulfill(status=200, content_type="image/png", body=tile)
        else:
            body = next((data for suffix, data in assets.items() if url.endswith(suffix)), None)
            kind = "text/css" if url.endswith(".css") else "application/javascript"
            if body is None:
                request_route.fulfill(status=404, body=b"")
            else:
                request_route.fulfill(status=200, content_type=kind, body=body)

    page.route("**/*", route)
    started = time.perf_counter()
    # The map is ready when its script has drawn it: folium's runs before DOMContentLoaded, ours
    # once its data is unpacked. Tiles (answered locally) are not waited for in either.
    page.goto(html.as_uri(), wait_until="domcontentloaded", timeout=120_000)
    if ours:
        page.wait_for_function("window.routeMap !== undefined", timeout=120_000)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=5000, help="places and journeys (quotes: 2N)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3, help="runs of each measure (median)")
    parser.add_argument("--skip-naive", action="store_true")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="routes-bench-"))
    places = folder / "places.yaml"
    places.write_text(synthetic_places(args.n, args.n, 2 * args.n, args.seed), encoding="utf-8")
    print(
        f"Synthetic map: {args.n} places, {args.n} journeys, {2 * args.n} quotes "
        f"(seed {args.seed}; places.yaml {places.stat().st_size / 1e6:.1f} MB)"
    )
    assets, missing = local_assets()
    if missing:
        print(f"Naive page's assets not found locally, answered 404: {', '.join(missing)}")

    rows = {}

    def ours_command(out: Path) -> list[str]:  # exactly what a user runs
        return [sys.executable, "routes.py", "--places", str(places), "--out", str(out)]

    def naive_command(out: Path) -> list[str]:
        return [sys.executable, "-c", NAIVE, str(places), str(out)]

    approaches = [("routes", ours_command, True)]
    if not args.skip_naive:
        approaches.append(("naive folium", naive_command, False))
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        for name, command, ours in approaches:
            out = folder / f"{name.replace(' ', '-')}.html"
            wall, memory = median_runs(partial(build, command(out)), args.runs)
            ready, pan, zoom = median_runs(
                partial(page_timings, browser, out, assets, ours), args.runs
            )
            rows[name] = (wall, memory, out.stat().st_size / 1e6, ready, pan, zoom)
        browser.close()

    print(f"\n{'':24}" + "".join(f"{name:>16}" for name in rows))
    labels = [
        "build wall time (s)",
        "peak memory (MB)",
        "HTML size (MB)",
        "ready in Chromium (s)",
        "redraw after a pan (ms)",
        "redraw after a zoom (ms)",
    ]
    for index, label in enumerate(labels):
        print(f"{label:24}" + "".join(f"{row[index]:16.2f}" for row in rows.values()))
    if "naive folium" in rows:
        ours, naive = rows["routes"], rows["naive folium"]
        print(
            f"\nroutes vs naive: build {naive[0] / ours[0]:.1f}× faster, "
            f"HTML {naive[2] / ours[2]:.1f}× smaller, ready {naive[3] / ours[3]:.1f}× sooner"
        )

    ours, floor = small_case(max(args.runs, 5))
    print(
        f"\nSmall case (the shipped map): build {ours:.2f} s; `import folium, geopy` {floor:.2f} s; "
        f"ratio {ours / floor:.2f}"
    )
    print(json.dumps({"rows": rows, "small": [ours, floor]}), file=sys.stderr)


if __name__ == "__main__":
    main()
