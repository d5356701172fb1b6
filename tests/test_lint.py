"""`routes check --articles`: the fact lint, on small articles written for the tests."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from routemap.check import MAX_ARTICLE_BYTES, lint
from routemap.cli import main

DATA = Path(__file__).parent / "data"
ARTICLES = DATA / "articles"
GOOD = DATA / "lint.yaml"


def test_the_small_file_passes():
    assert lint(GOOD, ARTICLES) == []


@pytest.mark.parametrize(
    ("case", "change", "expected"),
    [
        (
            "a straightened apostrophe",
            ("I am leaving. That’s my choice,", "I am leaving. That's my choice,"),
            "F:52:11: this quote's quote marks or apostrophes differ from paper.txt — copy it as "
            "the article prints it: I am leaving. That’s my choice,",
        ),
        (
            "a changed figure in a note",
            ("120 lari", "150 lari"),
            "F:27:11: the figure 150 is not in the sources this cites (“paper”) — check it "
            "against the article, or cite the source that gives it",
        ),
        (
            "a quote given to the wrong source",
            (
                "  - text: unusual number\n    speaker: guards\n    source: paper",
                "  - text: unusual number\n    speaker: guards\n    source: other",
            ),
            "F:58:11: this quote is not in other.txt word for word (it is in paper.txt: cite "
            "“paper”) — copy it exactly as the article prints it",
        ),
        (
            "a relayed wording changed",
            ("it is my choice,", "it was my choice,"),
            "F:56:16: this quote is not in other.txt word for word (the nearest it has: “I am "
            "going now, it is my choice,”) — copy it exactly as the article prints it",
        ),
        (
            "a quote with nothing like it in its article",
            ("  - text: unusual number\n", "  - text: the road was closed\n"),
            "F:58:11: this quote is not in paper.txt word for word — copy it exactly as the "
            "article prints it",
        ),
        (
            "a quote cut with an ellipsis whose pieces are not in the article's order",
            (
                "  - text: I am leaving. That’s my choice,",
                "  - text: That’s my choice … I am leaving.",
            ),
            "F:52:11: the words between this quote's cuts (… or [ ]) are not all in paper.txt word "
            "for word, in its order — copy each piece exactly as the article prints it",
        ),
        (
            "a quoted phrase in a note that its source does not have",
            ("“unusual number”", "“record number”"),
            "F:38:11: the quoted words “record number” are not in the sources this cites "
            "(“paper”) — quote the article exactly, or cite the source that has them",
        ),
        (
            "an account's figure from the other source",
            ("leaving on Tuesday.}", "leaving on Tuesday at 120 lari.}"),
            "F:31:31: the figure 120 is not in the sources this cites (“other”) — check it "
            "against the article, or cite the source that gives it",
        ),
        (
            "a note that cites no source",
            (
                "    note: Guards reported an “unusual number” of cars.\n    sources: [paper]\n",
                "    note: Guards reported an “unusual number” of cars.\n",
            ),
            "F:38:11: this note cites no source — add `sources:` with the article(s) it comes from",
        ),
        (
            "a source's file that is not there",
            ("file: other.txt", "file: missing.txt"),
            "F:12:11: the article ARTICLES/missing.txt does not exist — check --articles and "
            "`file:`",
        ),
    ],
)
def test_each_mistake_gives_its_message(tmp_path, case, change, expected):
    text = GOOD.read_text(encoding="utf-8")
    assert change[0] in text, case
    changed = tmp_path / "places.yaml"
    changed.write_text(text.replace(change[0], change[1]), encoding="utf-8")
    problems = [
        p.replace(str(changed), "F").replace(str(ARTICLES), "ARTICLES")
        for p in lint(changed, ARTICLES)
    ]
    assert problems == [expected]


@pytest.mark.parametrize(
    "quote",
    [
        "I am leaving … my choice,",  # words left out, marked
        "I am leaving... That’s my choice,",
        "I am leaving. […] my choice,",
        '"[She is] leaving. That’s my choice,"',  # words put in, in brackets (quoted in YAML)
        "I am leaving. [This is] my choice,",
    ],
)
def test_a_quote_that_marks_its_own_cuts_passes_when_the_rest_is_word_for_word(tmp_path, quote):
    """A journalist's cut quote: each piece between its marks (an ellipsis, words in brackets)
    is the article's, in the article's order."""
    text = GOOD.read_text(encoding="utf-8")
    changed = tmp_path / "places.yaml"
    changed.write_text(
        text.replace("  - text: I am leaving. That’s my choice,", f"  - text: {quote}"),
        encoding="utf-8",
    )
    assert lint(changed, ARTICLES) == []


def test_a_source_nothing_cites_is_reported(tmp_path):
    text = GOOD.read_text(encoding="utf-8")
    changed = tmp_path / "places.yaml"
    extra = "  - id: unused\n    publisher: Nobody\n    title: Unread\n    file: paper.txt\npeople:"
    changed.write_text(text.replace("people:", extra, 1), encoding="utf-8")
    problems = [p.replace(str(changed), "F") for p in lint(changed, ARTICLES)]
    assert problems == [
        "F:13:5: nothing cites the source “unused” — cite it from what it supports, or remove it"
    ]


def test_the_command_fails_with_the_message_and_passes_when_fixed(tmp_path, capsys):
    changed = tmp_path / "places.yaml"
    changed.write_text(
        GOOD.read_text(encoding="utf-8").replace("That’s", "That's"), encoding="utf-8"
    )
    assert main(["check", "--places", str(changed), "--articles", str(ARTICLES)]) == 1
    assert "quote marks or apostrophes differ from paper.txt" in capsys.readouterr().err
    assert main(["check", "--places", str(GOOD), "--articles", str(ARTICLES)]) == 0


def hostile_articles(folder: Path) -> Path:
    """A copy of the test articles beside files a `file:` must not read."""
    folder.mkdir()
    for article in ARTICLES.iterdir():
        (folder / article.name).write_bytes(article.read_bytes())
    (folder / "notes").mkdir()
    os.mkfifo(folder / "pipe.txt")  # opened for reading, it would wait for a writer for ever
    (folder / "zero.txt").symlink_to("/dev/zero")
    (folder / "elsewhere.txt").symlink_to(GOOD)
    (folder / "alias.txt").symlink_to("other.txt")  # a link inside the folder is fine
    (folder / "latin1.txt").write_bytes("Tbilisi café".encode("latin-1"))
    with open(folder / "huge.txt", "wb") as huge:
        huge.truncate(MAX_ARTICLE_BYTES + 1)
    return folder


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        (
            "../lint.yaml",
            "`file: ../lint.yaml` leads outside --articles A (by `..` or a link) — "
            "name a file inside that folder",
        ),
        (
            "elsewhere.txt",
            "`file: elsewhere.txt` leads outside --articles A (by `..` or a link) — "
            "name a file inside that folder",
        ),
        (
            "zero.txt",
            "`file: zero.txt` leads outside --articles A (by `..` or a link) — "
            "name a file inside that folder",
        ),
        (
            "/dev/zero",
            "`file: /dev/zero` is an absolute path — name the article's file relative "
            "to --articles",
        ),
        (
            "/etc/passwd",
            "`file: /etc/passwd` is an absolute path — name the article's file "
            "relative to --articles",
        ),
        (
            "pipe.txt",
            "the article A/pipe.txt is not a regular file (a device, pipe or socket) — "
            "name the article's text file",
        ),
        ("notes", "the article A/notes is a folder — name a text file in it"),
        (
            "huge.txt",
            "the article A/huge.txt is over 5 MB, more than an article's text — name "
            "the article's own text file",
        ),
        ("latin1.txt", "the article A/latin1.txt is not UTF-8 text (byte 11) — save it as UTF-8"),
    ],
)
def test_a_source_file_is_read_only_if_it_is_an_article_in_the_folder(tmp_path, file, expected):
    articles = hostile_articles(tmp_path / "articles")
    changed = tmp_path / "places.yaml"
    text = GOOD.read_text(encoding="utf-8")
    changed.write_text(text.replace("file: other.txt", f"file: {file}"), encoding="utf-8")
    answer = []
    reading = threading.Thread(target=lambda: answer.append(lint(changed, articles)), daemon=True)
    reading.start()
    reading.join(timeout=20)
    assert answer, "the check never finished"
    problems = [p.replace(str(changed), "F").replace(str(articles), "A") for p in answer[0]]
    assert problems == [f"F:12:11: {expected}"]


def test_a_link_inside_the_folder_is_read(tmp_path):
    articles = hostile_articles(tmp_path / "articles")
    changed = tmp_path / "places.yaml"
    text = GOOD.read_text(encoding="utf-8")
    changed.write_text(text.replace("file: other.txt", "file: alias.txt"), encoding="utf-8")
    assert lint(changed, articles) == []


def test_articles_that_is_no_folder_is_one_line(tmp_path, capsys):
    missing = tmp_path / "nowhere"
    assert main(["check", "--places", str(GOOD), "--articles", str(missing)]) == 1
    assert capsys.readouterr().err == (
        f"Error: --articles {missing} is not a folder — name the folder that holds the articles' "
        "text files\n"
    )
