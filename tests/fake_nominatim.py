"""A local stand-in for Nominatim's /search API, answering in its documented JSON shape.

Like the real service it honours `countrycodes`, so asking for Kazan in RU does not return the
Kazan near Ankara; `misbehaving` names queries it answers ignoring the country, as a broken or
different server might.
"""

from __future__ import annotations

import contextlib
import json
import socket
import time

from werkzeug import Request, Response

LICENCE = "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright"

# name → list of (display_name, lat, lon, country_code, type)
PLACES = {
    "tbilisi": [("Tbilisi, Georgia", 41.6934591, 44.8014495, "ge", "city")],
    "kazan": [
        (
            "Kazan, Kazan Urban Okrug, Tatarstan, Volga Federal District, Russia",
            55.7823547,
            49.1242266,
            "ru",
            "city",
        ),
        ("Kazan, Ankara, Central Anatolia Region, Türkiye", 40.2316, 32.6839, "tr", "town"),
    ],
    "moscow": [
        ("Moscow, Central Federal District, Russia", 55.7505412, 37.6174782, "ru", "city"),
        ("Moscow, Latah County, Idaho, United States", 46.7323875, -117.0001651, "us", "city"),
    ],
    "irkutsk": [
        (
            "Irkutsk, Irkutsk Oblast, Siberian Federal District, Russia",
            52.2863513,
            104.2806997,
            "ru",
            "city",
        )
    ],
    "bucha": [("Bucha, Bucha Raion, Kyiv Oblast, Ukraine", 50.5439, 30.2124, "ua", "town")],
    "yerevan": [("Yerevan, Armenia", 40.1777112, 44.5126233, "am", "city")],
    "altanbulag": [
        ("Altanbulag, Selenge, Mongolia", 50.3155, 106.4986, "mn", "village"),
        ("Altanbulag, Töv, Mongolia", 47.7, 106.4, "mn", "village"),
    ],
    "springfield": [
        (
            "Springfield, Sangamon County, Illinois, United States",
            39.7990175,
            -89.6439575,
            "us",
            "city",
        )
    ],
}


def result(display: str, lat: float, lon: float, country: str, kind: str, n: int) -> dict:
    name = display.split(",")[0]
    return {
        "place_id": 100000 + n,
        "licence": LICENCE,
        "osm_type": "relation",
        "osm_id": 200000 + n,
        "lat": f"{lat:.7f}",
        "lon": f"{lon:.7f}",
        "class": "place",
        "type": kind,
        "place_rank": 16,
        "importance": 0.7 - n / 100,
        "addresstype": kind,
        "name": name,
        "display_name": display,
        "address": {kind: name, "country": display.split(", ")[-1], "country_code": country},
        "boundingbox": [
            f"{lat - 0.1:.7f}",
            f"{lat + 0.1:.7f}",
            f"{lon - 0.1:.7f}",
            f"{lon + 0.1:.7f}",
        ],
    }


class FakeNominatim:
    """Serve /search on a pytest-httpserver; records every query it was asked."""

    def __init__(self, httpserver, misbehaving=("springfield",)):
        self.server = httpserver
        self.queries: list[dict] = []
        self.user_agents: list[str] = []
        self.misbehaving = set(misbehaving)
        self.status_for: dict[str, int] = {}
        self.delay_for: dict[str, float] = {}
        # A broken server's "lat" and "lon" for a query, as they go into the JSON.
        self.coordinates_for: dict[str, tuple] = {}
        self.page_for: dict[str, str] = {}  # a 200 answer that is an HTML page, not JSON
        self.address_for: dict[str, object] = {}  # a broken server's "address" for a query
        httpserver.expect_request("/search").respond_with_handler(self.handle)

    @property
    def url(self) -> str:
        return self.server.url_for("/").rstrip("/")

    def handle(self, request: Request) -> Response:
        args = dict(request.args)
        self.queries.append(args)
        self.user_agents.append(request.headers.get("User-Agent", ""))
        query = args.get("q", "").casefold()
        if query in self.delay_for:
            time.sleep(self.delay_for[query])
        if query in self.status_for:
            return Response("busy", status=self.status_for[query])
        if query in self.page_for:
            return Response(self.page_for[query], content_type="text/html")
        codes = set(args.get("countrycodes", "").split(",")) - {""}
        found = [
            result(*entry, n)
            for n, entry in enumerate(PLACES.get(query, []))
            if not codes or entry[3] in codes or query in self.misbehaving
        ]
        if query in self.coordinates_for:
            for entry in found:
                entry["lat"], entry["lon"] = self.coordinates_for[query]
        if query in self.address_for:
            for entry in found:
                entry["address"] = self.address_for[query]
        return Response(json.dumps(found), content_type="application/json")


def no_network_url() -> str:
    """An address where nothing listens: a connection is refused at once, as with no network."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


@contextlib.contextmanager
def dropping_url():
    """An address whose connections are never answered, as on a network that drops packets or
    behind a firewall that drops rather than refuses: a socket that listens with a backlog of
    none, filled at once, so the kernel drops every further SYN (the connect times out)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(0)
        port = server.getsockname()[1]
        fillers = []
        try:
            for _ in range(4):
                filler = socket.socket()
                filler.setblocking(False)
                filler.connect_ex(("127.0.0.1", port))
                fillers.append(filler)
            time.sleep(0.1)
            yield f"http://127.0.0.1:{port}"
        finally:
            for filler in fillers:
                filler.close()
