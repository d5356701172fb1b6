"""A quote pasted with the quote marks around it, as the article prints it: the page puts marks
around every quote, so it would show them twice (““I left everything behind,””). `routes check`
and every build warn of it at the quote's text, without failing; marks within the words are the
article's, and no warning."""

from __future__ import annotations

from pathlib import Path

import pytest

from routemap.cli import main

MINIMAL = Path(__file__).parent / "data" / "minimal.yaml"
QUOTE = "  - text: I am leaving.\n"
WARNING = (
    "Warning: {path}:34:11: the quote {text} is written inside its own quote marks, which the "
    "map adds: the page would show them twice — leave out the marks around the words (keep any "
    "within them)\n"
)

CASES = {
    "curly marks around it": ("“I am leaving,”", "“I am leaving,”"),
    "straight marks around it": ("'\"I am leaving.\"'", '"I am leaving."'),
    "single curly marks": ("‘I am leaving.’", "‘I am leaving.’"),
    "guillemets": ("«Я уезжаю»", "«Я уезжаю»"),
    "a word in marks within it": ("I am “leaving”.", None),
    "two quoted phrases, one after the other": ("“Partial” and “total”", None),
    "an apostrophe within it": ("‘I’m leaving’, she said", None),
}


@pytest.mark.parametrize(("written", "warned"), CASES.values(), ids=CASES)
def test_a_quote_inside_its_own_marks_is_warned_of(tmp_path, capsys, written, warned):
    path = tmp_path / "places.yaml"
    text = MINIMAL.read_text(encoding="utf-8").replace(QUOTE, f"  - text: {written}\n")
    path.write_text(text, encoding="utf-8")
    assert main(["check", "--places", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"{path} is valid: 2 places, 1 journey, 1 quote.\n"
    assert captured.err == (WARNING.format(path=path, text=warned) if warned else "")


def test_another_wording_inside_its_marks_is_warned_of_and_the_map_still_built(tmp_path, capsys):
    path = tmp_path / "places.yaml"
    text = MINIMAL.read_text(encoding="utf-8") + (
        "    also:\n      - text: “I am going.”\n        source: paper\n"
    )
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "routes.html"
    assert main(["--places", str(path), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.err == (
        f"Warning: {path}:39:15: the quote “I am going.” is written inside its own quote marks, "
        "which the map adds: the page would show them twice — leave out the marks around the "
        "words (keep any within them)\n"
    )
    assert out.exists()
