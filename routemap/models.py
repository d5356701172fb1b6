"""The typed records places.yaml is validated into, and the check of its cross-references.

Every model forbids unknown keys, so a misspelt key is an error rather than silently ignored.
Cross-references (a leg's `to`, a quote's `speaker`, ...) have their rules here:
`reference_problems` finds every broken one at once, with its location, on the parsed file;
`References` answers only whether they all hold, at C speed, for a file the models accept (a big
file's 700,000 references), and a file whose answer is no is then given reference_problems'
messages. Each rule is written in both; tests/test_references.py breaks every reference of the
shipped file in turn and checks that the two agree.
"""

from __future__ import annotations

import difflib
import re
from itertools import chain
from operator import attrgetter, itemgetter
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from .errors import SHOWN_PROBLEMS
from .references import (
    NESTED_FIELDS,
    RECORD_FIELDS,
    REFERENCE_FIELDS,
    TABLES,
    References,
)
from .tallies import indexes_of, roles_of

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
CountryCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]

PlaceKind = Literal["city", "border-crossing", "country", "home", "meeting-point"]
# Places that belong to one private person rather than to the story's geography: `routes check`
# warns while one is shown at its exact point (see check.privacy_warnings).
PRIVATE_KINDS = ("home", "meeting-point")
Precision = Literal["exact", "locality", "region", "country"]
Mode = Literal["flight", "car", "bus", "train", "foot", "unspecified"]
JourneyStatus = Literal["trip", "sold-out", "costly"]


class _NoEntries(list):
    """The one empty list that every record left without a list field's entries holds: a list
    of its own for each (the default a `list` call made) took 22 MB of a big file's records,
    72 bytes each for 300,000 of them, and pydantic's call for each was a fifth of the time
    of validating them. The records are frozen and nothing changes their lists in place; this
    one refuses to be changed (a TypeError), so that no record's change could be every
    record's. It equals `[]`, and copies, pickles and dumps as one."""

    __slots__ = ()

    def _refuse(self, *args: object, **kwargs: object) -> None:
        raise TypeError("a record's list is not changed in place: make the record anew")

    append = extend = insert = remove = pop = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = __iadd__ = __imul__ = _refuse  # type: ignore[assignment]

    def __hash__(self) -> int:  # (pydantic shares a default it can hash, copies one it cannot)
        return id(self)

    def __copy__(self) -> _NoEntries:
        return self

    def __deepcopy__(self, memo: dict) -> _NoEntries:
        return self

    def __reduce__(self) -> str:
        return "NO_ENTRIES"  # (pickled as the module's one, not a new list)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.list_schema()  # (how the schema writes the default: `[]`)


NO_ENTRIES = _NoEntries()


def no_entries() -> Any:
    """A list field's default, empty: NO_ENTRIES, one list shared by every record that has no
    entries there (a literal `[]` would be deep-copied for each record, pydantic copies a
    default it cannot hash, which took half of the time of validating a big file's places;
    `default_factory=list` made a list for each). The schema says the default is `[]`."""
    return Field(default=NO_ENTRIES, json_schema_extra={"default": []})


class Record(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, use_attribute_docstrings=True
    )


