"""The style table's colours, checked the way a reader sees them: each line and marker keeps 3:1
contrast (WCAG's non-text contrast) against what it is drawn on, journeys never take a colour the
legend gives a meaning, and journeys stay apart for readers with each kind of colour blindness
(simulated with colorspacious at full severity)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from colorspacious import cspace_convert

from routemap.styles import (
    BASEMAP_STYLE,
    BIG_MAP_COLOURS,
    CASING_STYLE,
    DARK_COLOURS,
    DARK_STYLES,
    FOCUS_COLOUR,
    JOURNEY_COLOURS,
    LEADER_STYLE,
    MARKER_STYLES,
    NIGHT_GROUND,
    STATUS_STYLES,
    ring_colour,
)

# What lines and dots lie on: their casing (white), the offline base map's land and sea.
GROUNDS = {
    "casing": CASING_STYLE["color"],
    "land": BASEMAP_STYLE["land"],
    "sea": BASEMAP_STYLE["sea"],
}
# What a big map's overview draws its lines on without a casing: the offline base map, and
# OpenStreetMap's standard tiles at the zooms of an overview (land, water, glaciers; the colours
# of openstreetmap-carto's style).
UNCASED_GROUNDS = {
    "land": BASEMAP_STYLE["land"],
    "sea": BASEMAP_STYLE["sea"],
    "tile land": "#f2efe9",
    "tile water": "#aad3df",
    "tile glacier": "#ddecec",
}
SIMULATIONS = {
    "normal vision": None,
    "deuteranopia": "deuteranomaly",
    "protanopia": "protanomaly",
    "tritanopia": "tritanomaly",
}
# Colours the legend gives a meaning: kinds of place, and routes the articles discuss.
MEANINGS = {f"marker {role}": style["fillColor"] for role, style in MARKER_STYLES.items()}
MEANINGS["marker stop (ring)"] = MARKER_STYLES["stop"]["color"]
MEANINGS |= {f"route {status}": style["color"] for status, style in STATUS_STYLES.items()}
MEANINGS.pop("marker stop")  # a stop's fill is white: its ring is what shows


def rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio."""

    def luminance(colour: str) -> float:
        c = rgb(colour)
        c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
        return float(0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2])

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def seen(colour: str, simulation: str | None) -> np.ndarray:
    """The colour in CAM02-UCS as a reader with that vision sees it."""
    c = rgb(colour)
    if simulation:
        space = {"name": "sRGB1+CVD", "cvd_type": simulation, "severity": 100}
        c = np.clip(cspace_convert(c, space, "sRGB1"), 0, 1)
    return cspace_convert(c, "sRGB1", "CAM02-UCS")


def difference(a: str, b: str, simulation: str | None) -> float:
    return float(np.linalg.norm(seen(a, simulation) - seen(b, simulation)))


LINES = {f"journey {n + 1}": c for n, c in enumerate(JOURNEY_COLOURS)}
LINES |= {f"route {status}": style["color"] for status, style in STATUS_STYLES.items()}


@pytest.mark.parametrize("name", sorted(LINES | MEANINGS))
def test_every_line_and_marker_keeps_3_to_1_on_what_it_lies_on(name):
    colour = (LINES | MEANINGS)[name]
    low = {ground: round(contrast(colour, c), 2) for ground, c in GROUNDS.items()}
    assert min(low.values()) >= 3, low


UNCASED = {f"big map journey {n + 1}": c for n, c in enumerate(BIG_MAP_COLOURS)}
UNCASED |= {f"route {status}": style["color"] for status, style in STATUS_STYLES.items()}


@pytest.mark.parametrize("name", sorted(UNCASED))
def test_a_big_maps_lines_keep_3_to_1_without_their_casing(name):
    low = {ground: round(contrast(UNCASED[name], c), 2) for ground, c in UNCASED_GROUNDS.items()}
    assert min(low.values()) >= 3, low


def test_a_big_maps_colours_are_journey_colours():
    """So they keep the journeys' other checks: apart from each other and from the legend."""
    assert set(BIG_MAP_COLOURS) <= set(JOURNEY_COLOURS)


def test_place_names_and_focus_rings_can_be_seen():
    assert contrast(BASEMAP_STYLE["names"], BASEMAP_STYLE["land"]) >= 4.5  # text
    assert contrast(FOCUS_COLOUR, "#ffffff") >= 3
    for leader in LEADER_STYLE["color"], LEADER_STYLE["nameColor"]:
        assert min(contrast(leader, ground) for ground in GROUNDS.values()) >= 3
    assert contrast(BASEMAP_STYLE["border"], BASEMAP_STYLE["land"]) < 3  # outlines stay quiet


