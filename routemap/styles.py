"""How each kind of place and each kind of line looks: the one table the page, the legend and the
still image use. What the legend calls each entry is in the page's words tables
(routemap/words/<lang>.json, `legend.*`), one per language.

Options are Leaflet path options (color, fillColor, radius, weight, dashArray, ...); the page
passes them to Leaflet as they are and builds the legend from the same entries.
"""

from __future__ import annotations

# What a place is on the map, derived from the journeys (see models.place_roles).
MARKER_STYLES: dict[str, dict] = {
    "origin": {
        "radius": 8,
        "color": "#ffffff",
        "weight": 2,
        "fillColor": "#1d3557",
        "fillOpacity": 1,
    },
    "stop": {
        "radius": 6,
        "color": "#1d3557",
        "weight": 2,
        "fillColor": "#ffffff",
        "fillOpacity": 1,
        "ringColor": "#1d3557",  # hollow, its white fill would not show: its ring's colour
    },
    "border-crossing": {
        "radius": 7,
        "color": "#ffffff",
        "weight": 2,
        "fillColor": "#d62828",
        "fillOpacity": 1,
    },
    "destination": {
        "radius": 8,
        "color": "#ffffff",
        "weight": 2,
        "fillColor": "#1f7a70",
        "fillOpacity": 1,
    },
    "context": {
        "radius": 5,
        "color": "#ffffff",
        "weight": 1.5,
        "fillColor": "#6c757d",
        "fillOpacity": 1,
    },
}

# Laid over a marker's style when the article does not name the point itself.
INFERRED_STYLE: dict = {
    "fillOpacity": 0.15,
    "weight": 2.5,
    "dashArray": "3 3",
}

# Laid over a leg's line when the articles do not state the leg (its mode, that it is direct,
# where it ends): the line is drawn hollow, its colour on both edges and a pale core, the way
# an inferred point is a hollow dot. `core` is the inner line's colour and width.
INFERRED_LEG_STYLE: dict = {
    "core": "#ffffff",
    "coreWeight": 0.45,
}

# A place that stands for an area (a country, or an approximate point): a wide translucent halo
# around its dot, so it does not read as an exact pin.
AREA_STYLE: dict = {
    "radius": 22,
    "weight": 1.5,
    "fillOpacity": 0.12,
    "opacity": 0.9,
    "dashArray": "4 3",
}

# A map of so many places that their dots crowd (more than DENSE_FROM: page/base.js, image.py)
# draws every dot smaller: its role's radius times `radiusScale`, never under `minRadius` pixels
# (a context place's 5 px would be 2.5: too small to see its colour or to point at), with a ring
# `weight` pixels wide (its role's 1.5 to 2.5 would leave so small a dot little fill). Set over
# a dot's style after its certainty's (INFERRED_STYLE), so an inferred dot's ring is thin too.
DENSE_DOT_STYLE: dict = {"radiusScale": 0.5, "minRadius": 3, "weight": 1}


def dense_dot(marker: dict, dense: dict) -> dict:
    """A dot's radius and ring width on a crowded map, from its style and DENSE_DOT_STYLE
    (page/drawing.js denseDot)."""
    return {
        "radius": max(dense["minRadius"], marker["radius"] * dense["radiusScale"]),
        "weight": dense["weight"],
    }


# Under each line, a pale casing a few pixels wider: the line keeps its contrast on any
# background (tiles, the offline base map, water). `extraWeight` is added to the line's. The
# canvas strokes every casing of a width as one path (page/drawing.js: RouteCanvas), so a big
# map has them too, at little cost.
CASING_STYLE: dict = {"color": "#ffffff", "opacity": 0.9, "extraWeight": 3}

# Where dots crowd, one is drawn moved aside with a thin leader back to a small spot at its true
# point (page/drawing.js: PlaceDot); a name that has to stand off its dot gets a leader too
# (page/labels.js). The legend's key for a moved dot is drawn from the same colour.
LEADER_STYLE: dict = {
    "color": "#1d3557",
    "weight": 1.5,
    "spotRadius": 2.5,
    "nameColor": "#1b1b1b",
    "nameWeight": 1,
}

