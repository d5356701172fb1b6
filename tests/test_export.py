"""`routes export --format geojson`, read back with a third-party GeoJSON reader."""

from __future__ import annotations

import geojson
import pytest

from routemap.cli import main
from routemap.geometry import great_circle, split_at_antimeridian

from .conftest import SHIPPED_PLACES


@pytest.fixture
def exported(tmp_path, capsys):
    out = tmp_path / "routes.geojson"
    assert (
        main(["export", "--format", "geojson", "--places", str(SHIPPED_PLACES), "--out", str(out)])
        == 0
    )
    assert (
        capsys.readouterr().out
        == f"Wrote 29 features (places and journey legs) as GeoJSON: {out}\n"
    )
    return geojson.loads(out.read_text(encoding="utf-8"))


def test_the_file_is_valid_geojson(exported):
    assert exported.is_valid, exported.errors()
    assert exported["type"] == "FeatureCollection"


def test_places_are_points_longitude_first_with_their_properties(exported):
    places = {
        f["properties"]["id"]: f
        for f in exported["features"]
        if f["properties"]["feature"] == "place"
    }
    assert len(places) == 18
    moscow = places["moscow"]
    assert moscow["geometry"]["type"] == "Point"
    assert moscow["geometry"]["coordinates"] == [37.61781, 55.75204]
    assert moscow["properties"]["name"] == "Moscow" and moscow["properties"]["kind"] == "city"
    assert moscow["properties"]["role"] == "origin"
    assert moscow["properties"]["quotes"][0] == {
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


def test_legs_are_lines_with_modes_sources_and_quotes(exported):
    legs = {
        (f["properties"]["journey"], f["properties"]["leg"]): f
        for f in exported["features"]
        if f["properties"]["feature"] == "leg"
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
    assert props["certainty"] == "inferred" and "neither names the checkpoint" in props["inferred"]
    assert props["to_inferred"].startswith("The articles say only that Oleg would drive")
    # Oleg's words as Mayengbam relays them from the Guardian's interview.
    relayed = [w for q in props["quotes"] for w in q["other_wordings"]]
    assert relayed and all(
        w["source"] == "Chingkheinganbi Mayengbam" and w["said_to"] == "The Guardian"
        for w in relayed
    )
    assert legs[("oleg", 1)]["properties"]["from_inferred"].startswith("The articles say Oleg")
    assert legs[("igor", 1)]["properties"]["certainty"] == "stated"
    flight = legs[("tatayana", 1)]["geometry"]["coordinates"]
    assert (
        flight[0] == [104.29076, 52.29566]
        and flight[-1] == [49.89201, 40.37767]
        and len(flight) > 10
    )
    dubai = legs[("moscow-dubai", 1)]["properties"]
    assert dubai["status"] == "costly" and dubai["group"] == "sold-out-flights"
    assert [a["source"] for a in dubai["accounts"]][:2] == [
        "The Guardian (re-translated text)", "Chingkheinganbi Mayengbam"
    ]  # fmt: skip


def test_a_line_across_the_antimeridian_is_split_there():
    pieces = split_at_antimeridian(great_circle((64.73424, 177.5103), (61.21806, -149.90028)))
    assert len(pieces) == 2
    assert pieces[0][-1][1] == 180.0 and pieces[1][0][1] == -180.0
    assert pieces[0][-1][0] == pieces[1][0][0]
    assert all(-180 <= lon <= 180 for piece in pieces for _, lon in piece)
