"""The page's own words, per language: one table each under routemap/words/ (en.json, ru.json),
and country names from Babel's CLDR data, so no language's names are kept by hand here.

`routes --lang ru` builds the Russian page: every word the page says of itself (panel, legend,
controls, notices, search, link previews) comes from the table, the HTML's `lang` and `dir` are
the language's, and places.yaml's own texts (names, notes, quotes) stay in the language they
were written in, marked with their own `lang` (the sources' language) where it differs.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

from .errors import LanguageError

# Every table in routemap/words: a new language is a new table (with the same entries).
LANGUAGES = tuple(
    sorted(
        entry.name.removesuffix(".json")
        for entry in resources.files("routemap").joinpath("words").iterdir()
        if entry.name.endswith(".json")
    )
)
DEFAULT_LANGUAGE = "en"


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise LanguageError(
            f"--lang {lang}: the page's words come in {', '.join(LANGUAGES)} — choose one of them"
            " (or add a table under routemap/words/)"
        )
    return lang


@cache
def words(lang: str = DEFAULT_LANGUAGE) -> dict:
    """The language's table, without its `_about` note."""
    check_language(lang)
    text = resources.files("routemap").joinpath("words", f"{lang}.json").read_text("utf-8")
    return {key: value for key, value in json.loads(text).items() if not key.startswith("_")}


def say(lang: str, key: str, n: int | None = None, **fill) -> str:
    """One entry of the table, filled in; a plural entry chosen by `n` by the language's rules."""
    entry = words(lang)[key]
    if isinstance(entry, dict):
        entry = entry.get(_plural_form(lang, n), entry["other"])
        fill["n"] = n
    return re.sub(r"\{(\w+)\}", lambda m: str(fill.get(m.group(1), m.group(0))), entry)


def _plural_form(lang: str, n: int | None) -> str:
    from babel import Locale

    return Locale.parse(lang).plural_form(n or 0)


def country_names(codes, lang: str) -> dict[str, str]:
    """Each ISO 3166 code's name in the language (CLDR, through Babel); an unknown one as is."""
    from babel import Locale

    territories = Locale.parse(lang).territories
    return {code: territories.get(code, code) for code in codes}


def legend_labels(styles: dict, lang: str) -> dict:
    """The style table with each entry's `label` in the language (the table's `legend.*`
    entries); new dicts, so styles.py's own are never changed."""
    table = words(lang)

    def labelled(entry: dict, key: str) -> dict:
        return entry | {"label": table[key]} if key in table else dict(entry)

    out = dict(styles)
    for group in ("markers", "modes", "statuses"):
        out[group] = {
            name: labelled(style, f"legend.{group}.{name}") for name, style in styles[group].items()
        }
    for single in ("inferred", "inferredLeg", "area", "leader"):
        out[single] = labelled(styles[single], f"legend.{single}")
    return out


def basemap_names(lang: str) -> dict[str, str] | None:
    """The offline base map's country names in `lang`, by the ISO 3166 numeric id the Natural
    Earth outlines carry (pycountry gives the two-letter code, Babel the name); None for English,
    whose Natural Earth short names ("W. Sahara") the map keeps."""
    if lang == "en":
        return None
    import pycountry

    from .basemap import _shipped

    codes = {}
    for country in _shipped()["countries"]:
        found = pycountry.countries.get(numeric=country["id"]) if country.get("id") else None
        if found:
            codes[country["id"]] = found.alpha_2
    names = country_names(sorted(set(codes.values())), lang)
    return {number: names[code] for number, code in codes.items()}


# The blocks whose letters the search spells in Latin: Greek, Cyrillic and its supplement.
SPELLED_BLOCKS = (range(0x0370, 0x0400), range(0x0400, 0x0530))


@cache
def search_letters() -> dict[str, str]:
    """Each Greek and Cyrillic letter (lower case, without accents, as the page's search folds
    text) spelled in Latin by anyascii, so a reader of the Russian page who types "Олег" finds
    Oleg, and "Bakú" or "Баку" finds Baku: the search folds what is typed and what it searches
    alike. A soft or hard sign is spelled as nothing ("Игорь" is "igor")."""
    import unicodedata

    from anyascii import anyascii

    letters = {}
    for block in SPELLED_BLOCKS:
        for code in block:
            decomposed = unicodedata.normalize("NFD", chr(code).lower())
            letter = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
            if len(letter) != 1 or not letter.isalpha() or letter in letters:
                continue
            latin = anyascii(letter).lower().replace("'", "")
            if latin.isascii() and (latin.isalpha() or not latin):
                letters[letter] = latin
    return letters
