"""The ids a places file defines and refers to, and whether every reference holds: the check
across its tables, on records or on the YAML parser's dicts.

Apart from models.py (which uses it: references_hold, reference_problems) and free of pydantic,
so that a big file's parsing child (parse_ahead.py) can be started, and check the references
of the parts it parses, before the models are imported."""

from __future__ import annotations

from collections.abc import Callable, Iterable
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
    validate (their ids are then the same texts); or, as ColumnReferences, a file's columns
    (models.reference_columns). C-level iteration throughout (map, attrgetter, chain), as a Python
    loop over the records took a third of a second."""

    def __init__(self, field: Callable[..., Callable[[Any], Any]]):
        self.get = {name: field(name) for name in ("id", "from", "to", "person", "speaker")}
        self.get |= {name: field(name) for name in ("source", "via", "journey", "place", "group")}
        self.lists = {name: field(name, ()) for name in ("sources", "accounts", "also", "legs")}
        self.defined: dict[str, set] = {}
        self.doubled = self.tied_to_two = False
        self.cited, self.visited, self.people, self.groups, self.told = (set() for _ in range(5))
        self.grouped: set = set()  # the groups some journey is in

    def _values(self, entries: Any, name: str) -> Iterable:
        """The entries' values of a field."""
        return map(self.get[name], entries)

    def _each(self, name: str, entries: Any) -> Any:
        """The items of the entries' lists in a field (sources' ids, accounts, legs, wordings),
        one after another, as entries _values reads."""
        return list(chain.from_iterable(map(self.lists[name], entries)))

    def _count(self, entries: Any) -> int:
        return len(entries)

    def add(self, table: str, entries: Any) -> None:
        """Take in one table's entries (or some of them: the rest may follow)."""
        values, each = self._values, self._each
        if table in ("sources", "people", "places", "groups", "journeys"):
            defined = self.defined.setdefault(table, set())
            before = len(defined)
            defined.update(values(entries, "id"))
            self.doubled |= len(defined) != before + self._count(entries)
        if table in ("people", "places", "groups", "journeys", "unmapped"):
            self.cited.update(each("sources", entries))
        if table in ("places", "groups", "journeys"):
            self.cited.update(values(each("accounts", entries), "source"))
        if table == "journeys":
            self.visited.update(values(entries, "from"), values(each("legs", entries), "to"))
            self.people.update(values(entries, "person"))
            self.grouped.update(values(entries, "group"))
        if table == "quotes":
            wordings = each("also", entries)
            for name in ("source", "via"):
                self.cited.update(values(entries, name), values(wordings, name))
            self.visited.update(values(entries, "place"))
            self.people.update(values(entries, "speaker"))
            self.groups.update(values(entries, "group"))
            self.told.update(values(entries, "journey"))
            targets = zip(
                values(entries, "journey"), values(entries, "place"), values(entries, "group")
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


REFERENCE_FIELDS = {
    "sources": ("id",),
    "people": ("id", "sources"),
    "places": ("id", "sources", "accounts"),
    "groups": ("id", "sources", "accounts"),
    "journeys": ("id", "sources", "accounts", "from", "legs", "person", "group"),
    "quotes": ("source", "via", "also", "place", "speaker", "group", "journey"),
    "unmapped": ("sources",),
}
"""The fields of each table that References reads (models.reference_columns); of the lists of
records in them, the fields of their items: NESTED_FIELDS."""

NESTED_FIELDS = {"accounts": ("source",), "legs": ("to",), "also": ("source", "via")}


class ColumnReferences(References):
    """References of a file's columns (models.reference_columns), which a worker can be given
    where it has no records (aside.py): each table a dict of its fields' columns, a list field
    its items' ids one after another, or, for a list of records, a dict of their fields'
    columns."""

    def __init__(self) -> None:
        super().__init__(_record_field)

    def _values(self, entries: Any, name: str) -> Iterable:
        return entries[name]

    def _each(self, name: str, entries: Any) -> Any:
        return entries[name]

    def _count(self, entries: Any) -> int:
        return len(entries["id"])


def hold_in_columns(columns: dict) -> bool:
    """Whether a file's references hold (References.hold), from its columns
    (models.reference_columns): a worker's job (render.page_parts_aside)."""
    references = ColumnReferences()
    for table in TABLES:
        references.add(table, columns[table])
    return references.hold()


def _tied_to_two(targets: tuple) -> bool:
    return targets.count(None) < 2