class Source(Record):
    """A news article the map is made from."""

    model_config = ConfigDict(  # (_named's rule, for editors' schema too)
        json_schema_extra={
            "anyOf": [{"required": [name]} for name in ("title", "publisher", "author")]
        }
    )

    id: Id
    """The source's id, used by `sources:`, `source:` and `via:` elsewhere. Lowercase letters,
    digits and dashes, e.g. `guardian`.
    """
    title: Text | None = None
    """The article's headline as printed, where it is known, e.g. `‘Tonight I will cross the
    border’: Russians flee…`. A source needs a title, a publisher or an author: the map names it
    by one of them.
    """
    publisher: Text | None = None
    """Who published it, e.g. `The Guardian`."""
    author: Text | None = None
    """Who wrote it, where the article names them, e.g. `Chingkheinganbi Mayengbam`."""
    url: Text | None = None
    """The article's address, if known; kept in this file, not shown on the page, e.g.
    `https://example.org/article` (an address reserved for examples).
    """
    file: Text | None = None
    """The article's text file in the folder given to `routes check --articles DIR`, e.g.
    `guardian.txt`: every quote is checked against it.
    """
    caveat: Text | None = None
    """A word or two the map adds to the source's name wherever it is cited, e.g. `re-translated
    text`.
    """
    note: Text | None = None
    """What a reader should know about this text, e.g. `The text names its author but not its
    publisher or date.`
    """

    @field_validator("url")
    @classmethod
    def _web_url(cls, url: str | None) -> str | None:
        if url is not None and not url.lower().startswith(("http://", "https://")):
            raise ValueError("a source's url must start with http:// or https://")
        return url

    @model_validator(mode="after")
    def _named(self) -> Source:
        if not (self.title or self.publisher or self.author):
            raise ValueError(
                "a source needs a `title:`, a `publisher:` or an `author:`, which the map names "
                "it by"
            )
        return self

    @property
    def name(self) -> str:
        """Who the article is by: its publisher, else its author, else its title (one of them
        there is: _named)."""
        return self.publisher or self.author or self.title or ""

    @property
    def label(self) -> str:
        """How the map names the article wherever it cites it: its name and, where the text is
        not what was printed (a re-translation), that caveat, so no citation can leave it out."""
        return f"{self.name} ({self.caveat})" if self.caveat else self.name


class Account(Record):
    """One source's version of something the sources tell differently (which flights sold out,
    which day the arrests were): each is kept, with its source, and shown side by side."""

    source: Id
    """The id of the source that says this, e.g. `mayengbam`."""
    says: Text
    """What that source says, in your words, e.g. `Flights to Dubai were sold out`."""


class Person(Record):
    """Someone the articles quote or follow, named as they print the name."""

    id: Id
    """The person's id, used by a journey's `person:` and a quote's `speaker:`, e.g. `oleg`."""
    name: Text
    """The name the articles print (a first name or pseudonym), e.g. `Oleg`."""
    age: Annotated[int, Field(ge=0, le=130)] | None = None
    """Age in years, where an article gives it, e.g. `29`."""
    role: Text | None = None
    """Who they are, as the articles put it, e.g. `sergeant in the Russian reserves`."""
    sources: list[Id] = no_entries()
    """Ids of the sources that mention this person, e.g. `[guardian]`."""


class Place(Record):
    """A place on the map: where a journey starts, passes or ends, or one named for context."""

    id: Id
    """The place's id, used by journeys (`from:`, `to:`) and quotes (`place:`), e.g. `upper-lars`.
    """
    name: Text
    """The place's name as the map shows it, e.g. `Upper Lars checkpoint (Russia–Georgia)`."""
    kind: PlaceKind
    """What the place is: city, border-crossing, country, home or meeting-point, e.g.
    `border-crossing`.
    """
    country: CountryCode
    """The ISO 3166 two-letter code of its country, e.g. `RU`."""
    # Left out, not written empty: `routes geocode` adds the keys, which would then be there
    # twice (an empty `lat:` is a mistake with its own message, load._explain).
    lat: Latitude = None
    """Latitude in decimal degrees, with a dot, e.g. `43.04101`; left out, `routes geocode` looks
    it up by name.
    """
    lon: Longitude = None
    """Longitude in decimal degrees, with a dot, e.g. `44.66986`."""
    note: Text | None = None
    """What the articles say about the place, shown in its popup, e.g. `Igor plans to fly here
    next week and drive to Georgia.`
    """
    also_called: list[Text] = no_entries()
    """Other names readers may look the place up by (an older name, another language's or
    script's), which the search finds it by and its popup lists, e.g. `[Tiflis, Тбилиси]`.
    """
    sources: list[Id] = no_entries()
    """Ids of the sources that name this place, e.g. `[guardian, mayengbam]`."""
    accounts: list[Account] = no_entries()
    """Where the sources disagree about the place: each source's version, e.g. `[{source:
    guardian, says: Police came in on Wednesday}]`.
    """
    inferred: Text | None = None
    """Why the editor chose this point when the articles do not name it; the dot is drawn hollow,
    e.g. `The Guardian names the Russian-Georgian border, not a checkpoint`.
    """
    approximate: bool = False
    """`true` when the point stands for an area, not an exact spot: a halo is drawn round it,
    e.g. `true`.
    """
    query: Text | None = None
    """What to look the place up by, when its name alone finds the wrong one, e.g. `Verkhny Lars,
    North Ossetia`.
    """
    geocoder: Text | None = None
    """Which geocoder found the coordinates; written by `routes geocode`, e.g. `nominatim`."""
    precision: Precision = Field(
        default="exact",
        description="How precisely the map and the exports may show this place: exact (its "
        "own point), locality (snapped to a 0.1° grid, about 11 km), region (a 1° grid, about "
        "110 km) or country (the country's own point). Anything tied to a private person, such "
        "as a home or a meeting point, should be locality or coarser. The point in lat/lon stays "
        "exact in this file; only what is published is coarsened, e.g. `locality`.",
    )

    @property
    def is_area(self) -> bool:
        """A country, a point the editor marks approximate, or one shown less precisely than it
        is, stands for an area, not a pin."""
        return self.approximate or self.kind == "country" or self.precision != "exact"


