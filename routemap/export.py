"""`routes export`: the map's data for other tools, as GeoJSON or the quotes as CSV.

For editors who want the data elsewhere (QGIS, geojson.io, GitHub, a spreadsheet, a newsroom's
own maps). `geojson` and `quotes_csv` are pure, so the page can one day offer the same files
for download; `write_geojson` and `write_quotes_csv` write them atomically.

The GeoJSON is an RFC 7946 FeatureCollection: points for places and lines for legs, longitude
before latitude, lines that cross the antimeridian split there. Every coordinate is where the
place may be shown (geometry.shown_point), never more precise than its `precision:`.

**Each quote appears once**, so that counting quotes in QGIS or joining them to the CSV gives
the true numbers: a place's quotes are on the place's point; a journey's quotes (and its
accounts, where the sources differ) on the journey's first leg only, every leg naming its
journey by id (`journey`) so the others can be joined to it; a group's note, accounts and quotes
on one feature of its own, and the quotes about nothing in particular on one feature for the
map as a whole (with its title, date and sources). Those two have no geometry (`null`, which
RFC 7946 allows: QGIS lists them as a table without geometry, geojson.io and GitHub skip them
on the map). Copying a journey's quotes onto each of its legs, as this export once did,
counted a two-leg journey's quotes twice. Each quote carries `number`, its position in
places.yaml, the same number as in the CSV.

Lines and points carry simplestyle-spec properties (`stroke`, `stroke-width`, `stroke-opacity`,
`marker-color`, `marker-size`), so geojson.io and GitHub draw them in the map's own colours and
widths, from the same table (styles.py) and the same choice of colour per journey.

The CSV has one row per wording: a quote's own text, then each other source's wording of it,
with who said it, whom to (for words one source relays from another's interview) and what it is
about. A spreadsheet opens it safely: see `spreadsheet_cell`.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .files import write_atomic
from .geometry import leg_lines, place_feature, positions, shown_point, split_at_antimeridian
from .models import FileColumns, PlacesFile, Quote, place_roles, quote_indexes
from .styles import MARKER_STYLES, journey_colours, leg_style


def _marker_size(role: str) -> str:
    """simplestyle's marker size for a role: the map's larger dots medium, the rest small."""
    return "medium" if MARKER_STYLES[role]["radius"] >= 7 else "small"


def _about(quote: Quote) -> tuple[str, str] | None:
    """What a quote belongs to: ("journey" | "place" | "group", its id), or None."""
    for key in ("journey", "place", "group"):
        if getattr(quote, key) is not None:
            return key, getattr(quote, key)
    return None


class _Cited:
    """How the exports name sources, people and quotes: in words, not ids."""

    def __init__(self, places: PlacesFile):
        self.places = places
        self.sources = {source.id: source for source in places.sources}
        self.people = {person.id: person for person in places.people}

    def labels(self, ids: list[str]) -> list[str]:
        return [self.sources[s].label for s in ids]

    def accounts(self, entry) -> list[dict]:
        return [{"source": self.sources[a.source].label, "says": a.says} for a in entry.accounts]

    def wording(self, text: str, source: str, via: str | None) -> dict:
        return {
            "text": text,
            "source": self.sources[source].label,
            "source_title": self.sources[source].title,
            # Relayed words: said to `said_to`, printed by `source`.
            "said_to": self.sources[via].name if via else None,
        }

    def quote(self, index: int) -> dict:
        quote = self.places.quotes[index]
        speaker = self.people[quote.speaker]
        return {
            "number": index + 1,
            **self.wording(quote.text, quote.source, quote.via),
            "speaker": speaker.name,
            "speaker_age": speaker.age,
            "speaker_role": speaker.role,
            "other_wordings": [self.wording(w.text, w.source, w.via) for w in quote.also],
        }


def geojson(places: PlacesFile, for_readers: bool = False) -> dict:
    """The FeatureCollection (see the module's docstring for where each quote is).
    `for_readers`: the copy a page offers its readers, which carries only what the page shows
    (not a place's kind, which would say a point is someone's home, its precision or which
    geocoder found it, nor the sources' addresses)."""
    cited = _Cited(places)
    names = {place.id: place.name for place in places.places}
    by_id = {place.id: place for place in places.places}
    columns = FileColumns(places)
    roles = place_roles(places, columns)
    indexes = quote_indexes(places, columns)
    colours = journey_colours(places.journeys)

    def quotes(key: str, id_: str) -> list[dict]:
        return [cited.quote(index) for index in indexes[key].get(id_, [])]

    features = []
    for place in places.places:
        role = roles[place.id]
        features.append(
            {
                "id": f"place:{place.id}",
                **place_feature(
                    place,
                    role,
                    quotes("place", place.id),
                    feature="place",
                    **(
                        {}
                        if for_readers
                        else {
                            "kind": place.kind,
                            "precision": place.precision,
                            "geocoder": place.geocoder,
                        }
                    ),
                    certainty="inferred" if place.inferred else "stated",
                    sources=cited.labels(place.sources),
                    accounts=cited.accounts(place),
                    area=place.is_area,
                    **{
                        "marker-color": MARKER_STYLES[role]["fillColor"],
                        "marker-size": _marker_size(role),
                    },
                ),
            }
        )
    lines = leg_lines(places, columns)
    for leg_index, (journey, number, start, leg) in enumerate(lines.legs):
        person = cited.people.get(journey.person) if journey.person else None
        first = number == 1
        pieces = positions(split_at_antimeridian(lines.line(leg_index)))
        if len(pieces) == 1:
            geometry = {"type": "LineString", "coordinates": pieces[0]}
        else:
            geometry = {"type": "MultiLineString", "coordinates": pieces}
        style = leg_style(journey.status, leg.mode)
        features.append(
            {
                "type": "Feature",
                "id": f"leg:{journey.id}:{number}",
                "geometry": geometry,
                "properties": {
                    "feature": "leg",
                    "journey": journey.id,
                    "journey_name": journey.name,
                    "status": journey.status,
                    "group": journey.group,
                    "person": person.name if person else None,
                    "leg": number,
                    "legs": len(journey.legs),
                    "from": start,
                    "to": leg.to,
                    "from_name": names[start],
                    "to_name": names[leg.to],
                    "mode": leg.mode,
                    "when": leg.when,
                    "note": leg.note,
                    # How each part of the leg is known: the leg itself (that it was travelled,
                    # and so: the map draws an inferred one hollow), "stated" or "inferred" with
                    # why; then each of its ends, where the editor chose the place, and why.
                    "certainty": "inferred" if leg.inferred else "stated",
                    "inferred": leg.inferred,
                    "from_inferred": (journey.start_inferred if first else None)
                    or by_id[start].inferred,
                    "to_inferred": by_id[leg.to].inferred,
                    "summary": journey.summary,
                    "sources": cited.labels(journey.sources),
                    # The journey's own, once: on its first leg.
                    "accounts": cited.accounts(journey) if first else [],
                    "quotes": quotes("journey", journey.id) if first else [],
                    "stroke": colours[journey.id],
                    "stroke-width": style["weight"],
                    "stroke-opacity": style["opacity"],
                },
            }
        )
    for group in places.groups:
        features.append(
            {
                "type": "Feature",
                "id": f"group:{group.id}",
                "geometry": None,
                "properties": {
                    "feature": "group",
                    "id": group.id,
                    "name": group.name,
                    "note": group.note,
                    "journeys": [j.id for j in places.journeys if j.group == group.id],
                    "sources": cited.labels(group.sources),
                    "accounts": cited.accounts(group),
                    "quotes": quotes("group", group.id),
                },
            }
        )
    features.append(
        {
            "type": "Feature",
            "id": "map",
            "geometry": None,
            "properties": {
                "feature": "map",
                "title": places.title,
                "dated": places.dated,
                "dated_inferred": places.dated_inferred,
                "sources": cited.labels([s.id for s in places.sources]),
                "source_titles": [s.title for s in places.sources],
                **({} if for_readers else {"source_urls": [s.url for s in places.sources]}),
                # Quotes about no one journey, place or group.
                "quotes": [
                    cited.quote(index)
                    for index, quote in enumerate(places.quotes)
                    if _about(quote) is None
                ],
            },
        }
    )
    return {"type": "FeatureCollection", "features": features}


def write_geojson(places: PlacesFile, out: Path) -> int:
    """Write the collection atomically; returns the number of features."""
    collection = geojson(places)
    write_atomic(out, json.dumps(collection, ensure_ascii=False, indent=1) + "\n")
    return len(collection["features"])


QUOTE_COLUMNS = (
    "quote",  # its number: its position in places.yaml, as in the GeoJSON
    "wording",  # 1 for the quote's own text, 2, 3, ... for other sources' wordings of it
    "text",
    "speaker",
    "speaker_age",
    "speaker_role",
    "said_to",  # relayed words: the source they were said to; `source` quotes them
    "source",
    "source_title",
    "about",  # journey, place or group, or empty for a quote about none of them
    "about_id",
    "about_name",
    "lat",  # a place's quotes: where the place is shown (never more precise than declared)
    "lon",
)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_cell(value) -> str:
    """A value as a CSV cell a spreadsheet will not run as a formula.

    Excel, LibreOffice and Google Sheets treat a cell that starts with =, +, -, @, a tab or a
    carriage return as a formula, so a quote beginning "=HYPERLINK(...)" or "-2+3" could run or
    leak data when opened. As OWASP's CSV-injection advice says, such a text cell is prefixed
    with a single quote (shown as text, the quote itself hidden), and every cell is wrapped in
    double quotes (csv.QUOTE_ALL in quotes_csv). Numbers (a longitude of -149.9, an age) are
    written as numbers: they are the tool's own, not text from places.yaml.
    """
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def quote_rows(places: PlacesFile) -> list[dict]:
    """One row per wording of every quote, in the order of places.yaml (see QUOTE_COLUMNS)."""
    cited = _Cited(places)
    names = {
        "journey": {j.id: j.name for j in places.journeys},
        "place": {p.id: p.name for p in places.places},
        "group": {g.id: g.name for g in places.groups},
    }
    points = {place.id: shown_point(place) for place in places.places}
    rows = []
    for index, quote in enumerate(places.quotes):
        about = _about(quote)
        speaker = cited.people[quote.speaker]
        lat, lon = points[about[1]] if about and about[0] == "place" else (None, None)
        wordings = [(quote.text, quote.source, quote.via)]
        wordings += [(w.text, w.source, w.via) for w in quote.also]
        for number, (text, source, via) in enumerate(wordings, start=1):
            words = cited.wording(text, source, via)
            rows.append(
                {
                    "quote": index + 1,
                    "wording": number,
                    "text": text,
                    "speaker": speaker.name,
                    "speaker_age": speaker.age,
                    "speaker_role": speaker.role,
                    "said_to": words["said_to"],
                    "source": words["source"],
                    "source_title": words["source_title"],
                    "about": about[0] if about else None,
                    "about_id": about[1] if about else None,
                    "about_name": names[about[0]][about[1]] if about else None,
                    "lat": lat,
                    "lon": lon,
                }
            )
    return rows


def _csv_text(rows: list[dict]) -> str:
    """Rows as CSV text (RFC 4180: comma-separated, CRLF line ends), with a UTF-8 byte order
    mark so that Excel reads the curly quotes and Cyrillic as UTF-8, not as Latin-1."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL)
    writer.writerow(QUOTE_COLUMNS)
    for row in rows:
        writer.writerow([spreadsheet_cell(row[column]) for column in QUOTE_COLUMNS])
    return "\ufeff" + buffer.getvalue()


def quotes_csv(places: PlacesFile) -> str:
    """The quotes as CSV text, one row per wording (see quote_rows)."""
    return _csv_text(quote_rows(places))


def write_quotes_csv(places: PlacesFile, out: Path) -> int:
    """Write the quotes' CSV atomically; returns the number of rows (wordings)."""
    rows = quote_rows(places)
    write_atomic(out, _csv_text(rows))
    return len(rows)


DOWNLOADS_UP_TO = 2000
"""Maps of up to this many places and journeys carry their GeoJSON and quotes CSV inside the
page, for the reader's "Download the data" links; a bigger map's would weigh more than the map
(publish `routes export`'s files beside it instead)."""


def downloads(places: PlacesFile) -> dict | None:
    """The files a reader can download from the page, as text: the GeoJSON and the quotes CSV."""
    if max(len(places.places), len(places.journeys)) > DOWNLOADS_UP_TO:
        return None
    return {
        "geojson": json.dumps(geojson(places, for_readers=True), ensure_ascii=False, indent=1),
        "csv": quotes_csv(places),
    }
