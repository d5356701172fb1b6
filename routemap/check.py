"""`routes check`: validate the places file and, given the articles, check quotes are verbatim."""

from __future__ import annotations

import re
from pathlib import Path

from .errors import ArticleCheckError
from .load import locate, read_document, read_places, validate

_TYPOGRAPHIC = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


def normalise(text: str) -> str:
    """Typographic quote marks made plain and runs of white space made one space; nothing else."""
    return re.sub(r"\s+", " ", text.translate(_TYPOGRAPHIC)).strip()


def unquoted(places_path: Path, articles: Path) -> list[str]:
    """One line per quote that its cited article does not contain word for word."""
    document = read_document(places_path)
    places = validate(document, places_path)
    sources = {source.id: source for source in places.sources}
    texts: dict[str, str] = {}
    problems = []
    for index, quote in enumerate(places.quotes):
        line, column, _ = locate(document, ("quotes", index, "text"))
        where = f"{places_path}:{line}:{column}"
        source = sources[quote.source]
        if source.file is None:
            problems.append(
                f"{where}: source “{source.id}” has no `file:` — name its article's text file"
            )
            continue
        if source.id not in texts:
            article = articles / source.file
            try:
                texts[source.id] = normalise(article.read_text(encoding="utf-8"))
            except OSError:
                problems.append(
                    f"{where}: the article {article} cannot be read — check --articles and `file:`"
                )
                continue
        if normalise(quote.text) not in texts[source.id]:
            problems.append(
                f"{where}: this quote is not in {source.file} word for word — "
                "copy it exactly as the article prints it"
            )
    return problems


def check(places_path: Path, articles: Path | None) -> str:
    """Validate; with articles, also check the quotes. Returns the line to print on success."""
    if articles is None:
        places = read_places(places_path)  # as a build reads it
        return (
            f"{places_path} is valid: {len(places.places)} places, "
            f"{len(places.journeys)} journeys, {len(places.quotes)} quotes."
        )
    problems = unquoted(places_path, articles)
    if problems:
        raise ArticleCheckError("\n".join(problems))
    return f"{places_path} is valid and every quote is verbatim in its article."
