"""The page in another language: `routes --lang ru` gives a Russian page (its own words from the
table, country names from CLDR, `lang` right, the articles' words marked as English), every
language's table has the same entries, and a right-to-left page holds its layout."""

from __future__ import annotations

import re

import pytest

from routemap.cli import main
from routemap.language import LANGUAGES, country_names, say, words
from routemap.load import read_places
from routemap.render import map_data, render_page

from .conftest import SHIPPED_PLACES

RECORDS = read_places(SHIPPED_PLACES)


def plain_entries(lang: str) -> dict[str, str]:
    """The table's entries that are shown as they are (no {fill}, no plural forms)."""
    return {
        k: v for k, v in words(lang).items() if isinstance(v, str) and "{" not in v and k != "dir"
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_table_has_the_same_entries_and_forms(lang):
    english = words("en")
    table = words(lang)
    assert set(table) == set(english)
    for key, entry in table.items():
        fills = set(re.findall(r"\{(\w+)\}", str(english[key])))
        if isinstance(entry, dict):
            assert "other" in entry, key
            for form in entry.values():
                assert set(re.findall(r"\{(\w+)\}", form)) <= fills | {"n"}, key
        else:
            assert set(re.findall(r"\{(\w+)\}", entry)) == fills, key


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "Здесь 1 маршрут"),
        (3, "Здесь 3 маршрута"),
        (5, "Здесь 5 маршрутов"),
        (21, "Здесь 21 маршрут"),
    ],
)
def test_russian_plurals_follow_russian_rules(n, expected):
    assert say("ru", "popup.routesHere", n) == expected


def test_country_names_come_from_cldr():
    assert country_names(["RU", "GE", "KZ"], "ru") == {
        "RU": "Россия",
        "GE": "Грузия",
        "KZ": "Казахстан",
    }
    assert country_names(["RU"], "en") == {"RU": "Russia"}


def test_an_unknown_language_is_refused_with_the_choices(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["--places", str(SHIPPED_PLACES), "--out", str(tmp_path / "m.html"), "--lang", "xx"])
    assert "invalid choice: 'xx' (choose from 'en', 'ru')" in capsys.readouterr().err


@pytest.fixture(scope="module")
def russian_map(tmp_path_factory):
    out = tmp_path_factory.mktemp("ru") / "routes.html"
    assert main(["--places", str(SHIPPED_PLACES), "--out", str(out), "--lang", "ru"]) == 0
    return out


def test_the_russian_page_says_everything_of_its_own_in_russian(russian_map, open_map):
    shown = open_map(russian_map, tiles=False)
    page = shown.page
    assert page.evaluate("document.documentElement.lang") == "ru"
    page.evaluate("window.routeMap.openPlace('upper-lars')")
    page.locator(".leaflet-popup-content h2").wait_for()
    text = page.evaluate("document.body.innerText")
    russian = plain_entries("ru")
    for key, english in plain_entries("en").items():
        if english != russian[key] and not key.startswith(
            ("noscript", "legend.modes.bus", "legend.modes.train", "legend.modes.foot")
        ):
            assert english not in text, (key, english)
    assert (
        "Пункт пропуска на границе · Россия"
        in page.locator(".leaflet-popup-content .kicker").inner_text()
    )
    assert page.locator(".route-legend summary").inner_text() == "Легенда"
    assert shown.page_errors == []


LEAFLET_ENGLISH = ("Zoom in", "Zoom out", "Layers", "Close popup")  # Leaflet's own button names