class Group(Record):
    """Journeys the articles discuss together (the sold-out flights), shown as one layer."""

    id: Id
    """The group's id, used by journeys' `group:` and quotes' `group:`, e.g. `sold-out-flights`."""
    name: Text
    """The group's name as the map's layers and panel show it, e.g. `Sold-out and costly flights`.
    """
    sources: list[Id] = Field(min_length=1)
    """Ids of the sources that discuss these routes, e.g. `[guardian, mayengbam]`."""
    note: Text | None = None
    """What the articles say about the routes together, e.g. `The two articles name different
    sold-out flights`.
    """
    accounts: list[Account] = no_entries()
    """Where the sources disagree about these routes: each source's version, e.g. `[{source:
    mayengbam, says: Flights to Dubai were sold out}]`.
    """


class Leg(Record):
    """One stretch of a journey, from where the one before it ends (or the journey's start)."""

    to: Id
    """The id of the place this leg ends at, e.g. `orenburg`."""
    mode: Mode
    """How: flight, car, bus, train, foot or unspecified (when the articles do not say), e.g.
    `car`.
    """
    when: Text | None = None
    """When, in the articles' words, e.g. `tonight`."""
    note: Text | None = None
    """What the articles say of this leg, e.g. `a one-way ticket`."""
    # Why the editor drew this leg when the articles do not state it (its mode, that it is
    # direct, where it ends): a leg with a reason here is drawn and described as inferred.
    inferred: Text | None = None
    """Why the editor drew this leg when the articles do not state it (its mode, that it is direct,
    where it ends); drawn hollow, e.g. `Neither article says he flew`.
    """


class Journey(Record):
    """A route someone took or plans (a trip), or a flight route the articles discuss."""

    id: Id
    """The journey's id, used by quotes' `journey:` and in links (`#journey=oleg`), e.g. `oleg`."""
    name: Text
    """The journey's name in the panel and popups, e.g. `Oleg, from Kazan to Orenburg and across
    the border`.
    """
    sources: list[Id] = Field(min_length=1)
    """Ids of the sources that tell this journey, e.g. `[guardian, mayengbam]`."""
    start: Id = Field(alias="from")
    """The id of the place the journey starts from, e.g. `kazan`."""
    legs: list[Leg] = Field(min_length=1)
    """The journey's legs in order, each with `to:` and `mode:`, e.g. `[{to: vladikavkaz, mode:
    flight, when: next week}, {to: upper-lars, mode: car}]`.
    """
    person: Id | None = None
    """The id of the person who travels, for a journey someone describes, e.g. `igor`."""
    status: JourneyStatus = "trip"
    """trip (a journey a person describes), sold-out or costly (a flight route the articles
    discuss), e.g. `sold-out`.
    """
    group: Id | None = None
    """The id of the group this route belongs to, e.g. `sold-out-flights`."""
    summary: Text | None = None
    """The journey in a sentence or two, from the articles, e.g. `Igor plans to fly to
    Vladikavkaz next week and drive to Georgia.`
    """
    start_inferred: Text | None = Field(default=None, alias="from_inferred")
    """Why the editor chose the starting place when the articles do not say it, e.g. `The article
    says Igor is from St. Petersburg, not where his flight leaves from.`
    """
    accounts: list[Account] = no_entries()
    """Where the sources disagree about this journey: each source's version, e.g. `[{source:
    guardian, says: "The cheapest one-way flight cost about £5,000"}]`.
    """


