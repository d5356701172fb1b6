"""`routes export --format geojson`: places and journey legs as an RFC 7946 FeatureCollection.

For editors who want the data in another tool (QGIS, geojson.io, a newsroom's own maps): points
for places and lines for legs, longitude before latitude, lines that cross the antimeridian
split there, and properties carrying names, kinds, modes, quotes and sources as text.
"""

from __future__ import annotations

import json
from pathlib import Path

from .geometry import journey_shapes, place_feature, positions, split_at_antimeridian
from .models import PlacesFile, place_roles, quote_indexes
from .render import write_atomic


def geojson(places: PlacesFile) -> dict:
    people = {person.id: person for person in places.people}
    sources = {source.id: source for source in places.sources}
    names = {place.id: place.name for place in places.places}
    by_id = {place.id: place for place in places.places}

    def cite(ids: list[str]) -> list[str]:
        return [sources[s].label for s in ids]

    def accounts(entry) -> list[dict]:
        return [{"source": sources[a.source].label, "says": a.says} for a in entry.accounts]

    def wording(text: str, source: str, via: str | None) -> dict:
        return {
            "text": text,
            "source": sources[source].label,
            "source_title": sources[source].title,
            # Relayed words: said to `said_to`, printed by `source`.
            "said_to": sources[via].name if via else None,
        }

    roles = place_roles(places)
    indexes = quote_indexes(places)

    def quotes(key: str, id_: str) -> list[dict]:
        result = []
        for index in indexes.get((key, id_), []):
            quote = places.quotes[index]
            speaker = people[quote.speaker]
            result.append(
                {
                    **wording(quote.text, quote.source, quote.via),
                    "speaker": speaker.name,
                    "speaker_age": speaker.age,
                    "speaker_role": speaker.role,
                    "other_wordings": [wording(w.text, w.source, w.via) for w in quote.also],
                }
            )
        return result

    features = [
        {
            "id": f"place:{place.id}",
            **place_feature(
                place,
                roles[place.id],
                quotes("place", place.id),
                feature="place",
                geocoder=place.geocoder,
                certainty="inferred" if place.inferred else "stated",
                sources=cite(place.sources),
                accounts=accounts(place),
                area=place.is_area,
            ),
        }
        for place in places.places
    ]
    group_by_id = {group.id: group for group in places.groups}
    for journey, shapes in journey_shapes(places):
        person = people.get(journey.person) if journey.person else None
        journey_quotes = quotes("journey", journey.id)
        if journey.group:
            journey_quotes += quotes("group", journey.group)
        for shape in shapes:
            pieces = positions(split_at_antimeridian(shape.line))
            if len(pieces) == 1:
                geometry = {"type": "LineString", "coordinates": pieces[0]}
            else:
                geometry = {"type": "MultiLineString", "coordinates": pieces}
            features.append(
                {
                    "type": "Feature",
                    "id": f"leg:{journey.id}:{shape.number}",
                    "geometry": geometry,
                    "properties": {
                        "feature": "leg",
                        "journey": journey.id,
                        "journey_name": journey.name,
                        "status": journey.status,
                        "group": journey.group,
                        "person": person.name if person else None,
                        "leg": shape.number,
                        "legs": len(shapes),
                        "from": shape.start,
                        "to": shape.leg.to,
                        "from_name": names[shape.start],
                        "to_name": names[shape.leg.to],
                        "mode": shape.leg.mode,
                        "when": shape.leg.when,
                        "note": shape.leg.note,
                        # How each part of the leg is known: "stated" or "inferred", with why.
                        "certainty": "inferred" if shape.leg.inferred else "stated",
                        "inferred": shape.leg.inferred,
                        "from_inferred": (journey.start_inferred if shape.number == 1 else None)
                        or by_id[shape.start].inferred,
                        "to_inferred": by_id[shape.leg.to].inferred,
                        "accounts": accounts(journey)
                        + (accounts(group_by_id[journey.group]) if journey.group else []),
                        "summary": journey.summary,
                        "sources": cite(journey.sources),
                        "quotes": journey_quotes,
                    },
                }
            )
    return {"type": "FeatureCollection", "features": features}


def write_geojson(places: PlacesFile, out: Path) -> int:
    """Write the collection atomically; returns the number of features."""
    collection = geojson(places)
    write_atomic(out, json.dumps(collection, ensure_ascii=False, indent=1) + "\n")
    return len(collection["features"])
