"""Stage 3: the shapes the map draws, computed in Python so the page only has to plot points.

Flights are drawn as great-circle arcs (the way planes fly, via geographiclib, which geopy
brings); land legs as straight lines on the map. Each leg's arrowhead is placed at its middle with
the heading it has there in Web Mercator, so it points along the line as the reader sees it.
All points are (lat, lon) pairs.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from geographiclib.geodesic import Geodesic

from .models import Journey, Leg, Place, PlacesFile

Point = tuple[float, float]

COORDINATE_DIGITS = 5  # about a metre: more would only make the files bigger

ARC_STEP_KM = 250.0
"""Longest piece of a drawn arc. Pieces this short keep an arc smooth at the zooms a route is
read at, and a map of thousands of flights quick to build and small to send."""


def unwrap(points: Sequence[Point]) -> list[Point]:
    """Shift longitudes by 360° where needed so that no step jumps more than 180°.

    A leg across the 180° meridian then stays one continuous line (running past 180 or
    -180) instead of a stroke across the whole world.
    """
    result: list[Point] = []
    for lat, lon in points:
        if result:
            previous = result[-1][1]
            while lon - previous > 180:
                lon -= 360
            while lon - previous < -180:
                lon += 360
        result.append((lat, lon))
    return result


def great_circle(start: Point, end: Point, step_km: float = ARC_STEP_KM) -> list[Point]:
    """Points along the geodesic from start to end; the endpoints are exactly the inputs."""
    where = Geodesic.LATITUDE | Geodesic.LONGITUDE
    line = Geodesic.WGS84.InverseLine(start[0], start[1], end[0], end[1], where | Geodesic.DISTANCE)
    count = max(1, math.ceil(line.s13 / (step_km * 1000)))
    points = [start]
    for index in range(1, count):
        position = line.ArcPosition(line.a13 * index / count, where)
        points.append((position["lat2"], position["lon2"]))
    points.append(end)
    return unwrap(points)


def straight(start: Point, end: Point) -> list[Point]:
    """A land leg: a straight line on the map, unwrapped across the 180° meridian."""
    return unwrap([start, end])


def leg_line(mode: str, start: Point, end: Point) -> list[Point]:
    return great_circle(start, end) if mode == "flight" else straight(start, end)


def _to_mercator(point: Point) -> tuple[float, float]:
    lat = max(min(point[0], 85.0), -85.0)
    return point[1], math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def _from_mercator(x: float, y: float) -> Point:
    return math.degrees(2 * math.atan(math.exp(math.radians(y))) - math.pi / 2), x


def arrow(line: Sequence[Point]) -> tuple[float, float, float] | None:
    """Where to draw a leg's arrowhead and which way it points: (lat, lon, heading).

    The point is half-way along the line as drawn on the (Web Mercator) map; the heading is the
    direction of travel there as the reader sees it, in degrees clockwise from north. The page
    draws a small triangle of fixed screen size there, so it reads the same at every zoom.
    None for a leg of no length.
    """
    projected = [_to_mercator(point) for point in line]
    pieces = [math.dist(a, b) for a, b in zip(projected, projected[1:])]
    half = sum(pieces) / 2
    if half == 0:
        return None
    ends = list(itertools.accumulate(pieces))
    index = bisect.bisect_left(ends, half)  # the first piece reaching half-way: never empty
    piece = pieces[index]
    half -= ends[index] - piece
    a, b = projected[index], projected[index + 1]
    ux, uy = (b[0] - a[0]) / piece, (b[1] - a[1]) / piece
    lat, lon = _from_mercator(a[0] + ux * half, a[1] + uy * half)
    return lat, lon, math.degrees(math.atan2(ux, uy)) % 360


def bounds(points: Sequence[Point]) -> tuple[Point, Point]:
    """South-west and north-east corners around every point."""
    lats = [lat for lat, _ in points]
    lons = [lon for _, lon in points]
    return (min(lats), min(lons)), (max(lats), max(lons))


@dataclass(frozen=True)
class LegShape:
    """One leg of a journey as drawn: its number (from 1), where it starts, and its line."""

    number: int
    start: str
    leg: Leg
    line: list[Point]


def journey_shapes(places: PlacesFile) -> list[tuple[Journey, list[LegShape]]]:
    """Every journey with the line of each of its legs, in the order of the file."""
    by_id = {place.id: place for place in places.places}
    result = []
    for journey in places.journeys:
        stops = [journey.start] + [leg.to for leg in journey.legs]
        shapes = []
        for number, (leg, start) in enumerate(zip(journey.legs, stops), start=1):
            a, b = by_id[start], by_id[leg.to]
            shapes.append(
                LegShape(number, start, leg, leg_line(leg.mode, (a.lat, a.lon), (b.lat, b.lon)))
            )
        result.append((journey, shapes))
    return result


def split_at_antimeridian(line: Sequence[Point]) -> list[list[Point]]:
    """The line in longitudes -180..180, cut where it crosses the antimeridian (RFC 7946 3.1.9).

    Where a step crosses, both pieces get a point on the meridian itself, at the latitude
    interpolated along the step.
    """
    pieces: list[list[Point]] = [[]]
    for (lat, lon), following in zip(line, [*line[1:], None]):
        normal = ((lon + 180) % 360) - 180 if abs(lon) > 180 else lon
        pieces[-1].append((lat, normal))
        if following is None:
            break
        next_lat, next_lon = following
        edge = 180.0 if next_lon > 180 >= lon else -180.0 if next_lon < -180 <= lon else None
        if edge is None:
            continue
        share = (edge - lon) / (next_lon - lon)
        crossing_lat = lat + (next_lat - lat) * share
        pieces[-1].append((crossing_lat, edge))
        pieces.append([(crossing_lat, -edge)])
    return pieces


def lonlat(point: Point) -> list[float]:
    """A (lat, lon) point as a GeoJSON position: longitude first, rounded."""
    return [round(point[1], COORDINATE_DIGITS), round(point[0], COORDINATE_DIGITS)]


def place_feature(place: Place, role: str, quotes: list, **more) -> dict:
    """A place as a GeoJSON Point feature, for the page's data block and for export alike."""
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": lonlat((place.lat, place.lon))},
        "properties": {
            "id": place.id,
            "name": place.name,
            "kind": place.kind,
            "role": role,
            "country": place.country,
            "note": place.note,
            "inferred": place.inferred,
            "quotes": quotes,
            **more,
        },
    }
