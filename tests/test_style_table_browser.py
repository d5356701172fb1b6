"""The page draws with the style table's numbers (styles.py, given to the page as
render.STYLE_TABLE), as the still image does (tests/test_image.py,
test_the_image_draws_with_the_style_table_s_numbers): a small map and a big one, built with the
table as shipped and with its values changed (conftest.CHANGED_STYLES), draw their arrowheads, a
crowded map's dots, the lines' joins and ends, the country names' halos and the legend's keys as
the table says. A number written into the page's script or map.css instead of read from the
table shows here as the changed table's map drawing the old number."""

from __future__ import annotations

import pytest

from routemap.build import build
from routemap.language import legend_labels
from routemap.load import read_places
from routemap.styles import journey_colours

from .conftest import (
    SHIPPED_PLACES,
    arrowhead_sides,
    key_width,
    style_table,
    triangle_sides,
)
from .synthetic import synthetic_places
from .test_controls_browser import LEGEND_ROWS, rgb

# Run before a map's script: records what the page's canvases draw. Each filled triangle (an
# arrowhead: no other fill has three corners and no arc) as [colour, corners]; each stroke as
# [colour, width, join, end, the radii of the circles in its path]; each name's halo as [name,
# width]. In the canvas's own pixels, before its transform: CSS pixels of the layer or the tile.
RECORD_DRAWING = """
window.drawn = {triangles: [], strokes: [], names: []};
for (const Context of [CanvasRenderingContext2D, OffscreenCanvasRenderingContext2D]) {
  const proto = Context.prototype;
  const before = (name, record) => {
    const original = proto[name];
    proto[name] = function (...args) {
      record.apply(this, args);
      return original.apply(this, args);
    };
  };
  before("beginPath", function () {
    this.recordedPoints = [];
    this.recordedRadii = new Set();
  });
  before("moveTo", function (x, y) {
    if (this.recordedPoints) this.recordedPoints.push([x, y]);
  });
  before("lineTo", function (x, y) {
    if (this.recordedPoints) this.recordedPoints.push([x, y]);
  });
  before("arc", function (x, y, radius) {
    if (this.recordedRadii) this.recordedRadii.add(radius);
  });
  before("fill", function () {
    if (this.recordedPoints && this.recordedPoints.length === 3 && !this.recordedRadii.size) {
      window.drawn.triangles.push([String(this.fillStyle), this.recordedPoints]);
    }
  });
  before("stroke", function () {
    window.drawn.strokes.push([String(this.strokeStyle), this.lineWidth, this.lineJoin, this.lineCap, [...(this.recordedRadii || [])]]);
  });
  before("strokeText", function (text) {
    window.drawn.names.push([text, this.lineWidth]);
  });
}
"""

# The legend's key for a moved dot: the dot (a place named for context), as the browser shows it.
SPREAD_KEY_DOT = """() => {
  const dot = getComputedStyle(document.querySelector('.route-legend .spread-key'), '::after');
  return [dot.backgroundColor, dot.boxShadow];
}"""


# The radius of each arrowhead on a small map (drawing.js Arrowhead), within which it is clicked.
ARROWHEAD_RADII = """() => Object.values(window.routeMap.journeyLayers).flatMap(layer =>
  layer.getLayers().filter(part => part.options.heading !== undefined).map(arrow => arrow.getRadius()))"""


@pytest.fixture(scope="module", params=["as shipped", "changed"])
def built(request, tmp_path_factory):
    """(the style table, the records of the small and the big map, their pages), built with the
    table as shipped or changed."""
    folder = tmp_path_factory.mktemp("table")
    crowded = folder / "crowded.yaml"
    # More than 300 places and 40 journeys: drawn on tiles (page/bulk.js), the dots smaller.
    crowded.write_text(synthetic_places(400, 60, 100, seed=3), encoding="utf-8")
    with style_table(request.param) as styles:
        build(SHIPPED_PLACES, folder / "small.html")
        build(crowded, folder / "big.html")
    records = read_places(SHIPPED_PLACES), read_places(crowded)
    return styles, records, (folder / "small.html", folder / "big.html")


def check_arrowheads(drawn: dict, colours, arrow: dict) -> None:
    """Every arrowhead drawn (a triangle in a journey's colour) has the table's shape."""
    side, back = arrowhead_sides(arrow)
    heads = [corners for colour, corners in drawn["triangles"] if colour in colours]
    assert heads
    for corners in heads:
        assert triangle_sides(corners) == pytest.approx((side, side, back), abs=1e-6)


