"""The country check of many points at once (whereabouts.py) answers as a plain point-by-point
reading of the same outlines does: the even-odd rule over every edge, and the box test with its
margin, one point at a time in Python."""

from __future__ import annotations

import math
import random

import pytest

from routemap.whereabouts import MARGIN_KM, _boxes, _inside_many, _near_many, _outline


def _inside_one(code: str, lat: float, lon: float) -> bool:
    """The even-odd rule for one point over every edge of every ring, for each longitude
    shift, with nothing skipped."""
    for shift in (0, -360, 360):
        x = lon + shift
        crossed = 0
        for ring in _outline(code):
            for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
                if (y1 > lat) != (y2 > lat) and x < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                    crossed += 1
        if crossed % 2:
            return True
    return False


def _near_one(code: str, lat: float, lon: float) -> bool:
    dlat = MARGIN_KM / 110.57
    dlon = MARGIN_KM / (111.32 * max(0.05, math.cos(math.radians(min(89.0, abs(lat))))))
    return any(
        south - dlat <= lat <= north + dlat
        and any(west - dlon <= x <= east + dlon for x in (lon, lon - 360, lon + 360))
        for south, north, west, east in _boxes(code)
    )


@pytest.mark.parametrize("code", ["RU", "GE", "US", "ID", "FJ", "ZA"])
def test_many_points_at_once_answer_as_each_point_alone(code):
    """Russia and Fiji lie across the antimeridian, the United States and Indonesia have many
    parts, South Africa a hole (Lesotho): points in and around each, some on its vertices."""
    rng = random.Random(code)
    rings = _outline(code)
    south = min(y for ring in rings for _, y in ring)
    north = max(y for ring in rings for _, y in ring)
    lats = [rng.uniform(south - 3, north + 3) for _ in range(1500)]
    lons = [rng.uniform(-180, 180) for _ in range(1500)]
    vertices = [point for ring in rings for point in ring][:300]
    lats += [y for _, y in vertices]
    lons += [x for x, _ in vertices]
    inside = _inside_many(code, lats, lons).tolist()
    near = _near_many(code, lats, lons).tolist()
    assert inside == [_inside_one(code, lat, lon) for lat, lon in zip(lats, lons)]
    assert near == [_near_one(code, lat, lon) for lat, lon in zip(lats, lons)]
    assert any(inside) and not all(inside)  # the points tell in from out
