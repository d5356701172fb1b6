"""Stage 3: the shapes the map draws, computed in Python so the page only has to plot points.

Flights are drawn as geodesic arcs on the WGS84 ellipsoid (the way planes fly: numpy for many
at once, geographiclib, which geopy brings, where that does not settle); land legs as straight
lines on the map. Each leg's arrowhead is placed at its middle with
the heading it has there in Web Mercator, so it points along the line as the reader sees it.
All points are (lat, lon) pairs.

No shape is drawn from a place's exact point unless the place may be shown exactly: every
coordinate the map and the exports publish comes through `shown_point`, which snaps a place to
the grid of its declared `precision` first, so a line's end or an arrowhead never gives away
the point behind a coarsened dot.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import accumulate, chain, repeat
from typing import TYPE_CHECKING

from geographiclib.geodesic import Geodesic

from .basemap import country_point
from .models import FileColumns, Place, PlacesFile, columns_of, dicts_of
from .tallies import end_numbers_of

if TYPE_CHECKING:
    from numpy import ndarray  # (numpy is imported where first used, not with this module)

Point = tuple[float, float]

COORDINATE_DIGITS = 5  # about a metre: more would only make the files bigger

ARC_STEP_KM = 250.0
"""Longest piece of a drawn arc. Pieces this short keep an arc smooth at the zooms a route is
read at, and a map of thousands of flights quick to build and small to send."""


PRECISION_GRID = {"locality": 0.1, "region": 1.0, "country": 5.0}
"""The grid, in degrees, a place of each `precision` is snapped to: 0.1° (about 11 km
north–south) says which town or district, 1° (about 110 km) which region. A place shown at
country precision is put at its country's own point (see basemap.country_point), the same for
every place in that country; only a country too small for the base map falls back to the 5°
grid. Snapping rather than random jitter: a snapped point is the same in every build and in
every output, so nothing can be averaged out of many of them."""


def _snap(value: float, step: float) -> float:
    """The nearest multiple of step (rounded again, so 0.1 steps do not print as 55.800000001)."""
    return round(round(value / step) * step, 6)


def shown_point(place: Place) -> Point:
    """Where the map and the exports put a place: its own point, or for a place whose
    `precision` is coarser, that point snapped to its grid (see PRECISION_GRID)."""
    if place.precision == "exact":
        return (place.lat, place.lon)
    if place.precision == "country":
        found = country_point(place.country)
        if found is not None:
            return found
    step = PRECISION_GRID[place.precision]
    return (_snap(place.lat, step), _snap(place.lon, step))


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


WGS84_A = 6378137.0
WGS84_F = 1 / 298.257223563


def _arcs(pairs: Sequence[tuple[Point, Point]], step_km: float = ARC_STEP_KM):
    """Every arc's points in flat arrays, not yet unwrapped: (points per arc, lat, lon, the
    indexes of the arcs geographiclib made), each arc from its start to its end, which are
    exactly the inputs: pairs of points, or an array of rows lat1, lon1, lat2, lon2.

    A map of thousands of flights would spend seconds in geographiclib's pure-Python solver, so
    the arcs are computed together with numpy by Vincenty's formulae on the WGS84 ellipsoid
    (accurate to well under a millimetre). Points are spaced evenly in arc length on the
    auxiliary sphere, which makes the direct problem closed-form. The rare pair Vincenty's
    inverse does not settle (nearly antipodal points) goes to geographiclib.
    """
    import numpy as np

    f, a = WGS84_F, WGS84_A
    b = (1 - f) * a
    ends = np.array(pairs, dtype=float).reshape(-1, 4)
    lat1, lon1, lat2, lon2 = np.radians(ends.T)
    u1, u2 = np.arctan((1 - f) * np.tan(lat1)), np.arctan((1 - f) * np.tan(lat2))
    sin_u1, cos_u1, sin_u2, cos_u2 = np.sin(u1), np.cos(u1), np.sin(u2), np.cos(u2)
    big_l = np.remainder(lon2 - lon1 + np.pi, 2 * np.pi) - np.pi
    # Each leg iterates until its own λ settles, and keeps what it had then (as page/arcs.js
    # does, one leg at a time): its arc is the same whichever legs it is worked out with.
    lam = big_l.copy()
    sigma, cos2_alpha = np.zeros_like(lam), np.ones_like(lam)
    settled = np.zeros(lam.shape, dtype=bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        for _ in range(200):
            going = ~settled
            sin_lam, cos_lam = np.sin(lam), np.cos(lam)
            sin_sigma = np.hypot(cos_u2 * sin_lam, cos_u1 * sin_u2 - sin_u1 * cos_u2 * cos_lam)
            cos_sigma = sin_u1 * sin_u2 + cos_u1 * cos_u2 * cos_lam
            turn_sigma = np.arctan2(sin_sigma, cos_sigma)
            sin_alpha = np.where(sin_sigma > 0, cos_u1 * cos_u2 * sin_lam / sin_sigma, 0.0)
            turn_cos2_alpha = 1 - sin_alpha**2
            cos_2sm = np.where(
                turn_cos2_alpha > 0, cos_sigma - 2 * sin_u1 * sin_u2 / turn_cos2_alpha, 0.0
            )
            c = f / 16 * turn_cos2_alpha * (4 + f * (4 - 3 * turn_cos2_alpha))
            following = big_l + (1 - c) * f * sin_alpha * (
                turn_sigma + c * sin_sigma * (cos_2sm + c * cos_sigma * (-1 + 2 * cos_2sm**2))
            )
            sigma = np.where(going, turn_sigma, sigma)
            cos2_alpha = np.where(going, turn_cos2_alpha, cos2_alpha)
            settled |= going & (np.abs(following - lam) < 1e-12)
            lam = np.where(going, following, lam)
            if settled.all():
                break
        sin_lam, cos_lam = np.sin(lam), np.cos(lam)
        alpha1 = np.arctan2(cos_u2 * sin_lam, cos_u1 * sin_u2 - sin_u1 * cos_u2 * cos_lam)
        # Arc length on the ellipsoid, for the number of pieces (to a few metres: enough here).
        u_sq = cos2_alpha * (a**2 - b**2) / b**2
        length = b * (1 + u_sq / 16384 * (4096 + u_sq * (-768 + u_sq * (320 - 175 * u_sq)))) * sigma
    pieces = np.maximum(1, np.ceil(np.nan_to_num(length) / (step_km * 1000))).astype(int)
    unsettled = {
        int(i): _geographiclib_arc(
            (float(ends[i, 0]), float(ends[i, 1])), (float(ends[i, 2]), float(ends[i, 3])), step_km
        )
        for i in np.flatnonzero(~settled)
    }
    for index, arc in unsettled.items():
        pieces[index] = len(arc) - 1

    # Every point of every leg at once: leg index and fraction of its arc (0 and 1 the ends).
    counts = pieces + 1
    leg = np.repeat(np.arange(len(pairs)), counts)
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    s = sigma[leg] * offsets / pieces[leg]
    sa1, ca1 = np.sin(alpha1[leg]), np.cos(alpha1[leg])
    su1, cu1 = sin_u1[leg], cos_u1[leg]
    sigma1 = np.arctan2(np.tan(u1[leg]), ca1)
    sin_alpha = cu1 * sa1
    cos2_alpha = 1 - sin_alpha**2
    two_sm = 2 * sigma1 + s
    sin_s, cos_s = np.sin(s), np.cos(s)
    lat = np.arctan2(
        su1 * cos_s + cu1 * sin_s * ca1,
        (1 - f) * np.hypot(sin_alpha, su1 * sin_s - cu1 * cos_s * ca1),
    )
    lam_p = np.arctan2(sin_s * sa1, cu1 * cos_s - su1 * sin_s * ca1)
    c = f / 16 * cos2_alpha * (4 + f * (4 - 3 * cos2_alpha))
    cos_2sm = np.cos(two_sm)
    lon = (
        lon1[leg]
        + lam_p
        - (1 - c) * f * sin_alpha * (s + c * sin_s * (cos_2sm + c * cos_s * (-1 + 2 * cos_2sm**2)))
    )
    lat, lon = np.degrees(lat), np.degrees(lon)
    # The ends exactly; the unsettled arcs as geographiclib made them.
    first = np.cumsum(counts) - counts
    lat[first], lon[first] = ends[:, 0], ends[:, 1]
    lat[first + pieces], lon[first + pieces] = ends[:, 2], ends[:, 3]
    for index, arc in unsettled.items():
        lat[first[index] : first[index] + counts[index]] = [p[0] for p in arc]
        lon[first[index] : first[index] + counts[index]] = [p[1] for p in arc]
    return counts, lat, lon, sorted(unsettled)


def _geographiclib_arc(start: Point, end: Point, step_km: float) -> list[Point]:
    """One arc by geographiclib, which solves every case (Vincenty's inverse may not settle)."""
    where = Geodesic.LATITUDE | Geodesic.LONGITUDE
    line = Geodesic.WGS84.InverseLine(start[0], start[1], end[0], end[1], where | Geodesic.DISTANCE)
    count = max(1, math.ceil(line.s13 / (step_km * 1000)))
    points = [start]
    for index in range(1, count):
        position = line.ArcPosition(line.a13 * index / count, where)
        points.append((position["lat2"], position["lon2"]))
    points.append(end)
    return unwrap(points)


def flat_arrows(lat, lon, first):
    """Where to draw each leg's arrowhead and which way it points, for every line of flat
    arrays, line i being points first[i] .. first[i + 1] - 1: arrays of the arrowheads' lat,
    lon and heading, the heading NaN for a line of no length.

    The point is the middle of the line: its middle point, or the middle of its middle piece
    (the points of an arc are evenly spaced along it, so either is half-way). The heading is the
    direction of travel there as the reader sees it on the (Web Mercator) map, in degrees
    clockwise from north. The page draws a small triangle of fixed screen size there, so it
    reads the same at every zoom."""
    import numpy as np

    counts = np.diff(first)
    middle = first[:-1] + counts // 2
    odd = counts % 2 == 1
    after = np.where(odd, middle + 1, middle)

    def mercator_y(latitude):
        return np.degrees(np.log(np.tan(np.pi / 4 + np.radians(np.clip(latitude, -85, 85)) / 2)))

    bx, by = lon[middle - 1], mercator_y(lat[middle - 1])
    ax, ay = lon[after], mercator_y(lat[after])
    dx, dy = ax - bx, ay - by
    heading = np.degrees(np.arctan2(dx, dy)) % 360
    mid_lat = np.degrees(2 * np.arctan(np.exp(np.radians((by + ay) / 2))) - np.pi / 2)
    arrow_lat = np.where(odd, lat[middle], mid_lat)
    arrow_lon = np.where(odd, lon[middle], (bx + ax) / 2)
    heading[(dx == 0) & (dy == 0)] = np.nan
    return arrow_lat, arrow_lon, heading


def flat_unwrap(lon, first):
    """unwrap() of every line of a flat array of longitudes (line i being first[i] ..
    first[i + 1] - 1): each step of a line shifted by whole turns to within 180°."""
    import numpy as np

    step = np.diff(lon, prepend=lon[:1])
    turns = np.where(step > 180, np.ceil((step - 180) / 360), 0) - np.where(
        step < -180, np.ceil((-step - 180) / 360), 0
    )
    turns[first[:-1]] = 0  # a line's first point stays where it is
    total = np.cumsum(turns)
    total -= np.repeat(total[first[:-1]], np.diff(first))
    return lon - 360 * total


@dataclass(frozen=True)
class LegLines:
    """Every leg's line of a map in flat arrays (a big map has some 100,000 legs, and a list
    per leg would cost seconds): leg i's points are lat[first[i]:first[i + 1]] and lon[...],
    unwrapped, and its arrowhead arrow_lat[i], arrow_lon[i], heading[i] (NaN: no arrowhead).
    `legs` are (journey, number from 1, where it starts, leg), in the order of the file, made
    when first asked for from `leg_parts` (each journey, its number of legs, where its first
    leg lies among all the legs, where it starts, each leg's end, each journey's legs): a big
    map's page data never asks (its page numbers the legs itself), and their 100,000 tuples
    were 8 MB at its build's peak. `by_geographiclib` the
    legs whose arc Vincenty's method did not settle (see _arcs), which a big map's page,
    working out the others itself (page/arcs.js), is given."""

    leg_parts: tuple
    first: object
    lat: object
    lon: object
    arrow_lat: object
    arrow_lon: object
    heading: object
    by_geographiclib: tuple = ()
    ends: tuple = ()  # (each journey's start, each leg's end) as places' numbers

    @cached_property
    def legs(self) -> list:
        journeys, counts, firsts, journey_starts, tos, each_journeys_legs = self.leg_parts
        return list(
            zip(
                chain.from_iterable(map(repeat, journeys, counts)),
                chain.from_iterable(map(range, repeat(1), [count + 1 for count in counts])),
                _each_legs_start(tos, firsts, journey_starts),
                chain.from_iterable(each_journeys_legs),
                strict=True,
            )
        )

    def line(self, leg: int) -> list[Point]:
        """Leg `leg`'s points as (lat, lon), unwrapped (the exports cut them at 180°)."""
        points = slice(int(self.first[leg]), int(self.first[leg + 1]))
        return list(zip(self.lat[points].tolist(), self.lon[points].tolist(), strict=True))


def leg_lines(
    places: PlacesFile,
    columns: FileColumns | None = None,
    shown: list[Point] | None = None,
    numbers: tuple[list[int], list[int]] | None = None,
) -> LegLines:
    """Every leg's line (flights as arcs, land legs straight, each from its shown points) and
    arrowhead, computed together with numpy (a big map has some 100,000 legs): the map and the
    exports draw every leg from these. `columns`, `shown` (each place's shown_point) and
    `numbers` (tallies.end_numbers_of's), where the caller has them already."""
    import numpy as np

    columns = columns or FileColumns(places)
    if shown is None:
        shown = list(map(shown_point, places.places))
    shown = np.array(shown, dtype=float).reshape(-1, 2)
    journeys = places.journeys
    each_journeys_legs = columns["journeys"]
    counts = list(map(len, each_journeys_legs["legs"]))
    legs = columns["legs"]
    # Each leg starts where the leg before it ends, a journey's first at the journey's start.
    tos, journey_start_ids = legs["to"], each_journeys_legs["start"]
    firsts = list(accumulate([0, *counts[:-1]]))
    if numbers is None:
        numbers = end_numbers_of(columns["places"]["id"], journey_start_ids, tos)
    journey_starts, leg_ends = numbers
    starts = np.array(_each_legs_start(leg_ends, firsts, journey_starts), dtype=np.intp)
    stops = np.array(leg_ends, dtype=np.intp)
    leg_parts = (journeys, counts, firsts, journey_start_ids, tos, each_journeys_legs["legs"])
    flights = [mode == "flight" for mode in legs["mode"]]
    lines = np.hstack([shown[starts], shown[stops]])  # each leg's start and end, as lat, lon
    return LegLines(leg_parts, *lines_between(lines, flights), ends=numbers)


def _each_legs_start(leg_ends: list, firsts: list[int], journey_starts: list) -> list:
    """Where each leg starts (an id or a place's number, as `leg_ends` and `journey_starts`
    are): where the leg before it ends, a journey's first (at `firsts`) at the journey's
    start."""
    starts = leg_ends[-1:] + leg_ends[:-1]
    for first, start in zip(firsts, journey_starts):
        starts[first] = start
    return starts


LEGS_AT_ONCE = 2048
"""Legs whose lines lines_between computes together: numpy's work takes a score of arrays the
size of all their points, 85 MB for a big map's 100,000 legs at once, a few in steps of this.
Steps small enough that each array is under the 128 kB from which the `routes` command has
each block of memory asked of the system and given back (cli.BIG_BUFFER_BYTES): smaller ones
reuse the same memory step after step, where bigger ones were new pages each time (58,000
page faults at 50,000 journeys, against 12,500; a third less time)."""


def lines_between(ends: Sequence[tuple[Point, Point]] | ndarray, flights: Sequence[bool]) -> tuple:
    """The lines of legs from ends[i][0] to ends[i][1] (or an array of rows lat1, lon1, lat2,
    lon2), flying where flights[i]: LegLines's fields after `legs` (a big map's page works them
    out as this does: page/arcs.js). Worked out LEGS_AT_ONCE legs at a time, and joined."""
    import numpy as np

    ends_array = np.array(ends, dtype=float).reshape(-1, 4)
    flight = np.array(flights, dtype=bool)
    steps = range(0, len(ends_array), LEGS_AT_ONCE)
    if len(steps) <= 1:
        return _lines_between(ends_array, flight)
    parts = [
        _lines_between(ends_array[at : at + LEGS_AT_ONCE], flight[at : at + LEGS_AT_ONCE])
        for at in steps
    ]
    points_before = np.cumsum([0] + [len(part[1]) for part in parts])
    first = np.concatenate(
        [part[0][:-1] + before for part, before in zip(parts, points_before, strict=False)]
        + [points_before[-1:]]
    )
    joined = [np.concatenate([part[field] for part in parts]) for field in range(1, 6)]
    by_geographiclib = tuple(
        at + leg for at, part in zip(steps, parts, strict=True) for leg in part[6]
    )
    return first, *joined, by_geographiclib


def _lines_between(ends_array: ndarray, flight: ndarray) -> tuple:
    """lines_between of an array of ends and an array of which legs fly."""
    import numpy as np

    counts = np.full(len(ends_array), 2)
    flights_at = np.flatnonzero(flight)
    arcs = _arcs(ends_array[flights_at]) if flight.any() else None
    if arcs is not None:
        counts[flight] = arcs[0]
    first = np.concatenate([[0], np.cumsum(counts)])
    lat, lon = np.empty(first[-1]), np.empty(first[-1])
    land = ~flight
    for column, values in ((0, lat), (1, lon)):
        values[first[:-1][land]] = ends_array[land, column]
        values[first[1:][land] - 1] = ends_array[land, column + 2]
    if arcs is not None:
        arc_counts, arc_lat, arc_lon, _ = arcs
        starts = first[:-1][flight]
        at = np.repeat(starts - (np.cumsum(arc_counts) - arc_counts), arc_counts)
        at += np.arange(arc_counts.sum())
        lat[at], lon[at] = arc_lat, arc_lon
    lon = flat_unwrap(lon, first)
    by_geographiclib = tuple(int(flights_at[n]) for n in arcs[3]) if arcs is not None else ()
    return first, lat, lon, *flat_arrows(lat, lon, first), by_geographiclib


def bounds(points: Sequence[Point]) -> tuple[Point, Point]:
    """South-west and north-east corners around every point."""
    lats = [lat for lat, _ in points]
    lons = [lon for _, lon in points]
    return (min(lats), min(lons)), (max(lats), max(lons))


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


def positions(lines: Sequence[Sequence[Point]]) -> list[list[list[float]]]:
    """Each line as GeoJSON positions, longitude first, rounded to COORDINATE_DIGITS as lonlat
    does, but all at once with numpy: a big map's legs have some 70,000 points, which round()
    one by one would take a while. (numpy may round a tie the other way in the last digit, a
    tenth of a metre.)"""
    import numpy as np

    flat = np.fromiter(chain.from_iterable(chain.from_iterable(lines)), float)
    rounded = np.round(flat.reshape(-1, 2)[:, ::-1], COORDINATE_DIGITS).tolist()
    result, start = [], 0
    for line in lines:
        result.append(rounded[start : start + len(line)])
        start += len(line)
    return result


def place_properties(
    places: Sequence[Place],
    roles: dict[str, str],
    quotes: dict[str, list],
    columns: dict[str, list] | None = None,
) -> dict[str, list]:
    """What a place's GeoJSON feature says of it (for the page's data block and for export
    alike), as columns: each field's values in the places' order, None where a place has none.
    `roles`: each place's role by id (models.place_roles); `quotes`: the quotes' indexes by
    place id (models.quote_indexes' "place"). Columns, because a big map's page takes its tables so
    (render.map_data): 50,000 places are read in one pass (models.columns_of), not made into
    50,000 dicts first; `columns`, the places' columns where the caller has them already
    (models.FileColumns)."""
    if columns is None:
        columns = columns_of(places, *Place.model_fields)
    ids = columns["id"]
    return {
        "id": ids,
        "name": columns["name"],
        "role": list(map(roles.__getitem__, ids)),
        "country": columns["country"],
        "note": columns["note"],
        "also_called": [names or None for names in columns["also_called"]],
        "sources": [sources or None for sources in columns["sources"]],
        "accounts": list(map(dicts_of, columns["accounts"])),
        "inferred": columns["inferred"],
        "area": [place.is_area or None for place in places],
        "quotes": [quotes.get(place, []) for place in ids],
    }


def place_feature(place: Place, role: str, quotes: list, **more) -> dict:
    """A place as a GeoJSON Point feature, its properties place_properties' and `more`."""
    properties = place_properties([place], {place.id: role}, {place.id: quotes})
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": lonlat(shown_point(place))},
        "properties": {key: values[0] for key, values in properties.items()} | more,
    }
