"""Stage 4b: the map as a still image (SVG, and PNG from it), for print and for social cards.

A newsroom needs the map where no script runs: on paper (A4 or Letter at 300 dpi), as the
picture a shared link previews (1200×630), as the page's <noscript> fallback. This module draws
the map as the page first shows it, from the same data and the same style table: map_data's
places, lines, arrowheads and bounds (so every point is geometry.shown_point's, never more
precise than a place's `precision:`), styles.py's colours, widths and dashes, and the offline
base map of Natural Earth's countries (basemap.outlines) in Web Mercator, framed as the page
frames its first view. Place names are laid out as page/labels.js lays them out: beside their
dots, or off with a leader line, never over another dot, name or the legend.

Everything here is pure: functions from records to text or bytes, with no network and no files
but the package's own. The SVG names a generic list of font families; the PNG is rasterised by
resvg (the resvg-py wheel, self-contained), with the system's fonts (DejaVu on Debian). Every
text from places.yaml is escaped for XML, so a name holding `<`, `&` or `]]>` stays text.
"""

from __future__ import annotations

import math
import re
import struct
import unicodedata
import zlib
from dataclasses import dataclass
from xml.sax.saxutils import escape

from .basemap import outlines
from .errors import ImageError
from .language import say
from .models import PlacesFile
from .render import with_leg_lines
from .styles import (
    BIG_MAP_FROM,
    LINE_STYLE,
    STILL_STYLE,
    dense_dot,
    leg_style,
    legend_weight,
    ring_colour,
)

# ---------------------------------------------------------------------------------------------
# Sizes

CSS_DPI = 96  # the page's pixels: the image is laid out in them, then scaled to its dpi


@dataclass(frozen=True)
class ImageSize:
    """An image's pixels and the dpi it is laid out for (96: one pixel per CSS pixel)."""

    width: int
    height: int
    dpi: float = CSS_DPI

    @property
    def scale(self) -> float:
        return self.dpi / CSS_DPI


SIZES: dict[str, ImageSize] = {
    # A social card: 1200×630 pixels, laid out at 1.25 CSS pixels a pixel so that its text is
    # read where a feed shows the card at half its width.
    "social": ImageSize(1200, 630, 120),
    "a4": ImageSize(2480, 3508, 300),
    "a4-landscape": ImageSize(3508, 2480, 300),
    "letter": ImageSize(2550, 3300, 300),
    "letter-landscape": ImageSize(3300, 2550, 300),
}
MIN_SIDE = 200  # CSS pixels: less leaves no room for the title and the legend
MAX_PIXELS = 40_000_000  # some 160 MB while rasterised: more is no image anyone needs
SIZE_HELP = "one of " + ", ".join(SIZES) + ", or WIDTHxHEIGHT in pixels such as 1600x900"


def parse_size(text: str, dpi: float | None = None) -> ImageSize:
    """The size `--size` names: a preset (SIZES) or WIDTHxHEIGHT in pixels (at 96 dpi unless
    `dpi` says otherwise). An ImageError, in one line saying what to give, for anything else, for
    an image too small to hold the map, and for one of more than MAX_PIXELS."""
    named = SIZES.get(text.strip().lower())
    if named is not None:
        size = named if dpi is None else ImageSize(named.width, named.height, dpi)
    else:
        found = re.fullmatch(r"\s*(\d{1,9})\s*[x×]\s*(\d{1,9})\s*", text, re.IGNORECASE)
        if not found:
            raise ImageError(f"--size {text}: not a size — give {SIZE_HELP}")
        size = ImageSize(int(found.group(1)), int(found.group(2)), dpi or CSS_DPI)
    if not 24 <= size.dpi <= 1200:
        raise ImageError(f"--dpi {size.dpi:g}: give a dpi from 24 to 1200 (300 for print)")
    pixels = size.width * size.height
    if pixels > MAX_PIXELS:
        raise ImageError(
            f"--size {text}: {size.width}×{size.height} is {pixels / 1e6:,.0f} megapixels, more "
            f"than the {MAX_PIXELS // 1_000_000} an image may have — give a smaller size, such as "
            "a4-landscape (3508x2480)"
        )
    least = math.ceil(MIN_SIDE * size.scale)
    if min(size.width, size.height) < least:
        raise ImageError(
            f"--size {text}: {size.width}×{size.height} leaves no room for the map — give each "
            f"side at least {least} pixels (at {size.dpi:g} dpi), or {SIZE_HELP}"
        )
    return size


# ---------------------------------------------------------------------------------------------
# Text: the fonts it names, how wide it is, how it is escaped

FONT_FAMILY = "DejaVu Sans, Verdana, Noto Sans, Liberation Sans, Arial, Helvetica, sans-serif"

# Advance widths of DejaVu Sans (the widest of FONT_FAMILY's) for ASCII 32..126, in thousandths
# of an em (measured with Pillow's ImageFont.getlength at 1000 px): a name's box is as wide as
# the widest font the SVG may be drawn in, so names never overlap, whichever is found.
_ASCII_WIDTHS = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636,
    636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698,
    770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732,
    684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352, 635,
    634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592,
    525, 636, 337, 636, 838,
)  # fmt: skip
_BOLD = 1.1  # DejaVu Sans Bold is about a tenth wider


