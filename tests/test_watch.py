"""`routes watch` rebuilds on save and the open page reloads; `--open` opens the map."""

from __future__ import annotations

import queue
import threading
import urllib.request
import webbrowser
from pathlib import Path

import pytest

from routemap.cli import main
from routemap.watch import watch

from .conftest import TILE_HOST

MINIMAL = Path(__file__).parent / "data" / "minimal.yaml"


@pytest.fixture
def watching(tmp_path):
    """Run watch() in a thread on a free port; yields (places, out, next_event)."""
    places = tmp_path / "places.yaml"
    places.write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "routes.html"
    events: queue.Queue = queue.Queue()
    stop = threading.Event()
    thread = threading.Thread(
        target=watch,
        args=(places, out, lambda kind, text: events.put((kind, text))),
        kwargs={"port": 0, "stop": stop},
        daemon=True,
    )
    thread.start()

    def next_event():
        return events.get(timeout=15)

    yield places, out, next_event
    stop.set()
    thread.join(timeout=15)
    assert not thread.is_alive()


def test_watch_rebuilds_on_save_reloads_the_page_and_keeps_the_last_good_map(watching, browser):
    places, out, next_event = watching
    assert next_event() == ("built", f"Drew 2 places, 1 journeys and 1 quotes: {out}")
    kind, url = next_event()
    assert kind == "serving" and url.startswith("http://127.0.0.1:")

    page = browser.new_page()
    page.route(
        "**/*", lambda route: route.abort() if TILE_HOST in route.request.url else route.continue_()
    )
    page.goto(url)
    page.wait_for_function("window.routeMap !== undefined")
    assert page.title() == "A small map"

    places.write_text(
        places.read_text(encoding="utf-8").replace("title: A small map", "title: A changed map")
    )
    assert next_event() == ("built", f"Drew 2 places, 1 journeys and 1 quotes: {out}")
    page.wait_for_function("document.title === 'A changed map'", timeout=10_000)
    assert "A changed map" in out.read_text(encoding="utf-8")

    places.write_text("title: [\n", encoding="utf-8")
    kind, message = next_event()
    assert kind == "error" and message.startswith(f"{places}:1:8: YAML syntax: the `[` opened here")
    assert "A changed map" in out.read_text(encoding="utf-8")
    with urllib.request.urlopen(url) as served:
        assert "<title>A changed map</title>" in served.read().decode("utf-8")
    # The open page says so too, over the last good map, until a save builds again.
    banner = page.locator(".watch-error[role=alert]")
    banner.wait_for(timeout=10_000)
    assert banner.inner_text().startswith(
        "This save of places.yaml could not be drawn; the map shows the last good one. "
        f"{places}:1:8: YAML syntax: the `[` opened here is never closed"
    )
    assert page.title() == "A changed map"
    places.write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    assert next_event()[0] == "built"
    page.wait_for_function("document.title === 'A small map'", timeout=10_000)
    assert page.locator(".watch-error").count() == 0
    page.close()


def test_the_map_file_written_by_watch_does_not_poll(watching):
    _, out, next_event = watching
    next_event()
    assert '"live":null' in out.read_text(encoding="utf-8")


def test_open_opens_the_built_map_in_the_browser(tmp_path, monkeypatch, capsys):
    opened = []
    monkeypatch.setattr(webbrowser, "open", lambda url: opened.append(url) or True)
    out = tmp_path / "map.html"
    assert main(["--open", "--places", str(MINIMAL), "--out", str(out)]) == 0
    assert opened == [out.resolve().as_uri()]


@pytest.mark.parametrize("fails", ["returns False", "raises"])
def test_open_where_no_browser_can_be_opened_says_so_and_where_the_map_is(
    tmp_path, monkeypatch, capsys, fails
):
    def no_browser(url):
        if fails == "raises":
            raise webbrowser.Error("could not locate runnable browser")
        return False

    monkeypatch.setattr(webbrowser, "open", no_browser)
    out = tmp_path / "map.html"
    assert main(["--open", "--places", str(MINIMAL), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.err == f"No browser could be opened here; open {out} yourself.\n"
    assert out.exists()


def test_watch_on_a_busy_port_says_so(tmp_path, capsys):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert (
            main(
                [
                    "watch",
                    "--places",
                    str(MINIMAL),
                    "--out",
                    str(tmp_path / "m.html"),
                    "--port",
                    str(port),
                ]
            )
            == 1
        )
    assert capsys.readouterr().err == (
        f"Error: cannot serve on port {port} (Address already in use) — try --port {port + 1}\n"
    )