class Wording(Record):
    """Another source's wording of the same utterance, with who relayed it."""

    text: Text
    """The same words as this other source prints them, verbatim, e.g. `My heart sank when I got
    the call-up`.
    """
    source: Id
    """The id of the source that prints this wording, e.g. `mayengbam`."""
    via: Id | None = None
    """For words this source relays from another's interview: the id of the source they were said
    to, e.g. `guardian`.
    """


class Quote(Record):
    """Words someone said, as `source` prints them. `via` is the source they were said to when
    `source` relays them second-hand; `also` holds other sources' wordings of the same words.
    A quote tied to no journey, place or group is listed in the panel only."""

    text: Text
    """The words, verbatim from the source, quote marks and apostrophes within them as printed
    (not the marks around them, which the map adds), e.g. `My heart sank when I got the call-up`.
    """
    speaker: Id
    """The id of the person who said them, e.g. `oleg`."""
    source: Id
    """The id of the source that prints them, e.g. `mayengbam`."""
    via: Id | None = None
    """For relayed words: the id of the source they were said to (the source quotes that source's
    interview), e.g. `guardian`.
    """
    also: list[Wording] = no_entries()
    """The same words as other sources print them, e.g. `[{text: My heart sank when I got the
    call-up, source: mayengbam, via: guardian}]`.
    """
    journey: Id | None = None
    """The id of the journey the words are about; shown in its popup, e.g. `igor`."""
    place: Id | None = None
    """The id of the place the words are about; shown in its popup, e.g. `upper-lars`."""
    group: Id | None = None
    """The id of the group of routes the words are about, e.g. `sold-out-flights`."""


class Unmapped(Record):
    """A place the articles name that the map leaves out on purpose, and why."""

    name: Text
    """A place the articles name that the map leaves out, e.g. `Mongolia`."""
    sources: list[Id] = Field(min_length=1)
    """Ids of the sources that name it, e.g. `[guardian]`."""
    why: Text
    """Why it is not on the map, shown in the panel, e.g. `Shown by its Kyakhta–Altanbulag
    checkpoint.`
    """


class PlacesFile(Record):
    """places.yaml: the map's sources, people, places, journeys and quotes."""

    title: Text
    """The map's title, e.g. `Routes out of Russia after the “partial mobilisation”`."""
    lang: Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")] = "en"
    """The language this file's text (names, notes, quotes) is written in, as a BCP 47 tag,
    e.g. `en`: the page marks that text with it, so it reads in its own direction.
    """
    # When the story happened, where the articles give no date: `dated_inferred` says why.
    dated: Text | None = None
    """When the story happened, e.g. `September 2022`."""
    dated_inferred: Text | None = None
    """Why, where the articles give no date for it, e.g. `The articles give days but no date`."""
    sources: list[Source] = Field(min_length=1)
    """The articles the map is made from, e.g. `[{id: guardian, publisher: The Guardian, title:
    Russians flee}]`.
    """
    people: list[Person] = no_entries()
    """The people the articles quote or follow, e.g. `[{id: oleg, name: Oleg, age: 29}]`."""
    places: list[Place] = Field(min_length=1)
    """Every place on the map, e.g. `[{id: tbilisi, name: Tbilisi, kind: city, country: GE}]`."""
    groups: list[Group] = no_entries()
    """Routes the articles discuss together (drawn as one layer), e.g. `[{id: sold-out-flights,
    name: Sold-out and costly flights, sources: [guardian]}]`.
    """
    journeys: list[Journey] = no_entries()
    """The journeys, each from a place through legs to others, e.g. `[{id: igor, name: Igor's
    journey to Georgia, sources: [guardian], from: st-petersburg, legs: [{to: vladikavkaz, mode:
    flight}]}]`.
    """
    quotes: list[Quote] = no_entries()
    """Words people said, verbatim, each tied to who said it and where it is printed, e.g.
    `[{text: My heart sank when I got the call-up, speaker: oleg, source: mayengbam}]`.
    """
    unmapped: list[Unmapped] = no_entries()
    """Places the articles name that the map leaves out on purpose, and why, e.g. `[{name:
    Mongolia, sources: [guardian], why: Shown by its Kyakhta–Altanbulag checkpoint.}]`.
    """