def text_width(text: str, size: float, bold: bool = False) -> float:
    """How wide `text` is at `size` px in DejaVu Sans (see _ASCII_WIDTHS): other letters
    (Cyrillic, accented, typographic quotes) as 0.7 em, wide East Asian ones as 1 em."""
    total = 0
    for char in text:
        code = ord(char)
        if 32 <= code < 127:
            total += _ASCII_WIDTHS[code - 32]
        elif unicodedata.east_asian_width(char) in ("W", "F"):
            total += 1000
        elif not unicodedata.combining(char):
            total += 700
    return total / 1000 * size * (_BOLD if bold else 1)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Text for an XML element or attribute: `&`, `<`, `>` and both quotes escaped (so `]]>`
    cannot end anything either), and the control characters XML 1.0 cannot hold dropped."""
    return escape(_NOT_XML.sub("", text), {'"': "&quot;", "'": "&apos;"})


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """The text broken at spaces into lines no wider than `width` where a word allows."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(lines[-1] + " " + word, size, bold) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


# ---------------------------------------------------------------------------------------------
# Styles: the page's table, at night with DARK_STYLES laid over it (as page/scheme.js does)


def _merged(style: dict, over: dict) -> dict:
    out = dict(style)
    for key, value in over.items():
        out[key] = _merged(out[key], value) if isinstance(out.get(key), dict) else value
    return out


def image_styles(data: dict, dark: bool = False) -> dict:
    """The style table the image draws with: the one the page gets in `data` (styles.py's, its
    legend labels in the page's language), the still image's paper, and at night DARK_STYLES
    over it, as page/scheme.js lays them over the page's."""
    styles = data["styles"] | {"paper": {k: v for k, v in STILL_STYLE.items() if k != "dark"}}
    if dark:
        night = {k: v for k, v in styles["dark"].items() if k in styles}
        styles = _merged(styles, night | {"paper": STILL_STYLE["dark"]})
    return styles


# ---------------------------------------------------------------------------------------------
# Framing: Web Mercator, the map's bounds fitted into the frame as the page fits its first view

MAX_ZOOM = 6  # the closest view: Natural Earth's 1:110m outlines are too coarse for closer


def mercator(lat: float, lon: float) -> tuple[float, float]:
    """Web Mercator in turns of the world: x east from 0°, y south from the equator."""
    lat = max(-85.0511, min(85.0511, lat))
    y = -math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)) / (2 * math.pi)
    return lon / 360, y


@dataclass(frozen=True)
class Frame:
    """Where the map is drawn (a box in CSS pixels) and how points land in it."""

    left: float
    top: float
    right: float
    bottom: float
    scale: float  # pixels per turn of the world
    x0: float  # the pixel x of longitude 0
    y0: float  # the pixel y of the equator

    def point(self, lat: float, lon: float) -> tuple[float, float]:
        x, y = mercator(lat, lon)
        return self.x0 + x * self.scale, self.y0 + y * self.scale

    def lon_range(self) -> tuple[float, float]:
        """The longitudes at the frame's west and east edges."""
        return (self.left - self.x0) / self.scale * 360, (self.right - self.x0) / self.scale * 360

    def lat_range(self) -> tuple[float, float]:
        """The latitudes at the frame's north and south edges."""

        def lat(y: float) -> float:
            turns = (y - self.y0) / self.scale
            return math.degrees(2 * math.atan(math.exp(-turns * 2 * math.pi)) - math.pi / 2)

        return lat(self.top), lat(self.bottom)


def fit(bounds, box: tuple[float, float, float, float], inner) -> Frame:
    """The frame that shows `bounds` ([[south, west], [north, east]]) as large as fits in
    `inner` (left, top, right, bottom), drawn in `box`."""
    (south, west), (north, east) = bounds
    ax, ay = mercator(north, west)
    bx, by = mercator(south, east)
    left, top, right, bottom = inner
    most = 256 * 2**MAX_ZOOM
    width, height = max(bx - ax, 1e-12), max(by - ay, 1e-12)
    scale = min(most, max(1.0, right - left) / width, max(1.0, bottom - top) / height)
    x0 = (left + right) / 2 - (ax + bx) / 2 * scale
    y0 = (top + bottom) / 2 - (ay + by) / 2 * scale
    return Frame(*box, scale, x0, y0)


# ---------------------------------------------------------------------------------------------
# What is drawn: dots, lines, and the names laid out among them

DENSE_FROM = 300  # more places than this: smaller dots, none moved aside (page/base.js)
LABEL_UP_TO = 120  # up to this many places, each is named (the page names 30, hovers the rest)
LABEL_FONT = 11  # px, and the rest of page/labels.js's measures
LABEL_HEIGHT = 16
LABEL_PADDING = 4
DOT_GAP = 3
LABEL_ORDER = ["origin", "destination", "border-crossing", "stop", "context"]
LABEL_OFFSETS = (0, 14, 28, 44, 64, 90, 120)


@dataclass
class Dot:
    """A place's dot: its true point, where it is drawn (moved aside where dots crowd), its
    reach and its style."""

    id: str
    name: str
    role: str
    at: tuple[float, float]
    drawn: tuple[float, float]
    style: dict
    area: bool
    inferred: bool

    @property
    def reach(self) -> float:
        return self.style["radius"] + self.style.get("weight", 0) / 2

    @property
    def moved(self) -> bool:
        return self.drawn != self.at


@dataclass(frozen=True)
class Label:
    """A place's name as laid out: its lines, its box (left, top, right, bottom) and, where it
    stands off its dot, the leader line from the dot's edge to the nearest point of the box."""

    id: str
    lines: tuple[str, ...]
    box: tuple[float, float, float, float]
    leader: tuple[tuple[float, float], tuple[float, float]] | None


