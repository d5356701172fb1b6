"""`routes export`: GeoJSON read back by the field's own readers (the geojson package,
geojson-pydantic, a JSON Schema check, geopandas, GDAL's ogrinfo), and the quotes as CSV."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import geojson
import pytest

from routemap.cli import main
from routemap.export import geojson as export_geojson
from routemap.export import quotes_csv
from routemap.geometry import split_at_antimeridian
from routemap.load import read_places
from routemap.render import map_data
from routemap.styles import MARKER_STYLES, MODE_STYLES, STATUS_STYLES

from .conftest import SHIPPED_PLACES, great_circle

DATA = Path(__file__).parent / "data"
QUOTES = DATA / "quotes.yaml"
MINIMAL_FILE = DATA / "minimal.yaml"


@pytest.fixture
def exported_path(tmp_path, capsys):
    out = tmp_path / "routes.geojson"
    assert (
        main(["export", "--format", "geojson", "--places", str(SHIPPED_PLACES), "--out", str(out)])
        == 0
    )
    assert capsys.readouterr().out == (
        f"Wrote 31 features (places, journey legs, groups and the map's sources) as GeoJSON: {out}\n"
    )
    return out


@pytest.fixture
def exported(exported_path):
    return geojson.loads(exported_path.read_text(encoding="utf-8"))


def features_of(collection, kind: str) -> list[dict]:
    return [f for f in collection["features"] if f["properties"]["feature"] == kind]


def test_the_file_is_valid_geojson(exported):
    assert exported.is_valid, exported.errors()
    assert exported["type"] == "FeatureCollection"


def test_geojson_pydantic_accepts_the_collection(exported_path):
    from geojson_pydantic import FeatureCollection

    collection = FeatureCollection.model_validate_json(exported_path.read_bytes())
    kinds = [f.geometry.type if f.geometry else None for f in collection.features]
    assert kinds.count("Point") == 18 and kinds.count("LineString") == 11
    assert kinds.count(None) == 2  # the group of sold-out flights, and the map's own feature


def check_jsonschema(schema: Path, instance: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema), str(instance)],
        capture_output=True,
        text=True,
    )


def test_the_collection_meets_the_geojson_json_schema(exported_path, tmp_path):
    """The JSON Schema of GeoJSON as geojson-pydantic's models state it (no schema file is
    shipped by a package, and tests stay offline), checked by check-jsonschema."""
    from geojson_pydantic import FeatureCollection

    schema = tmp_path / "geojson.schema.json"
    schema.write_text(json.dumps(FeatureCollection.model_json_schema()), encoding="utf-8")
    result = check_jsonschema(schema, exported_path)
    assert result.returncode == 0, result.stdout + result.stderr
    # The check does check: a line of one point is not GeoJSON.
    broken = json.loads(exported_path.read_text(encoding="utf-8"))
    leg = features_of(broken, "leg")[0]
    leg["geometry"]["coordinates"] = leg["geometry"]["coordinates"][:1]
    bad = tmp_path / "broken.geojson"
    bad.write_text(json.dumps(broken), encoding="utf-8")
    assert check_jsonschema(schema, bad).returncode == 1


def test_geopandas_reads_every_feature(exported_path):
    import geopandas

    frame = geopandas.read_file(exported_path)
    assert len(frame) == 31
    assert frame.crs.to_epsg() == 4326
    assert frame.geometry.geom_type.value_counts().to_dict() == {"Point": 18, "LineString": 11}
    assert frame.geometry.isna().sum() == 2  # the group and the map's own feature
    moscow = frame[frame["id"] == "moscow"].geometry.iloc[0]
    assert (moscow.x, moscow.y) == (37.61781, 55.75204)
    assert set(frame["stroke"].dropna()) >= {"#2e3ae6", "#66707f"}


def test_gdal_reads_every_feature(exported_path):
    ogrinfo = shutil.which("ogrinfo")
    if ogrinfo is None:
        pytest.skip("GDAL's ogrinfo is not installed (apt-get install gdal-bin)")
    result = subprocess.run(
        [ogrinfo, "-ro", "-so", "-al", str(exported_path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "using driver `GeoJSON' successful" in result.stdout
    assert "Feature Count: 31" in result.stdout
    assert 'ID["EPSG",4326]' in result.stdout
    for field in ("stroke: String", "stroke-width: Integer", "marker-color: String"):
        assert field in result.stdout
    assert "Warning" not in result.stderr and "ERROR" not in result.stderr


def test_places_are_points_longitude_first_with_their_properties(exported):
    places = {f["properties"]["id"]: f for f in features_of(exported, "place")}
    assert len(places) == 18
    moscow = places["moscow"]
    assert moscow["geometry"]["type"] == "Point"
    assert moscow["geometry"]["coordinates"] == [37.61781, 55.75204]
    assert moscow["properties"]["name"] == "Moscow" and moscow["properties"]["kind"] == "city"
    assert moscow["properties"]["role"] == "origin"
    assert moscow["properties"]["precision"] == "exact"
    assert moscow["properties"]["quotes"][0] == {
        "number": 13,
        "text": "Putin lied that there will be no mobilization",
        "speaker": "Anton",
        "speaker_age": 23,
        "speaker_role": "student in Moscow",
        "source": "The Guardian (re-translated text)",
        "source_title": "‘Tonight I will cross the border’: Russians flee after report of tour"
        " | Russia",
        "said_to": None,
        "other_wordings": [],
    }
    assert moscow["properties"]["certainty"] == "stated"
    assert moscow["properties"]["sources"] == ["The Guardian (re-translated text)"]
    assert places["kazakhstan"]["properties"]["area"] is True
    assert places["upper-lars"]["properties"]["certainty"] == "inferred"
    versions = places["st-petersburg"]["properties"]["accounts"]
    assert [v["source"] for v in versions] == [
        "The Guardian (re-translated text)", "Chingkheinganbi Mayengbam"
    ]  # fmt: skip
    assert places["upper-lars"]["properties"]["inferred"].startswith(
        "The Guardian names the Russian-Georgian border"
    )


def test_legs_are_lines_with_modes_and_sources_and_the_journeys_quotes_on_the_first(exported):
    legs = {
        (f["properties"]["journey"], f["properties"]["leg"]): f
        for f in features_of(exported, "leg")
    }
    assert len(legs) == 11
    drive = legs[("oleg", 2)]
    assert drive["geometry"]["type"] == "LineString"
    assert drive["geometry"]["coordinates"] == [[55.09883, 51.76712], [56.03, 50.82]]
    props = drive["properties"]
    assert (props["from_name"], props["to_name"], props["mode"], props["when"]) == (
        "Orenburg", "Sagarchin checkpoint (Russia–Kazakhstan)", "car", "tonight"
    )  # fmt: skip
    assert props["sources"] == ["The Guardian (re-translated text)", "Chingkheinganbi Mayengbam"]
    assert props["certainty"] == "inferred" and "nor names the checkpoint" in props["inferred"]
    assert props["to_inferred"].startswith("The articles say only that Oleg, speaking from")
    assert props["quotes"] == [] and props["journey"] == "oleg"
    # Oleg's five quotes, once, on his first leg; his words as Mayengbam relays them from the
    # Guardian's interview among their other wordings.
    first = legs[("oleg", 1)]["properties"]
    assert [q["number"] for q in first["quotes"]] == [1, 2, 3, 4, 5]
    relayed = [w for q in first["quotes"] for w in q["other_wordings"]]
    assert len(relayed) == 5 and all(
        w["source"] == "Chingkheinganbi Mayengbam" and w["said_to"] == "The Guardian"
        for w in relayed
    )
    assert first["from_inferred"].startswith("The articles say Oleg")
    assert legs[("moscow-istanbul", 1)]["properties"]["certainty"] == "stated"
    assert legs[("igor", 1)]["properties"]["certainty"] == "inferred"
    flight = legs[("tatayana", 1)]["geometry"]["coordinates"]
    assert (
        flight[0] == [104.29076, 52.29566]
        and flight[-1] == [49.89201, 40.37767]
        and len(flight) > 10
    )
    dubai = legs[("moscow-dubai", 1)]["properties"]
    assert dubai["status"] == "costly" and dubai["group"] == "sold-out-flights"
    assert [a["source"] for a in dubai["accounts"]] == [
        "The Guardian (re-translated text)", "Chingkheinganbi Mayengbam"
    ]  # fmt: skip


def test_a_group_is_a_feature_with_its_note_accounts_and_journeys(exported):
    (group,) = features_of(exported, "group")
    assert group["geometry"] is None and group["id"] == "group:sold-out-flights"
    props = group["properties"]
    assert props["name"] == "Sold-out and costly flights"
    assert props["note"].startswith("The two articles name the sold-out flights differently")
    assert [a["source"] for a in props["accounts"]] == [
        "The Guardian (re-translated text)", "Chingkheinganbi Mayengbam"
    ]  # fmt: skip
    assert props["journeys"] == [
        "moscow-istanbul", "moscow-yerevan", "moscow-tashkent", "moscow-baku", "moscow-dubai"
    ]  # fmt: skip
    # The group's accounts are its own feature's, not copied onto its journeys' legs.
    istanbul = [
        f for f in features_of(exported, "leg") if f["properties"]["journey"] == "moscow-istanbul"
    ]
    assert istanbul[0]["properties"]["accounts"] == []


def all_quotes(collection: dict) -> list[dict]:
    return [q for f in collection["features"] for q in f["properties"].get("quotes", [])]


@pytest.mark.parametrize(
    "places_file",
    [SHIPPED_PLACES, DATA / "minimal.yaml", DATA / "lint.yaml", QUOTES],
    ids=lambda path: path.name,
)
def test_every_quote_appears_exactly_once(places_file):
    places = read_places(places_file)
    found = all_quotes(export_geojson(places))
    assert sorted(q["number"] for q in found) == list(range(1, len(places.quotes) + 1))
    assert sorted(q["text"] for q in found) == sorted(q.text for q in places.quotes)


def test_quotes_sit_on_what_they_are_about():
    collection = export_geojson(read_places(QUOTES))
    where = {q["text"]: f["id"] for f in collection["features"] for q in f["properties"]["quotes"]}
    assert where == {
        "I am leaving.": "leg:ana:1",
        "The road was long.": "leg:ana:1",
        "The square was empty.": "place:tbilisi",
        "Every seat was taken.": "group:flights",
        "Nobody knows.": "map",
    }
    (story,) = features_of(collection, "map")
    assert story["properties"]["title"] == "Quotes of every kind"
    assert story["properties"]["sources"] == ["The Paper", "Another Writer"]


def test_lines_and_markers_carry_the_maps_own_colours_and_widths(exported):
    colours = {j["id"]: j["colour"] for j in map_data(read_places(SHIPPED_PLACES))["journeys"]}
    for leg in features_of(exported, "leg"):
        props = leg["properties"]
        assert props["stroke"] == colours[props["journey"]]
        style = (
            MODE_STYLES[props["mode"]]
            if props["status"] == "trip"
            else STATUS_STYLES[props["status"]]
        )
        assert (props["stroke-width"], props["stroke-opacity"]) == (
            style["weight"],
            style["opacity"],
        )
    legs = {
        (f["properties"]["journey"], f["properties"]["leg"]): f["properties"]
        for f in features_of(exported, "leg")
    }
    assert (legs[("oleg", 1)]["stroke"], legs[("oleg", 1)]["stroke-width"]) == ("#2e3ae6", 3)
    assert (legs[("oleg", 2)]["stroke"], legs[("oleg", 2)]["stroke-width"]) == ("#2e3ae6", 5)
    assert (legs[("igor", 1)]["stroke"], legs[("moscow-baku", 1)]["stroke"]) == (
        "#e61793",
        "#66707f",
    )
    for place in features_of(exported, "place"):
        props = place["properties"]
        assert props["marker-color"] == MARKER_STYLES[props["role"]]["fillColor"]
    places = {f["properties"]["id"]: f["properties"] for f in features_of(exported, "place")}
    assert (places["kazan"]["marker-color"], places["kazan"]["marker-size"]) == (
        "#1d3557",
        "medium",
    )
    assert places["vladikavkaz"]["marker-size"] == "small"  # a stop: the map's smaller dot


def read_csv(text: str) -> list[dict]:
    assert text.startswith("\ufeff")  # so that Excel reads it as UTF-8
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def test_the_quotes_csv_has_one_row_per_wording(tmp_path, capsys):
    out = tmp_path / "quotes.csv"
    assert main(["export", "--format", "csv", "--places", str(QUOTES), "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"Wrote 5 quotes (6 rows, one per wording) as CSV: {out}\n"
    with out.open(encoding="utf-8", newline="") as file:
        rows = read_csv(file.read())
    assert [(r["quote"], r["wording"], r["text"]) for r in rows] == [
        ("1", "1", "I am leaving."),
        ("1", "2", "I am going."),
        ("2", "1", "The road was long."),
        ("3", "1", "The square was empty."),
        ("4", "1", "Every seat was taken."),
        ("5", "1", "Nobody knows."),
    ]
    assert rows[0] == {
        "quote": "1",
        "wording": "1",
        "text": "I am leaving.",
        "speaker": "Ana",
        "speaker_age": "30",
        "speaker_role": "teacher",
        "said_to": "",
        "source": "The Paper",
        "source_title": "A story",
        "about": "journey",
        "about_id": "ana",
        "about_name": "Ana's journey",
        "lat": "",
        "lon": "",
    }
    # Relayed words: said to the Paper, as quoted by Another Writer.
    assert (rows[1]["said_to"], rows[1]["source"]) == ("The Paper", "Another Writer")
    assert (rows[4]["said_to"], rows[4]["about"], rows[4]["about_name"]) == (
        "The Paper",
        "group",
        "Flights out",
    )
    assert (rows[3]["about"], rows[3]["lat"], rows[3]["lon"]) == ("place", "41.69143", "44.83412")
    assert rows[5]["about"] == rows[5]["about_id"] == ""


def test_the_shipped_quotes_csv_lists_every_wording():
    places = read_places(SHIPPED_PLACES)
    rows = read_csv(quotes_csv(places))
    wordings = [q.text for q in places.quotes] + [w.text for q in places.quotes for w in q.also]
    assert sorted(r["text"] for r in rows) == sorted(wordings)
    assert len({r["quote"] for r in rows}) == len(places.quotes) == 20


def test_csv_is_the_default_name_for_csv(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["export", "--format", "csv", "--places", str(QUOTES)]) == 0
    assert (tmp_path / "routes-quotes.csv").exists() and not (tmp_path / "routes.geojson").exists()


FORMULAS = [
    ('=HYPERLINK("http://example.com","click")', '\'=HYPERLINK("http://example.com","click")'),
    ("+1+2", "'+1+2"),
    ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
    ("@SUM(1,2)", "'@SUM(1,2)"),
    # Texts are taken without the spaces around them (a tab or a return first is dropped);
    # what then starts a formula is still made text.
    ("\tTabbed", "Tabbed"),
    ("\rReturned", "Returned"),
    ("\t=1+2", "'=1+2"),
    ("A plain = sign inside", "A plain = sign inside"),
    ("'Already quoted", "'Already quoted"),
]


@pytest.mark.parametrize(("text", "cell"), FORMULAS, ids=[t for t, _ in FORMULAS])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_made_text(tmp_path, text, cell):
    """OWASP's advice on CSV injection: a text cell starting with =, +, -, @, tab or carriage
    return is prefixed with a single quote; every cell is quoted."""
    places = tmp_path / "places.yaml"
    source = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    hostile = json.dumps(text)
    source = source.replace("text: I am leaving.", f"text: {hostile}")
    source = source.replace("name: Ana\n", f"name: {hostile}\n").replace(
        "role: teacher", f"role: {hostile}"
    )
    places.write_text(source, encoding="utf-8")
    output = quotes_csv(read_places(places))
    (row,) = read_csv(output)
    assert row["text"] == row["speaker"] == row["speaker_role"] == cell
    # Every cell of the file quoted (a formula cannot start after a separator either).
    lines = output[1:].split("\r\n")
    assert all(line.startswith('"') for line in lines if line)


def test_a_negative_coordinate_stays_a_number_in_the_csv(tmp_path):
    places = tmp_path / "places.yaml"
    source = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    # Tbilisi moved to Madrid, west of Greenwich (and its country with it).
    source = (
        source.replace("lat: 41.69143", "lat: 40.41678")
        .replace("lon: 44.83412", "lon: -3.70379")
        .replace("country: GE", "country: ES")
        .replace("journey: ana", "place: tbilisi")
    )
    places.write_text(source, encoding="utf-8")
    (row,) = read_csv(quotes_csv(read_places(places)))
    assert (row["lat"], row["lon"]) == ("40.41678", "-3.70379")


def test_a_line_across_the_antimeridian_is_split_there():
    pieces = split_at_antimeridian(great_circle((64.73424, 177.5103), (61.21806, -149.90028)))
    assert len(pieces) == 2
    assert pieces[0][-1][1] == 180.0 and pieces[1][0][1] == -180.0
    assert pieces[0][-1][0] == pieces[1][0][0]
    assert all(-180 <= lon <= 180 for piece in pieces for _, lon in piece)


def test_a_places_role_is_what_the_journeys_make_it():
    """Starting any journey makes an origin, ending one a destination, being passed through only
    a stop; a border crossing is one however it is reached; no journey, context. The map's data
    and the GeoJSON give each place the same role."""
    places = read_places(DATA / "roles.yaml")
    roles = {
        f["properties"]["id"]: f["properties"]["role"]
        for f in features_of(export_geojson(places), "place")
    }
    assert roles == {
        "moscow": "origin",
        "kazan": "origin",
        "samara": "stop",
        "orenburg": "destination",
        "vladikavkaz": "stop",
        "upper-lars": "border-crossing",
        "tbilisi": "origin",
        "astana": "origin",
        "yerevan": "context",
    }
    drawn = map_data(places)["places"]["features"]
    assert {f["properties"]["id"]: f["properties"]["role"] for f in drawn} == roles


def test_a_quote_written_as_a_block_has_no_line_break_after_it(tmp_path, capsys):
    """`text: >` (a folded block) ends its text with a line break, which YAML keeps: the text
    fields are taken without the spaces and line breaks around them, so the CSV's cell and the
    GeoJSON's text are the words alone; one quote is one quote, one row is one row."""
    path = tmp_path / "places.yaml"
    path.write_text(
        MINIMAL_FILE.read_text(encoding="utf-8").replace(
            "  - text: I am leaving.\n", "  - text: >\n      I am leaving.\n"
        ),
        encoding="utf-8",
    )
    out = tmp_path / "quotes.csv"
    assert main(["export", "--format", "csv", "--places", str(path), "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"Wrote 1 quote (1 row, one per wording) as CSV: {out}\n"
    (row,) = read_csv(out.read_text(encoding="utf-8"))
    assert row["text"] == "I am leaving."
    (quote,) = all_quotes(export_geojson(read_places(path)))
    assert quote["text"] == "I am leaving."
