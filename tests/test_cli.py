"""The command line, run in-process: what it prints, what it writes, how it fails."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path

import pytest

from routemap.build import build
from routemap.cli import main
from routemap.errors import PlacesFileError

from .conftest import REPO, SHIPPED_PLACES

DATA = Path(__file__).parent / "data"

MISSING = (
    "no such file in {folder} — give the places file's path with --places, or create it (the "
    "first example under “Editing places.yaml” in the README is a whole file)"
)


def test_build_writes_the_map_and_says_what_it_drew(tmp_path, capsys):
    out = tmp_path / "map.html"
    assert main(["--places", str(SHIPPED_PLACES), "--out", str(out)]) == 0
    assert capsys.readouterr().out == f"Drew 18 places, 9 journeys and 20 quotes: {out}\n"
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_defaults_are_places_yaml_and_routes_html_in_the_current_folder(
    tmp_path, capsys, monkeypatch
):
    shutil.copy(DATA / "minimal.yaml", tmp_path / "places.yaml")
    monkeypatch.chdir(tmp_path)
    assert main([]) == 0
    assert capsys.readouterr().out == "Drew 2 places, 1 journey and 1 quote: routes.html\n"
    assert (tmp_path / "routes.html").exists()


def test_build_subcommand_takes_the_same_options(tmp_path, capsys):
    out = tmp_path / "m.html"
    assert main(["build", "--places", str(DATA / "minimal.yaml"), "--out", str(out)]) == 0
    assert out.exists()


def test_a_missing_places_file_is_an_error_not_a_traceback(tmp_path, capsys):
    missing = tmp_path / "nope.yaml"
    assert main(["--places", str(missing), "--out", str(tmp_path / "m.html")]) == 1
    captured = capsys.readouterr()
    assert captured.err == f"Error: {missing}:1:1: " + MISSING.format(folder=tmp_path) + "\n"
    assert captured.out == ""
    assert not (tmp_path / "m.html").exists()


def test_a_failed_build_leaves_the_previous_map_untouched(tmp_path, capsys):
    out = tmp_path / "m.html"
    out.write_text("previous map", encoding="utf-8")
    broken = tmp_path / "places.yaml"
    broken.write_text((DATA / "minimal.yaml").read_text().replace("lat: 40.17765", "lat: north"))
    assert main(["--places", str(broken), "--out", str(out)]) == 1
    assert "Error: " in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "previous map"


def test_a_place_without_coordinates_is_named_when_it_is_not_geocoded(tmp_path, monkeypatch):
    """...at its line, read off the file's layout: ruamel's parse of a big file (some 6 s a
    megabyte) is not needed to say where a place is."""
    import routemap.load

    monkeypatch.setattr(routemap.load, "parse_document", lambda *_: pytest.fail("ruamel's parse"))
    places = tmp_path / "places.yaml"
    places.write_text(
        (DATA / "minimal.yaml").read_text().replace("    lat: 40.17765\n    lon: 44.5126\n", "")
    )
    with pytest.raises(PlacesFileError) as error:
        build(places, tmp_path / "m.html")
    assert str(error.value) == (
        f"{places}:19:5: place “yerevan” has no coordinates — "
        "add `lat:` and `lon:`, or run `routes geocode` to look them up"
    )


def test_a_place_the_geocoder_cannot_find_stops_the_build(tmp_path, capsys):
    places = tmp_path / "places.yaml"
    text = (DATA / "minimal.yaml").read_text()
    places.write_text(
        text.replace("    name: Yerevan\n", "    name: Nowhere At All\n").replace(
            "    lat: 40.17765\n    lon: 44.5126\n", ""
        )
    )
    out = tmp_path / "m.html"
    assert main(["--places", str(places), "--out", str(out), "--offline"]) == 1
    assert capsys.readouterr().err == (
        f"Error: {places}:19:5: place “yerevan”: no result for “Nowhere At All” in AM — add a "
        "`query:` that names it more exactly, or write `lat:` and `lon:` by hand\n"
        "No map, export or image was written: each needs every place's coordinates.\n"
    )
    assert not out.exists()


def test_check_says_which_places_have_no_coordinates_yet(tmp_path, capsys):
    """A file whose places lack coordinates is valid, but no map can be drawn until they are
    found: check says so, and how."""
    places = tmp_path / "places.yaml"
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    places.write_text(text.replace("    lat: 40.17765\n    lon: 44.5126\n", ""), encoding="utf-8")
    assert main(["check", "--places", str(places)]) == 0
    assert capsys.readouterr().out == (
        f"{places} is valid: 2 places, 1 journey, 1 quote. 1 place without coordinates yet: "
        "`routes geocode` (or the next build) looks them up.\n"
    )


def test_check_validates_without_writing(tmp_path, capsys):
    assert main(["check", "--places", str(DATA / "minimal.yaml")]) == 0
    assert (
        capsys.readouterr().out
        == f"{DATA / 'minimal.yaml'} is valid: 2 places, 1 journey, 1 quote.\n"
    )


def test_check_with_articles_lists_quotes_that_are_not_verbatim(tmp_path, capsys):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "story.txt").write_text("She said: “I’m leaving,” and left.", encoding="utf-8")
    places = tmp_path / "places.yaml"
    places.write_text(
        (DATA / "minimal.yaml")
        .read_text()
        .replace("title: A story", "title: A story\n    file: story.txt")
    )
    assert main(["check", "--places", str(places), "--articles", str(articles)]) == 1
    assert capsys.readouterr().err == (
        f"Error: {places}:35:11: this quote is not in story.txt word for word (the nearest it "
        "has: “I’m leaving,”) — copy it exactly as the article prints it\n"
    )
    places.write_text(places.read_text().replace("I am leaving.", "I’m leaving"))
    assert main(["check", "--places", str(places), "--articles", str(articles)]) == 0


@pytest.mark.parametrize("flag", ["--help"])
def test_help_names_the_commands(flag, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([flag])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "check" in out and "--places" in out and "--out" in out


def test_the_installed_routes_command_is_this_cli():
    from importlib.metadata import entry_points

    from routemap.cli import run

    (script,) = entry_points(group="console_scripts", name="routes")
    assert script.load() is run


@pytest.mark.parametrize(
    ("places", "code", "stream", "expected"),
    [
        (SHIPPED_PLACES, 0, "stdout", "Drew 18 places, 9 journeys and 20 quotes: {out}\n"),
        (
            Path("no-such.yaml"),
            1,
            "stderr",
            "Error: no-such.yaml:1:1: " + MISSING.format(folder=REPO) + "\n",
        ),
    ],
)
def test_python_routes_py_prints_everything_and_exits_with_the_code(
    tmp_path, places, code, stream, expected
):
    import subprocess
    import sys

    out = tmp_path / "map.html"
    done = subprocess.run(
        [sys.executable, "routes.py", "--places", str(places), "--out", str(out)],
        cwd=Path(__file__).parent.parent,
        capture_output=True,
        text=True,
    )
    assert done.returncode == code
    assert getattr(done, stream) == expected.format(out=out)
    assert out.exists() == (code == 0)


# What a terminal acts on: clear the screen, move the cursor, C1's CSI, DEL, a carriage return
# that overwrites the line, and a right-to-left override that reorders what follows.
TERMINAL_CONTROLS = "\x1b[2J\x1b[1;1H\x9b31m\x7f\r\u202e\u2066\x00"


def assert_inert(text: str) -> None:
    assert not any(
        (ord(char) < 32 and char not in "\n\t") or 0x7F <= ord(char) < 0xA0 for char in text
    ), repr(text)
    assert not any(char in text for char in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068"), (
        repr(text)
    )


@pytest.mark.parametrize(
    "how",
    ["in a value", "in an id", "in the file's path", "in a flag's value", "in a choice"],
)
def test_nothing_printed_can_drive_the_terminal(tmp_path, capsys, how):
    places = tmp_path / "places.yaml"
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    escaped = TERMINAL_CONTROLS.encode("unicode_escape").decode().replace("\\x1b", "\\e")
    argv = ["--places", str(places), "--out", str(tmp_path / "m.html")]
    if how == "in a value":
        text = text.replace("kind: city", f'kind: "{escaped}"', 1)
    elif how == "in an id":
        text = text.replace("from: tbilisi", f'from: "tbilisi{escaped}"', 1)
    elif how == "in the file's path":
        places = tmp_path / f"places{TERMINAL_CONTROLS.replace(chr(0), '')}.yaml"
        argv = ["--places", str(places), "--out", str(tmp_path / "m.html")]
    elif how == "in a flag's value":
        argv += ["--nominatim-url", f"ftp://x{TERMINAL_CONTROLS}"]
    else:
        argv += ["--lang", f"r{TERMINAL_CONTROLS}"]
    if how != "in the file's path":
        places.write_text(text, encoding="utf-8")
    with pytest.raises(SystemExit) if how == "in a choice" else contextlib.nullcontext():
        assert main(argv) == 1
    captured = capsys.readouterr()
    assert captured.err.startswith(("Error: ", "usage: "))
    assert_inert(captured.out + captured.err)
    assert "\\x1b[2J" in captured.err  # shown, as its escape


# A process that lets go of a big buffer after smaller blocks were made above it, three times:
# how much more memory it holds at the end, in MB.
HELD_AFTER_BIG_BUFFERS = """
import sys
from routemap.cli import give_big_buffers_back
if sys.argv[1] == "given back":
    assert give_big_buffers_back()