def place_dots(data: dict, frame: Frame, styles: dict) -> list[Dot]:
    """Each place's dot, styled by its role as page/drawing.js drawPlaces styles it, with
    crowding dots spread apart as page/labels.js spreads them."""
    features = data["places"]["features"]
    dense = len(features) > DENSE_FROM
    dots = []
    for feature in features:
        p = feature["properties"]
        role_style = styles["markers"][p["role"]]
        style = {**role_style, **(styles["inferred"] if p.get("inferred") else {})}
        if dense:
            style |= dense_dot(style, styles["denseDot"])
        style.pop("ringColor", None)
        if p.get("inferred"):
            style["color"] = ring_colour(role_style)
        lon, lat = feature["geometry"]["coordinates"]
        at = frame.point(lat, lon)
        dots.append(
            Dot(p["id"], p["name"], p["role"], at, at, style, bool(p.get("area")), "inferred" in p)
        )
    if not dense:
        spread(dots)
    return dots


def spread(dots: list[Dot]) -> None:
    """Dots whose discs come within DOT_GAP of each other go round a circle about their middle,
    each keeping its bearing from it; a cluster so spread that comes near another dot joins it
    and they are spread again (page/labels.js: spread)."""
    parent = list(range(len(dots)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def crowding(points: list[tuple[float, float]]):
        for i, a in enumerate(points):
            for j in range(i):
                if math.dist(a, points[j]) < dots[i].reach + dots[j].reach + DOT_GAP:
                    yield i, j

    for i, j in crowding([d.at for d in dots]):
        parent[root(i)] = root(j)
    for _ in range(5):
        _spread_clusters(dots, root)
        joined = False
        for i, j in crowding([d.drawn for d in dots]):
            if root(i) != root(j):
                parent[root(i)] = root(j)
                joined = True
        if not joined:
            break


def _spread_clusters(dots: list[Dot], root) -> None:
    """Each cluster's members round a circle about their middle; a lone dot where it is."""
    clusters: dict[int, list[Dot]] = {}
    for i, dot in enumerate(dots):
        clusters.setdefault(root(i), []).append(dot)
    for members in clusters.values():
        if len(members) == 1:
            members[0].drawn = members[0].at
            continue
        mx = sum(d.at[0] for d in members) / len(members)
        my = sum(d.at[1] for d in members) / len(members)
        widest = max(d.reach for d in members) + DOT_GAP / 2 + 1
        radius = widest if len(members) == 2 else widest / math.sin(math.pi / len(members))

        def bearing(d: Dot, mx: float = mx, my: float = my) -> float:
            if math.dist(d.at, (mx, my)) < 0.5:
                return 0.0
            return math.atan2(d.at[1] - my, d.at[0] - mx)

        members.sort(key=bearing)
        start = bearing(members[0])
        for n, d in enumerate(members):
            angle = start + 2 * math.pi * n / len(members)
            d.drawn = (mx + math.cos(angle) * radius, my + math.sin(angle) * radius)


def _middle_space(text: str) -> int:
    best = -1
    for i, char in enumerate(text):
        if char == " " and abs(i - len(text) / 2) < abs(best - len(text) / 2):
            best = i
    return best


def label_shapes(name: str) -> list[tuple[tuple[str, ...], float, float]]:
    """The ways a name may be set: on one line, or a long one on two (broken before its
    bracket, or at its middle space), as (lines, width, height)."""

    def width(text: str) -> float:
        return math.ceil(text_width(text, LABEL_FONT)) + 2 * LABEL_PADDING

    shapes = [((name,), width(name), LABEL_HEIGHT)]
    cut = name.index(" (") if " (" in name else _middle_space(name)
    if len(name) > 16 and cut > 0:
        lines = (name[:cut], name[cut + 1 :])
        shapes.append((lines, max(map(width, lines)), 2 * LABEL_HEIGHT - 2))
    return shapes


def label_candidates(x: float, y: float, r: float, w: float, h: float):
    """Where a name of w×h may go around a dot at (x, y) of reach r, as (left, top, offset):
    touching it first, on each side and corner, then farther off (page/labels.js)."""
    for off in LABEL_OFFSETS:
        d = r + 2 + off
        diagonal = r * 0.7 + 1 + off * 0.7
        yield from (
            (x + d, y - h / 2, off),
            (x - d - w, y - h / 2, off),
            (x - w / 2, y - d - h, off),
            (x - w / 2, y + d, off),
            (x + diagonal, y - diagonal - h, off),
            (x - diagonal - w, y - diagonal - h, off),
            (x + diagonal, y + diagonal, off),
            (x - diagonal - w, y + diagonal, off),
            # Above or below, reaching left or right from the dot (near the map's edges).
            (x + r / 2 - w, y - d - h, off),
            (x - r / 2, y - d - h, off),
            (x + r / 2 - w, y + d, off),
            (x - r / 2, y + d, off),
        )


def overlaps(a, b, margin: float = 0) -> bool:
    """Whether boxes (left, top, right, bottom) overlap, or come within `margin`."""
    return (
        a[0] < b[2] + margin
        and a[2] > b[0] - margin
        and a[1] < b[3] + margin
        and a[3] > b[1] - margin
    )


def _covers_dot(box, x: float, y: float, r: float) -> bool:
    nx, ny = max(box[0], min(x, box[2])), max(box[1], min(y, box[3]))
    return math.hypot(nx - x, ny - y) < r + 1


def layout_labels(dots: list[Dot], frame, taken: list) -> tuple[list[Label], list[str]]:
    """Each place's name beside its own dot where it covers no other dot, no other name, none
    of the `taken` boxes (the legend) and stays inside `frame` (left, top, right, bottom);
    failing that, farther off with a leader line; failing that too, left out. Starts and ends
    are named first, places named only for context last. Returns the names laid out and the
    ids of the places left unnamed."""
    taken = list(taken)
    reach = [(d.drawn[0], d.drawn[1], d.style["radius"] + 1) for d in dots]
    placed, left_out = [], []
    for dot in sorted(dots, key=lambda d: LABEL_ORDER.index(d.role)):
        x, y = dot.drawn
        r = dot.style["radius"] + 1
        found = None
        for lines, w, h in label_shapes(dot.name):
            for left, top, off in label_candidates(x, y, r, w, h):
                box = (left, top, left + w, top + h)
                if (
                    box[0] < frame[0]
                    or box[1] < frame[1]
                    or box[2] > frame[2]
                    or box[3] > frame[3]
                    or any(overlaps(box, t, 1) for t in taken)
                    or any(_covers_dot(box, *other) for other in reach)
                ):
                    continue
                found = (lines, box, off)
                break
            if found:
                break
        if found is None:
            left_out.append(dot.id)
            continue
        lines, box, off = found
        taken.append(box)
        leader = None
        if off:
            nx, ny = max(box[0], min(x, box[2])), max(box[1], min(y, box[3]))
            length = math.hypot(nx - x, ny - y)
            leader = ((x + (nx - x) * r / length, y + (ny - y) * r / length), (nx, ny))
        placed.append(Label(dot.id, lines, box, leader))
    return placed, left_out


def _dash_turns(data: dict) -> dict[int, tuple[str, float]]:
    """Routes of one origin drawn with the same dashes would hide one another: with n colours
    (up to 4) among them, each dash is followed by a gap of n - 1 dashes and each next colour's
    dashes start a dash later; routes of one colour share a turn (page/drawing.js drawRoutes).
    By id() of the leg: its dashes and offset."""
    colours: dict[tuple, list[str]] = {}
    for journey in data["journeys"]:
        for leg in journey["legs"]:
            style = leg_style(journey["status"], leg["mode"])
            if dashes := style.get("dashArray"):
                seen = colours.setdefault((leg["from"], dashes), [])
                if (colour := style.get("color", journey["colour"])) not in seen:
                    seen.append(colour)
    out = {}
    for journey in data["journeys"]:
        for leg in journey["legs"]:
            style = leg_style(journey["status"], leg["mode"])
            dashes = style.get("dashArray")
            sharing = colours.get((leg["from"], dashes), []) if dashes else []
            if 1 < len(sharing) <= 4:
                turn = sharing.index(style.get("color", journey["colour"]))
                dash = float(re.split(r"[ ,]+", dashes)[0])
                out[id(leg)] = (f"{dash:g} {dash * (len(sharing) - 1):g}", turn * dash)
    return out


# ---------------------------------------------------------------------------------------------
# SVG


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _path(points) -> str:
    """Path data through (x, y) points, dropping points under half a pixel from the last."""
    out, last = [], None
    for x, y in points:
        if last is not None and abs(x - last[0]) < 0.5 and abs(y - last[1]) < 0.5:
            continue
        out.append(("L" if out else "M") + _n(x) + " " + _n(y))
        last = (x, y)
    return "".join(out)


def _attrs(**attrs) -> str:
    return "".join(
        f' {key.replace("_", "-")}="{xml_text(str(value))}"'
        for key, value in attrs.items()
        if value is not None
    )


def _text(x, y, text, size, fill, *, anchor=None, weight=None, style=None, halo=None) -> str:
    """Text at (x, y); `halo`: (colour, width) of an edge stroked round its letters first."""
    extra = _attrs(
        font_size=_n(size),
        fill=fill,
        text_anchor=anchor,
        font_weight=weight,
        font_style=style,
        stroke=halo[0] if halo else None,
        stroke_width=_n(halo[1]) if halo else None,
        stroke_linejoin="round" if halo else None,
        paint_order="stroke" if halo else None,
    )
    return f'<text x="{_n(x)}" y="{_n(y)}"{extra}>{xml_text(text)}</text>'


def _basemap(
    frame: Frame, style: dict, avoid: list, dots: list[Dot], local_names: dict | None = None
) -> list[str]:
    """Sea, land and borders, then each country's name where its largest part is wide enough
    to hold it and it covers no dot, no place name and not the legend (page/basemap.js)."""
    west, east = frame.lon_range()
    north, south = frame.lat_range()
    paths, names = [], []
    size = float(re.search(r"(\d+(?:\.\d+)?)px", style["namesFont"]).group(1))
    for country in outlines():
        # In the page's language where language.basemap_names has it (as page/basemap.js does).
        name = (local_names or {}).get(country["id"], country["name"])
        extents = [
            (min(lon for _, lon in polygon[0]), max(lon for _, lon in polygon[0]))
            for polygon in country["polygons"]
        ]
        lats = [lat for polygon in country["polygons"] for lat, _ in polygon[0]]
        if max(lats) < south or min(lats) > north:
            continue
        shown = []
        for shift in (-360, 0, 360):
            parts = [
                "".join(
                    _path(frame.point(lat, lon + shift) for lat, lon in ring) + "Z"
                    for ring in polygon
                )
                for polygon, (low, high) in zip(country["polygons"], extents)
                if high + shift >= west and low + shift <= east
            ]
            if parts:
                paths.append(f'<path d="{"".join(parts)}"/>')
                shown.append(shift)
        # Its name at its label point, in the copy of the world the frame shows it in.
        lat, lon = country["at"]
        shift = next((k for k in shown if west <= lon + k <= east), None)
        if shift is None:
            continue
        low, high = max(extents, key=lambda extent: extent[1] - extent[0])
        width = text_width(name, size)
        x, y = frame.point(lat, lon + shift)
        if frame.point(lat, high + shift)[0] - frame.point(lat, low + shift)[0] < width + 12:
            continue
        box = (x - width / 2, y - size * 0.7, x + width / 2, y + size * 0.5)
        inside = (frame.left + 2, frame.top + 2, frame.right - 2, frame.bottom - 2)
        if not (box[0] >= inside[0] and box[2] <= inside[2] and box[1] >= inside[1]):
            continue
        if box[3] > inside[3] or any(overlaps(box, other, 3) for other in avoid):
            continue
        if any(abs(d.drawn[0] - x) < width / 2 + 24 and abs(d.drawn[1] - y) < 22 for d in dots):
            continue
        names.append(
            _text(x, y + size * 0.35, name, size, style["names"], anchor="middle",
                  style="italic", halo=(style["land"], style["namesHalo"]))
        )  # fmt: skip
    land = _attrs(
        fill=style["land"],
        fill_rule="evenodd",
        stroke=style["border"],
        stroke_width=style["borderWeight"],
        stroke_linejoin="round",
    )
    sea = _attrs(fill=style["sea"])
    box = f'x="{_n(frame.left)}" y="{_n(frame.top)}" width="{_n(frame.right - frame.left)}"'
    box += f' height="{_n(frame.bottom - frame.top)}"'
    return [f"<rect {box}{sea}/>", f"<g{land}>", *paths, "</g>", "<g>", *names, "</g>"]


def _line_attrs(style: dict, **more) -> str:
    return _attrs(
        stroke=style["color"],
        stroke_width=_n(style["weight"]),
        stroke_opacity=style.get("opacity"),
        stroke_dasharray=style.get("dashArray"),
        stroke_dashoffset=f"{offset:g}" if (offset := style.get("dashOffset")) else None,
        stroke_linejoin=LINE_STYLE["lineJoin"],
        stroke_linecap=LINE_STYLE["lineCap"],
        **more,
    )


def _routes(data: dict, frame: Frame, styles: dict, colours: dict) -> list[str]:
    """Each journey's legs in the order of places.yaml, as page/drawing.js drawRoutes draws
    them: a pale casing, the line in the journey's colour with its mode's or status's width
    and dashes, a pale core down an inferred leg, an arrowhead at its middle. A big map's
    overview has no dashes, no arrowheads and (by day) no casings."""
    big = len(data["journeys"]) > BIG_MAP_FROM
    cased = not big or colours is not None
    turns = _dash_turns(data)
    casing = styles["casing"]
    out = ['<g fill="none">']
    for journey in data["journeys"]:
        colour = journey["colour"]
        if colours:
            colour = colours.get(colour, colour)
        for leg in journey["legs"]:
            style = {"color": colour, **leg_style(journey["status"], leg["mode"])}
            if journey["status"] != "trip":  # at night, its status's night colour
                style["color"] = styles["statuses"][journey["status"]]["color"]
            if id(leg) in turns:
                style["dashArray"], style["dashOffset"] = turns[id(leg)]
            if big:
                style.pop("dashArray", None)
            d = _path(frame.point(lat, lon) for lon, lat in leg["line"])
            if cased:
                wide = {"color": casing["color"], "weight": style["weight"] + casing["extraWeight"]}
                out.append(f'<path d="{d}"{_line_attrs(wide | {"opacity": casing["opacity"]})}/>')
            out.append(f'<path d="{d}"{_line_attrs(style)}/>')
            if leg.get("inferred"):
                core = styles["inferredLeg"]
                hollow = style | {
                    "color": core["core"],
                    "weight": max(1, style["weight"] * core["coreWeight"]),
                }
                out.append(f'<path d="{d}"{_line_attrs(hollow)}/>')
            if leg.get("arrow") and not big:
                lon, lat, heading = leg["arrow"]
                out.append(
                    _arrowhead(frame.point(lat, lon), heading, style["color"], styles["arrow"])
                )
    out.append("</g>")
    return out


def _arrowhead(at, heading: float, colour: str, arrow: dict) -> str:
    """A triangle pointing along `heading` (degrees clockwise from north), shaped by `arrow`
    (styles.py ARROW_STYLE), as page/drawing.js arrowheadPath draws it."""
    angle = math.radians(heading - 90)
    size, spread = arrow["size"], arrow["spread"]
    corners = [
        (at[0] + math.cos(angle + turn) * length, at[1] + math.sin(angle + turn) * length)
        for turn, length in ((0, size * arrow["tip"]), (spread, size), (-spread, size))
    ]
    return f'<path d="{_path(corners)}Z"{_attrs(fill=colour, stroke="none")}/>'


def _circle(at, style: dict, **more) -> str:
    return f'<circle cx="{_n(at[0])}" cy="{_n(at[1])}" r="{_n(style["radius"])}"' + _attrs(
        stroke=style.get("color"),
        stroke_width=style.get("weight"),
        stroke_opacity=style.get("opacity"),
        stroke_dasharray=style.get("dashArray"),
        fill=style.get("fillColor"),
        fill_opacity=style.get("fillOpacity"),
        **more,
    ) + "/>"  # fmt: skip


def _places(dots: list[Dot], styles: dict) -> list[str]:
    """Halos under areas, leaders from moved dots to their true spots, then the dots."""
    out = ["<g>"]
    leader = styles["leader"]
    for dot in dots:
        marker = styles["markers"][dot.role]
        if dot.area:
            halo = {"color": ring_colour(marker), "fillColor": marker["fillColor"]}
            out.append(_circle(dot.at, styles["area"] | halo))
        if dot.moved:
            line = [dot.at, dot.drawn]
            out.append(
                f'<path d="{_path(line)}"'
                + _attrs(fill="none", stroke=leader["color"], stroke_width=leader["weight"])
                + "/>"
            )
            spot = {"radius": leader["spotRadius"], "fillColor": leader["color"], "color": "none"}
            out.append(_circle(dot.at, spot))
        out.append(_circle(dot.drawn, dot.style))
    out.append("</g>")
    return out


def _labels(labels: list[Label], styles: dict) -> list[str]:
    paper, leader = styles["paper"], styles["leader"]
    out = ["<g>"]
    for label in labels:
        if label.leader:
            out.append(
                f'<path d="{_path(label.leader)}"'
                + _attrs(stroke=leader["nameColor"], stroke_width=leader["nameWeight"])
                + "/>"
            )
    for label in labels:
        left, top, right, bottom = label.box
        out.append(
            f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(right - left)}" '
            f'height="{_n(bottom - top)}" rx="2"'
            + _attrs(fill=paper["labelBackground"], fill_opacity=paper["labelOpacity"])
            + "/>"
        )
        for n, line in enumerate(label.lines):
            baseline = top + 1 + 11.5 + n * (LABEL_HEIGHT - 2)
            out.append(_text(left + LABEL_PADDING, baseline, line, LABEL_FONT, paper["text"]))
    out.append("</g>")
    return out


# ---------------------------------------------------------------------------------------------
# The legend: only the kinds the map uses, from the same table (page/controls.js addLegend)

LEGEND_FONT = 11
LEGEND_ROW = 18
LEGEND_TEXT_WIDTH = 210
LEGEND_PADDING = 8
LEGEND_SYMBOL = 30


def legend_rows(data: dict, dots: list[Dot], styles: dict) -> list[tuple[str, dict, str]]:
    """The legend's rows as (symbol kind, style, label), in the page's order, for only what the
    map shows: the roles of its places, inferences, areas, the modes and statuses of its legs,
    and a moved dot's leader where a dot was moved. `styles`: image_styles(data)."""
    features = [f["properties"] for f in data["places"]["features"]]
    journeys = data["journeys"]
    rows = []
    roles = {p["role"] for p in features}
    rows += [
        ("dot", style, style["label"]) for role, style in styles["markers"].items() if role in roles
    ]
    if any(p.get("inferred") for p in features):
        inferred = styles["inferred"]["label"]
        rows.append(("inferred", styles["markers"]["border-crossing"], inferred))
    if any(p.get("area") for p in features):
        rows.append(("area", styles["markers"]["destination"], styles["area"]["label"]))
    modes = {leg["mode"] for j in journeys if j["status"] == "trip" for leg in j["legs"]}
    rows += [
        ("stroke", style, style["label"])
        for mode, style in styles["modes"].items()
        if mode in modes
    ]
    if any(leg.get("inferred") for j in journeys for leg in j["legs"]):
        hollow = {"weight": styles["legend"]["hollowWeight"]}
        rows.append(("hollow", hollow, styles["inferredLeg"]["label"]))
    statuses = {j["status"] for j in journeys}
    rows += [
        ("stroke", style, style["label"])
        for k, style in styles["statuses"].items()
        if k in statuses
    ]
    if journeys and len(journeys) <= BIG_MAP_FROM:
        rows.append(("arrow", {}, say(data.get("lang", "en"), "legend.direction")))
    if any(d.moved for d in dots):
        rows.append(("leader", styles["leader"], styles["leader"]["label"]))
    return rows


def _legend_size(rows) -> tuple[float, float, list[list[str]]]:
    texts = [wrap(label, LEGEND_TEXT_WIDTH, LEGEND_FONT) for _, _, label in rows]
    widest = max((text_width(line, LEGEND_FONT) for lines in texts for line in lines), default=0)
    height = sum(max(LEGEND_ROW, len(lines) * 14 + 4) for lines in texts)
    return LEGEND_SYMBOL + widest + 2 * LEGEND_PADDING, height + 2 * LEGEND_PADDING, texts


def _legend(rows, texts, box, styles: dict) -> list[str]:
    """The legend box at `box`: each row's symbol drawn with the style it stands for."""
    paper = styles["paper"]
    left, top, right, bottom = box
    out = [
        f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(right - left)}" '
        f'height="{_n(bottom - top)}" rx="4"'
        + _attrs(fill=paper["ground"], fill_opacity="0.94", stroke=paper["frame"])
        + "/>"
    ]
    y = top + LEGEND_PADDING
    for (kind, style, _), lines in zip(rows, texts):
        height = max(LEGEND_ROW, len(lines) * 14 + 4)
        cx, cy = left + LEGEND_PADDING + 11, y + min(height, LEGEND_ROW + 10) / 2
        x0, x1 = cx - 10, cx + 10
        ink = paper["text"]
        if kind == "dot":
            out.append(_circle((cx, cy), style | {"radius": 6}))
        elif kind == "inferred":
            inferred = style | styles["inferred"] | {"radius": 6, "color": ring_colour(style)}
            out.append(_circle((cx, cy), inferred))
        elif kind == "area":
            area = styles["area"] | {"radius": 8, "color": ring_colour(style)}
            area["fillColor"] = style["fillColor"]
            out.append(_circle((cx, cy), area))
        elif kind in ("stroke", "hollow"):
            weight = legend_weight(style["weight"], styles["legend"])
            line = {"color": style.get("color", ink), "weight": weight}
            line |= {"dashArray": style.get("dashArray"), "opacity": style.get("opacity")}
            d = _path([(x0, cy), (x1, cy)])
            out.append(f'<path d="{d}"{_line_attrs(line)}/>')
            if kind == "hollow":
                # As the page's legend draws it: a core of the line's share of its width
                # (styles.inferredLeg), in the colour of the ground the legend lies on.
                share = styles["inferredLeg"]["coreWeight"]
                core = {"color": paper["ground"], "weight": max(1, line["weight"] * share)}
                out.append(f'<path d="{d}"{_line_attrs(core)}/>')
        elif kind == "arrow":
            out.append(_arrowhead((cx - 2, cy), 90, ink, styles["arrow"] | {"size": 6}))
        elif kind == "leader":
            spot = {"radius": style["spotRadius"], "fillColor": style["color"], "color": "none"}
            line = _attrs(stroke=style["color"], stroke_width=style["weight"])
            out.append(f'<path d="{_path([(x0, cy), (cx + 4, cy)])}"{line}/>')
            out.append(_circle((x0, cy), spot))
            grey = styles["markers"]["context"] | {"radius": 5}
            out.append(_circle((cx + 5, cy), grey))
        for n, line in enumerate(lines):
            baseline = y + 13 + n * 14
            out.append(_text(left + LEGEND_PADDING + LEGEND_SYMBOL, baseline, line, 11, ink))
        y += height
    return out


