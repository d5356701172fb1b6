"""The still image (routes image): its sizes, what its SVG says, what its PNG shows, that its
names never overlap, that it shows places no more precisely than they may be shown, and how
the command fails."""

from __future__ import annotations

import math
import os
import re
import stat
import struct
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import pytest

from routemap import image
from routemap.cli import main
from routemap.files import write_atomic_bytes
from routemap.geometry import shown_point
from routemap.language import words
from routemap.load import read_places
from routemap.models import place_roles
from routemap.render import map_data
from routemap.styles import (
    BASEMAP_STYLE,
    DARK_STYLES,
    MARKER_STYLES,
    STATUS_STYLES,
    STILL_STYLE,
)

from .conftest import (
    SHIPPED_PLACES,
    arrowhead_sides,
    key_width,
    style_table,
    triangle_sides,
)
from .synthetic import synthetic_places
from .test_precision import EXACT, SHOWN, places_file

LEGEND = words("en")  # what the legend calls each kind (routemap/words/en.json)

DATA = Path(__file__).parent / "data"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def shipped():
    return read_places(SHIPPED_PLACES)


@pytest.fixture(scope="module")
def shipped_data(shipped):
    return map_data(shipped)


def png_header(png: bytes) -> tuple[int, int, float | None]:
    """Width, height and dpi (from pHYs, if any) of a PNG."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    dpi, at = None, 8
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at : at + 8])
        if kind == b"pHYs":
            per_metre, _, unit = struct.unpack(">IIB", png[at + 8 : at + 17])
            dpi = per_metre * 0.0254 if unit == 1 else None
        if kind == b"IDAT":
            break
        at += 12 + length
    return width, height, dpi


def png_pixels(png: bytes) -> tuple[int, int, list[bytes]]:
    """An 8-bit RGBA PNG (what resvg writes) decoded: width, height and its rows of bytes."""
    width, height, _ = png_header(png)
    assert png[24:26] == b"\x08\x06"  # 8 bits, RGBA
    idat, at = b"", 8
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at : at + 8])
        if kind == b"IDAT":
            idat += png[at + 8 : at + 8 + length]
        at += 12 + length
    raw = zlib.decompress(idat)
    stride = width * 4
    rows, previous = [], bytes(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - 4] if i >= 4 else 0
            up = previous[i]
            corner = previous[i - 4] if i >= 4 else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                guess = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + guess) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, rows


def colours_in(rows: list[bytes], top=0, bottom=None, left=0, right=None) -> set[str]:
    """The opaque colours in a part of the image, as #rrggbb."""
    found = set()
    for row in rows[top:bottom]:
        end = len(row) // 4 if right is None else right
        for x in range(left, end):
            r, g, b, a = row[4 * x : 4 * x + 4]
            if a == 255:
                found.add(f"#{r:02x}{g:02x}{b:02x}")
    return found


def svg_texts(svg: str) -> list[str]:
    """Every text the SVG draws, a line to an element, once parsed as XML."""
    root = ET.fromstring(svg.encode("utf-8"))
    return ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]


# --- sizes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "pixels", "dpi"),
    [
        ("social", (1200, 630), 120),
        ("a4", (2480, 3508), 300),
        ("a4-landscape", (3508, 2480), 300),
        ("letter", (2550, 3300), 300),
        ("Letter-Landscape", (3300, 2550), 300),
        ("1600x900", (1600, 900), 96),
        ("800×600", (800, 600), 96),
    ],
)
def test_sizes_name_their_pixels_and_dpi(given, pixels, dpi):
    size = image.parse_size(given)
    assert (size.width, size.height, size.dpi) == (*pixels, dpi)


@pytest.mark.parametrize("name", ["social", "a4-landscape", "letter"])
def test_the_png_has_the_size_s_pixels_and_dpi(shipped_data, name):
    size = image.SIZES[name]
    svg, _ = image.svg_for_data(shipped_data, size)
    width, height, dpi = png_header(image.png_from_svg(svg, size.dpi))
    assert (width, height) == (size.width, size.height)
    assert dpi == pytest.approx(size.dpi, abs=0.1)