def resident():
    return int(open("/proc/self/statm").read().split()[1]) * 4096 >> 20
before = resident()
kept = []
for _ in range(3):
    block = bytearray(b"x") * (8 << 20)
    kept.append([list(range(200)) for _ in range(300)])
    del block
print(resident() - before)
"""


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="reads Linux's /proc")
def test_the_command_gives_big_buffers_back_to_the_system_as_it_lets_them_go():
    """A big map is built through large buffers in turn (its JSON, gzip parts, base64, page):
    the routes command has the C library give each back as it is let go, where by default it
    kept them, and the next came on top of them (the peak of a 50,000-journey build)."""
    import subprocess
    import sys

    held = {}
    for how in ("given back", "kept"):
        done = subprocess.run(
            [sys.executable, "-c", HELD_AFTER_BIG_BUFFERS, how],
            capture_output=True,
            text=True,
            check=True,
        )
        held[how] = int(done.stdout)
    assert held["given back"] <= 2 < 6 <= held["kept"]


def test_the_command_runs_where_the_c_library_cannot_give_buffers_back(monkeypatch):
    """On a C library without glibc's mallopt (macOS, musl), memory is left as it is."""
    import ctypes

    from routemap import cli

    monkeypatch.setattr(ctypes, "CDLL", lambda name: object())
    assert cli.give_big_buffers_back() is False


@pytest.mark.parametrize(
    ("command", "out_name"),
    [(["build"], "map.html"), (["export", "--format", "geojson"], "routes.geojson")],
)
def test_the_command_hands_what_it_made_to_run_to_hold_to_the_end(tmp_path, command, out_name):
    """run() ends the process without freeing: the records a command made are put in the list
    it holds (a big build's took 0.2 s to free as the command returned), and main(), for
    callers, holds nothing and turns the collector back on."""
    import gc

    from routemap import cli
    from routemap.models import PlacesFile

    made: list = []
    out = tmp_path / out_name
    argv = [*command, "--places", str(DATA / "minimal.yaml"), "--out", str(out)]
    assert cli._main(argv, made) == 0
    records = [held if isinstance(held, PlacesFile) else held.places for held in made]
    assert [len(places.places) for places in records] == [2]
    assert out.exists()
    assert main(argv) == 0
    assert gc.isenabled()
