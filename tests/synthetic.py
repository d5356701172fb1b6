"""A seeded synthetic places.yaml of any size, valid under the real schema.

Used by the benchmark (tests/benchmark.py) and by the browser tests of a big map. Places are
spread over Europe and Asia; journeys have one to three legs by a mix of modes; a tenth of them
are flight routes in groups; every quote belongs to a journey, a place or a group.
"""

from __future__ import annotations

import json
import random

COUNTRIES = ["RU", "KZ", "GE", "AM", "TR", "AZ", "UZ", "FI", "MN", "AE", "UA", "DE", "RS", "KG"]


def _located(rng) -> tuple[str, float, float]:
    """A random point of the map's region and a country it may be in (routemap.whereabouts):
    a place's coordinates must agree with its `country:`."""
    from routemap.whereabouts import _inside_many, near_country

    while True:
        lat, lon = rng.uniform(20, 68), rng.uniform(-10, 140)
        first = rng.randrange(len(COUNTRIES))
        for country in COUNTRIES[first:] + COUNTRIES[:first]:
            point = round(lat, 5), round(lon, 5)
            if near_country(country, *point) and _inside_many(country, [point[0]], [point[1]])[0]:
                return country, lat, lon


MODES = ["flight", "flight", "car", "car", "bus", "train", "foot", "unspecified"]
WORDS = (
    "border queue night flight ticket draft papers family leave train car city friends "
    "mobilisation passport visa morning tomorrow week checkpoint road sold out price"
).split()


def _text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def synthetic_places(places: int, journeys: int, quotes: int, seed: int = 1) -> str:
    """The YAML text of a places file with the given counts (JSON-style values, valid YAML)."""
    rng = random.Random(seed)
    q = json.dumps
    sources = max(1, places // 100)
    people = max(1, journeys // 2)
    groups = max(1, journeys // 50)
    lines = [f"title: {q(f'Synthetic map of {places} places')}", "sources:"]
    for n in range(sources):
        lines += [
            f"  - id: source-{n}",
            f"    title: {q(f'Article {n}')}",
            f"    publisher: Paper {n % 7}",
        ]
    lines.append("people:")
    for n in range(people):
        lines += [
            f"  - id: person-{n}",
            f"    name: Person {n}",
            f"    age: {18 + n % 50}",
            "    role: traveller",
        ]
    lines.append("places:")
    for n in range(places):
        kind = "border-crossing" if n % 20 == 0 else "city"
        country, lat, lon = _located(rng)
        lines += [
            f"  - id: place-{n}",
            f"    name: Place {n}",
            f"    kind: {kind}",
            f"    country: {country}",
            f"    lat: {lat:.5f}",
            f"    lon: {lon:.5f}",
        ]
        if n % 7 == 0:
            lines.append(f"    note: {q(_text(rng, 12))}")
        if kind == "border-crossing":
            lines.append(f"    inferred: {q(_text(rng, 10))}")
    lines.append("groups:")
    for n in range(groups):
        lines += [
            f"  - id: group-{n}",
            f"    name: Route group {n}",
            f"    sources: [source-{n % sources}]",
        ]
    lines.append("journeys:")
    for n in range(journeys):
        start = rng.randrange(places)
        lines += [
            f"  - id: journey-{n}",
            f"    name: Journey {n}",
            f"    sources: [source-{rng.randrange(sources)}]",
            f"    from: place-{start}",
        ]
        if n % 10 == 9:
            lines += [
                f"    status: {rng.choice(['sold-out', 'costly'])}",
                f"    group: group-{(n // 10) % groups}",  # every group has its routes
            ]
            legs = [("flight", rng.randrange(places))]
        else:
            lines += [f"    person: person-{n % people}", f"    summary: {q(_text(rng, 20))}"]
            legs = [(rng.choice(MODES), rng.randrange(places)) for _ in range(rng.randint(1, 3))]
        lines.append("    legs:")
        at = start
        for mode, drawn in legs:
            # A leg never ends where it starts (check.legs_to_themselves warns of one): the next
            # place instead, so that the rest of the file is what the same seed always made.
            to = (drawn + 1) % places if drawn == at and places > 1 else drawn
            lines.append(f"      - {{to: place-{to}, mode: {mode}, when: next week}}")
            at = to
    lines.append("quotes:")
    for _ in range(quotes):
        target = rng.choice(["journey", "journey", "journey", "place", "group"])
        count = {"journey": journeys, "place": places, "group": groups}[target]
        lines += [
            f"  - text: {q(_text(rng, 15))}",
            f"    speaker: person-{rng.randrange(people)}",
            f"    source: source-{rng.randrange(sources)}",
            f"    {target}: {target}-{rng.randrange(count)}",
        ]
    return "\n".join(lines) + "\n"