def test_the_svg_has_the_size_s_pixels_and_lays_out_for_its_dpi(shipped):
    root = ET.fromstring(image.still_svg(shipped, 3508, 2480, dpi=300))
    assert (root.get("width"), root.get("height")) == ("3508", "2480")
    assert root.get("viewBox") == "0 0 1122.6 793.6"  # A4 landscape in CSS pixels


# --- what the SVG says -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["social", "a4", "a4-landscape"])
@pytest.mark.parametrize("dark", [False, True])
def test_the_svg_names_every_place_the_legend_title_sources_and_credit(
    shipped, shipped_data, name, dark
):
    svg, layout = image.svg_for_data(shipped_data, image.SIZES[name], dark=dark)
    texts = svg_texts(svg)
    joined = "\n".join(texts)
    assert layout.left_out == []  # the shipped map has room for every name at every size
    for place in shipped.places:
        label = next(lb for lb in layout.labels if lb.id == place.id)
        assert " ".join(label.lines) == place.name
        assert all(line in texts for line in label.lines)
    assert shipped.title in texts
    assert "September 2022 (date inferred)" in texts
    assert "Sources: The Guardian (re-translated text); Chingkheinganbi Mayengbam" in texts
    assert "Outlines: Natural Earth" in texts
    # The legend's labels, wrapped to its width, for what the shipped map uses.
    used = [LEGEND["legend.markers." + role] for role in set(place_roles(shipped).values())]
    used += [LEGEND["legend.modes." + mode] for mode in ("flight", "car", "unspecified")]
    used += [LEGEND["legend.statuses." + s] for s in STATUS_STYLES]
    used += [LEGEND["legend.inferred"], LEGEND["legend.inferredLeg"], LEGEND["legend.area"]]
    used += [LEGEND["legend.leader"], "Direction of travel"]  # Irpin and Bucha are moved apart
    flat = " ".join(joined.split())
    for label in used:
        assert label in flat, label
    for unused in ("bus", "train", "foot"):
        assert LEGEND["legend.modes." + unused] not in flat


def test_the_legend_has_only_the_kinds_a_map_uses():
    svg, _ = image.svg_for_data(map_data(read_places(DATA / "minimal.yaml")), image.SIZES["social"])
    flat = " ".join(" ".join(svg_texts(svg)).split())
    for present in ("Where a journey starts", "Destination", "By car", "Direction of travel"):
        assert present in flat
    absent = [LEGEND["legend.markers." + r] for r in ("stop", "border-crossing", "context")]
    absent += [LEGEND["legend.modes." + "flight"], LEGEND["legend.inferred"], LEGEND["legend.area"]]
    absent += [LEGEND["legend.statuses." + "sold-out"], LEGEND["legend.leader"]]
    for label in absent:
        assert label not in flat, label
    assert "Source: The Paper" in flat


