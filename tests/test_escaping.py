"""No text from places.yaml runs as script or markup in the page, whatever it holds."""

from __future__ import annotations

import json
import re

import pytest

from routemap.build import build
from routemap.load import read_places

from .hostile import HOSTILE, hostile_places_yaml


@pytest.fixture
def hostile_map(tmp_path):
    places = tmp_path / "places.yaml"
    places.write_text(hostile_places_yaml(), encoding="utf-8")
    out = tmp_path / "routes.html"
    build(places, out)
    return places, out


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def test_every_text_field_reaches_the_page_data_unchanged(hostile_map):
    places_path, out = hostile_map
    page = out.read_text(encoding="utf-8")
    block = re.search(
        r'<script type="application/json" id="route-data" data-encoding="json">(.*?)</script>',
        page,
        re.S,
    )
    data = json.loads(block.group(1))
    places = read_places(places_path)
    # Every text field of the file the page shows, as the page data carries it: none altered,
    # none lost. A source's author and caveat are shown within its name and label only.
    expected_fields = sum(1 for s in strings(places.model_dump(by_alias=True)) if s == HOSTILE)
    carried = sum(1 for s in strings(data) if s == HOSTILE)
    assert expected_fields == 33
    assert carried >= expected_fields - 2
    assert data["sources"][0]["label"] == f"{HOSTILE} ({HOSTILE})"


def test_no_hostile_markup_appears_raw_in_the_page(hostile_map):
    _, out = hostile_map
    page = out.read_text(encoding="utf-8")
    assert "<script>window.__pwned" not in page
    assert "<img src=x" not in page
    assert "<!-- '" not in page
    assert page.count("</script>") == page.count("<script")
    assert "<title>&lt;/script&gt;&lt;script&gt;" in page


def test_in_the_browser_nothing_runs_and_the_reader_sees_the_text(hostile_map, open_map):
    _, out = hostile_map
    shown = open_map(out)
    page = shown.page
    texts = page.evaluate(
        """() => {
            const seen = [];
            const m = window.routeMap;
            for (const marker of Object.values(m.markers)) {
                marker.openTooltip();
                seen.push(marker.getTooltip().getElement().textContent);
                m.openPlace(marker.routePlace.properties.id);
                seen.push(document.querySelector('.leaflet-popup-content').textContent);
                m.map.closePopup();
            }
            for (const [id, journey] of Object.entries(m.journeyLayers)) {
                const line = journey.getLayers()[0];
                journey.fire('mouseover', {latlng: line.getLatLngs()[0], sourceTarget: line});
                seen.push(document.querySelector('.leaflet-tooltip:not(.place-label)').textContent);
                journey.fire('mouseout');
                m.openLeg(id, 1);
                seen.push(document.querySelector('.leaflet-popup-content').textContent);
                m.map.closePopup();
            }
            document.querySelectorAll('.route-panel details').forEach(d => { d.open = true; });
            seen.push(document.querySelector('.route-panel').textContent);
            return seen;
        }"""
    )
    assert page.evaluate("window.__pwned") is None
    assert shown.page_errors == []
    assert len(texts) > 6
    missing = [t for t in texts if HOSTILE.replace("\u2028", "") not in t.replace("\u2028", "")]
    assert missing == []
    page.wait_for_timeout(300)  # the details' toggle handlers fill in each journey's text
    panel = page.locator(".route-panel").text_content()
    assert panel.count(HOSTILE) >= 8
    page.get_by_label("Find a journey, person, place or quote").fill("pwned")
    # Every kind of entry holds the hostile text, so results of each kind are listed, as text.
    names = page.locator(".search-results .result-name").all_inner_texts()
    assert len(names) == 8 and all(
        HOSTILE[:20] in name.replace("\u2028", "") or "…" in name for name in names
    )
    assert page.evaluate("window.__pwned") is None
    assert page.title() == HOSTILE
