"""`routes watch` rebuilds on save and the open page reloads; `--open` opens the map."""

from __future__ import annotations

import asyncio
import http.client
import queue
import resource
import socket
import struct
import threading
import time
import urllib.parse
import urllib.request
import webbrowser
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from routemap.cli import main
from routemap.watch import watch

from .conftest import TILE_HOST

MINIMAL = Path(__file__).parent / "data" / "minimal.yaml"


@pytest.fixture
def start_watching(tmp_path):
    """start_watching(text) runs watch() on a places.yaml (or `name`) holding text, in a thread
    on a free port; it returns (places, out, next_event). Every watch is stopped at the end."""
    stops = []

    def start(text: str, name: str = "places.yaml"):
        places = tmp_path / name
        places.write_text(text, encoding="utf-8")
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
        stops.append((stop, thread))
        return places, out, lambda: events.get(timeout=15)

    yield start
    for stop, thread in stops:
        stop.set()
        thread.join(timeout=15)
        assert not thread.is_alive()


@pytest.fixture
def watching(start_watching):
    """watch() on the minimal map; yields (places, out, next_event)."""
    return start_watching(MINIMAL.read_text(encoding="utf-8"))


def test_watch_rebuilds_on_save_reloads_the_page_and_keeps_the_last_good_map(
    start_watching, browser
):
    places, out, next_event = start_watching(MINIMAL.read_text(encoding="utf-8"), "story.yaml")
    assert next_event() == ("built", f"Drew 2 places, 1 journey and 1 quote: {out}")
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
    assert next_event() == ("built", f"Drew 2 places, 1 journey and 1 quote: {out}")
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
        "This save of story.yaml could not be drawn; the map shows the last good one. "
        f"{places}:1:8: YAML syntax: the `[` opened here is never closed"
    )
    assert page.title() == "A changed map"
    # The page steps down below it: the title and the map's zoom buttons are not under it.
    below = banner.bounding_box()["y"] + banner.bounding_box()["height"]
    page.wait_for_function(
        "below => document.querySelector('.leaflet-control-zoom-in').getBoundingClientRect().top >= below",
        arg=below,
    )
    assert page.locator(".panel-head h1").bounding_box()["y"] >= below
    places.write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    assert next_event()[0] == "built"
    page.wait_for_function("document.title === 'A small map'", timeout=10_000)
    assert page.locator(".watch-error").count() == 0
    assert page.locator(".panel-head h1").bounding_box()["y"] < below  # (reloaded, no room kept)
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
    monkeypatch.chdir(tmp_path)
    assert main(["--open", "--places", str(MINIMAL), "--out", "map.html"]) == 0
    captured = capsys.readouterr()
    # The whole path, to paste into a browser from anywhere (not `map.html`).
    out = tmp_path.resolve() / "map.html"
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


def served_url(next_event) -> str:
    """The address watch serves at, from its events (after the first build's report)."""
    while True:
        kind, text = next_event()
        if kind == "serving":
            return text


def get(url: str, host: str | None = None, path: str = "/") -> tuple[int, str]:
    """GET path with the Host header the given one (as a page at another name would send)."""
    address = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    connection.putrequest("GET", path, skip_host=host is not None)
    if host:
        connection.putheader("Host", host)
    connection.endheaders()
    answer = connection.getresponse()
    body = answer.read().decode("utf-8")
    connection.close()
    return answer.status, body


def test_only_pages_of_this_machine_may_read_the_served_map(watching):
    _, _, next_event = watching
    url = served_url(next_event)
    port = urllib.parse.urlsplit(url).port
    assert get(url)[0] == 200  # Host: 127.0.0.1:port
    assert get(url, f"localhost:{port}")[0] == 200
    assert get(url, f"LOCALHOST:{port}", "/__status")[0] == 200
    # A site that points its own name at 127.0.0.1 (DNS rebinding) sends its own name.
    for host in (f"attacker.example:{port}", "attacker.example", f"127.0.0.1:{port + 1}"):
        for path in ("/", "/__status"):
            status, body = get(url, host, path)
            assert status == 403
            assert "A small map" not in body and "version" not in body
            assert f"This map is served only at http://127.0.0.1:{port}/" in body


def test_a_flood_of_idle_connections_costs_bounded_threads_and_a_reader_is_still_served(
    start_watching, monkeypatch, capfd
):
    import routemap.watch

    monkeypatch.setattr(routemap.watch, "IDLE_SECONDS", 1)
    _, _, next_event = start_watching(MINIMAL.read_text(encoding="utf-8"))
    url = served_url(next_event)
    port = urllib.parse.urlsplit(url).port
    before = threading.active_count()
    idle = []
    for _ in range(routemap.watch.WORKERS * 3):
        connection = socket.create_connection(("127.0.0.1", port))
        idle.append(connection)  # connected, never sends a byte
    time.sleep(1)
    assert threading.active_count() <= before + routemap.watch.WORKERS + 2
    # Each idle one is closed after IDLE_SECONDS, so a reader is answered in seconds.
    started = time.monotonic()
    assert get(url)[0] == 200
    assert time.monotonic() - started < 3 * routemap.watch.IDLE_SECONDS + 5
    for connection in idle:
        connection.close()
    assert "Traceback" not in capfd.readouterr().err