def columns_of(records: list, *fields: str) -> dict[str, list]:
    """The records' named fields (fields they store, not properties) as columns, each its
    values in the records' order (the page's tables of a big map are columns,
    render.map_data). One pass over the records for all the fields, each record's fields taken
    from its __dict__ at once: a pass over a big table's records costs a cache miss or two a
    record, most of its time, and a C loop a field made one pass a field (three times as long
    for a journey's eight). The rows are taken apart COLUMNS_AT_ONCE at a time: all at once,
    the rows of a big table (a tuple a record) took 10 MB more at the build's peak."""
    if len(fields) < 2:
        return {field: list(map(itemgetter(field), map(vars, records))) for field in fields}
    row = itemgetter(*fields)
    columns: list[list] = [[] for _ in fields]
    for first in range(0, len(records), COLUMNS_AT_ONCE):
        rows = map(row, map(vars, records[first : first + COLUMNS_AT_ONCE]))
        for column, values in zip(columns, zip(*rows), strict=True):
            column += values
    return dict(zip(fields, columns, strict=True))


COLUMNS_AT_ONCE = 4096
"""Records whose rows columns_of takes apart at a time."""


class FileColumns:
    """A places file's tables as columns (columns_of), the fields of a table made in one pass
    when the table is first asked for, and kept: the page's data reads each table in several
    places (the places' roles, the quotes' indexes, the legs' lines, the tables themselves),
    and each pass over a big table's records cost 0.03–0.08 s, where one pass for every field
    costs little more than one for two. `legs` is every journey's legs, one after another.
    Made for one use of the file (render.map_data, export.geojson), as the columns are lists
    that the data made of them holds as they are. A place's point, precision and query are not
    among its columns (geometry.shown_point reads the records): each column of a big table held
    is memory at the build's peak."""

    PLACE_FIELDS = (
        "id", "name", "kind", "country", "note", "also_called", "sources", "accounts", "inferred"
    )  # fmt: skip

    def __init__(self, places: PlacesFile, made: dict[str, dict[str, list]] | None = None):
        """`made`: tables made already, of these very records (parse_ahead makes a big file's
        as its parts come: FileColumns.add)."""
        self.places = places
        self._tables: dict[str, dict[str, list]] = made or {}

    def __getitem__(self, table: str) -> dict[str, list]:
        made = self._tables.get(table)
        if made is None:
            if table == "legs":
                records = list(chain.from_iterable(self["journeys"]["legs"]))
            else:
                records = getattr(self.places, table)
            made = self._tables[table] = columns_of(records, *self.fields(table))
        return made

    @classmethod
    def fields(cls, table: str) -> tuple[str, ...]:
        """The fields of a table's columns."""
        if table == "places":
            return cls.PLACE_FIELDS
        if table == "legs":
            return tuple(Leg.model_fields)
        return tuple(PlacesFile.model_fields[table].annotation.__args__[0].model_fields)

    @classmethod
    def add(cls, made: dict[str, dict[str, list]], table: str, records: list) -> None:
        """Add some of a table's records, the next in the file, to the columns `made` of
        those before them (with the legs' of journeys): a big file's, part by part, as they
        are read, for FileColumns(places, made)."""
        parts = {table: columns_of(records, *cls.fields(table))}
        if table == "journeys":
            legs = list(chain.from_iterable(parts["journeys"]["legs"]))
            parts["legs"] = columns_of(legs, *cls.fields("legs"))
        for name, columns in parts.items():
            if name not in made:
                made[name] = columns
            else:
                for field, values in columns.items():
                    made[name][field] += values


def dicts_of(records: list) -> list[dict] | None:
    """Records (a place's or journey's accounts, a quote's other wordings) as dicts, as the
    page takes them; None for none."""
    return [record.model_dump() for record in records] if records else None


