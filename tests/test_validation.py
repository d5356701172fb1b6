"""Every mistake an editor can make in places.yaml gets one clear message with its place.

Each case changes one thing in tests/data/minimal.yaml (a valid file) and gives the exact
lines `routes check` must print, after `Error: `, with `F` standing for the file's path.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from routemap.cli import main

MINIMAL = Path(__file__).parent / "data" / "minimal.yaml"

CASES = [
    (
        "a no-break space in the indentation (it looks like a space; pasted text has it)",
        ("    kind: city\n    country: AM\n", "    kind: city\n  \u00a0 country: AM\n"),
        [
            "F:22:3: YAML syntax: a no-break space (U+00A0) in this line's indentation, which YAML "
            "does not take for a space (it looks like one; pasted text often has it) — replace it "
            "with an ordinary space"
        ],
    ),
    (
        "a leg written without its dash after one on a line of its own",
        (
            "      - {to: yerevan, mode: car, when: tomorrow}\n",
            "      - {to: yerevan, mode: car, when: tomorrow}\n        to: tbilisi\n"
            "        mode: car\n",
        ),
        [
            "F:33:9: YAML syntax: this line's indentation does not match the lines around it — "
            "indent it like the other keys of the same entry (two spaces a level); if a new entry "
            "starts here, begin it with `- `"
        ],
    ),
    (
        "a group no journey is in: the page would show nothing of it",
        (
            "journeys:\n",
            "groups:\n  - id: flights\n    name: Flights\n    sources: [paper]\njourneys:\n",
        ),
        [
            "F:26:9: the group “flights” has no journeys, so the map would show nothing of it, "
            "its note and quotes neither — add `group: flights` to the routes it holds, or remove "
            "the group"
        ],
    ),
    (
        "a journey whose id is a group's",
        (
            "journeys:\n  - id: ana\n",
            "groups:\n  - id: ana\n    name: Ana's routes\n    sources: [paper]\n"
            "journeys:\n  - id: ana\n    group: ana\n",
        ),
        [
            "F:30:9: the id “ana” is a group's and a journey's — give the journey an id of its "
            "own: the map's links, panel and search would take one for the other"
        ],
    ),
    (
        "a misspelt key taken in by a merge key: at the anchor, where it is written",
        (
            "    kind: city\n    country: GE\n",
            "    <<: {kind: city, contry: GE}\n    country: GE\n",
        ),
        [
            "F:15:22: unknown key `contry` — did you mean `country`? Allowed here: id, name, kind, "
            "country, lat, lon, note, also_called, sources, accounts, inferred, approximate, "
            "query, geocoder, precision"
        ],
    ),
    (
        "a wrong value two places take in by one merge key: once, at the anchor",
        (
            "    kind: city\n    country: GE\n    lat: 41.69143\n    lon: 44.83412\n"
            "  - id: yerevan\n    name: Yerevan\n    kind: city\n    country: AM\n",
            "    <<: &city {kind: city, country: 5}\n    lat: 41.69143\n    lon: 44.83412\n"
            "  - id: yerevan\n    name: Yerevan\n    <<: *city\n",
        ),
        ["F:15:37: `country` must be text, not 5 — put the value in quotes"],
    ),
    (
        "a leg to a place that does not exist",
        ("{to: yerevan", "{to: yerevn"),
        [
            "F:32:14: the place “yerevn” is not in places — did you mean “yerevan”? Or add “yerevn” to places"
        ],
    ),
    (
        "a journey's start written `start:` (the records' own name, which they take too), to a "
        "place that does not exist",
        ("    from: tbilisi", "    start: tbilisy"),
        [
            "F:30:12: the place “tbilisy” is not in places — did you mean “tbilisi”? Or add "
            "“tbilisy” to places"
        ],
    ),
    (
        "a quote by a person who does not exist",
        ("speaker: ana", "speaker: anna"),
        [
            "F:35:14: the speaker “anna” is not in people — did you mean “ana”? Or add “anna” to people"
        ],
    ),
    (
        "a quote citing a source that does not exist",
        ("    source: paper", "    source: papr"),
        [
            "F:36:13: the source “papr” is not in sources — did you mean “paper”? Or add “papr” to sources"
        ],
    ),
    (
        "a duplicate id",
        ("  - id: yerevan", "  - id: tbilisi"),
        [
            "F:19:9: the id “tbilisi” is used twice in places — give each entry its own id",
            "F:32:14: the place “yerevan” is not in places — use one of: tbilisi; or add “yerevan” to places",
        ],
    ),
    (
        "a duplicate key",
        ("    name: Tbilisi\n", "    name: Tbilisi\n    name: Again\n"),
        [
            "F:15:5: `name` appears twice in one entry (first on line 14) — keep one; if a new "
            "entry starts here, begin it with `- `"
        ],
    ),
    (
        "a new entry without its dash: its keys join the entry above",
        ("  - id: yerevan\n", "    id: yerevan\n"),
        [
            "F:19:5: `id` appears twice in one entry (first on line 13) — keep one; if a new "
            "entry starts here, begin it with `- `"
        ],
    ),
    (
        "a latitude out of range",
        ("lat: 41.69143", "lat: 141.69143"),
        ["F:17:10: latitude 141.69143 is out of range — a latitude goes from -90 to 90"],
    ),
    (
        "a longitude out of range",
        ("lon: 44.83412", "lon: -181"),
        ["F:18:10: longitude -181 is out of range — a longitude goes from -180 to 180"],
    ),
    (
        "a word where a number goes",
        ("lon: 44.83412", "lon: east"),
        ["F:18:10: `lon` is 'east', not a number — write a number here, like 55.75"],
    ),
    (
        "a missing required field",
        ("    kind: city\n    country: GE\n", "    country: GE\n"),
        ["F:13:5: `kind` is missing — add `kind:` here"],
    ),
    (
        "a word where a whole number goes",
        ("age: 30", "age: thirty"),
        ["F:10:10: `age` is 'thirty', not a whole number — write a whole number, like 29"],
    ),
    (
        "one value where a list goes",
        ("sources: [paper]", "sources: paper"),
        ["F:29:14: `sources` must be a list — write each entry on a line starting with `- `"],
    ),
    (
        "a number where text goes",
        ("  - text: I am leaving.", "  - text: 2022"),
        ["F:34:11: `text` must be text, not 2022 — put the value in quotes"],
    ),
    (
        "an unknown key",
        ("role: teacher", "rol: teacher"),
        [
            "F:11:5: unknown key `rol` — did you mean `role`? Allowed here: id, name, age, role, sources"
        ],
    ),
    (
        "a mode of travel that does not exist",
        ("mode: car", "mode: horse"),
        [
            "F:32:29: `mode` is 'horse', which is not one of the choices — use one of: "
            "'flight', 'car', 'bus', 'train', 'foot' or 'unspecified'"
        ],
    ),
    (
        "a precision that does not exist",
        ("    country: GE\n", "    country: GE\n    precision: street\n"),
        [
            "F:17:16: `precision` is 'street', which is not one of the choices — use one of: "
            "'exact', 'locality', 'region' or 'country'"
        ],
    ),
    (
        "an id with spaces and capitals",
        ("    person: ana", "    person: Ana Smith"),
        [
            "F:28:13: `person` 'Ana Smith' is not a valid id — use lowercase letters, digits and "
            "single dashes, like st-petersburg",
        ],
    ),
    (
        "a country by its three-letter code",
        ("country: GE", "country: GEO"),
        ["F:16:14: country 'GEO' is not an ISO 3166 code — write GE, Georgia's two-letter code"],
    ),
    (
        "a country's code in lowercase",
        ("country: GE", "country: ge"),
        ["F:16:14: country 'ge' is not an ISO 3166 code — write GE, Georgia's two-letter code"],
    ),
    (
        "a country that is not an ISO code",
        ("country: GE", "country: Georgia"),
        ["F:16:14: country 'Georgia' is not an ISO 3166 code — use two capital letters, like RU"],
    ),
    (
        "a url that is not a web address",
        ("    publisher: The Paper\n", "    publisher: The Paper\n    url: javascript:alert(1)\n"),
        [
            "F:6:10: a source's url must start with http:// or https:// — give the article's web address"
        ],
    ),
    (
        "a source with nothing to name it by",
        ("    publisher: The Paper\n    title: A story\n", ""),
        [
            "F:4:5: a source needs a `title:`, a `publisher:` or an `author:`, which the map "
            "names it by — give the article's headline as `title:`, or who published or wrote "
            "it as `publisher:` or `author:`"
        ],
    ),
    (
        "a quote tied to two things",
        ("    journey: ana\n", "    journey: ana\n    place: tbilisi\n"),
        [
            "F:34:5: a quote can belong to one journey, place or group at most (this one names "
            "journey and place) — keep one of `journey:`, `place:` or `group:` (or none, to list "
            "it in the panel only)"
        ],
    ),
    (
        "a bracket never closed, reported where it opens",
        ("    legs:\n", "    legs: [\n"),
        [
            "F:31:11: YAML syntax: the `[` opened here is never closed — close it with `]`, or "
            "list the entries on lines of their own"
        ],
    ),
    (
        "a brace never closed on its line",
        (
            "      - {to: yerevan, mode: car, when: tomorrow}\n",
            "      - {to: yerevan, mode: car, when: tomorrow\n",
        ),
        [
            "F:32:9: YAML syntax: the `{` opened here is never closed — close it with `}`, or "
            "list the entries on lines of their own"
        ],
    ),
    (
        "a missing colon, reported on its own line",
        ("    name: Ana\n", "    name Ana\n"),
        [
            "F:9:5: YAML syntax: this line has no colon after its key — write the key, a colon "
            "and a space, then the value, like `name: Oleg`"
        ],
    ),
    (
        "a second colon in a value",
        ("    role: teacher\n", "    role: teacher: of maths\n"),
        [
            "F:11:18: YAML syntax: a second colon in a value — put the whole value in double "
            'quotes, like `role: "teacher: of maths"`'
        ],
    ),
    (
        "a line indented too far",
        ("    kind: city\n    country: GE\n", "    kind: city\n      country: GE\n"),
        [
            "F:16:14: YAML syntax: this line is indented further than the one above — line its "
            "key up with the keys above it"
        ],
    ),
    (
        "a line indented too little",
        ("    age: 30\n", "   age: 30\n"),
        [
            "F:10:4: YAML syntax: this line's indentation does not match the lines around it — "
            "indent it like the other keys of the same entry (two spaces a level)"
        ],
    ),
    (
        "a quote never closed",
        ("  - text: I am leaving.\n", '  - text: "I am leaving.\n'),
        [
            "F:34:11: YAML syntax: the quote opened here is never closed — end the text with the same quote mark"
        ],
    ),
    (
        "a decimal comma",
        ("    lat: 41.69143\n", "    lat: 41,69143\n"),
        [
            "F:17:10: `lat` is '41,69143', not a number — use a dot as the decimal separator: 41.69143"
        ],
    ),
    (
        "a misspelt section, reported once (not again by every reference to it)",
        ("journeys:\n", "journeyz:\n"),
        [
            "F:25:1: unknown key `journeyz` — did you mean `journeys`? Allowed here: title, "
            "lang, dated, dated_inferred, sources, people, places, groups, journeys, quotes, unmapped"
        ],
    ),
    (
        "a section renamed to a word like no section, known by what it holds, once",
        ("places:\n", "locations:\n"),
        [
            "F:12:1: unknown key `locations` — did you mean `places`? Allowed here: title, "
            "lang, dated, dated_inferred, sources, people, places, groups, journeys, quotes, unmapped"
        ],
    ),
    (
        "a section renamed to a word near one the file has: not that one",
        ("journeys:\n", "routes:\n"),
        [
            "F:25:1: unknown key `routes` — did you mean `journeys`? Allowed here: title, "
            "lang, dated, dated_inferred, sources, people, places, groups, journeys, quotes, unmapped"
        ],
    ),
    (
        "a key with no value, said at its own line (not the next)",
        ("    name: Yerevan\n", "    name:\n"),
        [
            "F:20:5: `name` has no value — write it after `name: ` (a `#` there starts a "
            "comment: quote text that begins with #)"
        ],
    ),
    (
        "a value that starts with #, which makes it a comment",
        ("    name: Yerevan\n", "    name: #Yerevan\n"),
        [
            "F:20:5: `name` has no value — write it after `name: ` (a `#` there starts a "
            "comment: quote text that begins with #)"
        ],
    ),
    (
        # `routes geocode` would add the keys again beside the empty ones.
        "coordinates written with no value",
        ("    lat: 41.69143\n    lon: 44.83412\n", "    lat:\n    lon: ~\n"),
        [
            "F:17:5: `lat` has no value — write it after `lat: `, or remove `lat:` and `lon:` "
            "for `routes geocode` to look the place up",
            "F:18:5: `lon` has no value — write it after `lon: `, or remove `lat:` and `lon:` "
            "for `routes geocode` to look the place up",
        ],
    ),
    (
        "swapped latitude and longitude",
        ("    lat: 41.69143\n    lon: 44.83412\n", "    lat: 44.83412\n    lon: 41.69143\n"),
        [
            "F:17:10: “tbilisi” at lat 44.83412, lon 41.69143 is 168 km outside Georgia (GE) — "
            "did you swap lat and lon? lat: 41.69143, lon: 44.83412 is in Georgia"
        ],
    ),
    (
        "a point far outside its country",
        ("    country: GE\n", "    country: FI\n"),
        [
            "F:17:10: “tbilisi” at lat 41.69143, lon 44.83412 is 2,504 km outside Finland (FI) — "
            "check the coordinates and `country:` (a point may lie up to 60 km outside its "
            "country, for a border crossing)"
        ],
    ),
    (
        "a misspelt section that must be there, one line (not also “`places` is missing”)",
        ("places:\n", "placez:\n"),
        [
            "F:12:1: unknown key `placez` — did you mean `places`? Allowed here: title, lang, dated, "
            "dated_inferred, sources, people, places, groups, journeys, quotes, unmapped"
        ],
    ),
    (
        "a misspelt key a journey must have, one line",
        ("    from: tbilisi\n", "    frm: tbilisi\n"),
        [
            "F:30:5: unknown key `frm` — did you mean `from`? Allowed here: id, name, sources, from, legs, person, status, group, summary, from_inferred, accounts"
        ],
    ),
    (
        "a place's id under a misspelt key, one line (its references are not also refused)",
        ("  - id: yerevan\n", "  - di: yerevan\n"),
        [
            "F:19:5: unknown key `di` — did you mean `id`? Allowed here: id, name, kind, country, "
            "lat, lon, note, also_called, sources, accounts, inferred, approximate, query, geocoder, precision"
        ],
    ),
    (
        "a leg's `to` with its letters swapped, one line (not `note`, not also “`to` is missing”)",
        ("{to: yerevan, mode: car", "{ot: yerevan, mode: car"),
        [
            "F:32:10: unknown key `ot` — did you mean `to`? Allowed here: to, mode, when, note, "
            "inferred"
        ],
    ),
    (
        "a short key with two letters swapped",
        ("    lat: 41.69143\n", "    lta: 41.69143\n"),
        [
            "F:17:5: unknown key `lta` — did you mean `lat`? Allowed here: id, name, kind, country, "
            "lat, lon, note, also_called, sources, accounts, inferred, approximate, query, geocoder, precision"
        ],
    ),
    (
        "a place with a latitude and no longitude (refused by check, not only by the build)",
        ("    lon: 44.83412\n", ""),
        [
            "F:17:10: place “tbilisi” has only one of `lat:` and `lon:` — add `lon:`, or remove "
            "`lat:` too for `routes geocode` to look it up"
        ],
    ),
    (
        "a country code of no country",
        ("    country: GE\n", "    country: XX\n"),
        [
            "F:16:14: country “XX” is not a country's ISO 3166 code — use its country's "
            "two-letter code, like RU or GE"
        ],
    ),
    (
        "an unknown key like no allowed one",
        ("    from: tbilisi\n", "    from: tbilisi\n    xyzzy: 1\n"),
        [
            "F:31:5: unknown key `xyzzy` — remove it. Allowed here: id, name, sources, from, legs, person, status, group, summary, from_inferred, accounts"
        ],
    ),
    (
        "a point far off inside its country's bounding box (St Petersburg said to be in Norway)",
        (
            "    country: GE\n    lat: 41.69143\n    lon: 44.83412\n",
            "    country: NO\n    lat: 59.9386\n    lon: 30.3141\n",
        ),
        [
            "F:17:10: “tbilisi” at lat 59.9386, lon 30.3141 is 997 km outside Norway (NO) — "
            "check the coordinates and `country:` (a point may lie up to 60 km outside its "
            "country, for a border crossing)"
        ],
    ),
    (
        "a point inside its country's box but past the border crossing's margin",
        ("    lat: 41.69143\n    lon: 44.83412\n", "    lat: 43.2\n    lon: 46.0\n"),
        [
            "F:17:10: “tbilisi” at lat 43.2, lon 46.0 is 88 km outside Georgia (GE) — "
            "check the coordinates and `country:` (a point may lie up to 60 km outside its "
            "country, for a border crossing)"
        ],
    ),
    (
        "a value that starts with @",
        ("role: teacher", "role: @teacher"),
        [
            "F:11:11: YAML syntax: a value cannot start with `@` — put the whole value in double "
            'quotes, like `role: "@teacher"`'
        ],
    ),
    (
        "a value that starts with a backtick",
        ("role: teacher", "role: `teacher`"),
        [
            "F:11:11: YAML syntax: a value cannot start with a backtick — put the whole value in "
            'double quotes, like `role: "@teacher"`'
        ],
    ),
    (
        "a quote left open, closed by the next line's quote: said where it was opened",
        ("    role: teacher\n", '    role: "teacher\n    name: "Ana"\n'),
        [
            "F:11:11: YAML syntax: the quote opened here is not closed on its line — end the "
            'text with " on this line (the lines below were read as part of it)'
        ],
    ),
    (
        "a value that starts with |, which begins a block of text",
        ("role: teacher", "role: |teacher"),
        [
            "F:11:11: YAML syntax: `|` at the start of a value begins a block of text on the "
            'lines below — put the value in double quotes, like `role: "|teacher"`'
        ],
    ),
    (
        "a backslash in double quotes that is no escape",
        ("role: teacher", 'role: "a \\pteacher"'),
        [
            "F:11:14: YAML syntax: `\\p` is no escape in double quotes — write `\\\\` for a "
            "backslash, or put the value in single quotes"
        ],
    ),
    (
        "a dash with no space after it",
        ("  - id: yerevan", "  -id: yerevan"),
        [
            "F:19:3: YAML syntax: a `-` needs a space after it to start an entry — write "
            "`- id: yerevan`"
        ],
    ),
    (
        "a colon with no space after it",
        ("    name: Yerevan", "    name:Yerevan"),
        ["F:20:5: YAML syntax: a colon needs a space after it — write `name: ` and then the value"],
    ),
    (
        "a missing comma between two entries in braces",
        ("{to: yerevan, mode: car", "{to: yerevan mode: car"),
        [
            "F:32:22: YAML syntax: a comma is missing before `mode` — separate the entries in "
            "braces with commas, like `{to: yerevan, mode: car}`"
        ],
    ),
    (
        "a second colon in a value in braces",
        ("when: tomorrow}", "when: to: morrow}"),
        [
            "F:32:42: YAML syntax: a second colon in a value inside braces — put the value in "
            'double quotes, like `{when: "to: morrow"}`'
        ],
    ),
    (
        "a colon with no space after it, in braces: one line (not also “`mode` is missing”)",
        ("when: tomorrow", "when:tomorrow"),
        ["F:32:34: `when:tomorrow` has no space after its colon — write `when: tomorrow`"],
    ),
    (
        "a decimal comma in braces, where the comma ends the value",
        (
            "  - id: yerevan\n    name: Yerevan\n    kind: city\n    country: AM\n"
            "    lat: 40.17765\n    lon: 44.5126\n",
            "  - {id: yerevan, name: Yerevan, kind: city, country: AM, lat: 40,17765, lon: 44.5}\n",
        ),
        [
            "F:19:67: a number, 17765, stands where a key should — in braces a comma ends a "
            "value: use a dot as the decimal separator, like 40.78"
        ],
    ),
    (
        "an alias with no anchor",
        ("sources: [paper]", "sources: *papers"),
        [
            "F:29:14: YAML syntax: `*papers` names no anchor — mark the value it stands for with "
            "`&papers` above this line, or put the text in double quotes if the `*` is meant as "
            "it is"
        ],
    ),
    (
        "a list entry's first key without its colon, on its own line (not the next one's)",
        ("  - id: yerevan", "  - id yerevan"),
        [
            "F:19:5: YAML syntax: this line has no colon after its key — write the key, a colon "
            "and a space, then the value, like `name: Oleg`"
        ],
    ),
    (
        "text after a closing quote",
        ("role: teacher", 'role: "a" teacher'),
        [
            "F:11:15: YAML syntax: more text after the closing quote — put the whole value inside "
            'the quotes, like `role: "a teacher"`'
        ],
    ),
    (
        "an apostrophe inside single quotes",
        ("  - text: I am leaving.", "  - text: 'I didn't leave'"),
        [
            "F:34:19: YAML syntax: an apostrophe ends the text in single quotes — write "
            "`- text: \"I didn't leave\"` (in double quotes, or with each ' inside single quotes "
            "written twice)"
        ],
    ),
    (
        "an empty entry in a table",
        ("places:\n", "places:\n  -\n"),
        [
            "F:13:4: entry 1 of `places` is empty (a `-` with nothing after it) — write its keys "
            "after the `- `, like `- id: ...`, or delete the line"
        ],
    ),
    (
        "an empty leg",
        ("tomorrow}\n", "tomorrow}\n      -\n"),
        [
            "F:33:8: entry 2 of `legs` is empty (a `-` with nothing after it) — write its keys "
            "after the `- `, like `- to: ...`, or delete the line"
        ],
    ),
    (
        "a quote written as text alone",
        ("  - text: I am leaving.", "  - I am leaving.\n  - text: I am leaving."),
        [
            "F:34:5: entry 1 of `quotes` is 'I am leaving.', not a mapping of keys — write its "
            "keys after the `- `, like `- text: ...`, or delete the line"
        ],
    ),
    (
        "a language in capitals",
        ("title: A small map\n", "title: A small map\nlang: EN\n"),
        [
            "F:3:7: `lang` 'EN' is not a language tag — write the language's code in lowercase, "
            "like en or ru, with a region or script after a dash where needed (BCP 47), like "
            "pt-BR or sr-Latn"
        ],
    ),
    (
        "a bracket that closes nothing",
        ("sources: [paper]", "sources: [paper]]"),
        ["F:29:21: YAML syntax: a closing bracket that closes nothing — remove it"],
    ),
    (
        "tab indentation",
        ("    name: Ana\n", "\tname: Ana\n"),
        ["F:9:1: YAML syntax: a tab in the indentation — indent with spaces, not tabs"],
    ),
]


@pytest.mark.parametrize(
    ("change", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
def test_each_mistake_gets_its_message(tmp_path, capsys, change, expected):
    places = tmp_path / "places.yaml"
    text = MINIMAL.read_text(encoding="utf-8")
    assert change[0] in text
    places.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    assert main(["check", "--places", str(places)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert (
        captured.err
        == "Error: " + "\n".join(line.replace("F:", f"{places}:", 1) for line in expected) + "\n"
    )


WHOLE_FILE_CASES = [
    (
        "an empty file",
        b"",
        "F:1:1: the file is empty — start from the first example under “Editing places.yaml” in the README",
    ),
    (
        "only comments",
        b"# nothing here yet\n",
        "F:1:1: the file is empty — start from the first example under “Editing places.yaml” in the README",
    ),
    (
        "a file that is not a mapping",
        b"- kazan\n- moscow\n",
        "F:1:1: the file is not a mapping of keys (title:, sources:, places:, ...) — start from the first example under “Editing places.yaml” in the README",
    ),
    (
        # NEL ends a line for YAML, not for the editor: the column the parser gives lies past
        # the end of the line as the message's check for a runaway quote reads it.
        "a bracket left open before a next-line character",
        "{\u0085".encode(),
        "F:1:1: YAML syntax: the `{` opened here is never closed — close it with `}`, or list the entries on lines of their own",
    ),
    (
        "a CSV file given as the places file (the quotes' own export, say)",
        b'"quote","text","speaker"\n"1","I am leaving.","Ana"\n',
        "F:1:8: YAML syntax: the file reads as one value and then text YAML cannot go on with "
        "(is it a places file? a CSV, for one, reads so) — give the places file, written as "
        "`key: value` lines; its first line is like `title: ...`",
    ),
    (
        "bytes that are not UTF-8",
        b"title: caf\xe9\n",
        "F:1:11: byte 0xe9 is not UTF-8 text — save the file as UTF-8",
    ),
]


@pytest.mark.parametrize(
    ("content", "expected"), [c[1:] for c in WHOLE_FILE_CASES], ids=[c[0] for c in WHOLE_FILE_CASES]
)
def test_whole_file_mistakes(tmp_path, capsys, content, expected):
    places = tmp_path / "places.yaml"
    places.write_bytes(content)
    assert main(["check", "--places", str(places)]) == 1
    assert capsys.readouterr().err == "Error: " + expected.replace("F:", f"{places}:") + "\n"


def test_a_missing_file(tmp_path, capsys):
    missing = tmp_path / "places.yaml"
    assert main(["check", "--places", str(missing)]) == 1
    assert (
        capsys.readouterr().err
        == f"Error: {missing}:1:1: no such file in {tmp_path} — give the places file's path with "
        "--places, or create it (the first example under “Editing places.yaml” in the README is a "
        "whole file)\n"
    )


def test_every_problem_is_reported_at_once(tmp_path, capsys):
    text = MINIMAL.read_text(encoding="utf-8")
    for old, new in [
        ("lat: 41.69143", "lat: 95"),
        ("speaker: ana", "speaker: bob"),
        ("role: teacher", "rol: teacher"),
    ]:
        text = text.replace(old, new, 1)
    places = tmp_path / "places.yaml"
    places.write_text(text, encoding="utf-8")
    assert main(["check", "--places", str(places)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert [line.removeprefix("Error: ").split(": ")[0] for line in lines] == [
        f"{places}:11:5",
        f"{places}:17:10",
        f"{places}:35:14",
    ]


@pytest.mark.parametrize(
    ("change", "expected"), [case[1:] for case in CASES[:6]], ids=[case[0] for case in CASES[:6]]
)
def test_a_broken_file_writes_no_map(tmp_path, capsys, change, expected):
    places = tmp_path / "places.yaml"
    places.write_text(MINIMAL.read_text(encoding="utf-8").replace(*change, 1), encoding="utf-8")
    out = tmp_path / "routes.html"
    assert main(["--places", str(places), "--out", str(out)]) == 1
    assert not out.exists() and list(tmp_path.iterdir()) == [places]
    assert "Traceback" not in capsys.readouterr().err


HOSTILE_VALUES = [
    (
        "    role: teacher\n",
        '    role: "\\UFFFFFFFF"\n',
        "F:11:12: the escape \\UFFFFFFFF is not a character (Unicode ends at \\U0010FFFF) — write the "
        "character itself, or a code point up to \\U0010FFFF",
    ),
    (
        "    role: teacher\n",
        '    role: "\\U00110000"\n',
        "F:11:12: the escape \\U00110000 is not a character (Unicode ends at \\U0010FFFF) — write the "
        "character itself, or a code point up to \\U0010FFFF",
    ),
    (
        "    age: 30\n",
        "    age: !!int abc\n",
        "F:10:10: `!!int abc`: abc is not a whole number — remove the `!!int` tag, or write a whole number",
    ),
    (
        "    age: 30\n",
        "    age: !!float xyz\n",
        "F:10:10: `!!float xyz`: xyz is not a number — remove the `!!float` tag, or write a number",
    ),
    (
        "    age: 30\n",
        "    age: !!bool maybe\n",
        "F:10:10: `!!bool maybe`: maybe is not true or false — remove the `!!bool` tag, or write true or false",
    ),
    (
        "    age: 30\n",
        "    age: " + "[" * 400 + "]" * 400 + "\n",
        "F:10:74: brackets nested more than 64 deep — a places file needs at most a few levels: flatten it",
    ),
    (
        "    age: 30\n",
        "    age: " + "{a: " * 100_000 + "}" * 100_000 + "\n",
        "F:10:266: brackets nested more than 64 deep — a places file needs at most a few levels: flatten it",
    ),
    (
        "    role: teacher\n",
        "    role:\n      " + "- " * 5_000 + "x\n",
        "F:12:7: lists in lists (`- - - …`) nested too deep to read — a places file needs at most a "
        "few levels: flatten it",
    ),
    (
        "    age: 30\n",
        "    age: " + "9" * 5_000 + "\n",
        "F:10:10: `age` is a number of 5,000 digits, too long to read — no value in a places file "
        "needs one: check what was pasted here",
    ),
    (
        "title: A small map\n",
        "title: A small map\n? [1, 2]\n: v\n",
        "F:3:3: a key here is (1, 2), not a name — write keys as plain names, like `name:` (remove "
        "the `? ` before a list or mapping)",
    ),
    (
        "    country: GE\n",
        "    country: " + "X" * 100_000 + "\n",
        "F:16:14: country 'XXXXXXXXXXXXXXXXXXXXXXXXXXX...XXXXXXXXXXXXXXXXXXXXXXXXXXXX' is not an "
        "ISO 3166 code — use two capital letters, like RU",
    ),
    (
        "    kind: city\n",
        "    kind: [" + ", ".join(["city"] * 20_000) + "]\n",
        "F:15:11: `kind` is ['city', 'city', 'city', 'city', ...], which is not one of the choices "
        "— use one of: 'city', 'border-crossing', 'country', 'home' or 'meeting-point'",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), HOSTILE_VALUES)
def test_values_yaml_cannot_make_get_a_line_and_what_to_do(tmp_path, capsys, old, new, expected):
    places = tmp_path / "places.yaml"
    text = MINIMAL.read_text(encoding="utf-8")
    assert old in text
    places.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert main(["check", "--places", str(places)]) == 1
    assert capsys.readouterr().err == "Error: " + expected.replace("F:", f"{places}:", 1) + "\n"


def test_a_file_saved_with_two_byte_order_marks_reads_as_it_looks(tmp_path, capsys):
    places = tmp_path / "places.yaml"
    places.write_bytes(b"\xef\xbb\xbf\xef\xbb\xbf" + MINIMAL.read_bytes())
    assert main(["check", "--places", str(places)]) == 0


@pytest.mark.parametrize(
    ("lat", "lon"), [(41.0, 44.7), (40.8, 44.6)], ids=["24 km outside", "44 km outside"]
)
def test_a_border_crossing_may_lie_within_the_margin_outside_its_country(tmp_path, lat, lon):
    places = tmp_path / "places.yaml"
    text = MINIMAL.read_text(encoding="utf-8")
    places.write_text(
        text.replace("    lat: 41.69143\n    lon: 44.83412\n", f"    lat: {lat}\n    lon: {lon}\n"),
        encoding="utf-8",
    )
    assert main(["check", "--places", str(places)]) == 0
