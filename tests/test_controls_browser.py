"""The map's controls in a real Chromium, as a reader checks them: the layer control lists every
journey and group once, whatever their names (two alike, or `constructor` and `__proto__`), and
each entry switches its own lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from routemap.build import build
from routemap.load import read_places
from routemap.styles import STATUS_STYLES, journey_colours

DATA = Path(__file__).parent / "data"
NAMESAKES = DATA / "namesakes.yaml"


def rgb(colour: str) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


@pytest.fixture(scope="module")
def namesakes():
    return read_places(NAMESAKES)


@pytest.fixture(scope="module")
def namesakes_map(tmp_path_factory):
    out = tmp_path_factory.mktemp("namesakes") / "routes.html"
    build(NAMESAKES, out)
    return out


def control_entries(records) -> list[tuple[str, str, list[str]]]:
    """What the layer control lists, in the order of places.yaml: each journey a person
    describes, and each group of routes where its first route stands, as (name, swatch colour,
    the journeys it switches)."""
    colours = journey_colours(records.journeys)
    names = {group.id: group.name for group in records.groups}
    entries, groups = [], {}
    for journey in records.journeys:
        if journey.group is None:
            entries.append((journey.name, colours[journey.id], [journey.id]))
        elif journey.group in groups:
            groups[journey.group][2].append(journey.id)
        else:
            groups[journey.group] = (names[journey.group], STATUS_STYLES["sold-out"]["color"], [])
            groups[journey.group][2].append(journey.id)
            entries.append(groups[journey.group])
    return entries


ON_MAP = "ids => ids.filter(id => window.routeMap.map.hasLayer(window.routeMap.journeyLayers[id]))"


def test_the_layer_control_lists_every_journey_once_and_each_switches_its_own(
    namesakes_map, namesakes, open_map
):
    entries = control_entries(namesakes)
    # What the file is for: two entries alike in name and swatch, two groups of one name, and
    # names that are keys of every JavaScript object.
    looks = [(name, colour) for name, colour, _ in entries]
    assert (
        looks.count(("Leaving for Georgia", journey_colours(namesakes.journeys)["ana-by-car"])) == 2
    )
    assert looks.count(("Sold-out flights", STATUS_STYLES["sold-out"]["color"])) == 2
    assert {"constructor", "__proto__"} <= {name for name, _, _ in entries}
    assert len(entries) >= 7

    shown = open_map(namesakes_map, width=1440, height=900)  # the control is open this wide
    page = shown.page
    labels = page.locator(".leaflet-control-layers-overlays label")
    assert [text.strip() for text in labels.all_inner_texts()] == [
        name for name, _, _ in entries
    ] + ["Places"]
    swatches = labels.locator(".swatch").evaluate_all(
        "all => all.map(s => getComputedStyle(s).backgroundColor)"
    )
    assert swatches == [rgb(colour) for _, colour, _ in entries]

    every = [journey.id for journey in namesakes.journeys]
    assert page.evaluate(ON_MAP, every) == every
    for n, (name, _, ids) in enumerate(entries):
        box = labels.nth(n).locator("input")
        box.uncheck()
        assert page.evaluate(ON_MAP, every) == [i for i in every if i not in ids], (n, name)
        box.check()
        assert page.evaluate(ON_MAP, every) == every, (n, name)
    places = labels.nth(len(entries)).locator("input")
    places.uncheck()
    assert not page.evaluate("window.routeMap.map.hasLayer(window.routeMap.placeLayer)")
    assert page.evaluate(ON_MAP, every) == every
    places.check()
    assert page.evaluate("window.routeMap.map.hasLayer(window.routeMap.placeLayer)")
    assert shown.page_errors == [] and shown.console_errors == []