def place_roles(places: PlacesFile, columns: FileColumns | None = None) -> dict[str, str]:
    """What each place is in the story: origin, stop, destination, border crossing or context.

    A border crossing is always shown as one. Otherwise a place that starts any journey is an
    origin, one that ends any is a destination, one passed through is a stop, and one that no
    journey touches was named only for context (tallies.roles_of, from the tables' columns).
    """
    return roles_of(*role_columns(columns or FileColumns(places)))


def role_columns(columns: FileColumns) -> tuple[list, list, list, list[int], list]:
    """What tallies.roles_of works out the places' roles from: the places' ids and kinds, the
    journeys' starts and numbers of legs, and the legs' ends."""
    place_columns, journeys = columns["places"], columns["journeys"]
    legs_per_journey = list(map(len, journeys["legs"]))
    return (
        place_columns["id"],
        place_columns["kind"],
        journeys["start"],
        legs_per_journey,
        columns["legs"]["to"],
    )


def quote_indexes(
    places: PlacesFile, columns: FileColumns | None = None
) -> dict[str, dict[str, list[int]]]:
    """Positions of the quotes belonging to each journey, place and group: by "journey",
    "place" or "group", then by id (a dict of each kind's, not one keyed by pairs: a big map
    asks for 100,000 of them, and a pair is made for each; tallies.indexes_of)."""
    return indexes_of(*quote_target_columns(columns or FileColumns(places)))


def quote_target_columns(columns: FileColumns) -> tuple[list, list, list]:
    """What tallies.indexes_of works out the quotes' indexes from: each quote's `journey`,
    `place` and `group`."""
    quotes = columns["quotes"]
    return quotes["journey"], quotes["place"], quotes["group"]


# A broken reference: where it is (a path into the document), what is wrong, what to do.
Reference = tuple[tuple, str, str]


def _one_edit_apart(a: str, b: str) -> bool:
    """One letter changed, added or dropped, or two neighbours swapped (`di` for `id`)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        differ = [i for i in range(len(a)) if a[i] != b[i]]
        return len(differ) == 1 or (
            len(differ) == 2
            and differ[1] == differ[0] + 1
            and a[differ[0]] == b[differ[1]]
            and a[differ[1]] == b[differ[0]]
        )
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def likely_misspelling(word: str, known: list[str]) -> str | None:
    """The known word `word` is most likely a misspelling of, if any is close: one typing slip
    away (a letter changed, added, dropped, or two swapped: `di`, `ot`, `lta`, `frm`), else
    difflib's nearest (whose ratio alone would take `ot` for `note`, not `to`)."""
    if len(word) >= 2 and (
        slip := next((candidate for candidate in known if _one_edit_apart(word, candidate)), None)
    ):
        return slip
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    return close[0] if close else None


def allowed_keys(loc: tuple) -> list[str]:
    """The keys the model at `loc` (a path into the document, ending with a key) accepts."""
    model: Any = PlacesFile
    for step in loc[:-1]:
        if isinstance(step, int):
            continue
        field = model.model_fields.get(step)
        if field is None:
            return []
        annotation = field.annotation
        inner = getattr(annotation, "__args__", (annotation,))[0]
        if not hasattr(inner, "model_fields"):
            return []
        model = inner
    return [field.alias or name for name, field in model.model_fields.items()]


def meant_table(document, key: str) -> str | None:
    """The table an unknown top-level key stands for: the one table missing from the file
    whose entries' keys are all those it holds (`locations:` holding places, `routes:` holding
    journeys), else one it is a slip or a near spelling of (`placez:`). None when neither."""
    if not isinstance(document, dict):
        return None
    missing = [table for table in TABLES if table not in document]
    entries = [entry for entry in _as_list(document.get(key))[:5] if isinstance(entry, dict)]
    keys = {name for entry in entries for name in entry if isinstance(name, str)}
    holding = [table for table in missing if keys <= set(allowed_keys((table, 0, "")))]
    if entries and len(holding) == 1:
        return holding[0]
    return likely_misspelling(key, missing)