HOSTILE = [
    'Tag <b>bold</b> & "quoted"',
    "Ends ]]> a CDATA",
    "An 'apostrophe' & <script>alert(1)</script>",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_every_text_from_places_yaml_is_escaped(tmp_path, name):
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    quoted = name.replace('"', '\\"')
    text = text.replace("name: Tbilisi", f'name: "{quoted}"')
    text = text.replace("title: A small map", f'title: "{quoted} map"')
    text = text.replace("publisher: The Paper", f'publisher: "{quoted} paper"')
    path = tmp_path / "places.yaml"
    path.write_text(text, encoding="utf-8")
    svg = image.still_svg(read_places(path), 1200, 630)
    texts = " ".join(svg_texts(svg))  # parses as XML
    assert " ".join(texts.split()).count(name) >= 3  # the place, the title, the source line
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == f"{name} map"
    assert not any(node.tag.endswith(("script", "b")) for node in root.iter())


def test_text_widths_are_the_widest_font_s():
    assert image.text_width("Moscow", 11) == pytest.approx(
        (863 + 612 + 521 + 550 + 612 + 818) / 1000 * 11
    )
    assert image.text_width("Москва", 10) == pytest.approx(6 * 7)


# --- what the PNG shows ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def social_pixels(shipped_data):
    svg, layout = image.svg_for_data(shipped_data, image.ImageSize(600, 315, 60))
    return layout, png_pixels(image.png_from_svg(svg))


def test_the_png_shows_the_sea_the_land_and_the_journeys_colours(shipped_data, social_pixels):
    _, (_, _, rows) = social_pixels
    found = colours_in(rows)
    assert BASEMAP_STYLE["sea"] in found and BASEMAP_STYLE["land"] in found
    igor = next(j for j in shipped_data["journeys"] if j["id"] == "igor")
    assert igor["colour"] in found
    assert MARKER_STYLES["border-crossing"]["fillColor"] in found


def test_the_png_s_title_is_drawn(social_pixels):
    layout, (width, _, rows) = social_pixels
    scale = 600 / layout.width
    band = colours_in(rows, 0, int(image.MARGIN * scale + 20 * scale), 0, width // 2)
    dark = [c for c in band if sum(int(c[i : i + 2], 16) for i in (1, 3, 5)) < 3 * 90]
    assert len(dark) >= 3  # glyphs, with their antialiased edges, not only the white ground
    assert STILL_STYLE["ground"] in band


def test_the_dark_png_is_drawn_in_the_night_colours(shipped_data):
    svg, _ = image.svg_for_data(shipped_data, image.ImageSize(600, 315, 60), dark=True)
    _, _, rows = png_pixels(image.png_from_svg(svg))
    found = colours_in(rows)
    assert DARK_STYLES["basemap"]["sea"] in found and STILL_STYLE["dark"]["ground"] in found
    assert BASEMAP_STYLE["sea"] not in found
    assert DARK_STYLES["colours"]["#e61793"] in found  # Igor's journey at night


# --- the layout --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["social", "a4", "letter-landscape"])
@pytest.mark.parametrize("places", ["places.yaml", "crowded.yaml"])
def test_no_name_covers_another_name_a_dot_or_the_legend(shipped_data, name, places):
    data = shipped_data if places == "places.yaml" else map_data(read_places(DATA / places))
    _, layout = image.svg_for_data(data, image.SIZES[name])
    boxes = [label.box for label in layout.labels]
    assert len(boxes) >= 2
    for i, a in enumerate(boxes):
        assert not image.overlaps(a, layout.legend)
        assert layout.frame.left <= a[0] and a[2] <= layout.frame.right
        assert layout.frame.top <= a[1] and a[3] <= layout.frame.bottom
        for b in boxes[:i]:
            assert not image.overlaps(a, b), (a, b)
    for label in layout.labels:
        for dot in layout.dots:
            x = max(label.box[0], min(dot.drawn[0], label.box[2]))
            y = max(label.box[1], min(dot.drawn[1], label.box[3]))
            assert math.hypot(x - dot.drawn[0], y - dot.drawn[1]) >= dot.style["radius"]


def test_a_name_stands_beside_its_own_dot_or_has_a_leader_to_it(shipped_data):
    _, layout = image.svg_for_data(shipped_data, image.SIZES["social"])
    dots = {dot.id: dot for dot in layout.dots}
    for label in layout.labels:
        dot = dots[label.id]
        x = max(label.box[0], min(dot.drawn[0], label.box[2]))
        y = max(label.box[1], min(dot.drawn[1], label.box[3]))
        gap = math.hypot(x - dot.drawn[0], y - dot.drawn[1]) - dot.style["radius"]
        if label.leader is None:
            assert gap <= 4, label
        else:
            start, end = label.leader
            assert math.dist(start, dot.drawn) == pytest.approx(dot.style["radius"] + 1)
            assert end == pytest.approx((x, y))


def test_crowding_dots_are_moved_apart_with_a_leader(shipped_data):
    _, layout = image.svg_for_data(shipped_data, image.SIZES["social"])
    moved = {dot.id for dot in layout.dots if dot.moved}
    assert {"bucha", "irpin"} <= moved
    # No two dots overlap where they are drawn, moved or not (a spread pair may not land on a
    # third dot).
    for size in image.SIZES.values():
        _, layout = image.svg_for_data(shipped_data, size)
        for i, a in enumerate(layout.dots):
            for b in layout.dots[:i]:
                assert math.dist(a.drawn, b.drawn) >= a.reach + b.reach, (a.id, b.id, size)


def test_the_map_s_bounds_fill_the_frame_beside_the_legend(shipped_data):
    _, layout = image.svg_for_data(shipped_data, image.SIZES["social"])
    (south, west), (north, east) = shipped_data["bounds"]
    x0, y0 = layout.frame.point(north, west)
    x1, y1 = layout.frame.point(south, east)
    pad = image.FIT_PADDING
    assert x0 >= pad - 0.5 and x1 <= layout.legend[0] - pad + 0.5 and y0 >= layout.frame.top
    # As large as fits: one of the two sides touches its padding.
    assert min(x0 - pad, layout.legend[0] - pad - x1) < 1 or abs(y0 - layout.frame.top - pad) < 1


# --- precision -----------------------------------------------------------------------------------


@pytest.mark.parametrize("precision", ["region", "country"])
def test_a_place_is_drawn_at_its_shown_point_never_its_exact_one(tmp_path, precision):
    places = read_places(places_file(tmp_path, precision))
    tbilisi = places.places[0]
    assert shown_point(tbilisi) == SHOWN[precision]
    svg, layout = image.svg_for_data(map_data(places), image.SIZES["social"])
    dot = next(d for d in layout.dots if d.id == "tbilisi")
    assert dot.at == pytest.approx(layout.frame.point(*SHOWN[precision]))
    assert math.dist(dot.at, layout.frame.point(*EXACT)) > 5  # pixels: visibly elsewhere
    assert dot.area  # drawn with a halo, as an area
    exact_svg, exact_layout = image.svg_for_data(
        map_data(read_places(places_file(tmp_path, "exact"))), image.SIZES["social"]
    )
    assert next(d for d in exact_layout.dots if d.id == "tbilisi").at != dot.at
    assert str(EXACT[0]) not in svg and str(EXACT[1]) not in svg


# --- the command ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("out", "size", "kind", "pixels", "svg_size"),
    [
        ("map.png", [], "PNG", (1200, 630), None),
        # An SVG laid out for paper is as big as its paper, to a browser or a layout program.
        ("map.svg", ["--size", "a4-landscape"], "SVG", (3508, 2480), ("297mm", "210mm")),
        ("map.svg", ["--size", "letter"], "SVG", (2550, 3300), ("215.9mm", "279.4mm")),
        ("map.svg", [], "SVG", (1200, 630), ("1200", "630")),  # a social card: pixels
        ("MAP.PNG", ["--size", "640x480"], "PNG", (640, 480), None),
    ],
)
def test_routes_image_writes_the_image_its_extension_names(
    tmp_path, capsys, out, size, kind, pixels, svg_size
):
    path = tmp_path / out
    assert main(["image", "--places", str(SHIPPED_PLACES), "--out", str(path), *size]) == 0
    said = capsys.readouterr().out
    assert said.startswith(f"Wrote the map as {kind}, {pixels[0]}×{pixels[1]} pixels")
    assert said.endswith(f": {path}\n")
    written = path.read_bytes()
    if kind == "PNG":
        assert png_header(written)[:2] == pixels
    else:
        root = ET.fromstring(written)
        assert (root.get("width"), root.get("height")) == svg_size
    assert sorted(p.name for p in tmp_path.iterdir()) == [out]  # no temporary file left


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (["--size", "0x0"], "--size 0x0: 0×0 leaves no room for the map — give each side at least"),
        (["--size", "huge"], "--size huge: not a size — give one of social, a4, a4-landscape,"),
        (
            ["--size", "99999x99999"],
            "--size 99999x99999: 99999×99999 is 10,000 megapixels, more than the 40 an image may "
            "have — give a smaller size",
        ),
        (["--size", "a4", "--dpi", "5"], "--dpi 5: give a dpi from 24 to 1200"),
        (
            ["--size", "600x300"],
            "600×300 is too low for the legend, which needs an image 480 pixels high — give a "
            "taller size, like 600x480",
        ),
        (["--out", "map.jpg"], "--out map.jpg: the image's format comes from its extension"),
    ],
)
def test_a_bad_size_or_format_is_one_line_saying_what_to_do(
    tmp_path, capsys, monkeypatch, arguments, says
):
    monkeypatch.chdir(tmp_path)
    code = main(["image", "--places", str(SHIPPED_PLACES), *arguments])
    captured = capsys.readouterr()
    assert code == 1 and captured.out == ""
    assert captured.err.startswith(f"Error: {says}")
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err
    assert list(tmp_path.iterdir()) == []


