"""Nothing the user wrote is lost when a command writes: an output that is the input is refused
(by its name or through a link), a replaced file keeps its mode, a symbolic link stays a link
and its target gets the new text, hard links keep sharing it, a read-only file, a folder or a
missing folder is refused with a message, and a failed write leaves no temporary file."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from routemap.cli import main

from .conftest import SHIPPED_PLACES

MINIMAL = Path(__file__).parent / "data" / "minimal.yaml"


@pytest.fixture
def places(tmp_path) -> Path:
    path = tmp_path / "places.yaml"
    shutil.copy(MINIMAL, path)
    return path


def run(capsys, *argv) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


COMMANDS = {"build": [], "export geojson": ["export"], "export csv": ["export", "--format", "csv"]}
CASES = [(c, t) for c in COMMANDS for t in ("name", "symlink", "hard link")]
CASES += [("image", "symlink"), ("image", "hard link")]  # (a .yaml --out is not an image's name)
COMMANDS["image"] = ["image"]


@pytest.mark.parametrize(("name", "through"), CASES)
def test_an_output_that_is_the_input_is_refused(places, capsys, name, through):
    command = COMMANDS[name]
    before = places.read_bytes()
    out = places
    if through == "symlink":
        out = places.with_name("link.png" if command == ["image"] else "link.html")
        out.symlink_to(places)
    elif through == "hard link":
        out = places.with_name("hard.png" if command == ["image"] else "hard.html")
        os.link(places, out)
    code, err = run(capsys, *command, "--places", str(places), "--out", str(out))
    assert code == 1
    assert err == (
        f"Error: --out {out}: that is the places file, which this would overwrite — name "
        "another file\n"
    )
    assert places.read_bytes() == before


WRONG_NAMES = [
    # Another places file beside this one: the map would have replaced it.
    ([], "other.yaml", "the map is a web page, which a browser opens by its name — name a .html file, like other.html"),
    ([], "map.png", "the map is a web page, which a browser opens by its name — name a .html file, like map.html"),
    (["watch"], "notes.txt", "the map is a web page, which a browser opens by its name — name a .html file, like notes.html"),
    (["export"], "routes.csv", "the export is GeoJSON — name a .geojson file, like routes.geojson"),
    (["export", "--format", "csv"], "quotes.yaml", "the export is CSV — name a .csv file, like quotes.csv"),
]  # fmt: skip


@pytest.mark.parametrize(("command", "name", "message"), WRONG_NAMES)
def test_an_output_named_as_another_kind_of_file_is_refused(places, capsys, command, name, message):
    """`--out` names a file of the output's kind: an editor who types another places file's
    name, or the image's, after --out keeps that file as it was."""
    out = places.with_name(name)
    out.write_text("kept: as it was\n", encoding="utf-8")
    code, err = run(capsys, *command, "--places", str(places), "--out", str(out))
    assert code == 1
    assert err == f"Error: --out {out}: {message}\n"
    assert out.read_text(encoding="utf-8") == "kept: as it was\n"


@pytest.mark.parametrize(
    ("command", "name"),
    [
        ([], "map.htm"),
        ([], "MAP.HTML"),
        (["export"], "routes.json"),
        (["export", "--format", "csv"], "Q.CSV"),
    ],
)
def test_an_output_of_its_kind_by_any_of_its_names_is_written(places, capsys, command, name):
    out = places.with_name(name)
    assert run(capsys, *command, "--places", str(places), "--out", str(out))[0] == 0
    assert out.stat().st_size > 0


def test_a_replaced_map_keeps_its_mode(places, tmp_path, capsys):
    out = tmp_path / "routes.html"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o640)
    assert run(capsys, "--places", str(places), "--out", str(out))[0] == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_through_a_symbolic_link_the_target_is_written_and_the_link_kept(places, tmp_path, capsys):
    real = tmp_path / "published" / "routes.html"
    real.parent.mkdir()
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "routes.html"
    link.symlink_to(real)
    assert run(capsys, "--places", str(places), "--out", str(link))[0] == 0
    assert link.is_symlink()
    assert real.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_hard_linked_map_stays_one_file(places, tmp_path, capsys):
    out = tmp_path / "routes.html"
    out.write_text("old", encoding="utf-8")
    other = tmp_path / "copy.html"
    os.link(out, other)
    assert run(capsys, "--places", str(places), "--out", str(out))[0] == 0
    assert other.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert out.stat().st_ino == other.stat().st_ino


