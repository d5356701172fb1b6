"""A hostile or broken places file costs bounded time and memory, and every command reads a file
the same way.

The resource cases count work rather than time where they can (how often the file is parsed, how
many lines a message has); the alias bomb runs in a child process with a memory limit and a
timeout far above what the tool needs (0.2 s, 60 MB) and far below what a tool that expands the
aliases takes (minutes, gigabytes), so a regression fails rather than hangs the suite.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from routemap import load
from routemap.cli import main
from routemap.errors import SHOWN_PROBLEMS, PlacesFileError
from routemap.load import read_places

from .fake_nominatim import FakeNominatim

MINIMAL = Path(__file__).parent / "data" / "minimal.yaml"
ARTICLES = Path(__file__).parent / "data" / "articles"


def alias_bomb(levels: int, width: int = 9) -> str:
    """The billion laughs in YAML: each anchor a list of `width` aliases of the one before."""
    lines = ['title: &a0 "lol"']
    for level in range(1, levels + 1):
        lines.append(f"a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_at_the_alias_that_goes_past_the_budget(tmp_path):
    places = tmp_path / "places.yaml"
    places.write_text(alias_bomb(9), encoding="utf-8")
    assert len(places.read_bytes()) < 1_300  # the 1.2 kB file
    script = textwrap.dedent(
        f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (1_500_000_000, 1_500_000_000))
        from routemap.cli import main
        sys.exit(main(["check", "--places", {str(places)!r}]))
        """
    )
    # 1.5 GB of address space and 60 s: the tool needs a tenth of each; expanding 9 levels of 9
    # took 98 s and 8 GB.
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1, done.stderr[-2000:]
    assert done.stderr == (
        f"Error: {places}:6:10: aliases here would make the 13 values this file writes into over "
        "15,679 (`*a4` stands for 7,381) — write the values out, or use aliases only for a few "
        "shared values\n"
    )


def test_shared_values_by_anchor_and_merge_key_are_still_welcome(tmp_path, capsys):
    """Aliases for what a file shares (a source list, a place's common keys) stay valid."""
    text = MINIMAL.read_text(encoding="utf-8")
    text = text.replace("    sources: [paper]\n", "    sources: &cited [paper]\n")
    text = text.replace(
        "    kind: city\n    country: AM\n", "    <<: &armenian-city {kind: city, country: AM}\n"
    )
    journeys = "\n".join(
        f"  - {{id: j{n}, name: J{n}, person: ana, sources: *cited, from: tbilisi,"
        " legs: [{to: yerevan, mode: car}]}"
        for n in range(300)
    )
    text = text.replace("quotes:\n", journeys + "\nquotes:\n")
    places = tmp_path / "places.yaml"
    places.write_text(text, encoding="utf-8")
    assert main(["check", "--places", str(places)]) == 0
    assert capsys.readouterr().out == f"{places} is valid: 2 places, 301 journeys, 1 quote.\n"
    yerevan = read_places(places).places[1]
    assert (yerevan.kind, yerevan.country) == ("city", "AM")


@pytest.fixture
def dated(tmp_path):
    """The minimal file with a leg dated as YAML 1.1 would read a date, a source file for
    --articles, and Yerevan's coordinates left for geocoding."""
    text = MINIMAL.read_text(encoding="utf-8")
    text = text.replace("when: tomorrow", "when: 2022-09-21")
    text = text.replace("    title: A story\n", "    title: A story\n    file: paper.txt\n")
    text = text.replace("    lat: 40.17765\n    lon: 44.5126\n", "")
    places = tmp_path / "places.yaml"
    places.write_text(text, encoding="utf-8")
    return places