@pytest.mark.parametrize("vision", SIMULATIONS)
def test_journey_colours_stay_apart_for_every_reader(vision):
    closest = min(
        (difference(a, b, SIMULATIONS[vision]), a, b)
        for a, b in itertools.combinations(JOURNEY_COLOURS, 2)
    )
    # 12 in CAM02-UCS: two lines of these colours are told apart at a glance.
    assert closest[0] >= 12, closest


def test_no_journey_takes_a_colour_that_means_something_in_the_legend():
    for colour in JOURNEY_COLOURS:
        for meaning, used in MEANINGS.items():
            assert difference(colour, used, None) >= 20, (colour, meaning)
            for vision, simulation in SIMULATIONS.items():
                assert difference(colour, used, simulation) >= 6, (colour, meaning, vision)


# At night (the reader's system set to dark): lines lie on a casing of the night's ground, over
# the dark base map.
NIGHT = DARK_STYLES["basemap"]
NIGHT_GROUNDS = {"casing": NIGHT_GROUND, "land": NIGHT["land"], "sea": NIGHT["sea"]}
NIGHT_LINES = {f"journey {n + 1} at night": DARK_COLOURS[c] for n, c in enumerate(JOURNEY_COLOURS)}
NIGHT_MEANINGS = {f"marker {role}": style["fillColor"] for role, style in MARKER_STYLES.items()}
NIGHT_MEANINGS.pop("marker stop")
NIGHT_MEANINGS |= {
    f"route {status} at night": style["color"] for status, style in DARK_STYLES["statuses"].items()
}


def test_every_day_colour_has_a_night_colour():
    day = set(JOURNEY_COLOURS) | {style["color"] for style in STATUS_STYLES.values()}
    assert set(DARK_COLOURS) == day


@pytest.mark.parametrize("name", sorted(NIGHT_LINES | NIGHT_MEANINGS))
def test_at_night_every_line_and_marker_keeps_3_to_1(name):
    colour = (NIGHT_LINES | NIGHT_MEANINGS)[name]
    grounds = (
        NIGHT_GROUNDS if name in NIGHT_LINES or name.startswith("route") else {"ring": "#ffffff"}
    )
    low = {ground: round(contrast(colour, c), 2) for ground, c in grounds.items()}
    assert min(low.values()) >= 3, low


@pytest.mark.parametrize("vision", SIMULATIONS)
def test_night_journey_colours_stay_apart_for_every_reader(vision):
    closest = min(
        (difference(a, b, SIMULATIONS[vision]), a, b)
        for a, b in itertools.combinations(NIGHT_LINES.values(), 2)
    )
    assert closest[0] >= 12, closest


def test_no_night_journey_takes_a_colour_that_means_something_in_the_legend():
    for colour in NIGHT_LINES.values():
        for meaning, used in NIGHT_MEANINGS.items():
            assert difference(colour, used, None) >= 20, (colour, meaning)
            for vision, simulation in SIMULATIONS.items():
                assert difference(colour, used, simulation) >= 6, (colour, meaning, vision)


def test_night_names_leaders_and_focus_can_be_seen():
    assert contrast(NIGHT["names"], NIGHT["land"]) >= 4.5
    assert contrast(DARK_STYLES["focus"], NIGHT_GROUND) >= 3
    for leader in DARK_STYLES["leader"]["color"], DARK_STYLES["leader"]["nameColor"]:
        assert min(contrast(leader, ground) for ground in NIGHT_GROUNDS.values()) >= 3
    assert contrast(NIGHT["border"], NIGHT["land"]) < 3  # outlines stay quiet


@pytest.mark.parametrize("role", sorted(MARKER_STYLES))
def test_a_hollow_dot_s_edge_and_an_area_s_halo_keep_3_to_1_by_day_and_at_night(role):
    """An inferred place's dot is hollow, with no white ring: its dashed edge lies on the map
    itself, as an area's halo does (ring_colour: its role's colour, or its night ringColor)."""
    day = ring_colour(MARKER_STYLES[role])
    night = ring_colour(MARKER_STYLES[role] | DARK_STYLES["markers"].get(role, {}))
    low = {
        f"day {ground}": round(contrast(day, BASEMAP_STYLE[ground]), 2)
        for ground in ("land", "sea")
    }
    low |= {
        f"night {ground}": round(contrast(night, colour), 2)
        for ground, colour in NIGHT_GROUNDS.items()
    }
    assert min(low.values()) >= 3, low
