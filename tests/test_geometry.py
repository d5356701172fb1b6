"""Arcs, straight legs and arrowheads: the shapes the map draws."""

from __future__ import annotations

from pathlib import Path

import pytest
from geographiclib.geodesic import Geodesic

from routemap.geometry import leg_lines, unwrap
from routemap.load import read_places
from routemap.models import FileColumns
from routemap.tallies import end_numbers_of

from .conftest import arrow_of, great_circle, legs, straight

MOSCOW = (55.75204, 37.61781)
DUBAI = (25.07725, 55.30927)
ANADYR = (64.73424, 177.5103)
ANCHORAGE = (61.21806, -149.90028)


def distance(a, b) -> float:
    return Geodesic.WGS84.Inverse(a[0], a[1], b[0], b[1])["s12"]


@pytest.mark.parametrize(("start", "end"), [(MOSCOW, DUBAI), (ANADYR, ANCHORAGE), (DUBAI, MOSCOW)])
def test_arc_endpoints_are_exactly_the_places(start, end):
    arc = great_circle(start, end)
    assert arc[0] == start
    assert (arc[-1][0], arc[-1][1] % 360) == (end[0], end[1] % 360)


@pytest.mark.parametrize(("start", "end"), [(MOSCOW, DUBAI), (ANADYR, ANCHORAGE)])
def test_arc_points_lie_on_the_geodesic(start, end):
    arc = great_circle(start, end)
    total = distance(start, end)
    assert len(arc) >= 6
    for point in arc[1:-1]:
        # On the shortest path, the two parts add up to the whole (to within a metre).
        assert distance(start, point) + distance(point, end) == pytest.approx(total, abs=1.0)


