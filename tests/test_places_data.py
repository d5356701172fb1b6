"""The shipped places.yaml says what the articles say: its journeys, its places, its quotes."""

from __future__ import annotations

import pytest

from routemap.load import read_places

from .conftest import SHIPPED_PLACES


@pytest.fixture(scope="module")
def places():
    return read_places(SHIPPED_PLACES)


def stops(journey):
    return [journey.start] + [leg.to for leg in journey.legs]


@pytest.mark.parametrize(
    ("journey_id", "expected_stops", "expected_modes", "expected_when"),
    [
        ("oleg", ["kazan", "orenburg", "sagarchin"], ["flight", "car"], [None, "tonight"]),
        (
            "igor",
            ["st-petersburg", "vladikavkaz", "upper-lars"],
            ["flight", "car"],
            ["next week", None],
        ),
        ("tatayana", ["irkutsk", "baku"], ["flight"], ["next week"]),
        ("ilya", ["moscow", "kazakhstan"], ["unspecified"], ["tomorrow"]),
    ],
)
def test_each_journey_has_the_stops_modes_and_timing_the_article_gives(
    places, journey_id, expected_stops, expected_modes, expected_when
):
    journey = next(j for j in places.journeys if j.id == journey_id)
    assert stops(journey) == expected_stops
    assert [leg.mode for leg in journey.legs] == expected_modes
    assert [leg.when for leg in journey.legs] == expected_when
    assert journey.status == "trip"
    assert journey.person == journey_id


def test_sold_out_and_costly_flights_form_their_own_group(places):
    grouped = {j.id: j for j in places.journeys if j.group == "sold-out-flights"}
    assert {j.legs[-1].to: j.status for j in grouped.values()} == {
        "istanbul": "sold-out",
        "yerevan": "sold-out",
        "tashkent": "sold-out",
        "baku": "sold-out",
        "dubai": "costly",
    }
    assert all(
        j.start == "moscow" and [leg.mode for leg in j.legs] == ["flight"] for j in grouped.values()
    )


def test_every_city_the_articles_name_is_a_place(places):
    cities = {p.name for p in places.places if p.kind == "city"}
    assert cities == {
        "Kazan", "Orenburg", "Moscow", "St. Petersburg", "Vladikavkaz", "Irkutsk", "Istanbul",
        "Yerevan", "Tashkent", "Baku", "Dubai", "Bucha", "Irpin",
    }  # fmt: skip


def test_every_border_crossing_is_marked_inferred_with_a_reason(places):
    crossings = [p for p in places.places if p.kind == "border-crossing"]
    assert {p.id for p in crossings} == {"sagarchin", "upper-lars", "vaalimaa", "kyakhta"}
    assert all(p.inferred and len(p.inferred) > 40 for p in crossings)


# Rough boxes around each country: enough to catch a Kazan in Turkey or a Moscow in Idaho.
COUNTRY_BOXES = {
    "RU": (41, 82, 19, 180), "TR": (35, 43, 25, 45), "AM": (38.8, 41.3, 43.4, 46.7),
    "UZ": (37, 46, 55, 74), "AZ": (38.3, 42, 44.7, 50.7), "AE": (22.5, 26.5, 51, 56.5),
    "UA": (44, 52.5, 22, 40.3), "FI": (59.7, 70.1, 20, 31.6), "KZ": (40.5, 55.5, 46.4, 87.4),
}  # fmt: skip


def test_every_place_lies_in_its_country(places):
    for place in places.places:
        south, north, west, east = COUNTRY_BOXES[place.country]
        assert south <= place.lat <= north and west <= place.lon <= east, place.id


def test_both_wordings_of_olegs_words_are_one_quote_each_with_its_source(places):
    heart = next(q for q in places.quotes if q.text == "My heart sank when I got the call")
    assert (heart.source, heart.via) == ("guardian", None)
    assert [(w.text, w.source, w.via) for w in heart.also] == [
        ("My heart sank when I got the call-up", "mayengbam", "guardian")
    ]
    olegs = [q for q in places.quotes if q.speaker == "oleg"]
    assert all(w.source == "mayengbam" and w.via == "guardian" for q in olegs for w in q.also)


@pytest.mark.parametrize(
    ("journey_id", "leg_number", "because"),
    [
        ("oleg", 1, "Neither article says he flew"),
        ("oleg", 2, "nor names the checkpoint"),
        ("igor", 1, "not from where or whether directly"),
        ("tatayana", 1, "does not say whether the flight"),
        ("moscow-dubai", 1, "not a direct one"),
    ],
)
def test_legs_the_articles_do_not_state_say_why(places, journey_id, leg_number, because):
    journey = next(j for j in places.journeys if j.id == journey_id)
    assert because in journey.legs[leg_number - 1].inferred


def test_inferred_starts_say_why(places):
    starts = {j.id: j.start_inferred for j in places.journeys if j.status == "trip"}
    assert "works for the Moscow government" in starts["ilya"]
    assert "recruitment centre in Kazan" in starts["oleg"]


def test_where_the_sources_disagree_both_versions_are_kept(places):
    by_id = {p.id: p for p in places.places}
    dubai = next(j for j in places.journeys if j.id == "moscow-dubai")
    assert {a.source for a in dubai.accounts} == {"guardian", "mayengbam"}
    assert {a.source for a in by_id["st-petersburg"].accounts} == {"guardian", "mayengbam"}
    assert "Wednesday" in by_id["st-petersburg"].accounts[0].says


def test_quoted_people_tied_to_no_place_are_kept(places):
    loose = {q.speaker for q in places.quotes if not (q.journey or q.place or q.group)}
    assert loose == {"lobanovskaya", "oligarchs-son"}