def test_a_request_trickled_a_byte_at_a_time_is_cut_off(start_watching, monkeypatch):
    import routemap.watch

    monkeypatch.setattr(routemap.watch, "REQUEST_SECONDS", 2)
    _, _, next_event = start_watching(MINIMAL.read_text(encoding="utf-8"))
    port = urllib.parse.urlsplit(served_url(next_event)).port
    connection = socket.create_connection(("127.0.0.1", port), timeout=15)
    started = time.monotonic()
    request = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"X-Slow: " + b"a" * 200
    try:
        for byte in request:
            connection.sendall(bytes([byte]))  # each byte well within the idle timeout
            time.sleep(0.1)
            if time.monotonic() - started > 10:
                break
        answer = connection.recv(1)
    except OSError:
        answer = b""
    connection.close()
    assert answer == b""  # closed by the server, not answered
    assert time.monotonic() - started < 6


def test_readers_that_hang_up_mid_answer_leave_no_traceback(watching, capfd):
    _, _, next_event = watching
    port = urllib.parse.urlsplit(served_url(next_event)).port
    for _ in range(30):
        connection = socket.create_connection(("127.0.0.1", port))
        connection.sendall(f"GET / HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        # Reset at once (no orderly close): the server's write meets a reset or a broken pipe.
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        connection.close()
    time.sleep(1)
    err = capfd.readouterr().err
    assert "Traceback" not in err and "Error" not in err


# A mistake whose message quotes markup: the page must show it as text.
BROKEN = MINIMAL.read_text(encoding="utf-8").replace(
    "lat: 41.69143", 'lat: "<img src=x onerror=window.ran=1>"'
)


def test_started_on_a_broken_file_the_page_says_why_and_shows_the_map_once_fixed(
    start_watching, browser
):
    places, out, next_event = start_watching(BROKEN, "story.yaml")
    kind, message = next_event()
    assert kind == "no map" and message.startswith(f"{places}:")
    assert "<img src=x onerror=window.ran=1>" in message
    url = served_url(next_event)
    assert not out.exists()
    page = browser.new_page()
    page.route(
        "**/*", lambda route: route.abort() if TILE_HOST in route.request.url else route.continue_()
    )
    page.goto(url)
    assert page.title() == "No map yet"
    assert page.locator("h1").inner_text() == "No map yet"
    assert page.locator("main p").inner_text().startswith("story.yaml could not be drawn.")
    assert page.locator("#error").inner_text() == message  # the message, as text
    assert page.evaluate("window.ran") is None  # the file's text ran nothing
    assert Axe().run(page).violations_count == 0
    places.write_text(MINIMAL.read_text(encoding="utf-8"), encoding="utf-8")
    assert next_event()[0] == "built"
    page.wait_for_function("window.routeMap !== undefined", timeout=15_000)
    assert page.title() == "A small map"
    page.close()


def test_the_terminal_says_there_is_no_map_yet_not_that_it_keeps_one(tmp_path, monkeypatch, capsys):
    import watchfiles

    places = tmp_path / "places.yaml"
    places.write_text(BROKEN, encoding="utf-8")
    monkeypatch.setattr(watchfiles, "watch", lambda *args, **kwargs: iter(()))  # no saves
    out = tmp_path / "m.html"
    assert main(["watch", "--places", str(places), "--out", str(out), "--port", "0"]) == 0
    captured = capsys.readouterr()
    assert "Keeping the last good map" not in captured.err
    assert captured.err.endswith(
        "No map yet: fix the mistake and save; the page shows the map as soon as a save builds.\n"
    )
    assert captured.out.startswith("Serving the map at http://127.0.0.1:")


def test_two_thousand_readers_at_once_are_all_answered(watching):
    """A listen queue of 5 (http.server's) turned a third of these away; the backlog holds them
    while the workers answer."""
    _, _, next_event = watching
    port = urllib.parse.urlsplit(served_url(next_event)).port
    request = f"GET /__status HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()

    async def one() -> bool:
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 20)
            writer.write(request)
            await writer.drain()
            answer = await asyncio.wait_for(reader.read(), 20)
            writer.close()
            return answer.startswith(b"HTTP/1.0 200")
        except (OSError, asyncio.TimeoutError):
            return False

    async def flood() -> list[bool]:
        return await asyncio.gather(*(one() for _ in range(2000)))

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(max(soft, 8192), hard), hard))
    answered: list[bool] = []
    # A thread of its own: an earlier test's browser may keep an event loop on this one.
    flooding = threading.Thread(target=lambda: answered.extend(asyncio.run(flood())))
    try:
        flooding.start()
        flooding.join(timeout=120)
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert sum(answered) == 2000
