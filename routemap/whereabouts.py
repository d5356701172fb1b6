"""Hand-typed coordinates checked against the place's `country:`, on Natural Earth's outlines
(the 1:110m country shapes the offline base map ships, routemap/basemap.json; pycountry links
their ISO numeric ids to the two-letter codes places.yaml uses).

A swapped latitude and longitude (Tallinn drawn in Oman) or a point far outside its country is a
mistake the map would publish without a word. The check is whether the point lies within
MARGIN_KM of its country's outline (border crossings lie on the border, and the outlines are
coarse): a box test per part first, then the outline itself for the points a box lets through,
all of one country's points at once, so a point far off inside a vast country's box (St
Petersburg said to be in Norway) is caught too. A country too small for the 1:110m map (Andorra,
Singapore) or a code without a shape is not checked.
"""

from __future__ import annotations

import math
from functools import cache

from .models import Place, columns_of

MARGIN_KM = 60
"""How far outside its country's outline a place may lie: border crossings sit on the border,
and 1:110m outlines cut corners by tens of kilometres."""


@cache
def _outline(code: str) -> list[list[tuple[float, float]]] | None:
    """The country's rings as (lon, lat) points, or None where the shipped map has no shape."""
    import pycountry

    from .basemap import _arcs, _ring, _shipped

    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return None
    data = _shipped()
    shape = next((c for c in data["countries"] if c.get("id") == country.numeric), None)
    if shape is None:
        return None
    arcs = _arcs(data)
    return [_ring(arcs, ring) for polygon in shape["polygons"] for ring in polygon]


@cache
def _boxes(code: str) -> list[tuple[float, float, float, float]] | None:
    """(south, north, west, east) of each ring of the country's outline."""
    rings = _outline(code)
    if rings is None:
        return None
    return [
        (min(y for _, y in r), max(y for _, y in r), min(x for x, _ in r), max(x for x, _ in r))
        for r in rings
    ]


def near_country(code: str, lat: float, lon: float) -> bool | None:
    """Whether (lat, lon) lies within MARGIN_KM of one of the country's parts' boxes; None for
    a country the shipped map has no shape for."""
    near = _near_many(code, [lat], [lon])
    return None if near is None else bool(near[0])


@cache
def _box_edges(code: str):
    """The (south, north, west, east) of each part's box as numpy arrays, for many points."""
    import numpy as np

    boxes = _boxes(code)
    return None if boxes is None else np.array(boxes, dtype=float).T