def _intended_id(table: str, entry: dict):
    """An entry's id written under a misspelt key (`di: yerevan`): reported once as an unknown
    key, and still the id that the references to the entry mean."""
    for key, value in entry.items():
        if isinstance(key, str) and key != "id":
            known = allowed_keys((table, 0, key))
            if key not in known and likely_misspelling(key, known) == "id":
                return value
    return None


def _what_to_do(name: str, known: list[str], table: str) -> str:
    """'did you mean …' when a defined id is close, else the ids there are; or how to add it."""
    known = list(dict.fromkeys(known))
    close = likely_misspelling(name, known)
    if close:
        return f"did you mean “{close}”? Or add “{name}” to {table}"
    if not known:
        return f"add “{name}” to {table} first"
    if len(known) <= 12:
        return f"use one of: {', '.join(known)}; or add “{name}” to {table}"
    return f"check the spelling, or add “{name}” to {table}"


def _is_id(value) -> bool:
    return isinstance(value, str) and re.fullmatch(ID_PATTERN, value) is not None


def _as_list(value) -> list:
    """The list a malformed document may not have where it should: [] for anything else."""
    return value if isinstance(value, list) else []


def _entries(document: dict, table: str) -> list:
    return _as_list(document.get(table) if isinstance(document, dict) else None)


def references_hold(places: PlacesFile) -> bool:
    """Whether reference_problems would find nothing: every id defined once, every reference
    to a defined id, no quote tied to two things. Asked of a file the models have accepted, as
    most are, with sets (reference_problems took 0.6 s for a file of 50,000 places, 1.6
    million calls of one check). Only when this says no does reference_problems find each
    problem and where it is."""
    references = References(RECORD_FIELDS)
    for table in TABLES:
        references.add(table, getattr(places, table))
    return references.hold()


def reference_columns(columns: FileColumns) -> dict[str, dict]:
    """What references.hold_in_columns checks the file's references from, as marshal carries it
    to a worker (render.page_parts_aside): each table's REFERENCE_FIELDS as a list, a list
    field's ids one after another, a list of records (accounts, legs, other wordings) a dict of
    its items' fields. The places', journeys' and quotes' fields are the columns the page is
    made of; the rest are taken from the records."""
    tables: dict[str, dict] = {}
    for table, names in REFERENCE_FIELDS.items():
        made = tables[table] = {}
        records = getattr(columns.places, table)
        for name in names:
            if name == "legs":
                made[name] = {"to": columns["legs"]["to"]}
                continue
            if table in ("places", "journeys", "quotes"):
                values = columns[table]["start" if name == "from" else name]
            else:
                values = list(map(RECORD_FIELDS(name), records))
            if name == "sources":
                values = list(chain.from_iterable(values))
            elif name in NESTED_FIELDS:
                items = list(chain.from_iterable(values))
                values = {
                    inner: list(map(attrgetter(inner), items)) for inner in NESTED_FIELDS[name]
                }
            made[name] = values
    return tables