def test_arc_is_not_a_straight_line_on_the_map():
    irkutsk = (52.29566, 104.29076)
    arc = great_circle(MOSCOW, irkutsk)
    lat, lon = arc[len(arc) // 2]
    along = (lon - MOSCOW[1]) / (irkutsk[1] - MOSCOW[1])
    straight_lat = MOSCOW[0] + along * (irkutsk[0] - MOSCOW[0])
    assert lat > straight_lat + 1  # great circles bow towards the pole


@pytest.mark.parametrize("line", [great_circle(ANADYR, ANCHORAGE), straight(ANADYR, ANCHORAGE)])
def test_a_leg_across_the_antimeridian_is_one_continuous_line(line):
    steps = [abs(b[1] - a[1]) for a, b in zip(line, line[1:])]
    assert max(steps) < (10 if len(line) > 2 else 180)
    assert line[0][1] == pytest.approx(177.5103)
    assert line[-1][1] == pytest.approx(-149.90028 + 360)


def test_unwrap_keeps_ordinary_lines_as_they_are():
    assert unwrap([MOSCOW, DUBAI]) == [MOSCOW, DUBAI]


def test_land_legs_are_straight_and_flights_are_arcs():
    from routemap.load import read_places

    from .conftest import SHIPPED_PLACES

    lines = leg_lines(read_places(SHIPPED_PLACES))
    flight, drive = (n for n, (journey, *_) in enumerate(lines.legs) if journey.id == "oleg")
    assert (lines.legs[flight][3].mode, lines.legs[drive][3].mode) == ("flight", "car")
    assert len(lines.line(flight)) > 2
    assert lines.line(drive) == [(51.76712, 55.09883), (50.82, 56.03)]


def test_each_leg_starts_where_the_leg_before_it_ends_and_is_numbered_from_one(tmp_path):
    """leg_lines' legs, in the file's order: a journey's first leg from its start, each other
    from the end of the leg before it (a big map's starts are worked out in columns)."""
    from routemap.load import read_places

    from .conftest import SHIPPED_PLACES
    from .synthetic import synthetic_places

    synthetic = tmp_path / "places.yaml"
    synthetic.write_text(synthetic_places(40, 60, 10, seed=5), encoding="utf-8")
    for places in (read_places(SHIPPED_PLACES), read_places(synthetic)):
        expected = []
        for journey in places.journeys:
            start = journey.start
            for number, leg in enumerate(journey.legs, start=1):
                expected.append((journey.id, number, start, leg.to))
                start = leg.to
        lines = leg_lines(places)
        assert [(j.id, n, start, leg.to) for j, n, start, leg in lines.legs] == expected
        assert len(lines.first) == len(expected) + 1


@pytest.mark.parametrize(
    ("start", "end", "heading"),
    [
        ((50, 30), (50, 40), 90),
        ((50, 40), (50, 30), 270),
        ((40, 30), (50, 30), 0),
        ((50, 30), (40, 30), 180),
    ],
)
def test_arrow_sits_mid_leg_and_points_in_the_direction_of_travel(start, end, heading):
    lat, lon, found = arrow_of(start, end, flight=False)
    assert found == pytest.approx(heading)
    assert lon == pytest.approx((start[1] + end[1]) / 2)
    assert min(start[0], end[0]) - 1e-9 <= lat <= max(start[0], end[0]) + 1e-9


def test_arrow_on_an_arc_follows_the_arc_not_the_chord():
    # Moscow to Irkutsk bows north: at its middle the arc heads east-south-east, not east-north-east.
    lat, lon, heading = arrow_of(MOSCOW, (52.29566, 104.29076))
    assert 90 < heading < 120
    assert lat > 58


def test_a_leg_of_no_length_has_no_arrow():
    assert arrow_of(MOSCOW, MOSCOW, flight=False) is None
    assert arrow_of(MOSCOW, MOSCOW) is None


def test_many_arcs_at_once_all_lie_on_their_geodesics():
    import random

    rng = random.Random(3)
    pairs = [
        (
            (rng.uniform(-80, 80), rng.uniform(-180, 180)),
            (rng.uniform(-80, 80), rng.uniform(-180, 180)),
        )
        for _ in range(200)
    ]
    pairs.append(((0.0, 0.0), (0.5, 179.7)))  # nearly antipodal: solved by geographiclib instead
    pairs.append(((10.0, 10.0), (10.0, 10.0)))  # a leg of no length
    for (start, end), (arc, _) in zip(pairs, legs(pairs), strict=True):
        assert arc[0] == start and (arc[-1][0], arc[-1][1] % 360) == pytest.approx(
            (end[0], end[1] % 360)
        )
        total = distance(start, end)
        for point in arc[1:-1]:
            assert distance(start, point) + distance(point, end) == pytest.approx(total, abs=1.0)


def test_many_arrows_at_once_are_each_arrow():
    pairs = [
        (MOSCOW, (52.29566, 104.29076)),
        ((50, 30), (50, 40)),
        ((40, 30), (50, 30)),
        (MOSCOW, MOSCOW),
        (ANADYR, ANCHORAGE),
    ]
    flights = [True, False, False, False, True]
    together = [head for _, head in legs(pairs, flights)]
    for head, pair, flight in zip(together, pairs, flights, strict=True):
        alone = arrow_of(*pair, flight=flight)
        if alone is None:
            assert head is None
        else:
            assert head == pytest.approx(alone, abs=1e-9)


def test_a_big_maps_lines_worked_out_in_steps_are_those_worked_out_at_once(monkeypatch):
    """lines_between works out a big map's legs some thousands at a time (to hold its memory
    down): its lines, arrowheads and the legs geographiclib settles are the same as all at once,
    whatever step a leg falls in."""
    import random

    import numpy as np

    from routemap import geometry

    rng = random.Random(5)
    ends = [
        (
            (rng.uniform(-80, 80), rng.uniform(-180, 180)),
            (rng.uniform(-80, 80), rng.uniform(-180, 180)),
        )
        for _ in range(60)
    ]
    ends[23] = ((0.0, 0.0), (0.5, 179.7))  # nearly antipodal: geographiclib's, in the fourth step
    ends[41] = ((10.0, 10.0), (10.0, 10.0))  # a leg of no length
    flights = [n % 3 != 0 or n == 23 for n in range(len(ends))]
    at_once = geometry.lines_between(ends, flights)
    monkeypatch.setattr(geometry, "LEGS_AT_ONCE", 7)
    in_steps = geometry.lines_between(ends, flights)
    assert at_once[-1] == in_steps[-1] == (23,)
    for whole, stepped in zip(at_once[:-1], in_steps[:-1], strict=True):
        assert np.array_equal(whole, stepped, equal_nan=True)


@pytest.mark.parametrize(
    ("place_ids", "journey_starts", "leg_ends", "numbers"),
    [
        (["a", "b", "c"], ["b", "a"], ["c", "a", "b"], ([1, 0], [2, 0, 1])),
        # One of each (a single id is looked up on its own, not by one C call for many).
        (["a"], ["a"], ["a"], ([0], [0])),
        (["a", "b"], [], [], ([], [])),
    ],
)
def test_places_are_numbered_by_their_place_in_the_file(
    place_ids, journey_starts, leg_ends, numbers
):
    """The numbers a big map's page and the legs' lines name places by (tallies.end_numbers_of,
    which a build's worker works out): each id's index among the places."""
    assert end_numbers_of(place_ids, journey_starts, leg_ends) == numbers


def test_a_legs_line_runs_between_the_numbered_places():
    """The lines made from numbers worked out aside are the lines made from the ids."""
    places = read_places(Path(__file__).parent / "data" / "minimal.yaml")
    columns = FileColumns(places)
    numbers = end_numbers_of(
        columns["places"]["id"], columns["journeys"]["start"], columns["legs"]["to"]
    )
    given, made = leg_lines(places, columns, numbers=numbers), leg_lines(places)
    assert given.ends == made.ends == ([0], [1])  # Tbilisi to Yerevan
    assert given.line(0) == made.line(0)
    assert given.line(0)[0] == pytest.approx((41.69143, 44.83412))
