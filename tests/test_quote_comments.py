"""A quote cut short by a YAML comment: in a text written without quote marks, a `#` after a
space starts a comment, so the words after it are silently not in the quote (and a quote still
found in its article, cut short). `routes check` and every build warn of it at the `#`,
without failing; a quoted text, a # within a word and a comment on a line of its own are no
cause."""

from __future__ import annotations

from pathlib import Path

import pytest

from routemap.check import quotes_cut_by_comments
from routemap.cli import main

MINIMAL = Path(__file__).parent / "data" / "minimal.yaml"
QUOTE = "  - text: I am leaving.\n"
FIX = (
    'if the # is in the article, put the whole text in double quotes ("…"); if it is a note, '
    "give it a line of its own"
)
FIX_ALONE = (  # (for a comment on a line of its own, where a note's # is followed by a word)
    'if the # is in the article, put the whole text in double quotes ("…"); if it is a note, '
    "put a space after the # (`# note`)"
)

ALONE = " (on a line of its own)"  # (marks a case whose fix is FIX_ALONE; not in the message)

CASES = {
    "a comment after the words": (
        "  - text: I was number 5 #1 on the list\n",
        "34:26: the quote stops before “#1 on the list”",
    ),
    "a tab before it": (
        "  - text: I am leaving.\t# he said\n",
        "34:25: the quote stops before “# he said”",
    ),
    "a long rest, shown cut": (
        "  - text: We paid # " + "very " * 12 + "much\n",
        "34:19: the quote stops before “# very very very very very very very ver…”",
    ),
    "on a line the text goes on over": (
        "  - text: I am leaving\n      tonight # by car\n",
        "35:15: the quote stops before “# by car”",
    ),
    "a line it goes on over, starting with the #": (
        "  - text: We were ranked number\n      #1 on the list of those called up\n",
        "35:7: the quote stops before “#1 on the list of those called up”" + ALONE,
    ),
    "a line it goes on over after a blank line, starting with the #": (
        "  - text: We were ranked number\n\n      #1 on the list\n",
        "36:7: the quote stops before “#1 on the list”" + ALONE,
    ),
    "a line it goes on over after blank lines, with words before the #": (
        "  - text: I am leaving\n\n  \n      tonight # by car\n",
        "37:15: the quote stops before “# by car”",
    ),
    "a note after a blank line, its # followed by a word (a space would make it a note)": (
        "  - text: I am leaving.\n\n      #TODO find the other wording\n",
        "36:7: the quote stops before “#TODO find the other wording”" + ALONE,
    ),
    "a note after a blank line, its # followed by a space": (
        "  - text: I am leaving.\n\n      # TODO find the other wording\n",
        None,
    ),
    "a comment at the entry's indentation after a blank line": (
        "  - text: I am leaving.\n\n    #1 from the article\n",
        None,
    ),
    "the first # of a comment that holds another": (
        "  - text: We were number 5 # see #3 in the article\n",
        "34:28: the quote stops before “# see #3 in the article”",
    ),
    "a note on a line of its own, under the text": (
        "  - text: I am leaving.\n      # see #3 in the article\n",
        None,
    ),
    "in double quotes": ('  - text: "I was number 5 #1 on the list"\n', None),
    "in single quotes": ("  - text: 'I was number #1'\n", None),
    "a # within a word": ("  - text: I was number#1\n", None),
    "a comment on a line of its own": ("  - text: I am leaving.\n    # from the article\n", None),
    "a block text": ("  - text: |\n      I was number #1\n", None),
    "a comment after another key": (
        "  - text: I am leaving.\n    speaker: ana # the driver\n",
        None,
    ),
}


@pytest.mark.parametrize(("written", "warned"), CASES.values(), ids=CASES)
def test_a_quote_cut_by_a_comment_is_warned_of(tmp_path, capsys, written, warned):
    path = tmp_path / "places.yaml"
    text = MINIMAL.read_text(encoding="utf-8").replace(QUOTE + "    speaker: ana\n", QUOTE)
    text = text.replace(QUOTE, written if "speaker" in written else written + "    speaker: ana\n")
    path.write_text(text, encoding="utf-8")
    assert main(["check", "--places", str(path)]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"{path} is valid: 2 places, 1 journey, 1 quote.\n"
    fix = FIX_ALONE if warned and warned.endswith(ALONE) else FIX
    warned = warned and warned.removesuffix(ALONE)
    expected = f"Warning: {path}:{warned}: in YAML, a # after a space starts a comment — {fix}\n"
    assert captured.err == (expected if warned else "")


def test_the_shipped_file_has_no_quote_cut_by_a_comment():
    assert quotes_cut_by_comments(Path(__file__).parent.parent / "places.yaml") == []