def test_the_russian_page_s_buttons_are_named_in_russian(russian_map, open_map):
    page = open_map(russian_map, tiles=False).page
    page.evaluate("window.routeMap.openPlace('upper-lars')")
    page.locator(".leaflet-popup-content h2").wait_for()
    russian = plain_entries("ru")
    for selector, key in [
        (".leaflet-control-zoom-in", "controls.zoomIn"),
        (".leaflet-control-zoom-out", "controls.zoomOut"),
        (".leaflet-control-layers-toggle", "controls.layers"),
    ]:
        button = page.locator(selector)
        assert (button.get_attribute("title"), button.get_attribute("aria-label")) == (
            russian[key],
            russian[key],
        ), selector
    # What a screen reader or a mouse's hover says, anywhere but the articles' own words.
    said = page.evaluate(
        """() => [...document.querySelectorAll('[title], [aria-label], [placeholder], [alt]')]
             .filter(e => !e.closest('[lang="en"]'))
             .flatMap(e => ['title', 'aria-label', 'placeholder', 'alt'].map(a => e.getAttribute(a)))
             .filter(Boolean)"""
    )
    english = set(plain_entries("en").values()) - set(russian.values())
    assert [text for text in said if text in english or text in LEAFLET_ENGLISH] == []


def test_the_tiles_credit_speaks_the_page_s_language_and_links_openstreetmap(
    russian_map, shipped_map, open_map
):
    for built, credit in [
        (russian_map, "© участники OpenStreetMap"),
        (shipped_map, "© OpenStreetMap contributors"),
    ]:
        page = open_map(built).page
        attribution = page.locator(".leaflet-control-attribution")
        assert credit in attribution.inner_text()
        link = attribution.get_by_role("link", name="OpenStreetMap")
        assert link.get_attribute("href") == "https://www.openstreetmap.org/copyright"


def test_on_the_russian_page_the_articles_words_are_marked_english_and_no_russian_word_is(
    russian_map, open_map
):
    page = open_map(russian_map, tiles=False).page
    page.evaluate("window.routeMap.openLeg('oleg', 1)")
    leg = page.locator(".leaflet-popup-content .leg")
    assert leg.locator('[lang="en"]', has_text="Kazan → Orenburg").count() == 1
    assert "Участок 1 из 2" in leg.inner_text()
    page.locator(".journey summary").first.click()
    page.locator(".leaflet-control-layers").hover()
    marked = page.evaluate(
        """() => [...document.querySelectorAll('[lang="en"]')].map(e => e.textContent)"""
    )
    # Nothing in the page's own Russian words is marked English.
    assert [text for text in marked if re.search("[А-Яа-яЁё]", text)] == []
    english = " ".join(marked)
    records = read_places(SHIPPED_PLACES)
    # The layer control's names: each journey of no group, and each group.
    for name in [j.name for j in records.journeys if not j.group] + [
        g.name for g in records.groups
    ]:
        assert name in english, name
    for source in records.sources:  # the sources' names where they are cited
        assert source.name in english, source.name
    assert "next week" in english  # a leg's `when:`, in the panel's leg list
    credit = page.locator('.leaflet-control-attribution a[href="https://leafletjs.com"]')
    assert credit.get_attribute("title") == plain_entries("ru")["credit.leaflet"]


def test_the_articles_words_stay_english_and_say_so(russian_map, open_map):
    page = open_map(russian_map, tiles=False).page
    page.evaluate("window.routeMap.openPlace('upper-lars')")
    quote = page.locator(".leaflet-popup-content blockquote").first
    assert quote.inner_text() == "collapsing"
    assert quote.get_attribute("lang") == "en"
    assert page.locator(".leaflet-popup-content h2").get_attribute("lang") == "en"
    # The page's own words carry no lang of their own: they are the page's.
    assert page.locator(".route-legend summary").get_attribute("lang") is None


def test_search_finds_a_place_by_its_russian_country_name(russian_map, open_map):
    page = open_map(russian_map, tiles=False).page
    page.get_by_label("Найти маршрут, человека, место или цитату").fill("Азербайджан")
    first = page.locator(".search-results .result").first
    first.wait_for()
    assert first.locator(".result-name").inner_text() == "Baku"
    assert page.locator(".search-status").inner_text() == "1 результат"