# ---------------------------------------------------------------------------------------------
# The whole image

MARGIN = 16  # around the title and the source line
TITLE_FONT = 20
DATE_FONT = 12
FOOTER_FONT = 10
FIT_PADDING = 36  # between the map's bounds and the frame's edge


@dataclass(frozen=True)
class Layout:
    """Where everything stands on the image, in CSS pixels (for the tests to check)."""

    width: float
    height: float
    frame: Frame
    dots: list
    labels: list
    left_out: list
    legend: tuple[float, float, float, float]


def source_line(data: dict) -> str:
    """The line naming the map's sources, as the page's title names them."""
    names = "; ".join(source["label"] for source in data["sources"])
    return say(data.get("lang", "en"), "image.sources", len(data["sources"]), sources=names)


def date_line(data: dict) -> str | None:
    if not data.get("dated"):
        return None
    if not data.get("dated_inferred"):
        return data["dated"]
    return say(data.get("lang", "en"), "image.dateInferred", date=data["dated"])


def _outer_size(size: ImageSize, on_paper: bool) -> str:
    """The SVG's width and height: in pixels, or on paper in millimetres at its dpi."""
    if not on_paper:
        return f'width="{size.width}" height="{size.height}"'
    millimetres = 25.4 / size.dpi
    return f'width="{_n(size.width * millimetres)}mm" height="{_n(size.height * millimetres)}mm"'


