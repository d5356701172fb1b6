"""The offline base map's data: country outlines and names, drawn under the routes when map
tiles cannot load, so the map still reads as a map with no network.

Source: Natural Earth's 1:110m Admin 0 countries, version 4.1.0 (public domain:
https://www.naturalearthdata.com/about/terms-of-use/), as TopoJSON in the npm package
world-atlas 2.0.2 (its code under the ISC licence, © Michael Bostock), file countries-110m.json.

The package ships `routemap/basemap.json`, made by this module from that file. To make it again:

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python -m routemap.basemap package/countries-110m.json

It keeps the topology (shared borders are stored once, quantized and delta-encoded, which is why
it is about 100 kB) and adds, for each country, its English name and a point to write it at.
"""

from __future__ import annotations

import base64
import gzip
import json
import sys
from functools import cache
from importlib import resources
from pathlib import Path

DATA_FILE = "basemap.json"
SOURCE = (
    "Natural Earth 1:110m Admin 0 countries 4.1.0 (public domain), "
    "via world-atlas 2.0.2 countries-110m.json"
)


def _arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Every arc as [lon, lat] points: undo the quantization's deltas and scale."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    out = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        out.append(points)
    return out


def _ring(arcs: list, indexes: list[int]) -> list[tuple[float, float]]:
    """A ring from its arcs; a negative index ~i is arc i walked backwards."""
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def _area_and_centroid(ring: list[tuple[float, float]]) -> tuple[float, tuple[float, float]]:
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if not area:
        return 0.0, ring[0]
    return abs(area) / 2, (cx / (3 * area), cy / (3 * area))


def _inside(point: tuple[float, float], ring: list[tuple[float, float]]) -> bool:
    x, y = point
    inside = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def label_point(rings: list[list[tuple[float, float]]]) -> tuple[float, float]:
    """Where to write a country's name: the centre of its largest part, or where that centre
    falls outside the part (a crescent), the middle of the part's widest span at that latitude."""
    ring = max(rings, key=lambda part: _area_and_centroid(part)[0])
    x, y = _area_and_centroid(ring)[1]
    if _inside((x, y), ring):
        return round(x, 2), round(y, 2)
    crossings = sorted(
        x0 + (y - y0) * (x1 - x0) / (y1 - y0)
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1])
        if (y0 > y) != (y1 > y)
    )
    spans = list(zip(crossings[::2], crossings[1::2]))
    left, right = max(spans, key=lambda span: span[1] - span[0])
    return round((left + right) / 2, 2), round(y, 2)


def make(topology: dict) -> dict:
    """The shipped data: the topology's arcs and transform, and per country its name, its
    polygons as lists of rings of arc indexes (outer ring first), and its label point."""
    arcs = _arcs(topology)
    countries = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry["type"] == "Polygon":
            polygons = [geometry["arcs"]]
        elif geometry["type"] == "MultiPolygon":
            polygons = geometry["arcs"]
        else:
            continue
        outer = [_ring(arcs, polygon[0]) for polygon in polygons]
        countries.append(
            {
                "name": geometry["properties"]["name"],
                "id": geometry.get("id"),
                "polygons": polygons,
                "at": label_point(outer),
            }
        )
    return {
        "source": SOURCE,
        "transform": topology["transform"],
        "arcs": topology["arcs"],
        "countries": countries,
    }


@cache
def _shipped() -> dict:
    """The shipped data (see make), read once."""
    return json.loads(resources.files("routemap").joinpath(DATA_FILE).read_bytes())


@cache
def _country_points() -> dict[str, tuple[float, float]]:
    """Each country's label point as (lat, lon), by its ISO 3166 numeric code."""
    return {c["id"]: (c["at"][1], c["at"][0]) for c in _shipped()["countries"] if c["id"]}


@cache
def outlines() -> list[dict]:
    """Every country of the shipped data as the still image draws it (page/basemap.js draws the
    same): its `name` and ISO numeric `id`, its `polygons` as lists of rings of (lat, lon)
    points, outer ring first, each ring unwrapped across the antimeridian (Chukotka runs on past
    180° rather than jumping to -180°, so no band spans the world), and `at`, its label point
    as (lat, lon)."""
    from .geometry import unwrap

    data = _shipped()
    arcs = _arcs(data)
    return [
        {
            "name": country["name"],
            "id": country.get("id"),
            "polygons": [
                [unwrap([(lat, lon) for lon, lat in _ring(arcs, ring)]) for ring in polygon]
                for polygon in country["polygons"]
            ],
            "at": (country["at"][1], country["at"][0]),
        }
        for country in data["countries"]
    ]


def country_point(code: str) -> tuple[float, float] | None:
    """The point that stands for a whole country (its ISO 3166 alpha-2 `code`): where the offline
    base map writes its name, the centre of its largest part. None for a country too small for
    Natural Earth's 1:110m map, or a code ISO 3166 does not have (such as XK)."""
    import pycountry  # only a map with a place shown at country precision needs it

    country = pycountry.countries.get(alpha_2=code)
    return _country_points().get(country.numeric) if country else None


@cache
def basemap_script() -> str:
    """The shipped data gzip-compressed in base64, as the page's data block is for big maps."""
    text = resources.files("routemap").joinpath(DATA_FILE).read_bytes()
    return base64.b64encode(gzip.compress(text, compresslevel=9, mtime=0)).decode("ascii")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    topology = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    out = Path(__file__).with_name(DATA_FILE)
    from .files import write_atomic

    write_atomic(out, json.dumps(make(topology), separators=(",", ":")))
    print(f"Wrote {out} ({out.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