def test_a_date_is_one_answer_for_every_command(dated, httpserver, capsys, tmp_path):
    """`when: 2022-09-21` is the text 2022-09-21 whichever parser reads the file (the build's
    fast one, or ruamel for geocoding and the articles check), never a date in one and an error
    in the other."""
    fake = FakeNominatim(httpserver)
    articles = tmp_path / "articles"
    articles.mkdir()
    story = (ARTICLES / "paper.txt").read_text(encoding="utf-8")
    (articles / "paper.txt").write_text(story + "\nShe left on 2022-09-21.\n", encoding="utf-8")
    assert main(["check", "--places", str(dated)]) == 0
    assert main(["check", "--places", str(dated), "--articles", str(articles)]) == 0
    assert main(["geocode", "--places", str(dated), "--nominatim-url", fake.url]) == 0
    assert main(["--places", str(dated), "--out", str(tmp_path / "map.html")]) == 0
    assert "Error" not in capsys.readouterr().err
    assert read_places(dated).journeys[0].legs[0].when == "2022-09-21"
    document = load.parse_document(dated.read_text(encoding="utf-8"), dated)
    assert load.validate(document, dated).journeys[0].legs[0].when == "2022-09-21"


def flood(count: int) -> str:
    """A file whose every place has the same mistake (a country that is no code)."""
    head = MINIMAL.read_text(encoding="utf-8").split("places:\n")[0]
    entries = "".join(
        f"  - id: p{n}\n    name: P{n}\n    kind: city\n    country: Georgia\n"
        f"    lat: 41.7\n    lon: 44.8\n"
        for n in range(count)
    )
    return head + "places:\n" + entries


def test_a_mistake_in_every_entry_gives_the_first_fifty_and_a_count(tmp_path, capsys, monkeypatch):
    """20,000 broken places: 51 lines, not 20,000, and the lines come from the file's layout
    without ruamel parsing the whole file again (it took 38 s and 1 GB)."""
    places = tmp_path / "places.yaml"
    places.write_text(flood(20_000), encoding="utf-8")

    def no_second_parse(*args):
        raise AssertionError("the whole file was parsed again for line numbers")

    monkeypatch.setattr(load, "parse_document", no_second_parse)
    assert main(["check", "--places", str(places)]) == 1
    lines = capsys.readouterr().err.splitlines()
    first = places.read_text(encoding="utf-8").splitlines().index("    country: Georgia") + 1
    assert len(lines) == SHOWN_PROBLEMS + 1
    assert lines[0] == (
        f"Error: {places}:{first}:14: country 'Georgia' is not an ISO 3166 code — use two capital "
        "letters, like RU"
    )
    assert lines[SHOWN_PROBLEMS - 1] == (
        f"{places}:{first + 6 * (SHOWN_PROBLEMS - 1)}:14: country 'Georgia' is not an ISO 3166 "
        "code — use two capital letters, like RU"
    )
    assert lines[-1] == (
        f"{places}: and {20_000 - SHOWN_PROBLEMS:,} more problems like these — fix the ones above "
        "(often one change fixes many) and run again to see what is left"
    )


def test_one_bad_id_at_the_end_of_a_big_file_needs_no_second_parse(tmp_path, monkeypatch):
    text = flood(30_000).replace("country: Georgia", "country: GE")
    text += (
        "journeys:\n  - id: j\n    name: J\n    person: ana\n    sources: [paper]\n"
        "    from: p1\n    legs:\n      - {to: p30000, mode: car}\n"
    )
    places = tmp_path / "places.yaml"
    places.write_text(text, encoding="utf-8")
    monkeypatch.setattr(load, "parse_document", lambda *args: pytest.fail("parsed again"))
    with pytest.raises(PlacesFileError) as raised:
        read_places(places)
    last = len(text.splitlines())
    assert str(raised.value) == (
        f"{places}:{last}:14: the place “p30000” is not in places — did you mean “p3000”? "
        "Or add “p30000” to places"
    )


def test_deep_brackets_are_refused_before_any_parser_sees_them(tmp_path, monkeypatch):
    """10⁵ levels of brackets in 200 kB: refused by counting brackets (parsing took 33 s)."""
    places = tmp_path / "places.yaml"
    places.write_text("title: " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    monkeypatch.setattr(load, "_parse_fast", lambda *args: pytest.fail("parsed"))
    monkeypatch.setattr(load, "parse_document", lambda *args: pytest.fail("parsed"))
    with pytest.raises(PlacesFileError) as raised:
        read_places(places)
    assert str(raised.value) == (
        f"{places}:1:72: brackets nested more than 64 deep — a places file needs at most a few "
        "levels: flatten it"
    )
