"""Screenshots of the built map at desktop and phone size, with the browser the tests use.

    .venv/bin/python -m tests.screenshots [places.yaml] [folder]

Writes map-desktop.png and map-phone.png (default folder: docs/, for the README). Map tiles are
blocked, as offline: the map shows its built-in Natural Earth outlines, and nothing is fetched
from the network.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from routemap.build import build

from .conftest import CHROMIUM_ARGS, REPO, MapPage, chromium_path

SIZES = {"desktop": (1280, 800), "phone": (390, 844)}


def take(places: Path, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        html = Path(scratch) / "routes.html"
        build(places, html)
        written = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium_path(), args=CHROMIUM_ARGS
            )
            for name, (width, height) in SIZES.items():
                page = browser.new_page(viewport={"width": width, "height": height})
                MapPage(page, tiles=False).open(html)
                page.wait_for_timeout(300)
                path = folder / f"map-{name}.png"
                page.screenshot(path=path, animations="disabled")
                written.append(path)
                page.close()
            browser.close()
    return written


if __name__ == "__main__":
    arguments = sys.argv[1:]
    places = Path(arguments[0]) if arguments else REPO / "places.yaml"
    folder = Path(arguments[1]) if len(arguments) > 1 else REPO / "docs"
    for path in take(places, folder):
        print(path)
