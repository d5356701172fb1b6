"""The one exception family of the tool.

Every error a user can cause is a `RoutesError` whose message is complete: it names the file and
line where that makes sense, says what is wrong and what to do. Only the CLI turns them into
``Error: ...`` and exit code 1; the stages below it just raise.
"""

from __future__ import annotations

from dataclasses import dataclass


def counted(number: int, noun: str) -> str:
    """`1 journey`, `2 journeys`: a count in a command's own line (in English, as every message
    is), the noun a regular one of this tool's (place, journey, quote)."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


class RoutesError(Exception):
    """Base of every error the tool reports to its user."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong in the places file, at a position an editor can jump to."""

    path: str
    line: int  # 1-based
    column: int  # 1-based
    what: str
    todo: str

    def __str__(self) -> str:
        """One line per problem, whatever the editor's text in it holds (newlines shown as \\n)."""
        what, todo = (_one_line(text) for text in (self.what, self.todo))
        return f"{self.path}:{self.line}:{self.column}: {what} — {todo}"


def _one_line(text: str, keep: str = " ") -> str:
    """Every character the terminal would act on (controls, escapes, bidi overrides, a stray
    surrogate from a file name) shown as its escape, so a text can neither redraw nor reorder
    what is printed around it."""
    return "".join(
        char if char.isprintable() or char in keep else char.encode("unicode_escape").decode()
        for char in text
    )


def terminal_text(text: str) -> str:
    """A message as the CLI prints it: lines and tabs kept, everything else _one_line's."""
    return "\n".join(_one_line(line, keep=" \t") for line in text.split("\n"))


SHOWN_PROBLEMS = 50
"""How many problems a message lists, first in the file first; the rest are counted. A file
with a mistake repeated in every entry would otherwise print one line per entry (300,000)."""


class PlacesFileError(RoutesError):
    """The places file cannot be read or is not valid; carries every problem found at once, and
    says the first SHOWN_PROBLEMS of them and how many more there are."""

    def __init__(self, problems: list[Problem]):
        # One problem at one place is said once (two entries that take the same wrong value
        # from one anchor, by merge keys, are both wrong where the anchor is written).
        problems = list(dict.fromkeys(problems))
        self.problems = problems
        lines = [str(problem) for problem in problems[:SHOWN_PROBLEMS]]
        if len(problems) > SHOWN_PROBLEMS:
            more = len(problems) - SHOWN_PROBLEMS
            lines.append(
                f"{problems[0].path}: and {more:,} more problems like these — fix the ones above"
                " (often one change fixes many) and run again to see what is left"
            )
        super().__init__("\n".join(lines))


class OutputError(RoutesError):
    """A file cannot be written where asked (the input itself, a folder, a device, a read-only
    file, a missing folder, a full disk); nothing was changed."""


class GeocodingError(RoutesError):
    """A place could not be given coordinates (not found, ambiguous, wrong country, no service)."""


class ImageError(RoutesError):
    """An image that cannot be made as asked (its size, its format, where it is written)."""


class LanguageError(RoutesError):
    """A language the page's own words are not written in (`--lang`): says which there are."""


class ArticleCheckError(RoutesError):
    """A quote does not appear verbatim in the article it cites, or the article is missing."""