# The offline base map (page/basemap.js): what the routes lie on when map tiles cannot load.
BASEMAP_STYLE: dict = {
    "sea": "#d3e2ea",
    "land": "#f6f4ef",
    "border": "#a39d90",
    "borderWeight": 0.8,
    "names": "#5e584d",
    "namesFont": "italic 12px system-ui, -apple-system, Segoe UI, Roboto, Noto Sans, sans-serif",
    # The width in pixels of the land-coloured edge stroked round each country's name before it
    # is filled (image.py draws the same): 3, a pixel and a half each side, hides the borders
    # and coastlines under its letters, so a name reads where it crosses them.
    "namesHalo": 3,
}

# Every route line: mitred joins and flat ends draw markedly faster on the canvas than
# Leaflet's round ones, which matters on a map of thousands of lines, and look the same.
LINE_STYLE: dict = {"lineJoin": "miter", "lineCap": "butt"}

# A leg's arrowhead (page/drawing.js Arrowhead, page/bulk.js routePainter, image.py): a triangle
# of the same size on screen at every zoom, at the leg's middle, pointing the way it runs. Its
# two back corners are `size` pixels from that point, its tip `tip` times as far (8.4 px), and
# the back corners stand `spread` radians (some 143°) either side of the tip's direction: a
# slender head whose back, 2 × size × sin(spread) = 8.4 px across, is wider than the widest line
# with its casing (a car's 5 px + 3), so it shows on every line. A click within `size` of the
# point is on the arrowhead.
ARROW_STYLE: dict = {"size": 7, "tip": 1.2, "spread": 2.5}

# Lines by mode of travel, for the journeys people describe; each journey adds its colour.
MODE_STYLES: dict[str, dict] = {
    "flight": {"weight": 3, "opacity": 0.9},
    "car": {"weight": 5, "opacity": 0.9},
    "bus": {"weight": 5, "opacity": 0.9, "dashArray": "10 4"},
    "train": {"weight": 4, "opacity": 0.9, "dashArray": "14 4 2 4"},
    "foot": {"weight": 3, "opacity": 0.9, "dashArray": "2 5"},
    "unspecified": {"weight": 3, "opacity": 0.9, "dashArray": "1 7"},
}

# Flight routes the articles discuss rather than journeys people made: these override colour.
STATUS_STYLES: dict[str, dict] = {
    "sold-out": {
        "color": "#66707f",
        "weight": 2,
        "opacity": 0.9,
        "dashArray": "6 6",
    },
    "costly": {
        "color": "#620997",
        "weight": 2,
        "opacity": 0.9,
        "dashArray": "6 6",
    },
}

# One colour per journey a person describes, in the order of places.yaml. Each keeps 3:1 against
# white (its casing), the offline base map's land and sea; none is near a colour the legend
# gives a meaning (no reds, teals, navies, greys or violets); and they stay apart from each other
# for readers with each kind of colour blindness (tests/test_styles.py simulates them).
JOURNEY_COLOURS: list[str] = [
    "#2e3ae6",
    "#e61793",
    "#808040",
    "#660000",
    "#803357",
    "#665800",
]

# A map of more journeys than this is big: its overview (below zoom BIG_MAP_DETAIL_FROM) draws
# no casings, no dashes and no arrowheads, which would cost most of its drawing time there and
# cannot be told apart in the thicket; its journeys take only BIG_MAP_COLOURS, which keep 3:1
# without a casing on the tiles' land and water and the offline base map (tests/test_styles.py).
BIG_MAP_FROM = 40
BIG_MAP_DETAIL_FROM = 5
BIG_MAP_COLOURS: list[str] = ["#2e3ae6", "#660000", "#803357", "#665800"]