def check_line_ends(drawn: dict, colours, line: dict) -> None:
    """Every route line is stroked with the table's joins and ends."""
    ends = {(join, end) for colour, _, join, end, _ in drawn["strokes"] if colour in colours}
    assert ends == {(line["lineJoin"], line["lineCap"])}


def test_the_small_map_draws_with_the_style_table(built, open_map):
    styles, (records, _), (small, _) = built
    shown = open_map(small, tiles=False, before=RECORD_DRAWING)  # (the offline outlines' names)
    page = shown.page
    shown.redrawn()
    drawn = page.evaluate("window.drawn")
    colours = set(journey_colours(records.journeys).values())
    check_arrowheads(drawn, colours, styles["arrow"])
    check_line_ends(drawn, colours, styles["line"])
    # A click within the arrow's size of its point is on it.
    reach = page.evaluate(ARROWHEAD_RADII)
    assert reach and set(reach) == {styles["arrow"]["size"]}

    # The country names, each edged in the land's colour as wide as the table says.
    assert len(drawn["names"]) >= 5
    assert {width for _, width in drawn["names"]} == {styles["basemap"]["namesHalo"]}

    # The legend's keys of lines as wide as styles.legend lets them be: each mode's and each
    # status's, and the hollow key for an inferred leg, its core its share of that width.
    legend = styles["legend"]
    if not page.locator(".route-legend").evaluate("legend => legend.open"):
        page.locator(".route-legend summary").click()
    widths = {
        row["label"]: [float(line["width"].removesuffix("px")) for line in row["lines"]]
        for row in page.evaluate(LEGEND_ROWS)
    }
    labelled = legend_labels(styles, "en")
    modes = {
        leg.mode for journey in records.journeys if journey.status == "trip" for leg in journey.legs
    }
    statuses = {journey.status for journey in records.journeys} - {"trip"}
    keys = [labelled["modes"][mode] for mode in modes] + [labelled["statuses"][s] for s in statuses]
    assert len(keys) >= 4
    for style in keys:
        assert widths[style["label"]] == [key_width(style["weight"], legend)], style["label"]
    edge = key_width(legend["hollowWeight"], legend)
    core = max(1, edge * styles["inferredLeg"]["coreWeight"])
    assert widths[labelled["inferredLeg"]["label"]] == pytest.approx([edge, core])

    # The key for a moved dot shows a place named for context, in its style's fill and ring.
    context = styles["markers"]["context"]
    fill, ring = page.evaluate(SPREAD_KEY_DOT)
    assert fill == rgb(context["fillColor"])
    assert ring == f"{rgb(context['color'])} 0px 0px 0px {context['weight']:g}px"
    assert shown.page_errors == []


def test_the_big_map_draws_with_the_style_table(built, open_map):
    styles, (_, records), (_, big) = built
    shown = open_map(big, before=RECORD_DRAWING)
    page = shown.page
    shown.redrawn()

    # Its dots on tiles (page/bulk.js): each role's radius made smaller, a thin ring.
    dense = styles["denseDot"]
    radii = {
        max(dense["minRadius"], style["radius"] * dense["radiusScale"])
        for style in styles["markers"].values()
    }
    dots = [
        (width, set(drawn))
        for _, width, _, _, drawn in page.evaluate("window.drawn.strokes")
        if drawn
    ]
    assert dots
    assert {width for width, _ in dots} == {dense["weight"]}
    seen = set().union(*(drawn for _, drawn in dots))
    assert len(seen) >= 3 and seen <= radii

    # Zoomed in, where arrowheads show: each the table's triangle; every line's joins and ends.
    leg = records.journeys[0].legs[0]
    page.evaluate("window.drawn.triangles = []; window.drawn.strokes = []")
    page.evaluate(
        "id => { window.routeMap.map.setView(window.routeMap.placeLatLng(id), 6, {animate: false}); }",
        leg.to,
    )
    shown.redrawn()
    drawn = page.evaluate("window.drawn")
    colours = set(journey_colours(records.journeys).values())
    check_arrowheads(drawn, colours, styles["arrow"])
    check_line_ends(drawn, colours, styles["line"])
    assert shown.page_errors == []
