"""Hand-typed coordinates checked against the place's `country:`, on Natural Earth's outlines
(the 1:110m country shapes the offline base map ships, routemap/basemap.json; pycountry links
their ISO numeric ids to the two-letter codes places.yaml uses).

A swapped latitude and longitude (Tallinn drawn in Oman) or a point far outside its country is a
mistake the map would publish without a word. The check is whether the point lies within the
bounding box of one of its country's parts, widened by MARGIN_KM (border crossings lie on the
border, and the outlines are coarse): one comparison per part, so a 50,000-place file costs
about a tenth of a second; the exact outline is measured only to say how far off a point is. It
catches swaps and points in the wrong region, not a point a few hundred km off inside a vast
country's box. A country too small for the 1:110m map (Andorra, Singapore) or a code without a
shape is not checked.
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


def _inside(rings, lon: float, lat: float) -> bool:
    """Even-odd rule over every ring (holes included), trying the longitude a world either side
    for shapes drawn across the antimeridian."""
    for x in (lon, lon - 360, lon + 360):
        crossings = 0
        for ring in rings:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
                if (y1 > lat) != (y2 > lat) and x < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                    crossings += 1
        if crossings % 2:
            return True
    return False


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
    if _inside(rings, lon, lat):
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


def coordinate_problems(places: PlacesFile) -> list[tuple[tuple, str, str]]:
    """(where in the file, what is wrong, what to do) for each place drawn outside its country."""
    from .language import country_names

    problems = []
    for index, place in enumerate(places.places):
        if place.lat is None or place.lon is None:
            continue
        if near_country(place.country, place.lat, place.lon) is not False:
            continue
        off = distance_km(place.country, place.lat, place.lon)
        name = country_names([place.country], "en")[place.country]
        what = (
            f"“{place.id}” at lat {place.lat}, lon {place.lon} is {off:,.0f} km outside "
            f"{name} ({place.country})"
        )
        if abs(place.lon) <= 90 and near_country(place.country, place.lon, place.lat):
            todo = f"did you swap lat and lon? lat: {place.lon}, lon: {place.lat} is in {name}"
        else:
            todo = (
                "check the coordinates and `country:` (a point may lie up to "
                f"{MARGIN_KM} km outside its country, for a border crossing)"
            )
        problems.append((("places", index, "lat"), what, todo))
    return problems