def svg_for_data(
    data: dict,
    size: ImageSize,
    *,
    dark: bool = False,
    standalone: bool = True,
    on_paper: bool = False,
) -> tuple[str, Layout]:
    """The still image of map_data's `data` as SVG text, and where its parts were laid out.
    `standalone=False` leaves out the XML declaration, for an <svg> inside an HTML page (it
    uses no ids, so any number of them can share a page). `on_paper`: its width and height in
    millimetres at its dpi (A4 at 300 dpi is 210 × 297 mm, not 2480 × 3508 pixels, to a
    browser or a layout program), for an SVG file laid out for print."""
    data = with_leg_lines(data)  # a big map's lines, packed for its page
    lang = data.get("lang", "en")
    styles = image_styles(data, dark)
    credit = say(lang, "credit.outlines")
    paper = styles["paper"]
    width, height = size.width / size.scale, size.height / size.scale
    inner = width - 2 * MARGIN

    title = wrap(data["title"], inner, TITLE_FONT, bold=True)[:3]
    dated = date_line(data)
    header = MARGIN + len(title) * 25 + (18 if dated else 0) + 6
    credit_width = text_width(credit, FOOTER_FONT) + 24
    sources = wrap(source_line(data), inner - credit_width, FOOTER_FONT)[:3]
    footer = len(sources) * 14 + 14
    box = (0.0, float(header), width, height - footer)

    # The legend at the frame's bottom right; the map's bounds fitted beside it or above it,
    # whichever shows them larger (a portrait page has more room above).
    probe = fit(data["bounds"], box, box)
    dots = place_dots(data, probe, styles)
    rows = legend_rows(data, dots, styles)
    legend_w, legend_h, texts = _legend_size(rows)
    legend = (box[2] - 10 - legend_w, box[3] - 10 - legend_h, box[2] - 10, box[3] - 10)
    pad = FIT_PADDING
    beside = (box[0] + pad, box[1] + pad, legend[0] - pad, box[3] - pad)
    above = (box[0] + pad, box[1] + pad, box[2] - pad, legend[1] - pad)
    frames = [fit(data["bounds"], box, inner_box) for inner_box in (beside, above)]
    frame = max(frames, key=lambda f: f.scale)
    dots = place_dots(data, frame, styles)
    if any(d.moved for d in dots) != any(r[0] == "leader" for r in rows):
        rows = legend_rows(data, dots, styles)
        legend_w, legend_h, texts = _legend_size(rows)
        legend = (box[2] - 10 - legend_w, box[3] - 10 - legend_h, box[2] - 10, box[3] - 10)
    if legend[1] < box[1] + 10:
        # The legend would reach over the title: no size the user asked for may hide a word.
        needed = math.ceil((header + footer + legend_h + 20) * size.scale)
        raise ImageError(
            f"{size.width}×{size.height} is too low for the legend, which needs an image "
            f"{needed} pixels high — give a taller size, like {size.width}x{needed}"
        )
    frame_box = (frame.left, frame.top, frame.right, frame.bottom)
    if len(dots) <= LABEL_UP_TO:
        labels, left_out = layout_labels(dots, frame_box, [legend])
    else:
        labels, left_out = [], [d.id for d in dots]

    colours = styles["dark"]["colours"] if dark else None
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>' if standalone else "",
        f'<svg xmlns="http://www.w3.org/2000/svg" {_outer_size(size, on_paper)} '
        f'viewBox="0 0 {_n(width)} {_n(height)}"{_attrs(font_family=FONT_FAMILY)}>',
        f"<title>{xml_text(data['title'])}</title>",
        f"<desc>{xml_text(source_line(data) + '. ' + credit + '.')}</desc>",
        f'<rect width="{_n(width)}" height="{_n(height)}"{_attrs(fill=paper["ground"])}/>',
        *_basemap(
            frame,
            styles["basemap"],
            [lb.box for lb in labels] + [legend],
            dots,
            data.get("basemapNames"),
        ),
        *_routes(data, frame, styles, colours),
        *_places(dots, styles),
        *_labels(labels, styles),
        # The title's and the source line's bands over whatever of the map reaches into them:
        # a clip path would draw the same and take resvg four times as long at A4.
        f'<rect width="{_n(width)}" height="{_n(box[1])}"{_attrs(fill=paper["ground"])}/>',
        f'<rect y="{_n(box[3])}" width="{_n(width)}" height="{_n(height - box[3])}"'
        + _attrs(fill=paper["ground"])
        + "/>",
        *_legend(rows, texts, legend, styles),
    ]
    y = MARGIN + TITLE_FONT
    for line in title:
        parts.append(_text(MARGIN, y, line, TITLE_FONT, paper["text"], weight="bold"))
        y += 25
    if dated:
        parts.append(_text(MARGIN, y - 4, dated, DATE_FONT, paper["muted"]))
    y = box[3] + 18
    for line in sources:
        parts.append(_text(MARGIN, y, line, FOOTER_FONT, paper["muted"]))
        y += 14
    parts.append(_text(width - MARGIN, box[3] + 18, credit, FOOTER_FONT, paper["muted"],
                       anchor="end"))  # fmt: skip
    parts.append("</svg>")
    layout = Layout(width, height, frame, dots, labels, left_out, legend)
    return "\n".join(parts) + "\n", layout


