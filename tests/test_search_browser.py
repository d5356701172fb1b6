"""The search box as a reader uses it: journeys, people, places, groups and quotes, found by
any of their words or a place's other names, forgiving small misspellings and the usual other
spellings, Cyrillic for Latin among them."""

from __future__ import annotations

import pytest

from routemap.build import build
from tests.conftest import SHIPPED_PLACES

LABEL = "Find a journey, person, place or quote"
IRA = (
    "Ira Lobanovskaya",
    "Person · founder of the NGO “Guide to the free World”, which “helps Russians leave the country against the war”",
)

# What a reader types, and the results they see first, in order (name, then kind).
SEARCHES = [
    # A person's name offers their journey first.
    ("Oleg", [("Oleg, from Kazan to Orenburg and across the border", "Journey")]),
    # People quoted without a journey are found by first or last name.
    ("Ira", [IRA]),
    ("Lobanovskaya", [IRA]),
    # A letter wrong, dropped or doubled.
    (
        "Bakku",
        [("Baku", "Destination · Azerbaijan"), ("Tatayana, from Irkutsk to Baku", "Journey")],
    ),
    ("Lobanovskya", [IRA]),
    ("Kazakstan", [("Kazakhstan", "Destination · Kazakhstan")]),
    # Other spellings: Saint / Sankt / St. and punctuation.
    ("Saint Petersburg", [("St. Petersburg", "Where a journey starts · Russia")]),
    ("sankt-peterburg", [("St. Petersburg", "Where a journey starts · Russia")]),
    # The start of a name; then journeys whose legs pass there.
    (
        "vladi",
        [
            ("Vladikavkaz", "Stop on the way · Russia"),
            ("Igor, from St. Petersburg to Georgia", "Journey"),
            ("Upper Lars checkpoint (Russia–Georgia)", "Border crossing · Russia"),
        ],
    ),
    # Typed in Cyrillic (a reader of the Russian page): spelled in Latin as anyascii does.
    ("Олег", [("Oleg, from Kazan to Orenburg and across the border", "Journey")]),
    ("Баку", [("Baku", "Destination · Azerbaijan")]),
    ("Лобановская", [IRA]),
    # A group of routes, by a word of its name.
    ("sold", [("Sold-out and costly flights", "Routes the articles discuss")]),
]


def results(page) -> list[tuple[str, str]]:
    names = page.locator(".search-results .result-name").all_inner_texts()
    kinds = page.locator(".search-results .result-kind").all_inner_texts()
    return list(zip(names, kinds))


@pytest.mark.parametrize(("query", "first"), SEARCHES, ids=[q for q, _ in SEARCHES])
def test_search_offers_what_the_reader_meant_first(shipped_map, open_map, query, first):
    page = open_map(shipped_map).page
    page.get_by_label(LABEL).fill(query)
    assert results(page)[: len(first)] == first


def test_a_misspelling_is_not_offered_when_the_word_is_spelt_as_typed(shipped_map, open_map):
    page = open_map(shipped_map).page
    page.get_by_label(LABEL).fill("Oleg")
    # "oligarch" is a letter away from "olig…", but Oleg himself is on the map.
    assert not any("oligarch" in name for name, _ in results(page))


def test_a_quote_is_found_by_its_words_and_opens_where_it_is_shown(shipped_map, open_map):
    page = open_map(shipped_map).page
    page.get_by_label(LABEL).fill("lied")
    found = results(page)
    assert ("“Putin lied that there will be no mobilization”", "Quote · Anton") in found
    page.locator(".search-results .result", has_text="Putin lied").click()
    page.wait_for_selector(".leaflet-popup-content blockquote")
    quotes = page.locator(".leaflet-popup-content blockquote").all_inner_texts()
    assert "Putin lied that there will be no mobilization" in quotes


def test_enter_opens_the_first_result_and_the_status_counts_them(shipped_map, open_map):
    page = open_map(shipped_map).page
    box = page.get_by_label(LABEL)
    box.fill("Oleg")
    # The status counts every result; the list shows the first eight.
    count = int(page.locator(".search-status").inner_text().removesuffix(" results"))
    assert len(results(page)) == min(count, 8) and count > 1
    box.press("Enter")
    page.wait_for_selector(".leaflet-popup-content h2")
    assert page.locator(".leaflet-popup-content h2").inner_text() == (
        "Oleg, from Kazan to Orenburg and across the border"
    )


def test_a_place_found_opens_its_popup(shipped_map, open_map):
    page = open_map(shipped_map).page
    page.get_by_label(LABEL).fill("Orenburg")
    page.locator(".search-results .result", has_text="Stop on the way").click()
    page.wait_for_selector(".leaflet-popup-content h2")
    assert page.locator(".leaflet-popup-content h2").inner_text() == "Orenburg"


def test_journeys_here_in_a_place_popup_open_those_journeys(shipped_map, open_map):
    shown = open_map(shipped_map)
    shown.click_marker("moscow")
    popup = shown.page.locator(".leaflet-popup-content")
    popup.get_by_role("button", name="Ilya, from Moscow to Kazakhstan").click()
    # (after the flight to the journey, which a loaded machine may draw slowly)
    shown.page.locator(".leaflet-popup-content h2", has_text="Ilya, from Moscow").wait_for(
        timeout=15_000
    )


def test_words_that_are_names_of_javascript_properties_find_nothing(shipped_map, open_map):
    page = open_map(shipped_map).page
    for word in ("constructor", "__proto__", "toString"):
        page.get_by_label(LABEL).fill(word)
        assert results(page) == []
        assert page.locator(".search-status").inner_text() == "0 results"


@pytest.fixture(scope="module")
def also_called_map(tmp_path_factory):
    """The shipped map with other names for Upper Lars, as an editor would add them."""
    folder = tmp_path_factory.mktemp("also")
    text = SHIPPED_PLACES.read_text(encoding="utf-8")
    named = "    name: Upper Lars checkpoint (Russia–Georgia)\n"
    assert named in text
    text = text.replace(named, named + "    also_called: [Verkhny Lars, Верхний Ларс]\n")
    (folder / "places.yaml").write_text(text, encoding="utf-8")
    build(folder / "places.yaml", folder / "routes.html")
    return folder / "routes.html"


UPPER_LARS = ("Upper Lars checkpoint (Russia–Georgia)", "Border crossing · Russia")


@pytest.mark.parametrize("query", ["Verkhny Lars", "verkhniy", "Верхний Ларс"])
def test_a_place_is_found_by_its_other_names_and_its_popup_lists_them(
    also_called_map, open_map, query
):
    page = open_map(also_called_map).page
    page.get_by_label(LABEL).fill(query)
    assert results(page)[0] == UPPER_LARS
    page.get_by_label(LABEL).press("Enter")
    line = page.locator(".leaflet-popup-content .also-called")
    line.wait_for()
    assert line.inner_text() == "Also called: Verkhny Lars, Верхний Ларс"


def test_the_russian_page_finds_latin_names_typed_in_cyrillic(tmp_path, open_map):
    build(SHIPPED_PLACES, tmp_path / "ru.html", lang="ru")
    page = open_map(tmp_path / "ru.html").page
    page.locator("#route-search").fill("Олег")
    assert page.locator(".search-results .result-name").first.inner_text() == (
        "Oleg, from Kazan to Orenburg and across the border"
    )
