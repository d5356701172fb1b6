"""What a file's tables say taken together, worked out from their columns alone (lists of ids,
kinds and counts): what each place is in the story, and which quotes are about each journey,
place and group.

Apart from models.py, whose place_roles and quote_indexes take a file's records and columns and
answer from these, and free of pydantic: so that a big map's worker (aside.py), forked before
pydantic is imported, can work them out from the columns alone, on the other core, while the
page's lines are made; and the numbers its places go by in the legs' lines and a big map's
page."""

from __future__ import annotations

from itertools import accumulate, compress
from operator import itemgetter


def holds_a_value(values: list) -> bool:
    """Whether any of the values is not None: at once where the first is (most of a big map's
    columns), else by list.count, a C loop that finds None by identity (a column of texts
    compared each to None took 2 ms a column of 100,000)."""
    return bool(values) and (values[0] is not None or values.count(None) < len(values))


def roles_of(
    place_ids: list[str],
    place_kinds: list[str],
    journey_starts: list[str],
    legs_per_journey: list[int],
    leg_ends: list[str],
) -> dict[str, str]:
    """What each place is in the story (models.place_roles' rule), by C loops: a big map has
    100,000 legs. `leg_ends`: every journey's legs' `to`, one journey after another."""
    starts = set(journey_starts)
    lasts = [count - 1 for count in accumulate(legs_per_journey)]
    ends = set(map(leg_ends.__getitem__, lasts))
    not_last = [True] * len(leg_ends)
    for last in lasts:
        not_last[last] = False
    passed = set(compress(leg_ends, not_last))
    roles = {}
    for place_id, kind in zip(place_ids, place_kinds):
        if kind == "border-crossing":
            roles[place_id] = "border-crossing"
        elif place_id in starts:
            roles[place_id] = "origin"
        elif place_id in ends:
            roles[place_id] = "destination"
        elif place_id in passed:
            roles[place_id] = "stop"
        else:
            roles[place_id] = "context"
    return roles


def indexes_of(
    journeys: list[str | None], places: list[str | None], groups: list[str | None]
) -> dict[str, dict[str, list[int]]]:
    """The positions of the quotes about each journey, place and group (models.quote_indexes),
    given each quote's `journey`, `place` and `group`."""
    found: dict[str, dict[str, list[int]]] = {}
    for key, targets in (("journey", journeys), ("place", places), ("group", groups)):
        by_id = found[key] = {}
        if not holds_a_value(targets):
            continue  # (a C loop: most files tie their quotes to one kind or two)
        for index, target in enumerate(targets):
            if target is not None:
                by_id.setdefault(target, []).append(index)
    return found


def end_numbers_of(
    place_ids: list[str], journey_starts: list[str], leg_ends: list[str]
) -> tuple[list[int], list[int]]:
    """Each journey's start and each leg's end (every journey's legs' `to`, one journey after
    another) as its place's number, the place's index in place_ids: how the legs' lines
    (geometry.leg_lines) and a big map's page (render._packed_fields) name a place. Worked out
    once for both, at C speed, or aside, on a big map's worker (render.page_parts_aside):
    finding 150,000 ids costs a cache miss or two each, a tenth of a second and more."""
    number = dict(zip(place_ids, range(len(place_ids))))
    return list(_numbers_of(journey_starts, number)), list(_numbers_of(leg_ends, number))


def _numbers_of(ids: list, number: dict) -> list | tuple:
    """number[id] for each of the ids, in one C call (itemgetter) where there are two or
    more: a big map looks up 100,000 legs' ends, three times as fast as one lookup a call."""
    return itemgetter(*ids)(number) if len(ids) > 1 else [number[id_] for id_ in ids]
