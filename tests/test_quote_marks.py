"""A quote pasted with the quote marks around it, as the article prints it: the page puts marks
around every quote, so it would show them twice (““I left everything behind,””). `routes check`
and every build warn of it at the quote's text, without failing; marks within the words are the
article's, and no warning. Another wording is warned of as a quote is, of this and of a YAML
comment that cuts it short (test_quote_comments.py)."""

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


WORDING_WARNINGS = {
    "inside its marks": (
        "“I am going.”",
        "39:15: the quote “I am going.” is written inside its own quote marks, which the map "
        "adds: the page would show them twice — leave out the marks around the words (keep any "
        "within them)",
    ),
    # (test_quote_comments.py: a quote's text cut by a comment, every way it can be written)
    "cut by a comment": (
        "I am going # now",
        "39:26: the quote stops before “# now”: in YAML, a # after a space starts a comment — "
        'if the # is in the article, put the whole text in double quotes ("…"); if it is a '
        "note, give it a line of its own",
    ),
}


@pytest.mark.parametrize(("written", "warned"), WORDING_WARNINGS.values(), ids=WORDING_WARNINGS)
def test_another_wording_is_warned_of_and_the_map_still_built(tmp_path, capsys, written, warned):
    path = tmp_path / "places.yaml"
    text = MINIMAL.read_text(encoding="utf-8") + (
        f"    also:\n      - text: {written}\n        source: paper\n"
    )
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "routes.html"
    assert main(["--places", str(path), "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.err == f"Warning: {path}:{warned}\n"
    assert out.exists()