def still_svg(places: PlacesFile, width: int, height: int, *, dark=False, dpi=CSS_DPI) -> str:
    """The map as it first appears, as SVG of width×height pixels laid out for `dpi`."""
    from .render import map_data

    return svg_for_data(map_data(places), ImageSize(width, height, dpi), dark=dark)[0]


def png_from_svg(svg: str, dpi: float = CSS_DPI) -> bytes:
    """The SVG rasterised by resvg at its own width and height, with the system's fonts, the
    PNG marked with its dpi (so print software sizes it: A4 at 300 dpi is A4)."""
    import resvg_py

    png = bytes(resvg_py.svg_to_bytes(svg_string=svg))
    return _with_dpi(png, dpi)


def still_png(places: PlacesFile, width: int, height: int, *, dark=False, dpi=CSS_DPI) -> bytes:
    """The map as it first appears, as a PNG of width×height pixels laid out for `dpi`."""
    return png_from_svg(still_svg(places, width, height, dark=dark, dpi=dpi), dpi)


def _with_dpi(png: bytes, dpi: float) -> bytes:
    """The PNG with a pHYs chunk (pixels per metre) after its header chunk."""
    per_metre = round(dpi / 0.0254)
    body = struct.pack(">IIB", per_metre, per_metre, 1)
    chunk = struct.pack(">I", len(body)) + b"pHYs" + body
    chunk += struct.pack(">I", zlib.crc32(b"pHYs" + body))
    end_of_header = 8 + 8 + 13 + 4  # signature, IHDR's length and type, its body, its CRC
    return png[:end_of_header] + chunk + png[end_of_header:]