# The map at night: what the page lays over this table when the reader's system asks for a
# dark scheme (page/scheme.js). Lines lie on a casing of the night's ground colour, so each
# journey and route takes a light colour of its own (DARK_COLOURS: the light colour it replaces
# -> its night colour), keeping 3:1 on the casing and the dark base map, apart from each other
# and from the legend's meanings for every reader (tests/test_styles.py). A big map's overview
# draws its casings too at night. Dots keep their colours and white rings; map tiles are
# darkened by a filter (map.css).
NIGHT_GROUND = "#16191d"
DARK_COLOURS: dict[str, str] = {
    "#2e3ae6": "#0c99ff",
    "#e61793": "#eb19a2",
    "#808040": "#ffff5f",
    "#660000": "#a8735d",
    "#803357": "#f6a8ad",
    "#665800": "#a2b609",
    STATUS_STYLES["sold-out"]["color"]: "#a3adba",
    STATUS_STYLES["costly"]["color"]: "#c9a0ff",
}
DARK_STYLES: dict = {
    "basemap": {"sea": "#17232d", "land": "#2b2f34", "border": "#5f666e", "names": "#c9c2b5"},
    "leader": {"color": "#c8d4e0", "nameColor": "#dcdcdc"},
    "casing": {"color": NIGHT_GROUND},
    "inferredLeg": {"core": NIGHT_GROUND},
    "statuses": {
        status: {"color": DARK_COLOURS[style["color"]]} for status, style in STATUS_STYLES.items()
    },
    "colours": DARK_COLOURS,
    "focus": "#8cc4ff",
    # A hollow (inferred) dot has no white ring: its dashed edge, and an area's halo, are drawn
    # in its role's colour, too dark on the night ground; these keep 3:1 on it.
    "markers": {
        "origin": {"ringColor": "#7fa3dc"},
        "stop": {"ringColor": "#ffffff"},
        "border-crossing": {"ringColor": "#ff6b6b"},
        "destination": {"ringColor": "#3cbfae"},
        "context": {"ringColor": "#9aa5b1"},
    },
}


def ring_colour(marker: dict) -> str:
    """The colour of a hollow dot's dashed edge and of an area's halo for a role's marker
    style: its ringColor at night, else its fill (page/drawing.js ringColour)."""
    return marker.get("ringColor", marker["fillColor"])


# The legend's key for a kind of line (page/controls.js addLegend, image.py _legend): a short
# stretch of it drawn with its own dashes and opacity, its width kept within `minWeight` and
# `maxWeight` pixels: a hairline's dashes would hardly show, and a line wider than 5 px would
# crowd the 12 px key (every mode and status is within them now, drawn at its own width). An
# inferred leg's hollow key is `hollowWeight` wide, as wide as a key may be, so that its pale
# core (INFERRED_LEG_STYLE coreWeight of it: 2.25 px) shows between two edges of some 1.4 px.
LEGEND_STYLE: dict = {"minWeight": 2, "maxWeight": 5, "hollowWeight": 5}


def legend_weight(weight: float, legend: dict) -> float:
    """How wide the legend draws the key of a line `weight` pixels wide (page/controls.js)."""
    return min(max(weight, legend["minWeight"]), legend["maxWeight"])


# The still image's paper (routemap/image.py): its ground under the title, legend and source
# line, its text, and the pale box behind each place name, as map.css draws the page's own
# (--route-text, --route-label-bg); `dark` is laid over it for the night image, as DARK_STYLES
# is over the rest.
STILL_STYLE: dict = {
    "ground": "#ffffff",
    "text": "#1b1b1b",
    "muted": "#55504a",
    "frame": "#c9c5bd",
    "labelBackground": "#ffffff",
    "labelOpacity": 0.85,
    "dark": {
        "ground": NIGHT_GROUND,
        "text": "#e8e6e3",
        "muted": "#b9b3aa",
        "frame": "#4a5058",
        "labelBackground": NIGHT_GROUND,
    },
}

# The ring round whatever has keyboard focus, on the panel and on the map.
FOCUS_COLOUR = "#0b4f8a"


def journey_colours(journeys) -> dict[str, str]:
    """The colour each journey is drawn in, by journey id: the map's and the export's alike
    (colours_of)."""
    return colours_of(
        [journey.id for journey in journeys], [journey.status for journey in journeys]
    )


def colours_of(ids: list[str], statuses: list[str]) -> dict[str, str]:
    """The colour of each journey, given the journeys' ids and statuses in the file's order.

    Journeys people describe take JOURNEY_COLOURS in turn, in the order of places.yaml (a big
    map's, BIG_MAP_COLOURS); the routes the articles discuss take their status's colour.
    """
    palette = BIG_MAP_COLOURS if len(ids) > BIG_MAP_FROM else JOURNEY_COLOURS
    colours, turn = {}, 0
    for journey_id, status in zip(ids, statuses, strict=True):
        if status == "trip":
            colours[journey_id] = palette[turn % len(palette)]
            turn += 1
        else:
            colours[journey_id] = STATUS_STYLES[status]["color"]
    return colours


def leg_style(journey_status: str, mode: str) -> dict:
    """A leg's line options before its colour: its status's where the journey is a route the
    articles discuss (they override the mode's), else its mode's."""
    if journey_status != "trip":
        return STATUS_STYLES[journey_status]
    return MODE_STYLES[mode]