def test_a_hard_linked_map_that_a_full_disk_cuts_short_keeps_its_new_text_whole(
    places, tmp_path, capsys, monkeypatch
):
    """A file with other hard links is rewritten in place, which is not atomic: when that
    fails part way (here the disk reports it full as the rewrite is flushed), the message says
    so, and where the whole new text is, kept, rather than that nothing was changed."""
    out = tmp_path / "routes.html"
    out.write_text("old", encoding="utf-8")
    os.link(out, tmp_path / "copy.html")
    flushes = []
    real_fsync = os.fsync

    def full_on_the_second(fd):
        flushes.append(fd)
        if len(flushes) == 2:  # the first is the temporary file's, the second the rewrite's
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full_on_the_second)
    code, err = run(capsys, "--places", str(places), "--out", str(out))
    (kept,) = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert (code, err) == (
        1,
        f"Error: {out}: could not be rewritten in place (No space left on device), as its "
        f"other hard links need, and may now be incomplete — its new text is whole in {kept}: "
        "free some space, then copy that file over it\n",
    )
    monkeypatch.setattr(os, "fsync", real_fsync)
    fresh = tmp_path / "fresh.html"
    assert run(capsys, "--places", str(places), "--out", str(fresh))[0] == 0
    assert kept.read_bytes() == fresh.read_bytes()  # the whole map, as a build writes it


def test_a_read_only_map_is_refused(places, tmp_path, capsys):
    out = tmp_path / "routes.html"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o444)
    code, err = run(capsys, "--places", str(places), "--out", str(out))
    assert (code, err) == (
        1,
        f"Error: {out}: the file is read-only — make it writable, or write elsewhere\n",
    )
    assert out.read_text(encoding="utf-8") == "old"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("folder", "{out}: that is a folder — name a file in it, like {out}/routes.html"),
        (
            "missing/routes.html",
            "{out}: the folder {parent} does not exist — create it, or write elsewhere",
        ),
        ("/dev/null", "{out}: not a regular file (a device or a pipe) — name a file"),
    ],
)
def test_a_path_that_cannot_take_the_map_is_refused_with_what_to_do(
    places, tmp_path, capsys, name, message
):
    out = Path(name) if name.startswith("/") else tmp_path / name
    if name == "folder":
        out.mkdir()
    code, err = run(capsys, "--places", str(places), "--out", str(out))
    assert code == 1
    assert err == "Error: " + message.format(out=out, parent=out.parent) + "\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


LONG = "a" * 300 + ".html"
DEEP = "a/" * 3000 + "x.html"
UNFIT_PATHS = [
    ("", "Error: .: not a file name — name the file to write, like routes.html"),
    ("/", "Error: /: not a file name — name the file to write, like routes.html"),
    (
        LONG,
        f"Error: {'a' * 40}…{'a' * 35}.html: a file name of 305 bytes, longer than the 255 a "
        "folder allows — name the file more briefly",
    ),
    (
        DEEP,
        f"Error: {'a/' * 20}…{'a/' * 17}x.html: cannot be written there (File name too long) — "
        "name another path",
    ),
    (
        "places.yaml/routes.html",
        "Error: places.yaml/routes.html: cannot be written there (Not a directory) — name "
        "another path",
    ),
]


@pytest.mark.parametrize("command", ["build", "export geojson", "export csv"])
@pytest.mark.parametrize(("name", "message"), UNFIT_PATHS)
def test_a_name_no_file_can_have_is_refused_before_any_work(
    places, tmp_path, capsys, monkeypatch, command, name, message
):
    monkeypatch.chdir(tmp_path)
    before = sorted(tmp_path.iterdir())
    code, err = run(capsys, *COMMANDS[command], "--places", str(places), "--out", name)
    assert (code, err) == (1, message + "\n")
    assert sorted(tmp_path.iterdir()) == before


def test_builds_writing_one_map_at_once_each_finish_and_leave_no_temporary_file(tmp_path):
    """Two builds to one --out used to share one temporary name and crash (2 of 45)."""
    from concurrent.futures import ThreadPoolExecutor

    from routemap.files import write_atomic

    out = tmp_path / "routes.html"
    texts = [f"map {n}\n" * 20_000 for n in range(40)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda text: write_atomic(out, text), texts))
    assert out.read_text(encoding="utf-8") in texts
    assert [p.name for p in tmp_path.iterdir()] == ["routes.html"]


def test_a_full_disk_leaves_the_old_map_and_no_temporary_file(
    places, tmp_path, capsys, monkeypatch
):
    out = tmp_path / "routes.html"
    out.write_text("old", encoding="utf-8")

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    code, err = run(capsys, "--places", str(places), "--out", str(out))
    assert code == 1
    assert err == (
        f"Error: {out}: could not be written (No space left on device) — free some space or "
        "check the folder's permissions; nothing was changed\n"
    )
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_the_shipped_map_builds_beside_its_places_file(tmp_path, capsys):
    places = tmp_path / "places.yaml"
    shutil.copy(SHIPPED_PLACES, places)
    assert run(capsys, "--places", str(places), "--out", str(tmp_path / "routes.html"))[0] == 0
