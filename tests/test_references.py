"""The quick answer for a file the models accept (models.references_hold, References on the
parser's data, as a big file's child process reads it, and on the file's columns, as a build's
worker is given them: references.hold_in_columns) is reference_problems' answer: a file
passes it exactly when reference_problems finds nothing. Tried on the shipped
places.yaml, which uses every kind of reference (accounts, relayed quotes, other wordings,
groups), with each of its references in turn pointed at an id that is not there, each of its ids
written twice, and a quote tied to two things."""

from __future__ import annotations

import copy
import marshal
from pathlib import Path

import pytest
import ryaml

from routemap.models import (
    FileColumns,
    PlacesFile,
    reference_columns,
    reference_problems,
    references_hold,
)
from routemap.references import DATA_FIELDS, TABLES, References, hold_in_columns

SHIPPED = ryaml.loads((Path(__file__).parent.parent / "places.yaml").read_text(encoding="utf-8"))
REFERRING_KEYS = {"to", "from", "person", "group", "speaker", "source", "via", "journey", "place"}


def _references(node, path=()):
    """The path of every id that refers to an entry, and of every entry's own id."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in REFERRING_KEYS | {"id"} and isinstance(value, str):
                yield (*path, key)
            elif key == "sources" and isinstance(value, list) and len(path) == 2:
                yield from ((*path, key, n) for n in range(len(value)))
            else:
                yield from _references(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _references(value, (*path, index))


def _changed(path: tuple):
    """The shipped data with the id at `path` broken: an entry's own id used twice (the entry
    written again at its table's end), a reference to an id defined nowhere."""
    document = copy.deepcopy(SHIPPED)
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    if path[-1] == "id":
        document[path[0]].append(copy.deepcopy(parent))
    else:
        parent[path[-1]] = "nowhere"
    return document


BROKEN = list(_references(SHIPPED))


def _hold_in_data(document: dict) -> bool:
    """References' answer on the parser's data, a table at a time."""
    references = References(DATA_FIELDS)
    for table in TABLES:
        references.add(table, document.get(table, []))
    return references.hold()


def _hold_in_columns(document: dict) -> bool:
    """The worker's answer, on the columns as it is given them (marshal data)."""
    columns = reference_columns(FileColumns(PlacesFile.model_validate(document)))
    return hold_in_columns(marshal.loads(marshal.dumps(columns)))


def test_the_shipped_file_holds_together():
    assert not reference_problems(SHIPPED)
    assert references_hold(PlacesFile.model_validate(SHIPPED))
    assert _hold_in_data(SHIPPED)
    assert _hold_in_columns(SHIPPED)
    assert len(BROKEN) > 100  # the file refers to its entries in every way there is


@pytest.mark.parametrize("path", BROKEN, ids=["/".join(map(str, path)) for path in BROKEN])
def test_a_broken_reference_or_an_id_used_twice_is_seen(path):
    document = _changed(path)
    places = PlacesFile.model_validate(document)
    assert reference_problems(document)
    assert not references_hold(places)
    assert not _hold_in_data(document)
    assert not _hold_in_columns(document)


def test_a_quote_tied_to_two_things_is_seen():
    document = copy.deepcopy(SHIPPED)
    quote = next(quote for quote in document["quotes"] if "journey" in quote)
    quote["place"] = document["places"][0]["id"]
    assert reference_problems(document)
    assert not references_hold(PlacesFile.model_validate(document))
    assert not _hold_in_data(document)
    assert not _hold_in_columns(document)


@pytest.mark.parametrize("key", ["via", "group"])
def test_a_quote_relayed_from_or_about_nothing_that_is_there_is_seen(key):
    """The shipped file has no quote with these keys of its own."""
    document = copy.deepcopy(SHIPPED)
    quote = document["quotes"][0]
    for target in ("journey", "place", "group"):
        quote.pop(target, None)
    quote[key] = "nowhere"
    assert reference_problems(document)
    assert not references_hold(PlacesFile.model_validate(document))
    assert not _hold_in_data(document)
    assert not _hold_in_columns(document)


def test_a_group_without_journeys_or_a_journey_with_a_groups_id_is_seen():
    """The page shows a group only through its journeys, and tells a journey from a group by
    its id: both fast answers refuse what reference_problems reports."""
    group = SHIPPED["groups"][0]["id"]
    emptied = copy.deepcopy(SHIPPED)
    for journey in emptied["journeys"]:
        if journey.get("group") == group:
            del journey["group"]
    shared = copy.deepcopy(SHIPPED)
    first = shared["journeys"][0]["id"]
    shared["journeys"][0]["id"] = group
    for quote in shared["quotes"]:  # (the quotes about the journey follow its new id)
        if quote.get("journey") == first:
            quote["journey"] = group
    for document, problem in [
        (
            emptied,
            f"the group “{group}” has no journeys, so the map would show nothing of it, its "
            "note and quotes neither",
        ),
        (shared, f"the id “{group}” is a group's and a journey's"),
    ]:
        assert [what for _, what, _ in reference_problems(document)] == [problem]
        assert not references_hold(PlacesFile.model_validate(document))
        assert not _hold_in_data(document)
        assert not _hold_in_columns(document)