def test_too_many_pixels_are_refused_before_any_drawing(monkeypatch):
    def no_drawing(*args, **kwargs):
        raise AssertionError("drew")

    monkeypatch.setattr(image, "svg_for_data", no_drawing)
    with pytest.raises(image.ImageError, match=r"megapixels, more than the 40"):
        image.parse_size("99999x99999")
    with pytest.raises(image.ImageError, match="more than the 40"):
        image.parse_size("8000x5001")
    assert image.parse_size("8000x5000").width == 8000  # 40 megapixels exactly


def test_the_image_is_never_written_over_the_places_file(tmp_path, capsys):
    places = tmp_path / "places.svg"
    places.write_bytes((DATA / "minimal.yaml").read_bytes())
    before = places.read_bytes()
    assert main(["image", "--places", str(places), "--out", str(places)]) == 1
    assert capsys.readouterr().err == (
        f"Error: --out {places}: that is the places file, which this would overwrite — name another file\n"
    )
    assert places.read_bytes() == before


def test_writing_keeps_the_target_s_mode_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "map.png"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    write_atomic_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["map.png"]
    fresh = tmp_path / "fresh.png"
    write_atomic_bytes(fresh, b"x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask


def test_an_svg_for_a_page_has_no_xml_declaration_and_no_ids(shipped_data):
    svg, _ = image.svg_for_data(shipped_data, image.SIZES["social"], standalone=False)
    assert svg.lstrip().startswith("<svg ") and " id=" not in svg
    standalone, _ = image.svg_for_data(shipped_data, image.SIZES["social"])
    assert standalone.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<svg ')
    assert ET.fromstring(svg.encode()).get("width") == "1200"


def test_dashed_routes_of_one_origin_take_turns_as_on_the_page(shipped_data):
    """The grey sold-out flights and the purple costly one leave Moscow together: each colour
    has its own dashes' turn, so the Dubai flight does not hide the Baku one (page/drawing.js)."""
    svg, _ = image.svg_for_data(shipped_data, image.SIZES["social"])
    statuses = {STATUS_STYLES[status]["color"] for status in ("sold-out", "costly")}
    turns: dict[str, set] = {}
    for path in ET.fromstring(svg).iter(SVG + "path"):
        # The routes, not the legend's one-stroke samples.
        if path.get("stroke") in statuses and path.get("d").count("L") > 1:
            turns.setdefault(path.get("stroke"), set()).add(
                (path.get("stroke-dasharray"), path.get("stroke-dashoffset"))
            )
    assert turns == {
        STATUS_STYLES["sold-out"]["color"]: {("6 6", None)},
        STATUS_STYLES["costly"]["color"]: {("6 6", "6")},
    }


# --- the style table ---------------------------------------------------------------------------


def _top_level_after_legend_box(root) -> list:
    """The SVG's elements drawn after the legend's box (rx 4): the legend's keys and texts."""
    children = list(root)
    box = next(n for n, node in enumerate(children) if node.get("rx") == "4")
    return children[box + 1 :]


@pytest.mark.parametrize("dark", [False, True])
def test_the_legend_s_hollow_key_is_drawn_as_the_page_s(shipped_data, dark):
    """The key for an inferred leg: an edge in the text's colour and a core of the legend's
    ground, which is the hollow line's core on the map (styles.inferredLeg), light or dark, as
    the page's legend draws it (tests/test_controls_browser.py)."""
    svg, _ = image.svg_for_data(shipped_data, image.SIZES["social"], dark=dark)
    styles = image.image_styles(shipped_data, dark)
    keys = _top_level_after_legend_box(ET.fromstring(svg))
    paths = [p for p in keys if p.tag == SVG + "path" and p.get("stroke-width")]
    edge, core = next((a, b) for a, b in zip(paths, paths[1:]) if a.get("d") == b.get("d"))
    assert edge.get("stroke") == styles["paper"]["text"]
    assert core.get("stroke") == styles["paper"]["ground"] == styles["inferredLeg"]["core"]


@pytest.mark.parametrize("which", ["as shipped", "changed"])
def test_the_image_draws_with_the_style_table_s_numbers(tmp_path, which):
    """Arrowheads, a crowded map's dots, the country names' halos, the lines' joins and ends and
    the legend's keys take their numbers from the style table (styles.py), as the page does
    (tests/test_style_table_browser.py): made with the table's values changed, the image draws
    the changed ones."""
    crowded = tmp_path / "places.yaml"
    crowded.write_text(synthetic_places(400, 20, 40, seed=3), encoding="utf-8")
    with style_table(which) as styles:
        data = map_data(read_places(SHIPPED_PLACES))
        svg, _ = image.svg_for_data(data, image.SIZES["social"])
        dense_data = map_data(read_places(crowded))
        dense_svg, dense_layout = image.svg_for_data(dense_data, image.SIZES["social"])
    root = ET.fromstring(svg)

    # Each leg's arrowhead: the table's triangle (its corners rounded to a tenth of a pixel).
    side, back = arrowhead_sides(styles["arrow"])
    colours = {journey["colour"] for journey in data["journeys"]}
    heads = [p for p in root.iter(SVG + "path") if p.get("fill") in colours]
    assert len(heads) == sum(1 for j in data["journeys"] for leg in j["legs"] if leg.get("arrow"))
    for head in heads:
        corners = [
            tuple(map(float, xy.split())) for xy in re.findall(r"[ML]([^MLZ]+)", head.get("d"))
        ]
        assert triangle_sides(corners) == pytest.approx((side, side, back), abs=0.15)

    # Every line's joins and ends, the routes' and the legend's keys.
    lines = [p for p in root.iter(SVG + "path") if p.get("stroke-linecap")]
    assert len(lines) > 20
    assert {(p.get("stroke-linejoin"), p.get("stroke-linecap")) for p in lines} == {
        (styles["line"]["lineJoin"], styles["line"]["lineCap"])
    }

    # The country names, edged in the land's colour as wide as the table says.
    halos = [t for t in root.iter(SVG + "text") if t.get("stroke") == styles["basemap"]["land"]]
    assert len(halos) >= 5
    assert {float(t.get("stroke-width")) for t in halos} == {styles["basemap"]["namesHalo"]}

    # The legend's keys of lines in the page's order (modes, the hollow key's edge and core,
    # statuses), each as wide as styles.legend lets it be, then the moved dot's leader and its
    # dot: a place named for context.
    legend = styles["legend"]
    modes = {leg["mode"] for j in data["journeys"] if j["status"] == "trip" for leg in j["legs"]}
    edge = key_width(legend["hollowWeight"], legend)
    widths = [
        key_width(style["weight"], legend)
        for mode, style in styles["modes"].items()
        if mode in modes
    ]
    widths += [edge, max(1, edge * styles["inferredLeg"]["coreWeight"])]
    widths += [key_width(style["weight"], legend) for style in styles["statuses"].values()]
    widths += [styles["leader"]["weight"]]
    keys = _top_level_after_legend_box(root)
    drawn = [
        float(p.get("stroke-width"))
        for p in keys
        if p.tag == SVG + "path" and p.get("stroke-width")
    ]
    assert drawn == pytest.approx(widths, abs=0.051)  # (written to a tenth of a pixel)
    context = styles["markers"]["context"]
    dot = next(c for c in keys if c.tag == SVG + "circle" and c.get("r") == "5")
    assert (dot.get("fill"), dot.get("stroke"), float(dot.get("stroke-width"))) == (
        context["fillColor"],
        context["color"],
        context["weight"],
    )

    # A crowded map's dots: smaller, each by its role's radius, with a thin ring.
    dense = styles["denseDot"]
    radii = {
        role: max(dense["minRadius"], style["radius"] * dense["radiusScale"])
        for role, style in styles["markers"].items()
    }
    assert len(dense_layout.dots) == 400
    for dot in dense_layout.dots:
        assert (dot.style["radius"], dot.style["weight"]) == (radii[dot.role], dense["weight"])
    circles = [
        c
        for c in ET.fromstring(dense_svg).iter(SVG + "circle")
        if c.get("stroke-width") == str(dense["weight"])
    ]
    assert len(circles) == 400
    for circle in circles:  # (written to a tenth of a pixel)
        assert min(abs(float(circle.get("r")) - r) for r in radii.values()) <= 0.051
