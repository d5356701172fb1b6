"""Audit the shipped map with the field's own checkers, outside the test suite (they need npm):
Lighthouse (accessibility, best practices, performance; desktop and mobile) and the Nu Html
Checker (the HTML file as written, and the page as the browser has built it).

    python -m tests.audit [--tools DIR]

DIR (default ~/.cache/routes-audit) gets `npm install lighthouse vnu-jar` the first time. The
map is served from 127.0.0.1 and, as a reader online would see it, its map tiles are answered by
a local HTTPS server (a blank tile; Chromium resolves tile.openstreetmap.org to it and accepts
its self-signed certificate), so nothing leaves the machine. Lighthouse's mobile run throttles
the CPU fourfold and the network to slow 4G (its defaults, simulated); total blocking time is
its figure, and as Lighthouse's own guidance on variability advises, the mobile run is made
MOBILE_RUNS times and the median is the one judged (the range is printed beside it).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from routemap.build import build
from tests.conftest import CHROMIUM_ARGS, SHIPPED_PLACES, blank_tile_png, chromium_path
from tests.local_https import LocalHttps

CATEGORIES = ("accessibility", "best-practices", "performance")
MOBILE_RUNS = 5


def tools(folder: Path) -> tuple[Path, Path]:
    lighthouse = folder / "node_modules" / ".bin" / "lighthouse"
    vnu = folder / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    if not (lighthouse.exists() and vnu.exists()):
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(folder),
                "--no-audit",
                "--no-fund",
                "lighthouse@13",
                "vnu-jar",
            ],
            check=True,
        )
    return lighthouse, vnu


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, int]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def lighthouse(binary: Path, url: str, tiles: LocalHttps, mobile: bool, out: Path) -> dict:
    # Lighthouse splits its Chromium flags at spaces: the resolver rule is quoted.
    rules, trust = tiles.chromium_flags("tile.openstreetmap.org")
    name, value = rules.split("=", 1)
    flags = ["--headless=new", *CHROMIUM_ARGS, trust, f'{name}="{value}"']
    command = [
        str(binary),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={' '.join(flags)}",
    ]
    if not mobile:
        command.append("--preset=desktop")
    subprocess.run(command, check=True, env=os.environ | {"CHROME_PATH": chromium_path()})
    return json.loads(out.read_text())


def rendered_dom(url: str) -> str:
    """The page as the browser has built it, with a journey's popup open."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
        page.goto(url)
        page.wait_for_function("window.routeMap !== undefined")
        page.locator(".journey summary").first.click()
        page.wait_for_selector(".leaflet-popup-content h2")
        page.wait_for_timeout(1200)
        html = "<!DOCTYPE html>\n" + page.evaluate("document.documentElement.outerHTML")
        browser.close()
    return html


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", type=Path, default=Path.home() / ".cache" / "routes-audit")
    args = parser.parse_args()
    lighthouse_bin, vnu = tools(args.tools)
    failures = 0
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        build(SHIPPED_PLACES, folder / "routes.html")
        server, port = serve(folder)
        tile = blank_tile_png()
        tiles = LocalHttps(folder, lambda host, path: (200, "image/png", tile))
        url = f"http://127.0.0.1:{port}/routes.html"
        for mobile in (False, True):
            runs = [
                lighthouse(lighthouse_bin, url, tiles, mobile, folder / "report.json")
                for _ in range(MOBILE_RUNS if mobile else 1)
            ]
            blockings = sorted(r["audits"]["total-blocking-time"]["numericValue"] for r in runs)
            blocking = statistics.median(blockings)
            report = runs[0]
            scores = {
                c: min(round(r["categories"][c]["score"] * 100) for r in runs) for c in CATEGORIES
            }
            spread = f" (median of {len(runs)}: {', '.join(f'{b:.0f}' for b in blockings)})"
            print(
                f"Lighthouse {'mobile' if mobile else 'desktop'}: "
                + ", ".join(f"{c} {s}" for c, s in scores.items())
                + f"; total blocking time {blocking:.0f} ms"
                + (spread if mobile else "")
            )
            for category in ("accessibility", "best-practices"):
                for ref in report["categories"][category]["auditRefs"]:
                    audit = report["audits"][ref["id"]]
                    if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                        failures += 1
                        print(f"  {category}: {audit['id']}: {audit['title']}")
                        for item in (audit.get("details") or {}).get("items", [])[:5]:
                            print("    " + json.dumps(item)[:300])
            if mobile:
                for item in report["audits"]["long-tasks"]["details"]["items"][:8]:
                    print(
                        f"  long task {item['duration']:.0f} ms at {item['startTime']:.0f} ms: {item['url']}"
                    )
            failures += scores["accessibility"] < 100 or scores["best-practices"] < 100
            failures += mobile and blocking >= 200
        (folder / "rendered.html").write_text(rendered_dom(url), encoding="utf-8")
        for name in ("routes.html", "rendered.html"):
            checked = subprocess.run(
                ["java", "-jar", str(vnu), "--errors-only", str(folder / name)],
                capture_output=True,
                text=True,
            )
            errors = [line for line in checked.stderr.splitlines() if "error" in line]
            print(f"Nu Html Checker, {name}: {len(errors)} errors")
            for line in errors:
                print("  " + line)
            failures += bool(errors)
        server.shutdown()
        tiles.close()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
