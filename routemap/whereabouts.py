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

from .models import PlacesFile

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
    boxes = _boxes(code)
    if boxes is None:
        return None
    dlat = MARGIN_KM / 110.57
    dlon = MARGIN_KM / (111.32 * max(0.05, math.cos(math.radians(min(89.0, abs(lat))))))
    return any(
        south - dlat <= lat <= north + dlat
        and any(west - dlon <= x <= east + dlon for x in (lon, lon - 360, lon + 360))
        for south, north, west, east in boxes
    )


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
    antimeridian; all the points at once (numpy, in slices of bounded memory)."""
    import numpy as np

    x1, y1, x2, y2 = _edges(code)
    lats, lons = np.asarray(lats, dtype=float), np.asarray(lons, dtype=float)
    inside = np.zeros(len(lats), dtype=bool)
    step = max(1, 2_000_000 // max(1, len(x1)))
    with np.errstate(divide="ignore", invalid="ignore"):
        for first in range(0, len(lats), step):
            lat = lats[first : first + step, None]
            spans = (y1 > lat) != (y2 > lat)
            at = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            for shift in (0, -360, 360):
                x = lons[first : first + step, None] + shift
                inside[first : first + step] |= (
                    np.count_nonzero(spans & (x < at), axis=1) % 2
                ) == 1
    return inside


def _far_outside(places: PlacesFile) -> list[tuple[int, float]]:
    """(index, km outside) of each place more than MARGIN_KM outside its country's outline.

    A box test first (one comparison per part) clears most points of a small country and puts
    the rest to the outline itself, all of one country's points at once; only a point outside
    its outline (a coast or a border crossing, at 1:110m) is measured, to allow the margin."""
    candidates: dict[str, list[int]] = {}
    far = []
    for index, place in enumerate(places.places):
        if place.lat is None or place.lon is None:
            continue
        near = near_country(place.country, place.lat, place.lon)
        if near is False:
            far.append((index, distance_km(place.country, place.lat, place.lon)))
        elif near:
            candidates.setdefault(place.country, []).append(index)
    for code, indexes in candidates.items():
        lats = [places.places[i].lat for i in indexes]
        lons = [places.places[i].lon for i in indexes]
        for index, inside in zip(indexes, _inside_many(code, lats, lons), strict=True):
            place = places.places[index]
            if not inside and (off := distance_km(code, place.lat, place.lon)) > MARGIN_KM:
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


def coordinate_problems(places: PlacesFile) -> list[tuple[tuple, str, str]]:
    """(where in the file, what is wrong, what to do) for each place whose country is no
    country, whose coordinates are half there, or which is drawn outside its country."""
    from .language import country_names

    problems = []
    for index, place in enumerate(places.places):
        if place.country not in _country_codes():
            problems.append(
                (
                    ("places", index, "country"),
                    f"country “{place.country}” is not a country's ISO 3166 code",
                    "use its country's two-letter code, like RU or GE",
                )
            )
        if (place.lat is None) != (place.lon is None):
            given, other = ("lat", "lon") if place.lon is None else ("lon", "lat")
            problems.append(
                (
                    ("places", index, given),
                    f"place “{place.id}” has only one of `lat:` and `lon:`",
                    f"add `{other}:`, or remove `{given}:` too for `routes geocode` to look it up",
                )
            )
    for index, off in _far_outside(places):
        place = places.places[index]
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
