"""Nothing exposed: a place shown no more precisely than its `precision:` anywhere the tool
publishes it (the page's data and HTML, the GeoJSON, the CSV), and `routes check` warning
about a private place shown exactly."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from routemap.build import page_data
from routemap.cli import main
from routemap.export import geojson, quotes_csv
from routemap.geometry import lonlat
from routemap.load import read_places
from routemap.render import map_data, render_page

from .conftest import arrow_of

MINIMAL = Path(__file__).parent / "data" / "minimal.yaml"
EXACT = (41.69143, 44.83412)  # Tbilisi in minimal.yaml
YEREVAN = (40.17765, 44.5126)

# precision → where Tbilisi may be shown: the 0.1° grid, the 1° grid, Georgia's own point
# (where the offline base map writes its name).
SHOWN = {
    "exact": EXACT,
    "locality": (41.7, 44.8),
    "region": (42.0, 45.0),
    "country": (42.16, 43.48),
}


def places_file(tmp_path: Path, precision: str | None = None, kind: str = "city") -> Path:
    """minimal.yaml with Tbilisi of this kind and precision, a flight back to it, a quote about
    it, and fields the page does not show."""
    text = MINIMAL.read_text(encoding="utf-8")
    declared = f"    precision: {precision}\n" if precision else ""
    text = text.replace(
        "    kind: city\n    country: GE\n",
        f"    kind: {kind}\n    country: GE\n{declared}",
    )
    text = text.replace(
        "quotes:\n",
        "  - id: ana-back\n    name: Ana's flight back\n    person: ana\n    sources: [paper]\n"
        "    from: yerevan\n    legs:\n      - {to: tbilisi, mode: flight}\n"
        "quotes:\n",
    )
    text += "  - text: I lived here.\n    speaker: ana\n    source: paper\n    place: tbilisi\n"
    path = tmp_path / "places.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("precision", list(SHOWN))
def test_the_page_data_has_only_the_shown_point(tmp_path, precision):
    data = map_data(read_places(places_file(tmp_path, precision)))
    shown = SHOWN[precision]
    tbilisi = data["places"]["features"][0]
    assert tbilisi["geometry"]["coordinates"] == lonlat(shown)
    assert tbilisi["properties"].get("area") is (None if precision == "exact" else True)
    drive, flight = (journey["legs"][0] for journey in data["journeys"])
    assert drive["line"][0] == lonlat(shown) and flight["line"][-1] == lonlat(shown)
    # The arrowhead and the arc are drawn from the shown point, not from the exact one.
    lat, lon, heading = arrow_of(shown, YEREVAN, flight=False)
    assert drive["arrow"] == [*lonlat((lat, lon)), round(heading, 1)]
    assert len(flight["line"]) == 2  # 170 km: one piece of arc
    assert data["bounds"][1] == [max(shown[0], YEREVAN[0]), max(shown[1], YEREVAN[1])]


@pytest.mark.parametrize("precision", list(SHOWN))
def test_the_html_never_holds_the_exact_digits(tmp_path, precision):
    page = render_page(page_data(read_places(places_file(tmp_path, precision))))
    exact_digits = [f"{EXACT[0]}", f"{EXACT[1]}"]
    if precision == "exact":
        assert all(digits in page for digits in exact_digits)  # the search does find them
    else:
        assert not any(digits in page for digits in exact_digits)
        assert f"[{SHOWN[precision][1]},{SHOWN[precision][0]}]" in page


@pytest.mark.parametrize("precision", list(SHOWN))
def test_the_geojson_has_only_the_shown_point(tmp_path, precision):
    collection = geojson(read_places(places_file(tmp_path, precision)))
    shown = lonlat(SHOWN[precision])
    features = {f["id"]: f for f in collection["features"]}
    assert features["place:tbilisi"]["geometry"]["coordinates"] == shown
    assert features["place:tbilisi"]["properties"]["precision"] == precision
    assert features["leg:ana:1"]["geometry"]["coordinates"][0] == shown
    assert features["leg:ana-back:1"]["geometry"]["coordinates"][-1] == shown
    text = json.dumps(collection)
    assert (str(EXACT[0]) in text) is (precision == "exact")


@pytest.mark.parametrize("precision", list(SHOWN))
def test_the_csv_has_only_the_shown_point(tmp_path, precision):
    text = quotes_csv(read_places(places_file(tmp_path, precision)))
    rows = list(csv.DictReader(io.StringIO(text[1:], newline="")))
    (about_tbilisi,) = [row for row in rows if row["about_id"] == "tbilisi"]
    assert (float(about_tbilisi["lat"]), float(about_tbilisi["lon"])) == SHOWN[precision]
    assert (str(EXACT[0]) in text) is (precision == "exact")


def test_a_place_with_no_precision_is_shown_exactly(tmp_path):
    data = map_data(read_places(places_file(tmp_path)))
    assert data["places"]["features"][0]["geometry"]["coordinates"] == lonlat(EXACT)


def test_the_page_carries_nothing_it_does_not_show(tmp_path):
    """A place's kind, query, geocoder and precision (in its data or its downloads), a source's file, url and (beside its
    publisher) author, and which sources a person is in are shown nowhere on the page."""
    path = places_file(tmp_path, "locality", kind="home")
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "    precision: locality\n",
        "    precision: locality\n    query: 12 Hidden Street\n    geocoder: nominatim-secret\n",
    )
    text = text.replace(
        "    title: A story\n",
        "    title: A story\n    author: Hidden Author\n    url: https://example.com/hidden\n"
        "    file: hidden-file.txt\n",
    )
    text = text.replace("    role: teacher\n", "    role: teacher\n    sources: [paper]\n")
    path.write_text(text, encoding="utf-8")
    data = map_data(read_places(path))
    page = render_page(page_data(read_places(path)))
    for hidden in ("12 Hidden Street", "nominatim-secret", "Hidden Author", "example.com/hidden"):
        assert hidden not in page
    assert "hidden-file.txt" not in page
    tbilisi = data["places"]["features"][0]["properties"]
    assert not {"kind", "precision", "query", "geocoder"} & set(tbilisi)
    # Nor in the GeoJSON the page offers for download: a `kind: home` would say whose point
    # it is.
    offered = json.loads(page_data(read_places(path))["downloads"]["geojson"])
    (tbilisi,) = [f["properties"] for f in offered["features"] if f["id"] == "place:tbilisi"]
    assert not {"kind", "precision", "query", "geocoder"} & set(tbilisi)
    assert set(data["people"][0]) == {"id", "name", "age", "role"}
    assert set(data["sources"][0]) == {"id", "name", "label", "title", "note"}


WARNING = (
    "Warning: {path}:15:11: the place “tbilisi” is a {what}, shown on the map and in the exports "
    "at its exact point, where anyone could find the person it belongs to — add "
    "`precision: locality` (or region, or country) to show it no closer than that\n"
)


@pytest.mark.parametrize(
    ("kind", "precision", "warned"),
    [
        ("home", None, "home"),
        ("home", "exact", "home"),
        ("meeting-point", None, "meeting point"),
        ("home", "locality", None),
        ("meeting-point", "country", None),
        ("city", None, None),
    ],
)
def test_check_warns_about_a_private_place_shown_exactly(tmp_path, capsys, kind, precision, warned):
    path = places_file(tmp_path, precision, kind)
    assert main(["check", "--places", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"{path} is valid: 2 places, 2 journeys, 2 quotes.\n"
    assert captured.err == (WARNING.format(path=path, what=warned) if warned else "")


# Every command that writes what readers get, and where it writes it.
PUBLISHING = {
    "build": ["--out", "{dir}/routes.html"],
    "export geojson": ["export", "--out", "{dir}/routes.geojson"],
    "export csv": ["export", "--format", "csv", "--out", "{dir}/routes-quotes.csv"],
    "image": ["image", "--out", "{dir}/routes.png"],
}


@pytest.mark.parametrize("command", PUBLISHING)
@pytest.mark.parametrize(
    ("kind", "precision", "warned"), [("home", None, "home"), ("home", "region", None)]
)
def test_each_command_that_publishes_warns_as_check_does(
    tmp_path, capsys, command, kind, precision, warned
):
    """An editor who only builds, exports or draws the image is warned too: the exact point of
    someone's home is in what it writes, for anyone the map reaches."""
    path = places_file(tmp_path, precision, kind)
    argv = [arg.format(dir=tmp_path) for arg in PUBLISHING[command]]
    assert main([*argv, "--places", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.err == (WARNING.format(path=path, what=warned) if warned else "")
    assert captured.out.startswith(("Drew", "Wrote"))


def test_watch_warns_on_each_save_that_shows_a_home_exactly(tmp_path):
    """`routes watch` reports the same warning with each build that has it."""
    import threading

    from routemap.watch import watch

    path = places_file(tmp_path, None, "home")
    reported = []
    stop = threading.Event()

    def report(kind, text):
        reported.append((kind, text))
        if kind == "built":
            stop.set()

    watch(path, tmp_path / "routes.html", report, port=0, stop=stop)
    warning = WARNING.format(path=path.resolve(), what="home").removeprefix("Warning: ")
    kinds = [kind for kind, _ in reported]
    assert reported[kinds.index("warning")] == ("warning", warning.rstrip("\n"))
    assert kinds.index("warning") < kinds.index("built")


def test_the_warning_finds_its_line_without_parsing_the_file_again_in_ruamel(
    tmp_path, capsys, monkeypatch
):
    """Where the file's layout says where the place's kind is (positions.py), the warning's
    line is read off it: ruamel's parse, some 6 s a megabyte, would make one warning about a
    big file cost minutes."""
    import routemap.load

    def no_ruamel(*args, **kwargs):
        raise AssertionError("ruamel parsed the file")

    monkeypatch.setattr(routemap.load, "parse_document", no_ruamel)
    path = places_file(tmp_path, None, "home")
    assert main(["check", "--places", str(path)]) == 0
    assert capsys.readouterr().err == WARNING.format(path=path, what="home")


def test_check_with_articles_warns_too(tmp_path, capsys):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "story.txt").write_text("I am leaving. I lived here.", encoding="utf-8")
    path = places_file(tmp_path, kind="home")
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "title: A story", "title: A story\n    file: story.txt"
        ),
        encoding="utf-8",
    )
    assert main(["check", "--places", str(path), "--articles", str(articles)]) == 0
    err = capsys.readouterr().err
    assert err.startswith(f"Warning: {path}:16:11: the place “tbilisi” is a home")


@pytest.mark.parametrize(
    ("country", "point", "shown"),
    [
        ("RU", (59.93863, 30.31413), (55.7, 83.48)),  # St. Petersburg: Russia's own point
        ("AD", (42.5063, 1.5218), (45.0, 0.0)),  # Andorra, too small for the base map: 5° grid
        ("XK", (42.6629, 21.1655), (45.0, 20.0)),  # Kosovo, no ISO 3166 code: 5° grid
    ],
)
def test_a_place_shown_at_country_precision(country, point, shown):
    from routemap.geometry import shown_point
    from routemap.models import Place

    place = Place(
        id="p", name="P", kind="city", country=country, lat=point[0], lon=point[1],
        precision="country",
    )  # fmt: skip
    assert shown_point(place) == shown