def test_a_right_to_left_page_holds_its_layout(tmp_path, open_map):
    """Logical CSS properties: with a Hebrew title and dir=rtl, the panel stands at the right,
    nothing overflows, the title reads right to left and the map's controls stay in reach."""
    data = map_data(RECORDS) | {"title": "מסלולים מרוסיה", "downloads": None}
    data["words"] = data["words"] | {"dir": "rtl"}
    out = tmp_path / "rtl.html"
    out.write_text(render_page(data), encoding="utf-8")
    for width, height in [(1280, 800), (390, 844)]:
        shown = open_map(out, width, height, tiles=False)
        page = shown.page
        boxes = page.evaluate(
            """() => ['.route-panel', '.folium-map', '.panel-head h1'].map(s => {
                 const r = document.querySelector(s).getBoundingClientRect(); return [r.left, r.right]; })"""
        )
        panel, mapbox, title = boxes
        if width >= 900:
            assert panel[0] >= mapbox[1] - 1  # the panel on the right, the map on its left
        assert page.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        )
        assert (
            page.evaluate("getComputedStyle(document.querySelector('.panel-head h1')).direction")
            == "rtl"
        )
        assert title[1] <= panel[1] + 1 and title[0] >= panel[0] - 1
        quote_rule = page.evaluate(
            """() => { const q = document.querySelector('.route-panel .inferred');
                       return [getComputedStyle(q).borderRightStyle, getComputedStyle(q).borderLeftStyle]; }"""
        )
        assert quote_rule == ["dashed", "none"]  # the rule on the side the lines start
        # English from places.yaml keeps its own order on the right-to-left page (its full
        # stop at its end), the Hebrew title its own.
        directions = page.evaluate(
            """() => ['.source-note', '.panel-head h1'].map(s =>
                 getComputedStyle(document.querySelector(s)).direction)"""
        )
        assert directions == ["ltr", "rtl"]
        assert shown.page_errors == []


def test_a_places_file_written_in_hebrew_is_marked_so_and_reads_right_to_left(tmp_path, open_map):
    """`lang:` names the language places.yaml is written in: the page (in its own words'
    language) marks that text with it, and it takes its own direction."""
    text = SHIPPED_PLACES.read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title:"))
    places = tmp_path / "places.yaml"
    places.write_text(text.replace(title, "title: מסלולים מרוסיה\nlang: he", 1), encoding="utf-8")
    out = tmp_path / "he.html"
    assert main(["--places", str(places), "--out", str(out)]) == 0
    page = open_map(out, tiles=False).page
    assert page.evaluate("[document.documentElement.lang, document.documentElement.dir]") == [
        "en",
        "ltr",
    ]
    heading = page.locator(".panel-head h1")
    assert heading.get_attribute("lang") == "he"
    assert heading.evaluate("h => getComputedStyle(h).direction") == "rtl"
    assert heading.inner_text() == "מסלולים מרוסיה"


def test_the_still_image_speaks_the_pages_language(tmp_path):
    out = tmp_path / "map.svg"
    assert main(["image", "--places", str(SHIPPED_PLACES), "--out", str(out), "--lang", "ru"]) == 0
    svg = out.read_text(encoding="utf-8")
    for russian in (
        "Откуда начинается маршрут",
        "Направление движения",
        "Источники: The Guardian",
        "Россия",
        "Границы: Natural Earth",
    ):
        assert russian in svg, russian
    assert "Where a journey starts" not in svg and "Direction of travel" not in svg


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_core_finds_no_violation_on_the_russian_page(russian_map, open_map, scheme):
    from axe_playwright_python.sync_playwright import Axe

    page = open_map(russian_map, scheme=scheme).page
    page.evaluate("window.routeMap.openPlace('upper-lars')")
    page.locator(".leaflet-popup-content h2").wait_for()
    page.wait_for_timeout(500)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()
