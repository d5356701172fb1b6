"""How sure the map is, as a reader sees it in Chromium: inferences, relays, disagreements."""

from __future__ import annotations

RELAYED = (
    "Oleg, 29, sergeant in the Russian reserves, ordered to the local recruitment centre in Kazan to "
    "The Guardian, as quoted by Chingkheinganbi Mayengbam"
)


def test_an_inferred_leg_says_why_in_its_popup(shipped_map, open_map):
    shown = open_map(shipped_map)
    shown.page.evaluate("() => window.routeMap.openLeg('oleg', 1)")
    text = shown.popup_text()
    assert "Leg inferred: Neither article says he flew" in text
    assert (
        "Start inferred: The articles say Oleg was ordered to the local recruitment centre" in text
    )


def test_a_stated_leg_claims_no_inference(shipped_map, open_map):
    shown = open_map(shipped_map)
    shown.page.evaluate("() => window.routeMap.openLeg('moscow-istanbul', 1)")
    assert "Moscow → Istanbul" in shown.popup_text()  # the Guardian's "Direct flights from Moscow"
    assert "Leg inferred" not in shown.popup_text()


def test_inferred_legs_are_drawn_hollow_and_stated_ones_are_not(shipped_map, open_map):
    shown = open_map(shipped_map)
    hollow = shown.page.evaluate(
        """() => Object.fromEntries(Object.entries(window.routeMap.journeyLayers).map(([id, g]) =>
              [id, g.getLayers().filter(l => l.routeCore).length]))"""
    )
    assert hollow["oleg"] == 2  # the flight and the drive across the border
    # The flight to Vladikavkaz (from where, and whether direct, the editor's) and the drive to
    # the crossing; the Guardian's direct flight to Istanbul is stated, its Dubai flight is not.
    assert hollow["igor"] == 2
    assert hollow["moscow-istanbul"] == 0
    assert hollow["moscow-dubai"] == 1


def test_relayed_words_say_who_said_them_to_whom(shipped_map, open_map):
    shown = open_map(shipped_map)
    shown.page.evaluate("() => window.routeMap.openLeg('oleg', 2)")
    popup = shown.page.locator(".leaflet-popup-content")
    captions = popup.locator("figcaption").all_inner_texts()
    assert RELAYED in captions
    first = popup.locator(".quote-wordings").first
    assert first.locator("blockquote").all_inner_texts() == [
        "My heart sank when I got the call",
        "My heart sank when I got the call-up",
    ]


def test_where_the_sources_disagree_the_popup_shows_both(shipped_map, open_map):
    shown = open_map(shipped_map)
    shown.click_marker("st-petersburg")
    text = shown.popup_text()
    assert "The sources differ:" in text
    assert (
        "The Guardian (re-translated text): A photo caption says police came in on Wednesday"
        in text
    )
    assert "Chingkheinganbi Mayengbam: After OVD-Info's count of 1,300 people detained" in text


def test_the_panel_gives_the_same_distinctions_in_text(shipped_map, open_map):
    page = open_map(shipped_map).page
    panel = page.get_by_role("complementary", name="Journeys, quotes and search")
    assert "re-translation of the Guardian's article" in panel.inner_text()
    assert "Date inferred:" in panel.inner_text()
    page.locator("summary", has_text="Tatayana").click()
    assert (
        "Leg inferred: She “bought a plane ticket to Baku”"
        in page.locator(".journey-body").inner_text()
    )
    also = page.locator(".unplaced-section")
    assert "We’re seeing an even bigger exodus than when the war started" in also.inner_text()
    assert "Well, one thing is clear" in also.inner_text()
    unmapped = page.locator(".unmapped-section").inner_text()
    assert "Georgia: Igor's stated destination" in unmapped


def test_an_approximate_place_is_drawn_as_an_area(shipped_map, open_map):
    shown = open_map(shipped_map)
    halos = shown.page.evaluate(
        """() => window.routeMap.placeLayer.getLayers().filter(l => !l.routePlace)
              .map(l => [l.getLatLng().lat, l.getLatLng().lng, l.getRadius()])"""
    )
    # Kazakhstan (a country), Sagarchin and Kyakhta (points between two towns).
    assert sorted((lat, lon) for lat, lon, _ in halos) == [
        (48.0, 67.0),
        (50.33256, 106.47481),
        (50.82, 56.03),
    ]
    assert all(radius > 15 for *_, radius in halos)
    shown.click_marker("kazakhstan")
    assert "Approximate: this stands for an area, not an exact point." in shown.popup_text()
