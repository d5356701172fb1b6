"""The ids a places file defines and refers to, and whether every reference holds: the check
across its tables, on records or on the YAML parser's dicts.

Apart from models.py (which uses it: references_hold, reference_problems) and free of pydantic,
so that a big file's parsing child (parse_ahead.py) can be started, and check the references
of the parts it parses, before the models are imported."""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain
from operator import attrgetter, itemgetter, methodcaller
from typing import Any

TABLES = ("sources", "people", "places", "groups", "journeys", "quotes", "unmapped")
"""A places file's tables (models.PlacesFile's list fields), in the order the file gives them."""


def _record_field(name: str, default: Any = None) -> Callable[[Any], Any]:
    return attrgetter("start" if name == "from" else name)


def _data_field(name: str, default: Any = None) -> Callable[[Any], Any]:
    if name in _REQUIRED_WHEREVER_USED:  # twice as fast; a KeyError where a file lacks one
        return itemgetter(name)
    return methodcaller("get", name, default)


_REQUIRED_WHEREVER_USED = {"id", "from", "to", "speaker", "source", "legs"}
"""Keys every entry References reads them from must have (a place's `id`, a leg's `to`, an
account's `source`, ...): a file that lacks one does not validate."""


RECORD_FIELDS = _record_field
"""How References reads a field of a record (`from` is the attribute `start`)."""
DATA_FIELDS = _data_field
"""How References reads a field of an entry as the YAML parser gives it, a dict whose keys
are those of the file (a key left out reads as the model's default; a required one left out
raises KeyError, for a file that does not validate)."""


class References:
    """The ids each table defines and the ids its entries refer to, gathered table by table
    as the tables come (a big file's, as its parts are parsed: parse_ahead.py), then compared
    at once. Reads records or, given DATA_FIELDS, the parser's dicts of a file whose records
    validate (their ids are then the same texts); C-level iteration throughout (map,
    attrgetter, chain), as a Python loop over the records took a third of a second."""

    def __init__(self, field: Callable[..., Callable[[Any], Any]]):
        self.get = {name: field(name) for name in ("id", "from", "to", "person", "speaker")}
        self.get |= {name: field(name) for name in ("source", "via", "journey", "place", "group")}
        self.lists = {name: field(name, ()) for name in ("sources", "accounts", "also", "legs")}
        self.defined: dict[str, set] = {}
        self.doubled = self.tied_to_two = False
        self.cited, self.visited, self.people, self.groups, self.told = (set() for _ in range(5))
        self.grouped: set = set()  # the groups some journey is in

    def _each(self, name: str, entries: list):
        return chain.from_iterable(map(self.lists[name], entries))

    def add(self, table: str, entries: list) -> None:
        """Take in one table's entries (or some of them: the rest may follow)."""
        get = self.get
        if table in ("sources", "people", "places", "groups", "journeys"):
            defined = self.defined.setdefault(table, set())
            before = len(defined)
            defined.update(map(get["id"], entries))
            self.doubled |= len(defined) != before + len(entries)
        if table in ("people", "places", "groups", "journeys", "unmapped"):
            self.cited.update(self._each("sources", entries))
        if table in ("places", "groups", "journeys"):
            self.cited.update(map(get["source"], self._each("accounts", entries)))
        if table == "journeys":
            self.visited.update(
                map(get["from"], entries), map(get["to"], self._each("legs", entries))
            )
            self.people.update(map(get["person"], entries))
            self.grouped.update(map(get["group"], entries))
        if table == "quotes":
            wordings = list(self._each("also", entries))
            for name in ("source", "via"):
                self.cited.update(map(get[name], entries), map(get[name], wordings))
            self.visited.update(map(get["place"], entries))
            self.people.update(map(get["speaker"], entries))
            self.groups.update(map(get["group"], entries))
            self.told.update(map(get["journey"], entries))
            targets = zip(
                map(get["journey"], entries), map(get["place"], entries), map(get["group"], entries)
            )
            self.tied_to_two |= any(map(_tied_to_two, targets))

    def hold(self) -> bool:
        """Whether every id is defined once (a journey's not a group's too), every reference
        is to a defined id, and every group has a journey (reference_problems' rules)."""
        defined = self.defined
        for referred in (self.cited, self.visited, self.people, self.groups, self.told):
            referred.discard(None)
        self.grouped.discard(None)
        groups = defined.get("groups", set())
        return not (self.doubled or self.tied_to_two) and (
            self.cited <= defined.get("sources", set())
            and self.visited <= defined.get("places", set())
            and self.people <= defined.get("people", set())
            and self.groups <= groups
            and self.grouped == groups  # every group has a journey, and no other is named
            and groups.isdisjoint(defined.get("journeys", set()))
            and self.told <= defined.get("journeys", set())
        )


def _tied_to_two(targets: tuple) -> bool:
    return targets.count(None) < 2