def _near_many(code: str, lats, lons):
    """near_country for many points at once (numpy, in slices of bounded memory): the same
    comparisons on the same numbers, so the same answers, at a 50,000-place file's scale (one
    Python call per point took 0.3 s there). None for a country with no shape."""
    import numpy as np

    boxes = _box_edges(code)
    if boxes is None:
        return None
    south, north, west, east = boxes
    dlat = MARGIN_KM / 110.57
    # math's cosine, as one point at a time had it: numpy's may differ in the last digit.
    dlons = [
        MARGIN_KM / (111.32 * max(0.05, math.cos(math.radians(min(89.0, abs(lat))))))
        for lat in lats
    ]
    lats, lons, dlons = (np.asarray(values, dtype=float) for values in (lats, lons, dlons))
    near = np.zeros(len(lats), dtype=bool)
    step = max(1, 2_000_000 // len(south))
    for first in range(0, len(lats), step):
        lat, lon = lats[first : first + step, None], lons[first : first + step, None]
        dlon = dlons[first : first + step, None]
        across = np.zeros((len(lat), len(south)), dtype=bool)
        for shift in (0, -360, 360):
            x = lon + shift
            across |= (west - dlon <= x) & (x <= east + dlon)
        near[first : first + step] = ((south - dlat <= lat) & (lat <= north + dlat) & across).any(
            axis=1
        )
    return near


def distance_km(code: str, lat: float, lon: float) -> float | None:
    """How far (lat, lon) lies outside the country's outline in km (0 inside); None unchecked."""
    rings = _outline(code)
    if rings is None:
        return None
    if _inside_many(code, [lat], [lon])[0]:
        return 0.0
    # Nearest edge, on a local flat projection around the point (good to a few per cent here).
    kx = 111.32 * math.cos(math.radians(lat))
    ky = 110.57
    best = math.inf
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
            dx1 = ((x1 - lon + 540) % 360 - 180) * kx
            dx2 = ((x2 - lon + 540) % 360 - 180) * kx
            ax, ay, bx, by = dx1, (y1 - lat) * ky, dx2, (y2 - lat) * ky
            length = (bx - ax) ** 2 + (by - ay) ** 2
            t = (
                0.0
                if not length
                else max(0.0, min(1.0, -(ax * (bx - ax) + ay * (by - ay)) / length))
            )
            best = min(best, math.hypot(ax + t * (bx - ax), ay + t * (by - ay)))
    return best


@cache
def _edges(code: str):
    """The outline's edges as numpy arrays (x1, y1, x2, y2), for many points at once."""
    import numpy as np

    starts, ends = [], []
    for ring in _outline(code):
        starts.extend(ring)
        ends.extend(ring[1:] + ring[:1])
    start, end = np.array(starts, dtype=float), np.array(ends, dtype=float)
    return start[:, 0], start[:, 1], end[:, 0], end[:, 1]


def _inside_many(code: str, lats, lons):
    """Whether each point lies inside the country's outline: the even-odd rule over every ring
    (holes included), trying the longitude a world either side for shapes drawn across the
    antimeridian; all the points at once (numpy, in slices of bounded memory).

    Only what can count is computed, with the same answers: a longitude (shifted or not) more
    than a degree west or east of the whole outline crosses all of a horizontal line's
    crossings or none, an even number either way, so it is not tried; and the points of each
    band of latitude a degree high meet only the edges that reach into that band (a tenth of
    Russia's 610, for 20,000 points)."""
    import numpy as np

    x1, y1, x2, y2 = _edges(code)
    west, east = min(x1.min(), x2.min()) - 1, max(x1.max(), x2.max()) + 1
    low, high = np.minimum(y1, y2), np.maximum(y1, y2)
    lats, lons = np.asarray(lats, dtype=float), np.asarray(lons, dtype=float)
    bands = np.floor(lats)
    inside = np.zeros(len(lats), dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for shift in (0, -360, 360):
            shifted = lons + shift
            (tried,) = np.nonzero((shifted >= west) & (shifted <= east))
            for band in np.unique(bands[tried]):
                in_band = tried[bands[tried] == band]
                (edges,) = np.nonzero((low <= band + 1) & (high >= band))
                ex1, ey1, ex2, ey2 = x1[edges], y1[edges], x2[edges], y2[edges]
                step = max(1, 2_000_000 // max(1, len(edges)))
                for first in range(0, len(in_band), step):
                    rows = in_band[first : first + step]
                    lat = lats[rows, None]
                    spans = (ey1 > lat) != (ey2 > lat)
                    at = ex1 + (lat - ey1) * (ex2 - ex1) / (ey2 - ey1)
                    crossed = np.count_nonzero(spans & (shifted[rows, None] < at), axis=1)
                    inside[rows] |= crossed % 2 == 1
    return inside


def _far_outside(countries: list, lats: list, lons: list) -> list[tuple[int, float]]:
    """(index, km outside) of each point more than MARGIN_KM outside its country's outline
    (the places' columns: each place's country, lat and lon).

    A box test first (one comparison per part) clears most points of a small country and puts
    the rest to the outline itself, all of one country's points at once; only a point outside
    its outline (a coast or a border crossing, at 1:110m) is measured, to allow the margin."""
    by_country: dict[str, list[int]] = {}
    for index, (code, lat, lon) in enumerate(zip(countries, lats, lons)):
        if lat is not None and lon is not None:
            by_country.setdefault(code, []).append(index)
    far = []
    for code, indexes in by_country.items():
        near = _near_many(code, [lats[i] for i in indexes], [lons[i] for i in indexes])
        if near is None:
            continue
        close = []
        for index, is_near in zip(indexes, near.tolist(), strict=True):
            if is_near:
                close.append(index)
            else:
                far.append((index, distance_km(code, lats[index], lons[index])))
        close_lats, close_lons = [lats[i] for i in close], [lons[i] for i in close]
        inside_many = _inside_many(code, close_lats, close_lons).tolist()
        for index, inside in zip(close, inside_many, strict=True):
            if not inside and (off := distance_km(code, lats[index], lons[index])) > MARGIN_KM:
                far.append((index, off))
    return sorted(far)


# Two-letter codes CLDR names that are not countries a place can be in.
NOT_COUNTRIES = {"ZZ", "EU", "EZ", "UN", "QO"}


@cache
def _country_codes() -> frozenset[str]:
    """Every ISO 3166 country code CLDR (through Babel) knows, Kosovo's XK included."""
    from babel import Locale

    territories = Locale.parse("en").territories
    codes = frozenset(code for code in territories if len(code) == 2 and code.isalpha())
    return codes - NOT_COUNTRIES


def coordinate_problems(places: list[Place]) -> list[tuple[tuple, str, str]]:
    """(where in the file, what is wrong, what to do) for each of the file's places whose
    country is no country, whose coordinates are half there, or which is drawn outside its
    country. (The places alone: a big file's are checked as soon as they are read, before the
    rest of it; parse_ahead.py.)"""
    from .language import country_names

    problems = []
    columns = columns_of(places, "id", "country", "lat", "lon")
    countries, lats, lons = columns["country"], columns["lat"], columns["lon"]
    known = _country_codes()
    for index, (country, lat, lon) in enumerate(zip(countries, lats, lons)):
        if country not in known:
            problems.append(
                (
                    ("places", index, "country"),
                    f"country “{country}” is not a country's ISO 3166 code",
                    "use its country's two-letter code, like RU or GE",
                )
            )
        if (lat is None) != (lon is None):
            given, other = ("lat", "lon") if lon is None else ("lon", "lat")
            problems.append(
                (
                    ("places", index, given),
                    f"place “{columns['id'][index]}” has only one of `lat:` and `lon:`",
                    f"add `{other}:`, or remove `{given}:` too for `routes geocode` to look it up",
                )
            )
    for index, off in _far_outside(countries, lats, lons):
        place = places[index]
        name = country_names([place.country], "en")[place.country]
        what = (
            f"“{place.id}” at lat {place.lat}, lon {place.lon} is {off:,.0f} km outside "
            f"{name} ({place.country})"
        )
        swapped = distance_km(place.country, place.lon, place.lat) if abs(place.lon) <= 90 else None
        if swapped is not None and swapped <= MARGIN_KM:
            todo = f"did you swap lat and lon? lat: {place.lon}, lon: {place.lat} is in {name}"
        else:
            todo = (
                "check the coordinates and `country:` (a point may lie up to "
                f"{MARGIN_KM} km outside its country, for a border crossing)"
            )
        problems.append((("places", index, "lat"), what, todo))
    return problems