def reference_problems(document: dict) -> list[Reference]:
    """Every id defined twice or referred to but never defined, in document order.

    Works on the parsed YAML rather than the typed records, so that broken references are
    reported together with every other problem even when some entries are malformed.
    """
    is_id = _is_id
    problems: list[Reference] = []
    tables: dict[str, dict[str, None]] = {}  # insertion-ordered sets of each table's ids
    for table in ("sources", "people", "places", "groups", "journeys"):
        ids = tables[table] = {}
        for index, entry in enumerate(_entries(document, table)):
            id_ = entry.get("id") if isinstance(entry, dict) else None
            if id_ is None and isinstance(entry, dict):
                id_ = _intended_id(table, entry)
                if not _is_id(id_):
                    continue
            elif not is_id(id_):
                continue  # a malformed id is reported by the model
            if id_ in ids:
                problems.append(
                    (
                        (table, index, "id"),
                        f"the id “{id_}” is used twice in {table}",
                        "give each entry its own id",
                    )
                )
            elif table == "journeys" and id_ in tables["groups"]:
                problems.append(
                    (
                        (table, index, "id"),
                        f"the id “{id_}” is a group's and a journey's",
                        "give the journey an id of its own: the map's links, panel and search "
                        "would take one for the other",
                    )
                )
            ids[id_] = None

    # A table whose key is misspelt (`journeyz:`) or renamed (`locations:`) is reported once, as
    # an unknown key; the references to its entries would each repeat that one mistake.
    keys = [key for key in document if isinstance(key, str)] if isinstance(document, dict) else []
    keys = [key for key in keys if key not in PlacesFile.model_fields]  # only the unknown ones
    misspelt = {meant_table(document, key) for key in keys} & set(tables)

    def check(path: tuple, table: str, id_, what: str) -> None:
        if table in misspelt:
            return
        if id_ is not None and is_id(id_) and id_ not in tables[table]:
            # 'Did you mean' compares the id with every id of its table: only for as many
            # problems as a message shows (errors.SHOWN_PROBLEMS), not for thousands.
            todo = (
                _what_to_do(id_, list(tables[table]), table)
                if len(problems) < SHOWN_PROBLEMS
                else f"check the spelling, or add “{id_}” to {table}"
            )
            problems.append((path, f"{what} “{id_}” is not in {table}", todo))

    def cited(here: tuple, entry: dict) -> None:
        """An entry's `sources:` and the source of each of its `accounts:`."""
        for n, source in enumerate(_as_list(entry.get("sources"))):
            check((*here, "sources", n), "sources", source, "the source")
        for n, account in enumerate(_as_list(entry.get("accounts"))):
            if isinstance(account, dict):
                check(
                    (*here, "accounts", n, "source"), "sources", account.get("source"), "the source"
                )

    for table in ("people", "places", "groups", "unmapped"):
        for index, entry in enumerate(_entries(document, table)):
            if isinstance(entry, dict):
                cited((table, index), entry)
    for index, journey in enumerate(_entries(document, "journeys")):
        if not isinstance(journey, dict):
            continue
        here = ("journeys", index)
        cited(here, journey)
        start = "start" if "start" in journey and "from" not in journey else "from"
        check((*here, start), "places", journey.get(start), "the place")  # (`start`: the models'
        # own name for it, which they accept too)
        for n, leg in enumerate(_as_list(journey.get("legs"))):
            if isinstance(leg, dict):
                check((*here, "legs", n, "to"), "places", leg.get("to"), "the place")
        check((*here, "person"), "people", journey.get("person"), "the person")
        check((*here, "group"), "groups", journey.get("group"), "the group")
    for index, quote in enumerate(_entries(document, "quotes")):
        if not isinstance(quote, dict):
            continue
        here = ("quotes", index)
        check((*here, "speaker"), "people", quote.get("speaker"), "the speaker")
        check((*here, "source"), "sources", quote.get("source"), "the source")
        check((*here, "via"), "sources", quote.get("via"), "the source")
        for n, wording in enumerate(_as_list(quote.get("also"))):
            if isinstance(wording, dict):
                check((*here, "also", n, "source"), "sources", wording.get("source"), "the source")
                check((*here, "also", n, "via"), "sources", wording.get("via"), "the source")
        targets = [key for key in ("journey", "place", "group") if quote.get(key) is not None]
        if len(targets) > 1:
            problems.append(
                (
                    here,
                    "a quote can belong to one journey, place or group at most"
                    f" (this one names {' and '.join(targets)})",
                    "keep one of `journey:`, `place:` or `group:` (or none, to list it in the"
                    " panel only)",
                )
            )
        check((*here, "journey"), "journeys", quote.get("journey"), "the journey")
        check((*here, "place"), "places", quote.get("place"), "the place")
        check((*here, "group"), "groups", quote.get("group"), "the group")
    if "journeys" not in misspelt:
        journeys = _entries(document, "journeys")
        grouped = {journey.get("group") for journey in journeys if isinstance(journey, dict)}
        for index, group in enumerate(_entries(document, "groups")):
            id_ = group.get("id") if isinstance(group, dict) else None
            if is_id(id_) and id_ not in grouped:
                problems.append(
                    (
                        ("groups", index, "id"),
                        f"the group “{id_}” has no journeys, so the map would show nothing of it, "
                        "its note and quotes neither",
                        f"add `group: {id_}` to the routes it holds, or remove the group",
                    )
                )
    return problems
