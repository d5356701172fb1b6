"""`routes watch`: rebuild the map on every save of places.yaml; the open page reloads itself.

The map is served on a local address (127.0.0.1 only) because a page opened from disk may not
ask anything of the disk; the served copy carries a `live` version number that its script polls
for (see page/map.js), and it reloads when the number changes. A save that does not validate
leaves the last good map in place, on disk and on the server, and reports the error, in the
terminal and in the open page (a banner over the last good map, gone once a save builds).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .build import BuildResult, load_with_coordinates, page_data
from .errors import RoutesError
from .render import render_page, write_atomic

STATUS_PATH = "/__status"  # {"version": n, "error": the last save's message, or null}


class LiveMap:
    """The latest good map, as the local server hands it out."""

    def __init__(self):
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


def _server(live: LiveMap, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
            with live.lock:
                if self.path.split("?")[0] == STATUS_PATH:
                    status = {"version": live.version, "error": live.error}
                    body, kind = json.dumps(status).encode(), "application/json"
                elif self.path.split("?")[0] in ("/", "/index.html"):
                    body, kind = live.page, "text/html; charset=utf-8"
                else:
                    self.send_error(404)
                    return
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Cache-Control", "no-store")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass  # the terminal shows rebuilds, not every poll

    return ThreadingHTTPServer(("127.0.0.1", port), Handler)


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

    report(kind, text) is told what happens: "serving" (the URL), "built" (a summary line) and
    "error" (the message of a save that could not be built).
    """
    import watchfiles

    live = LiveMap()
    places_path = places_path.resolve()

    def rebuild() -> None:
        try:
            places, _ = load_with_coordinates(places_path, geocoder)
            data = page_data(places, lang)
            write_atomic(out_path, render_page(data))
            live.update(render_page(data, live=live.version + 1))
        except RoutesError as error:
            live.fail(str(error))
            report("error", str(error))
            return
        report("built", BuildResult(places, out_path).summary)

    server = _server(live, port)
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