FORMATS = (".png", ".svg")


def image_bytes(
    places: PlacesFile, size: ImageSize, suffix: str, *, dark=False, lang="en"
) -> bytes:
    """The image in the format of `suffix` (.png or .svg), its legend and lines in `lang`."""
    from .render import map_data

    if suffix == ".svg":
        on_paper = size.dpi != CSS_DPI and size != SIZES["social"]
        return svg_for_data(map_data(places, lang), size, dark=dark, on_paper=on_paper)[0].encode(
            "utf-8"
        )
    return png_from_svg(svg_for_data(map_data(places, lang), size, dark=dark)[0], size.dpi)


def check_out_path(out, places_path) -> str:
    """The format `out`'s extension names; an ImageError for any other, or for an output that
    is the places file itself (writing it would destroy the map's only source)."""
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise ImageError(
            f"--out {out}: the image's format comes from its extension — name a .png or .svg file"
        )
    from .files import refuse_input_as_output

    refuse_input_as_output(out, places_path)
    return suffix


def write_image(
    places: PlacesFile, places_path, out, size: ImageSize, *, dark=False, lang="en"
) -> str:
    """Draw the image and write it to `out` atomically (files.write_atomic_bytes), in the
    format its extension names; returns that format's name."""
    from .files import write_atomic_bytes

    suffix = check_out_path(out, places_path)
    write_atomic_bytes(out, image_bytes(places, size, suffix, dark=dark, lang=lang))
    return suffix[1:].upper()
