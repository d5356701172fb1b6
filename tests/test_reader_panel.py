"""The reader's panel and search: the map's text alternative, by keyboard, on a desktop and a phone."""

from __future__ import annotations

from pathlib import Path

from routemap.load import read_places

from .conftest import SHIPPED_PLACES

RECORDS = read_places(SHIPPED_PLACES)
# Places the panel has an entry for: those with a note or a quote.
PLACES_TOLD = [
    p.name for p in RECORDS.places if p.note or any(q.place == p.id for q in RECORDS.quotes)
]


def test_the_panel_is_a_landmark_with_headings(shipped_map, open_map):
    page = open_map(shipped_map).page
    panel = page.get_by_role("complementary", name="Journeys, quotes and search")
    assert panel.get_by_role("heading", level=1).inner_text().startswith("Routes out of Russia")
    assert [h.inner_text() for h in panel.get_by_role("heading", level=2).all()] == [
        "Journeys",
        "Routes the articles discuss",
        "Places",
        "Also quoted",
        "Named in the articles, not on the map",
        "The data",
    ]
    assert [h.inner_text().strip() for h in panel.get_by_role("heading", level=3).all()] == [
        "Oleg, from Kazan to Orenburg and across the border",
        "Igor, from St. Petersburg to Georgia",
        "Tatayana, from Irkutsk to Baku",
        "Ilya, from Moscow to Kazakhstan",
        "Sold-out and costly flights",
        *PLACES_TOLD,
    ]
    assert page.get_by_role("region", name="Map").count() == 1
    assert page.get_by_role("search").count() == 1


def test_a_journey_chosen_by_keyboard_opens_its_text_and_flies_the_map_to_it(shipped_map, open_map):
    page = open_map(shipped_map).page
    page.locator("summary", has_text="Tatayana").focus()
    page.keyboard.press("Enter")
    body = page.locator(".journey-body")
    assert "Irkutsk → Baku · by plane · next week" in body.inner_text()
    assert body.locator("figure blockquote").all_inner_texts() == [
        "I know that doctors have to treat people, that’s our duty",
        "But I believe that the sooner this terrible war ends, the fewer people will die.",
    ]
    page.wait_for_selector(".leaflet-popup-content")
    popup = page.locator(".leaflet-popup-content").inner_text()
    assert "Tatayana, from Irkutsk to Baku" in popup  # the whole journey: every leg, in order
    assert "Irkutsk → Baku · by plane · next week" in popup
    in_view = page.evaluate(
        "() => { const m = window.routeMap.map; const b = m.getBounds();"
        " return b.contains(window.routeMap.markers.irkutsk.getLatLng()) && b.contains(window.routeMap.markers.baku.getLatLng()); }"
    )
    assert in_view


def test_on_a_phone_the_panel_folds_and_a_chosen_journey_shows_on_the_map(
    shipped_map, open_map, tmp_path
):
    page = open_map(shipped_map, width=390, height=844).page
    body = page.locator(".panel-body")
    assert not body.is_visible()
    page.screenshot(path=tmp_path / "phone-map.png", animations="disabled")
    toggle = page.locator(".panel-toggle")
    assert toggle.inner_text() == "Journeys & search"
    toggle.click()
    assert body.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    page.screenshot(path=tmp_path / "phone-panel.png", animations="disabled")
    page.locator("summary", has_text="Igor").click()
    page.wait_for_selector(".leaflet-popup-content")
    assert not body.is_visible()  # folded away so the map and its popup can be seen
    page.wait_for_timeout(400)
    box = page.locator(".leaflet-popup").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert box["y"] >= 0 and box["y"] + box["height"] <= 844
    page.screenshot(path=tmp_path / "phone-popup.png", animations="disabled")
    assert (tmp_path / "phone-popup.png").stat().st_size > 10_000


def test_on_a_desktop_the_panel_and_map_sit_side_by_side(shipped_map, open_map):
    page = open_map(shipped_map).page
    panel = page.locator(".route-panel").bounding_box()
    map_box = page.locator(".folium-map").bounding_box()
    assert panel["x"] == 0 and panel["width"] == 360
    assert map_box["x"] == 360 and map_box["width"] == 1280 - 360 and map_box["height"] == 800


def test_every_place_quoted_or_described_has_an_entry_with_its_words(shipped_map, open_map):
    """The panel is the text alternative: a place's note and quotes are in it, not only in the
    place's popup."""
    page = open_map(shipped_map).page
    entries = page.locator(".places-section .journey")
    assert [e.inner_text().strip() for e in entries.all()] == PLACES_TOLD
    upper_lars = page.locator(".places-section .journey[data-place=upper-lars]")
    upper_lars.locator("summary").click()
    upper_lars.locator(".journey-body").wait_for()
    quotes = [q.text for q in RECORDS.quotes if q.place == "upper-lars"]
    assert upper_lars.locator("blockquote").all_inner_texts() == quotes
    page.locator(".leaflet-popup-content h2", has_text="Upper Lars").wait_for()


def test_the_reader_can_download_the_data(shipped_map, open_map):
    """The links give the same files as `routes export`: the GeoJSON and the quotes CSV."""
    import json

    from routemap.export import geojson, quotes_csv

    page = open_map(shipped_map).page
    section = page.locator(".downloads-section")
    for name, expected in [
        ("Places and journeys (GeoJSON)", None),
        ("Quotes (CSV, one row per wording)", quotes_csv(RECORDS)),
    ]:
        with page.expect_download() as waiting:
            section.get_by_role("link", name=name).click()
        download = waiting.value
        text = Path(download.path()).read_bytes().decode("utf-8")  # as written: CRLF rows
        if expected is None:
            assert download.suggested_filename == "routes.geojson"
            assert json.loads(text) == json.loads(json.dumps(geojson(RECORDS, for_readers=True)))
        else:
            assert download.suggested_filename == "routes-quotes.csv"
            assert text == expected
