"""`routes watch`: rebuild the map on every save of places.yaml; the open page reloads itself.

The map is served on a local address (127.0.0.1 only) because a page opened from disk may not
ask anything of the disk; the served copy carries a `live` version number that its script polls
for (see page/map.js), and it reloads when the number changes. A save that does not validate
leaves the last good map in place, on disk and on the server, and reports the error, in the
terminal and in the open page (a banner over the last good map, gone once a save builds).
"""

from __future__ import annotations

import json
import socket
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .build import BuildResult, load_with_coordinates, page_data
from .check import publishing_warnings, warning_lines
from .errors import RoutesError
from .files import write_atomic
from .render import render_page

STATUS_PATH = "/__status"  # {"version": n, "error": the last save's message, or null, "file"}


class LiveMap:
    """The latest good map, as the local server hands it out."""

    def __init__(self, file: str = "places.yaml"):
        self.file = file  # the places file's name, as the page says it
        self.version = 0
        self.page = b""
        self.error: str | None = None  # why the last save could not be built
        self.lock = threading.Lock()

    def update(self, page: str) -> None:
        """A save that built: the new map is served, and no error stands."""
        with self.lock:
            self.version += 1
            self.page = page.encode("utf-8")
            self.error = None

    def fail(self, error: str) -> None:
        """A save that did not build: the last good map stays, and the open page says why."""
        with self.lock:
            self.error = error


WORKERS = 16  # requests answered at once; the rest wait in the listen queue
BACKLOG = 1024  # connections the kernel holds while every worker is busy (a flood of 2,000)
IDLE_SECONDS = 5  # a connection that sends nothing for this long is closed
REQUEST_SECONDS = 30  # and none is held longer than this, however slowly it trickles


class _LocalServer(ThreadingHTTPServer):
    """A server only this machine's own pages can use, that a flood cannot exhaust.

    Every request names the host it asked for; a page elsewhere that points a name of its own at
    127.0.0.1 (DNS rebinding) names that, and is refused, so it can never read the map or its
    status. A fixed number of workers answer; a connection that waits longer than a request may
    take is dropped, so a flood costs bounded threads and Ctrl-C always stops the server.
    """

    request_queue_size = BACKLOG
    daemon_threads = True

    def __init__(self, address, handler, on_fault: Callable[[str], None]):
        self.slots = threading.BoundedSemaphore(WORKERS)
        self.on_fault = on_fault
        self.deadlines: dict = {}  # each open connection: when it is cut, by one watchdog
        self.deadlines_lock = threading.Lock()
        self.closed = threading.Event()
        super().__init__(address, handler)
        port = self.server_address[1]
        names = ("127.0.0.1", "localhost")
        self.hosts = {f"{name}:{port}" for name in names} | (set(names) if port == 80 else set())
        threading.Thread(target=self._cut_late_connections, daemon=True).start()

    def process_request(self, request, client_address) -> None:
        if not self.slots.acquire(timeout=REQUEST_SECONDS):
            self.shutdown_request(request)  # every worker held this long: drop, do not queue more
            return
        with self.deadlines_lock:
            self.deadlines[request] = time.monotonic() + REQUEST_SECONDS
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._done(request)
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._done(request)

    def _done(self, request) -> None:
        with self.deadlines_lock:
            self.deadlines.pop(request, None)
        self.slots.release()

    def _cut_late_connections(self) -> None:
        """A connection held past REQUEST_SECONDS is cut, so a reader that trickles a byte at a
        time (each within the idle timeout) cannot keep a worker for ever."""
        while not self.closed.wait(0.25):
            now = time.monotonic()
            with self.deadlines_lock:
                late = [request for request, due in self.deadlines.items() if due < now]
            for request in late:
                try:
                    request.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass  # already closed

    def server_close(self) -> None:
        self.closed.set()
        super().server_close()

    def handle_error(self, request, client_address) -> None:
        """A reader that went away (a closed tab, a reset, a timeout) is nothing to report; any
        other fault is one line, never a traceback."""
        fault = sys.exc_info()[1]
        if not isinstance(fault, OSError):
            self.on_fault(f"the local server could not answer a request ({fault!r})")


def _server(
    live: LiveMap, port: int, lang: str = "en", on_fault: Callable[[str], None] = lambda _: None
) -> _LocalServer:
    class Handler(BaseHTTPRequestHandler):
        timeout = IDLE_SECONDS

        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            host = (self.headers.get("Host") or "").strip().lower()
            if host not in self.server.hosts:
                bound = self.server.server_address[1]
                self.send_error(
                    403, explain=f"This map is served only at http://127.0.0.1:{bound}/"
                )
                return
            path = self.path.split("?")[0]
            with live.lock:
                version, page, error = live.version, live.page, live.error
            if path == STATUS_PATH:
                body = json.dumps({"version": version, "error": error, "file": live.file})
                body = body.encode()
                kind = "application/json"
            elif path in ("/", "/index.html"):
                # No save has built yet: the page that says why is made outside the lock.
                body, kind = page or no_map_page(error, lang, live.file), "text/html; charset=utf-8"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass  # the terminal shows rebuilds, not every poll

    return _LocalServer(("127.0.0.1", port), Handler, on_fault)


def no_map_page(error: str | None, lang: str = "en", file: str = "places.yaml") -> bytes:
    """What the address shows while no save has built yet: why (escaped: the message quotes the
    file), and a script that waits for the first good build and then loads it."""
    from jinja2 import Environment

    from .language import say, words
    from .render import page_asset

    template = Environment(autoescape=True).from_string(page_asset("no_map.html"))
    return template.render(
        lang=lang,
        direction=words(lang)["dir"],
        title=say(lang, "watch.nomap.title"),
        text=say(lang, "watch.nomap.error" if error else "watch.nomap.drawing", file=file),
        error=error or "",
        status_path=STATUS_PATH.lstrip("/"),
    ).encode()


def watch(
    places_path: Path,
    out_path: Path,
    report: Callable[[str, str], None],
    *,
    port: int = 8000,
    geocoder=None,
    stop: threading.Event | None = None,
    lang: str = "en",
) -> None:
    """Build now and after every change to places_path, until `stop` is set (or Ctrl-C).

    report(kind, text) is told what happens: "serving" (the URL), "built" (a summary line),
    "error" (the message of a save that could not be built, the last good map kept), "no map"
    (the same, when no save has built yet), "warning" (what `routes check` warns of:
    check.publishing_warnings, a home or meeting point shown at its exact point, a leg that ends
    where it starts) and "fault" (the server could not answer a request).
    """
    import watchfiles

    live = LiveMap(places_path.name)
    places_path = places_path.resolve()

    def rebuild() -> None:
        try:
            places, _ = load_with_coordinates(places_path, geocoder)
            data = page_data(places, lang)
            write_atomic(out_path, render_page(data))
            live.update(render_page(data, live=live.version + 1))
        except RoutesError as error:
            live.fail(str(error))
            report("error" if live.version else "no map", str(error))
            return
        for line in warning_lines(publishing_warnings(places, places_path)):
            report("warning", line.removeprefix("Warning: "))
        report("built", BuildResult(places, out_path).summary)

    server = _server(live, port, lang, lambda text: report("fault", text))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        rebuild()
        report("serving", f"http://127.0.0.1:{server.server_address[1]}/")
        for _ in watchfiles.watch(
            places_path.parent,
            watch_filter=lambda change, path: Path(path) == places_path,
            stop_event=stop,
            debounce=300,
            recursive=False,
        ):
            rebuild()
    finally:
        server.shutdown()
        server.server_close()
